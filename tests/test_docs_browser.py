"""/docs in a real browser: Swagger UI renders every operation from /openapi.json, with
the simulators' examples, and try-it calls this gateway (Debian's chromium, headless)."""

from __future__ import annotations

from pathlib import Path

import httpx
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import browser, console_errors, served
from tests.servers import Process

__all__ = ["browser", "served"]
WAIT = 30


def test_docs_render_every_operation_with_examples_and_try_it(
    served: Process, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    document = httpx.get(served.url + "/openapi.json").json()
    operations = [
        (operation["tags"][0], operation["operationId"])
        for item in document["paths"].values()
        for operation in item.values()
    ]
    browser.get(served.url + "/docs")
    wait = WebDriverWait(browser, WAIT)
    wait.until(lambda b: len(b.find_elements(By.CSS_SELECTOR, ".opblock")) == len(operations))
    for tag, operation_id in operations:  # each one, where Swagger UI puts it
        assert browser.find_elements(By.ID, f"operations-{tag}-{operation_id}"), operation_id
    page = browser.find_element(By.TAG_NAME, "body").text
    assert "`" not in page  # Markdown rendered, not shown
    assert "Loading" not in page

    # An operation opened shows its parameters described and the simulator's answer.
    one = browser.find_element(By.ID, "operations-customers-customers_retrieve")
    one.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
    wait.until(lambda b: "The customer's canonical ID" in one.text)
    assert '"id": "borderbolt:501"' in one.text  # the recorded example answer

    # Try it out: the page calls this gateway and shows its answer.
    health = browser.find_element(By.ID, "operations-operations-health_get")
    health.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
    wait.until(lambda b: health.find_elements(By.CSS_SELECTOR, ".try-out__btn"))
    health.find_element(By.CSS_SELECTOR, ".try-out__btn").click()
    wait.until(lambda b: health.find_elements(By.CSS_SELECTOR, ".execute"))
    health.find_element(By.CSS_SELECTOR, ".execute").click()
    wait.until(lambda b: health.find_elements(By.CSS_SELECTOR, ".live-responses-table"))
    live = health.find_element(By.CSS_SELECTOR, ".live-responses-table")
    wait.until(lambda b: "200" in live.text and '"status": "ok"' in live.text)
    browser.save_screenshot(str(tmp_path / "docs.png"))
    assert console_errors(browser) == []
