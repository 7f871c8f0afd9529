"""Every console page and action in a real browser (Debian's chromium, headless, through
selenium), against a served gateway with webhooks, a dead connection and traffic
(tests/console_setup.py): the navigation, figures refreshed in place, health and last
error, keys' quota use, config versions with diff and rollback, plain words for a stale
page, deliveries filtered, paged and sent again, the audit filtered and paged."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from gateway.routes.console_kit import NAVIGATION
from tests.browser import browser, console_errors
from tests.console_setup import (
    ADMIN,
    CREATES,
    DEMO,
    Receiver,
    by_id,
    console_gateway,
    deliveries_settled,
    figures_shown,
    make_traffic,
    sign_in,
)
from tests.servers import Process

__all__ = ["browser"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Process, Receiver]]:
    with console_gateway(tmp_path_factory.mktemp("console")) as (gateway, erp):
        make_traffic(gateway.url)
        deliveries_settled(gateway.url, 2 * CREATES)
        yield gateway, erp


@pytest.fixture
def url(site: tuple[Process, Receiver], browser: webdriver.Chrome) -> str:
    """The gateway's URL, the browser signed in."""
    sign_in(browser, site[0].url)
    return site[0].url


def _rows(browser: webdriver.Chrome, css: str) -> list[str]:
    return [row.text for row in browser.find_elements(By.CSS_SELECTOR, css)]


def test_every_page_is_one_click_away_and_names_itself(url: str, browser: webdriver.Chrome) -> None:
    for path, label in NAVIGATION:
        browser.find_element(By.LINK_TEXT, label).click()
        WebDriverWait(browser, 15).until(lambda b, p=path: b.current_url == url + p)
        current = browser.find_element(By.CSS_SELECTOR, "nav a[aria-current=page]")
        assert current.text == label and browser.title.startswith(label.split(" ")[0])
    assert console_errors(browser) == []  # htmx and the styles within the CSP


def test_the_overview_refreshes_its_figures_in_place(url: str, browser: webdriver.Chrome) -> None:
    _fail_dead(url)
    browser.execute_script("window.loadedOnce = 42")  # gone if the page were reloaded
    before = figures_shown(browser, "borderbolt")
    assert before >= 12
    with httpx.Client(base_url=url, headers=DEMO) as client:
        for _ in range(5):
            client.get("/v1/customers", params={"connection": "borderbolt"})
    WebDriverWait(browser, 20).until(lambda _: figures_shown(browser, "borderbolt") >= before + 5)
    assert browser.execute_script("return window.loadedOnce") == 42
    dead = browser.find_element(By.CSS_SELECTOR, 'tr[data-connection="dead"]')
    assert "unavailable" in dead.text
    assert console_errors(browser) == []


def test_connections_show_health_last_error_and_capabilities(
    url: str, browser: webdriver.Chrome
) -> None:
    _fail_dead(url)
    browser.get(url + "/admin/ui/connections")
    figures_shown(browser, "crm")
    dead = browser.find_element(By.CSS_SELECTOR, "#c-dead .health")
    assert dead.text.startswith("unavailable") and "since" in dead.text
    WebDriverWait(browser, 20).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, '[data-detail="dead"] .last-error')
    )
    detail = browser.find_element(By.CSS_SELECTOR, '[data-detail="dead"]').text
    assert detail.startswith("Last error: ") and "Circuit open" in detail
    assert not browser.find_elements(By.CSS_SELECTOR, '[data-detail="crm"] .last-error')
    assert "list_items" in browser.find_element(By.ID, "capabilities").text


def _fail_dead(url: str) -> None:
    """Calls on the connection nothing answers: its circuit opens (again)."""
    with httpx.Client(base_url=url, headers=DEMO) as client:
        for _ in range(3):
            assert client.get("/v1/customers", params={"connection": "dead"}).status_code >= 500


def test_keys_show_scopes_connections_and_quota_use_never_the_key(
    url: str, browser: webdriver.Chrome
) -> None:
    with httpx.Client(base_url=url, headers=DEMO) as client:
        for _ in range(3):
            client.get("/v1/customers", params={"connection": "crm"})
    browser.get(url + "/admin/ui/keys")
    demo = browser.find_element(By.CSS_SELECTOR, 'tr[data-key="demo-app"]').text
    assert "customers:write" in demo and "all" in demo and "600 per 60 s" in demo
    used = browser.find_element(By.CSS_SELECTOR, 'tr[data-key="demo-app"] meter')
    assert 3 <= int(used.get_attribute("value") or 0) <= 600
    ops = browser.find_element(By.CSS_SELECTOR, 'tr[data-key="ops"]').text
    assert "admin" in ops and "no limit" in ops
    assert "demo-key" not in browser.page_source and "admin-key" not in browser.page_source


