"""A real headless browser for the tests: Debian's chromium, driven through Debian's
chromium-driver by selenium (which then downloads nothing)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from tests.servers import Process, demo_gateway

HINT = (
    "{tool} is not installed; the browser tests need Debian's chromium and chromium-driver "
    "(make test installs them when it runs as root: apt-get install chromium chromium-driver)"
)
# Without the background-networking flags chromium keeps trying hosts this machine
# cannot reach (updates, sync, safe browsing).
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--window-size=1400,1000",
)


@contextlib.contextmanager
def chromium() -> Iterator[webdriver.Chrome]:
    """Debian's chromium, headless, on a fresh profile (removed after)."""
    chromium_path = shutil.which("chromium")
    driver_path = shutil.which("chromedriver")
    for tool, found in (("chromium", chromium_path), ("chromedriver", driver_path)):
        if found is None:
            pytest.fail(HINT.format(tool=tool), pytrace=False)
    assert chromium_path is not None and driver_path is not None
    os.environ.setdefault("SE_AVOID_STATS", "true")
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = chromium_path
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
        driver.set_page_load_timeout(30)
        try:
            yield driver
        finally:
            driver.quit()


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    with chromium() as driver:
        yield driver


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Process]:
    """A gateway on the default config, for the browser to load."""
    with demo_gateway(tmp_path) as process:
        yield process


def console_errors(driver: webdriver.Chrome, expected: tuple[int, ...] = ()) -> list[str]:
    """The page's console errors so far (a CSP refusal shows here), but for pages that
    answered one of the ``expected`` statuses (a refused sign-in is a 401 page)."""
    allowed = tuple(f"responded with a status of {status} " for status in expected)
    return [
        e["message"]
        for e in driver.get_log("browser")
        if e["level"] == "SEVERE" and not any(a in e["message"] for a in allowed)
    ]
