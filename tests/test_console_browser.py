"""/admin/ui in a real browser (Debian's chromium, headless, through selenium): sign in,
see the connections, an invalid edit shown and not applied, a valid one applied live
and visible in GET /admin/config."""

from __future__ import annotations

import httpx
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import browser, console_errors, served
from tests.servers import Process

__all__ = ["browser", "served"]
ADMIN = {"Authorization": "Bearer admin-key"}


def _edit(browser: webdriver.Chrome, change: tuple[str, str]) -> str:
    """Replace text in the editor as a person would (select all, type the new text)."""
    editor = browser.find_element(By.ID, "config-text")
    text = editor.get_property("value")
    assert isinstance(text, str) and change[0] in text
    edited = text.replace(*change)
    browser.execute_script("arguments[0].value = arguments[1]", editor, edited)
    browser.find_element(By.ID, "check").click()
    return edited


def _by_id(browser: webdriver.Chrome, element_id: str) -> WebElement:
    WebDriverWait(browser, 15).until(lambda b: b.find_elements(By.ID, element_id))
    return browser.find_element(By.ID, element_id)


def test_sign_in_see_connections_refuse_an_invalid_edit_apply_a_valid_one(
    served: Process, browser: webdriver.Chrome
) -> None:
    before = httpx.get(served.url + "/admin/config", headers=ADMIN).json()
    browser.get(served.url + "/admin/ui")
    browser.find_element(By.ID, "key").send_keys("demo-key")  # not an admin key
    browser.find_element(By.ID, "sign-in").click()
    assert "lacks the admin scope" in _by_id(browser, "notice").text
    browser.find_element(By.ID, "key").send_keys("admin-key")
    browser.find_element(By.ID, "sign-in").click()
    assert _by_id(browser, "who").text == "signed in as ops"

    rows = browser.find_elements(By.CSS_SELECTOR, "#connections tbody tr")
    assert [r.get_attribute("data-connection") for r in rows] == ["borderbolt", "crm", "shop"]
    assert "closed" in rows[0].text and "ttl 30" in rows[0].text
    browser.find_element(By.LINK_TEXT, "Connections").click()  # the capabilities' page
    matrix = _by_id(browser, "capabilities").text
    assert "list_items" in matrix and "filter country" in matrix

    # Invalid: the problem is shown with its path and line; nothing changes.
    browser.find_element(By.LINK_TEXT, "Config & versions").click()  # the editor's page
    _by_id(browser, "versions")
    edited = _edit(browser, ("adapter: inventorum", "adapter: inventorium"))
    line = 1 + edited.splitlines().index("    adapter: inventorium")
    problems = _by_id(browser, "problems").text
    assert "Not applied" in problems
    assert "connections.shop.adapter" in problems and "did you mean 'inventorum'?" in problems
    assert f"line {line}, column 5" in problems
    assert httpx.get(served.url + "/admin/config", headers=ADMIN).json() == before

    # Valid: the diff first, then applied live.
    browser.get(served.url + "/admin/ui/config")
    _edit(
        browser, ("cache: {ttl: 30, stale_if_error: 300}", "cache: {ttl: 45, stale_if_error: 300}")
    )
    diff = _by_id(browser, "diff").text
    assert "-    cache: {ttl: 30, stale_if_error: 300}" in diff
    assert "+    cache: {ttl: 45, stale_if_error: 300}" in diff
    assert httpx.get(served.url + "/admin/config", headers=ADMIN).json() == before
    browser.find_element(By.ID, "apply").click()
    assert "Applied" in _by_id(browser, "notice").text
    after = httpx.get(served.url + "/admin/config", headers=ADMIN).json()
    assert after["connections"]["borderbolt"]["cache"]["ttl"] == 45
    audit = browser.find_element(By.ID, "audit").text
    assert "config.put" in audit and "ops" in audit
    assert console_errors(browser, expected=(401, 422)) == []