def test_a_version_compared_then_rolled_back_live_and_audited(
    url: str, browser: webdriver.Chrome
) -> None:
    before = _ttl(url)
    _set_ttl(url, before + 1)
    browser.get(url + "/admin/ui/config")
    browser.find_elements(By.CSS_SELECTOR, "#versions a.compare")[0].click()  # the one before
    diff = by_id(browser, "version-diff").text
    assert f"-    cache: {{ttl: {before + 1}, stale_if_error: 300}}" in diff
    assert f"+    cache: {{ttl: {before}, stale_if_error: 300}}" in diff
    browser.find_element(By.ID, "rollback").click()
    assert by_id(browser, "notice").text.startswith("Rolled back")
    assert _ttl(url) == before
    assert "config.rollback" in by_id(browser, "audit").text
    records = httpx.get(url + "/admin/audit?action=config.rollback", headers=ADMIN).json()
    assert [(r["actor"], r["status"]) for r in records["data"]][:1] == [("ops", 200)]


def test_a_stale_page_says_so_in_plain_words_and_changes_nothing(
    url: str, browser: webdriver.Chrome
) -> None:
    _set_ttl(url, _ttl(url) + 1)  # a version to go back to
    browser.get(url + "/admin/ui/config")
    browser.find_elements(By.CSS_SELECTOR, "#versions a.compare")[0].click()
    by_id(browser, "rollback")
    _set_ttl(url, 99)  # meanwhile, elsewhere
    browser.find_element(By.ID, "rollback").click()
    notice = by_id(browser, "notice").text
    assert notice.startswith("Not rolled back: the config was changed since you read it")
    assert "Reload to see their change" in notice and "If-Match" not in notice
    assert _ttl(url) == 99


def test_a_stale_apply_says_so_in_plain_words_and_changes_nothing(
    url: str, browser: webdriver.Chrome
) -> None:
    browser.get(url + "/admin/ui/config")
    editor = by_id(browser, "config-text")
    text = str(editor.get_property("value"))
    edited = re.sub(r"max_scan_pages: \d+", "max_scan_pages: 7", text, count=1)
    browser.execute_script("arguments[0].value = arguments[1]", editor, edited)
    browser.find_element(By.ID, "check").click()
    by_id(browser, "apply")
    _set_ttl(url, 77)  # meanwhile, elsewhere
    browser.find_element(By.ID, "apply").click()
    notice = by_id(browser, "notice").text
    assert notice == (
        "Not applied: the config was changed since you read it on this page, by someone "
        "else or in another tab. Reload to see their change, then make yours again."
    )
    # The edit is kept, on the config it was made on: checked and applied again, it is
    # refused again (never applied over the other change without a reload).
    assert by_id(browser, "config-text").get_property("value") == edited
    browser.find_element(By.ID, "check").click()
    by_id(browser, "apply").click()
    assert by_id(browser, "notice").text.startswith("Not applied: the config was changed")
    running = httpx.get(url + "/admin/config", headers=ADMIN).json()["connections"]
    assert running["crm"]["max_scan_pages"] == 10 and running["borderbolt"]["cache"]["ttl"] == 77


def _ttl(url: str) -> int:
    config = httpx.get(url + "/admin/config", headers=ADMIN).json()
    ttl: int = config["connections"]["borderbolt"]["cache"]["ttl"]
    return ttl


def _set_ttl(url: str, ttl: int) -> None:
    """A change made elsewhere (the admin API), as another operator would."""
    current = httpx.get(url + "/admin/config", headers={**ADMIN, "Accept": "application/yaml"})
    edited = re.sub(r"cache: \{ttl: \d+,", f"cache: {{ttl: {ttl},", current.text, count=1)
    headers = {**ADMIN, "If-Match": current.headers["etag"], "Content-Type": "application/yaml"}
    put = httpx.put(url + "/admin/config", content=edited, headers=headers)
    assert put.status_code == 200, put.text


