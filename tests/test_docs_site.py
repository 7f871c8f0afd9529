"""The docs site (mkdocs.yml): it builds strictly (a broken link or anchor fails), its API
reference is the served OpenAPI document, and the gateway serves it at /docs/guide/ under
the CSP of /docs, in a real browser too; every link of the README resolves."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from starlette.applications import Starlette

from gateway.http.openapi import spec
from gateway.routes import ENDPOINTS
from gateway.routes.docs import CSP
from gateway.routes.guide import SITE_ENV
from tests.browser import browser, console_errors
from tests.conftest import client_for
from tests.servers import ROOT, Process, demo_gateway

__all__ = ["browser"]
PAGES = re.compile(r"^\s+- (?:[^:\n]+: )?([\w./-]+\.md)$", re.MULTILINE)


def build(config: Path, into: Path) -> subprocess.CompletedProcess[str]:
    """``make docs`` (strict, as mkdocs.yml says) into ``into``; its log in the answer."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(into)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    done = build(ROOT / "mkdocs.yml", folder)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "WARNING" not in done.stderr, done.stderr[-3000:]
    return folder


def test_every_page_of_the_nav_is_built(site: Path) -> None:
    nav = PAGES.findall((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "index.md" in nav and "configuration.md" in nav and "api.md" in nav
    for page in nav:
        assert (site / page.replace(".md", ".html")).is_file(), page
    assert sorted(p.name for p in (ROOT / "docs").glob("*.md")) == sorted(nav)  # none left out


def test_the_api_reference_is_the_served_document(site: Path) -> None:
    document = spec(ENDPOINTS)
    assert json.loads((site / "openapi.json").read_text(encoding="utf-8")) == document
    page = (site / "api.html").read_text(encoding="utf-8")
    operations = [op for item in document["paths"].values() for op in item.values()]
    assert page.count("<h3 ") >= len(operations) > 40
    for path in ("/v1/customers/{id}", "/admin/config", "/v1/events"):
        assert f"<code>GET {path}</code>" in page


def test_no_page_has_an_inline_script(site: Path) -> None:
    """What /docs/guide/'s CSP would refuse: each inline script is a file of the site."""
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>" not in html, page.name
        for src in re.findall(r'<script src="([^"]+)"', html):
            if not src.startswith("/"):  # 404.html's, made for a site at the root
                assert (page.parent / src).is_file(), (page.name, src)


def test_a_broken_anchor_or_link_fails_the_build(tmp_path: Path) -> None:
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    broken = ("concepts.md#no-such-anchor", "no-such-page.md")
    links = "\n".join(f"[gone]({link})" for link in broken)
    (tmp_path / "docs" / "index.md").write_text(f"# Home\n\n{links}\n", encoding="utf-8")
    done = build(tmp_path / "mkdocs.yml", tmp_path / "site")
    said = done.stdout + done.stderr
    assert done.returncode != 0 and "Aborted with 2 warnings in strict mode" in said
    assert all(f"link '{link}'" in said for link in broken)


@pytest.fixture
def guide_app(app: Starlette, site: Path, monkeypatch: pytest.MonkeyPatch) -> Starlette:
    monkeypatch.setenv(SITE_ENV, str(site))
    return app


@pytest.mark.anyio
async def test_the_gateway_serves_the_built_site_at_docs_guide(guide_app: Starlette) -> None:
    async with client_for(guide_app, key=None) as anon:
        index = await anon.get("/docs/guide/")
        assert index.status_code == 200
        assert index.headers["content-type"].startswith("text/html")
        assert index.headers["content-security-policy"] == CSP
        assert "<title>Customer Gateway</title>" in index.text
        assert (await anon.get("/")).json()["links"]["guide"] == "/docs/guide/"
        bare = await anon.get("/docs/guide")
        assert (bare.status_code, bare.headers["location"]) == (308, "/docs/guide/")
        concepts = await anon.get("/docs/guide/concepts.html")
        assert concepts.status_code == 200 and "connection:remote_id" in concepts.text
        document = await anon.get("/docs/guide/openapi.json")
        assert document.headers["content-type"] == "application/json"
        missing = await anon.get("/docs/guide/no-such-page.html")
        assert missing.status_code == 404
        assert "start at /docs/guide/" in missing.json()["error"]["message"]
        assert (await anon.get("/docs/guide/..%2F..%2Fpyproject.toml")).status_code == 404


@pytest.mark.anyio
async def test_without_a_built_site_docs_guide_says_how_to_build_it(
    app: Starlette, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SITE_ENV, str(tmp_path))
    async with client_for(app, key=None) as anon:
        answer = await anon.get("/docs/guide/")
    assert answer.status_code == 404
    assert "run 'make docs'" in answer.json()["error"]["message"]


@pytest.fixture
def served_guide(tmp_path: Path, site: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Process]:
    monkeypatch.setenv(SITE_ENV, str(site))
    with demo_gateway(tmp_path) as process:
        yield process


def test_the_guide_works_in_a_browser_under_the_csp(
    served_guide: Process, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    browser.get(served_guide.url + "/docs/guide/")
    wait = WebDriverWait(browser, 30)
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "nav.md-nav--primary"))
    browser.find_element(By.LINK_TEXT, "Getting started").click()
    wait.until(lambda b: b.current_url.endswith("/docs/guide/getting-started.html"))
    # Search runs in a web worker the page loads from the site: the scripts all ran.
    browser.find_element(By.CSS_SELECTOR, "label.md-search__icon, .md-search__input").click()
    box = browser.find_element(By.CSS_SELECTOR, "input.md-search__input")
    box.send_keys("idempotency")
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, ".md-search-result__item"))
    box.send_keys(Keys.ESCAPE)
    browser.save_screenshot(str(tmp_path / "guide.png"))
    assert console_errors(browser) == []
    assert httpx.get(served_guide.url + "/docs/guide/search/search_index.json").status_code == 200


LINK = re.compile(r"\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """A heading's anchor as GitHub writes it (the README is read there)."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def test_every_link_of_the_readme_resolves() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = [link for link in LINK.findall(readme) if not link.startswith(("http", "mailto:"))]
    assert len(links) > 15
    for link in links:
        path, _, anchor = link.partition("#")
        target = ROOT / path if path else ROOT / "README.md"
        assert target.is_file(), f"README links {link}: no such file"
        if anchor:
            text = target.read_text(encoding="utf-8")
            headings = re.findall(r"^#+ (.+)$", text, re.MULTILINE)
            assert anchor in {slug(h) for h in headings}, f"README links {link}: no such anchor"


def test_every_make_target_the_readme_names_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, re.MULTILINE))
    named = set(re.findall(r"`make ([a-z][\w-]*)", readme))
    assert {"run", "test", "docs", "soak", "chaos", "bench"} <= named
    assert named - targets == set()
