"""/admin/ui's session and forms, without a browser (tests/test_console_browser.py
drives the pages in chromium)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from gateway import console_session
from gateway.app import create_app
from gateway.config_text import load_config
from tests.conftest import CONFIG, client_for

pytestmark = pytest.mark.anyio
ORIGIN = {"Origin": "http://gateway.test"}


# A config is posted as a form: the body limit must fit it.
TEXT = CONFIG.replace("max_body_bytes: 2048", "max_body_bytes: 65536")


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(TEXT)
    return path


@pytest.fixture
def console_app(config_file: Path) -> Starlette:
    return create_app(load_config(config_file), config_path=config_file)


@asynccontextmanager
async def signed_in(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app, key=None) as client:
        yield await _signed(client)


async def _signed(client: httpx.AsyncClient) -> httpx.AsyncClient:
    answer = await client.post("/admin/ui/login", data={"key": "admin-key"}, headers=ORIGIN)
    assert answer.status_code == 303 and answer.headers["location"] == "/admin/ui"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/admin/ui" in cookie
    assert "admin-key" not in cookie
    assert client.cookies.get(console_session.COOKIE)  # kept by the client, as a browser
    return client


async def test_without_a_session_the_console_is_the_sign_in_page(console_app: Starlette) -> None:
    async with client_for(console_app, key=None) as anon:
        page = await anon.get("/admin/ui")
        assert page.status_code == 200 and 'action="/admin/ui/login"' in page.text
        assert "default-src 'self'" in page.headers["content-security-policy"]
        refused = await anon.post("/admin/ui/login", data={"key": "demo-key"}, headers=ORIGIN)
        assert refused.status_code == 401 and "lacks the admin scope" in refused.text
        posted = await anon.post("/admin/ui/check", data={"config": "x"}, headers=ORIGIN)
        assert posted.status_code == 401


async def test_a_session_names_the_admin_and_a_forged_one_is_not_one(
    console_app: Starlette,
) -> None:
    async with signed_in(console_app) as client:
        page = await client.get("/admin/ui")
        assert page.status_code == 200 and "signed in as admin" in page.text
        token = client.cookies[console_session.COOKIE]
        body, signature = token.split(".")
        flipped = "A" if signature[3] != "A" else "B"  # a whole sextet of the signature
        forged = f"{body}.{signature[:3]}{flipped}{signature[4:]}"
        client.cookies.set(console_session.COOKIE, forged, domain="gateway.test", path="/admin/ui")
        assert 'action="/admin/ui/login"' in (await client.get("/admin/ui")).text


async def test_a_session_ends_with_its_expiry_and_with_its_key(
    console_app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with signed_in(console_app) as client:
        later = time.time() + console_session.LIFETIME + 1
        monkeypatch.setattr(console_session.time, "time", lambda: later)
        assert 'action="/admin/ui/login"' in (await client.get("/admin/ui")).text
    monkeypatch.undo()
    async with signed_in(console_app) as client:
        runtime = console_app.state.runtime
        config = runtime.config.model_copy(
            update={"api_keys": [k for k in runtime.config.api_keys if k.name != "admin"]}
        )
        console_app.state.host.apply(config)  # the admin key is gone from the config
        assert 'action="/admin/ui/login"' in (await client.get("/admin/ui")).text


async def test_forms_from_another_origin_are_refused(console_app: Starlette) -> None:
    async with signed_in(console_app) as client:
        other = {"Origin": "https://evil.example"}
        answer = await client.post("/admin/ui/check", data={"config": TEXT}, headers=other)
        assert answer.status_code == 403
        login = await client.post("/admin/ui/login", data={"key": "admin-key"}, headers=other)
        assert login.status_code == 403


async def test_check_shows_the_problem_with_its_line_and_applies_nothing(
    console_app: Starlette, config_file: Path
) -> None:
    async with signed_in(console_app) as client:
        page = (await client.get("/admin/ui")).text
        etag = page.split('name="etag" value="', 1)[1].split('"', 1)[0]
        broken = TEXT.replace("adapter: crm", "adapter: crn")
        line = 1 + broken.splitlines().index("    adapter: crn")
        checked = await client.post(
            "/admin/ui/check", data={"config": broken, "etag": etag}, headers=ORIGIN
        )
        assert checked.status_code == 422
        assert "connections.crm.adapter" in checked.text
        assert f"line {line}, column 5" in checked.text
        assert "did you mean &#39;crm&#39;?" in checked.text
        assert config_file.read_text() == TEXT


async def test_apply_needs_the_etag_the_editor_loaded(
    console_app: Starlette, config_file: Path
) -> None:
    async with signed_in(console_app) as client:
        edited = TEXT.replace("max_body_bytes: 65536", "max_body_bytes: 65537")
        stale = await client.post(
            "/admin/ui/apply", data={"config": edited, "etag": '"stale"'}, headers=ORIGIN
        )
        assert stale.status_code == 412 and "changed since you read it" in stale.text
        assert config_file.read_text() == TEXT
        page = (await client.get("/admin/ui")).text
        etag = page.split('name="etag" value="', 1)[1].split('"', 1)[0].replace("&#34;", '"')
        applied = await client.post(
            "/admin/ui/apply", data={"config": edited, "etag": etag}, headers=ORIGIN
        )
        assert applied.status_code == 303 and applied.headers["location"].endswith("applied")
        assert "max_body_bytes: 65537" in config_file.read_text()
        assert console_app.state.runtime.config.server.max_body_bytes == 65537


async def test_an_apply_is_audited_with_the_status_of_the_config_change(
    console_app: Starlette,
) -> None:
    """Not the 303 the browser is redirected with: 200 when applied, 412 when refused."""
    async with signed_in(console_app) as client:
        edited = TEXT.replace("max_body_bytes: 65536", "max_body_bytes: 65538")
        refused = await client.post(
            "/admin/ui/apply", data={"config": edited, "etag": '"stale"'}, headers=ORIGIN
        )
        assert refused.status_code == 412
        applied = await client.post(
            "/admin/ui/apply",
            data={"config": edited, "etag": _etag((await client.get("/admin/ui")).text)},
            headers=ORIGIN,
        )
        assert applied.status_code == 303
        await console_app.state.host.audit.flush()
    async with client_for(console_app, key="admin-key") as admin:
        records = (await admin.get("/admin/audit", params={"action": "config.put"})).json()
    assert [(r["actor"], r["status"]) for r in records["data"]] == [("admin", 200), ("admin", 412)]
    assert records["data"][0]["changed_fields"] == ["server.max_body_bytes"]


def _etag(page: str) -> str:
    return page.split('name="etag" value="', 1)[1].split('"', 1)[0].replace("&#34;", '"')


async def test_the_console_works_while_the_state_store_is_down(tmp_path: Path) -> None:
    """Audit and deliveries live in the store; the figures and the editor do not."""
    from tests.servers import free_port

    down = f'  state: {{backend: redis, url: "redis://127.0.0.1:{free_port()}/0", timeout: 0.2}}\n'
    path = tmp_path / "config.yaml"
    path.write_text(TEXT.replace("server:\n", "server:\n" + down, 1))
    app = create_app(load_config(path), config_path=path)
    async with signed_in(app) as client:
        page = await client.get("/admin/ui")
    assert page.status_code == 200
    assert 'data-connection="borderbolt"' in page.text and "none yet" in page.text
    await app.state.runtime.store.aclose()


async def test_sign_in_attempts_are_limited_per_address(console_app: Starlette) -> None:
    async with client_for(console_app, key=None) as anon:
        for _ in range(10):
            wrong = await anon.post("/admin/ui/login", data={"key": "guess"}, headers=ORIGIN)
            assert wrong.status_code == 401
        limited = await anon.post("/admin/ui/login", data={"key": "admin-key"}, headers=ORIGIN)
    assert limited.status_code == 429 and "Too many sign-in attempts" in limited.text
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert "set-cookie" not in limited.headers


async def test_behind_a_trusted_proxy_the_limit_is_per_forwarded_client(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(TEXT.replace("server:\n", "server:\n  trusted_proxies: [127.0.0.1]\n", 1))
    app = create_app(load_config(path), config_path=path)
    async with client_for(app, key=None) as client:  # it connects from 127.0.0.1

        async def attempt(forwarded_for: str) -> int:
            headers = {**ORIGIN, "X-Forwarded-For": forwarded_for}
            answer = await client.post("/admin/ui/login", data={"key": "x"}, headers=headers)
            return answer.status_code

        assert [await attempt("198.51.100.1") for _ in range(11)][-2:] == [401, 429]
        assert await attempt("198.51.100.2") == 401  # another client has its own allowance
        assert await attempt("198.51.100.9, 198.51.100.1") == 429  # a spoofed hop changes nothing