def test_deliveries_filtered_paged_and_sent_again(
    url: str, browser: webdriver.Chrome, site: tuple[Process, Receiver]
) -> None:
    browser.get(url + "/admin/ui/changes")
    first = _rows(browser, "#deliveries tbody tr")
    assert len(first) == 25
    browser.find_element(By.ID, "older").click()
    WebDriverWait(browser, 15).until(lambda b: "cursor=" in b.current_url)
    assert set(_rows(browser, "#deliveries tbody tr")).isdisjoint(first)

    Select(browser.find_element(By.ID, "filter-webhook")).select_by_value("crm-mirror")
    browser.find_element(By.ID, "filter").click()
    WebDriverWait(browser, 15).until(lambda b: "webhook=crm-mirror" in b.current_url)
    states = _rows(browser, "#deliveries tbody tr td.state")
    assert states and set(states) == {"delivered"}
    assert {r.split()[1] for r in _rows(browser, "#deliveries tbody tr")} == {"crm-mirror"}

    Select(browser.find_element(By.ID, "filter-webhook")).select_by_value("")
    Select(browser.find_element(By.ID, "filter-status")).select_by_value("failed")
    browser.find_element(By.ID, "filter").click()
    WebDriverWait(browser, 15).until(lambda b: "status=failed" in b.current_url)
    row = browser.find_element(By.CSS_SELECTOR, "#deliveries tbody tr")
    delivery = row.get_attribute("data-delivery")
    assert "erp-sync" in row.text and "HTTP 500" in row.text

    site[1].status = 204  # the receiver is fixed: sending again delivers
    row.find_element(By.CSS_SELECTOR, "button.retry").click()
    assert by_id(browser, "notice").text.startswith("Sent again")
    assert "status=failed" in browser.current_url  # back to the same filters
    answer = httpx.get(url + "/admin/webhooks/deliveries?status=delivered&limit=100", headers=ADMIN)
    [sent] = [d for d in answer.json()["data"] if d["id"] == delivery]
    assert sent["attempts"] == 2
    retries = httpx.get(url + "/admin/audit?action=webhook.retry", headers=ADMIN).json()["data"]
    assert (retries[0]["actor"], retries[0]["status"]) == ("ops", 200)
    assert console_errors(browser) == []


def test_audit_filtered_and_paged(url: str, browser: webdriver.Chrome) -> None:
    assert httpx.post(url + "/admin/reload", headers=ADMIN).status_code == 200  # one of ops'
    browser.get(url + "/admin/ui/audit")
    Select(browser.find_element(By.ID, "filter-action")).select_by_value("customer.create")
    browser.find_element(By.ID, "filter").click()
    WebDriverWait(browser, 15).until(lambda b: "action=customer.create" in b.current_url)
    first = _rows(browser, "#audit tbody tr")
    assert len(first) == 25 and all(" customer.create " in r for r in first)
    browser.find_element(By.ID, "older").click()
    WebDriverWait(browser, 15).until(lambda b: "cursor=" in b.current_url)
    second = _rows(browser, "#audit tbody tr")
    assert len(second) == CREATES - 25 and set(second).isdisjoint(first)
    assert not browser.find_elements(By.ID, "older")
    browser.find_element(By.ID, "newest").click()
    WebDriverWait(browser, 15).until(lambda b: "cursor=" not in b.current_url)
    assert _rows(browser, "#audit tbody tr") == first

    Select(browser.find_element(By.ID, "filter-action")).select_by_value("")
    Select(browser.find_element(By.ID, "filter-actor")).select_by_value("ops")
    browser.find_element(By.ID, "filter").click()
    WebDriverWait(browser, 15).until(lambda b: "actor=ops" in b.current_url)
    actors = {r.split()[1] for r in _rows(browser, "#audit tbody tr")}
    assert actors == {"ops"}


def test_screenshots_are_made_of_every_page(
    site: tuple[Process, Receiver], browser: webdriver.Chrome, tmp_path: Path
) -> None:
    """``make screenshots`` keeps working: one image per page (tests/console_screenshots.py)."""
    from tests.console_screenshots import shoot

    made = shoot(browser, site[0].url, tmp_path)
    assert sorted(p.name for p in made) == sorted(
        f"console-{name}.png"
        for name in ("overview", "connections", "keys", "config", "changes", "audit")
    )
    assert all(p.read_bytes().startswith(b"\x89PNG") and p.stat().st_size > 10_000 for p in made)
