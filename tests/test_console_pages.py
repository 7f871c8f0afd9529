"""The console's pages and forms without a browser: bad input is a page that says what
is wrong (never a 500), rollbacks and retries are audited as the admin API's own, a
refresh after the session ended loads the sign-in page (tests/test_console_pages_browser.py
drives the same pages in chromium)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.applications import Starlette

from gateway.app import create_app
from gateway.config.text import load_config
from tests.conftest import client_for, config_file_in
from tests.test_console import ORIGIN, TEXT, signed_in

pytestmark = pytest.mark.anyio


@pytest.fixture
def console_app(tmp_path: Path) -> Starlette:
    path = config_file_in(tmp_path, TEXT)
    return create_app(load_config(path), config_path=path)


def _etag(page: str) -> str:
    return re.findall(r'name="etag" value="([^"]+)"', page)[0].replace("&#34;", '"')


async def test_bad_input_on_every_page_is_a_page_that_says_so(console_app: Starlette) -> None:
    async with signed_in(console_app) as client:
        cases = {
            "/admin/ui/audit?cursor=made-up": (400, "That page link no longer fits"),
            "/admin/ui/changes?cursor=made-up": (400, "That page link no longer fits"),
            "/admin/ui/config?version=999": (200, "There is no version 999"),
        }
        for path, (status, says) in cases.items():
            page = await client.get(path)
            assert (page.status_code, page.headers["content-type"][:9]) == (status, "text/html")
            assert says in page.text, path
        assert (await client.get("/admin/ui/changes?status=lost")).status_code == 400
        assert (await client.get("/admin/ui/config?version=x")).status_code == 400
        etag = _etag((await client.get("/admin/ui/config")).text)
        for version, says in (("abc", "choose a version"), ("999", "no such config version")):
            form = {"version": version, "etag": etag}
            answer = await client.post("/admin/ui/rollback", data=form, headers=ORIGIN)
            assert answer.status_code == 422 and says in answer.text
        retry = await client.post("/admin/ui/deliveries/nope/retry", headers=ORIGIN)
        assert (
            retry.status_code == 404 and "Not sent again: there is no such delivery" in retry.text
        )


async def test_a_rollback_is_audited_as_the_admin_apis_with_its_status(
    console_app: Starlette,
) -> None:
    async with signed_in(console_app) as client:
        page = (await client.get("/admin/ui/config")).text
        edited = TEXT.replace("max_body_bytes: 65536", "max_body_bytes: 65539")
        form = {"config": edited, "etag": _etag(page)}
        assert (await client.post("/admin/ui/apply", data=form, headers=ORIGIN)).status_code == 303
        page = (await client.get("/admin/ui/config")).text
        [older] = re.findall(r'href="/admin/ui/config\?version=(\d+)#version-diff"', page)
        stale = {"version": older, "etag": '"stale"'}
        refused = await client.post("/admin/ui/rollback", data=stale, headers=ORIGIN)
        assert refused.status_code == 412 and "changed since you read it" in refused.text
        back = {"version": older, "etag": _etag(page)}
        done = await client.post("/admin/ui/rollback", data=back, headers=ORIGIN)
        assert done.status_code == 303 and done.headers["location"].endswith("rolled_back")
        assert console_app.state.runtime.config.server.max_body_bytes == 65536
        other = await client.post(
            "/admin/ui/rollback", data=back, headers={"Origin": "https://x.test"}
        )
        assert other.status_code == 403
        await console_app.state.host.audit.flush()
    async with client_for(console_app, key="admin-key") as admin:
        records = (await admin.get("/admin/audit", params={"action": "config.rollback"})).json()
    assert [(r["actor"], r["status"]) for r in records["data"]] == [("admin", 200), ("admin", 412)]


async def test_a_refresh_after_the_session_ended_loads_the_sign_in_page(
    console_app: Starlette,
) -> None:
    async with client_for(console_app, key=None) as anon:
        refresh = await anon.get("/admin/ui/connections", headers={"HX-Request": "true"})
        assert refresh.status_code == 204 and refresh.headers["hx-redirect"] == "/admin/ui"
        page = await anon.get("/admin/ui/keys")
        assert page.status_code == 200 and 'action="/admin/ui/login"' in page.text
        assert (await anon.post("/admin/ui/rollback", headers=ORIGIN)).status_code == 401
