"""``make screenshots``: each console page in headless chromium, saved as
``console-<page>.png`` in the folder given (docs/images/ for docs/console.md).

    python -m tests.console_screenshots docs/images

The gateway is tests/console_setup.py's: webhooks, a dead connection, traffic, and a
config change, so every page has something to show.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import httpx
from selenium import webdriver
from selenium.webdriver.common.by import By

from tests.browser import chromium
from tests.console_setup import (
    ADMIN,
    CREATES,
    by_id,
    console_gateway,
    deliveries_settled,
    figures_shown,
    make_traffic,
    sign_in,
)

PAGES = (
    ("overview", "/admin/ui", "connections"),
    ("connections", "/admin/ui/connections", "capabilities"),
    ("keys", "/admin/ui/keys", "keys"),
    ("config", "/admin/ui/config", "versions"),
    ("changes", "/admin/ui/changes?status=failed", "deliveries"),
    ("audit", "/admin/ui/audit", "audit"),
)
WIDTH = 1280


def shoot(driver: webdriver.Chrome, url: str, folder: Path) -> list[Path]:
    """Signs in, then one full-page image per page; the config page with the previous
    version chosen, so its diff and rollback button show."""
    sign_in(driver, url)
    made = []
    for name, path, shown in PAGES:
        driver.set_window_size(WIDTH, 900)
        driver.get(url + path)
        by_id(driver, shown)
        if name in ("overview", "connections"):
            figures_shown(driver, "borderbolt")
        if name == "config":
            compare = driver.find_elements(By.CSS_SELECTOR, "#versions a.compare")
            if compare:
                compare[0].click()
                by_id(driver, "version-diff")
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(WIDTH, int(height) + 200)  # the page whole, and margin
        driver.execute_script("window.scrollTo(0, 0)")
        target = folder / f"console-{name}.png"
        driver.save_screenshot(str(target))
        made.append(target)
    return made


def _change_config(url: str) -> None:
    """A version before the running one: the cache of borderbolt for 45 s, not 30."""
    current = httpx.get(url + "/admin/config", headers={**ADMIN, "Accept": "application/yaml"})
    edited = current.text.replace("cache: {ttl: 30,", "cache: {ttl: 45,", 1)
    headers = {**ADMIN, "If-Match": current.headers["etag"], "Content-Type": "application/yaml"}
    httpx.put(url + "/admin/config", content=edited, headers=headers).raise_for_status()


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="console-shots-") as work,
        console_gateway(Path(work)) as (gateway, _),
    ):
        make_traffic(gateway.url)
        deliveries_settled(gateway.url, 2 * CREATES)
        _change_config(gateway.url)
        with chromium() as driver:
            for image in shoot(driver, gateway.url, folder):
                print(f"== {image}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images"))
