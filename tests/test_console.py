"""/admin/ui's session and forms, without a browser (tests/test_console_browser.py
drives the pages in chromium)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import socket
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from gateway.app import create_app
from gateway.config.text import load_config
from gateway.http import console_session
from gateway.store.local import LocalStore
from tests.conftest import CONFIG, app_on_file, client_for, config_file_in
from tests.servers import redis_server

pytestmark = pytest.mark.anyio
ORIGIN = {"Origin": "http://gateway.test"}
PATH = console_session.PATH
ADMIN_DIGEST = hashlib.sha256(b"admin-key").hexdigest()


# A config is posted as a form: the body limit must fit it.
TEXT = CONFIG.replace("max_body_bytes: 2048", "max_body_bytes: 65536")


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    return config_file_in(tmp_path, TEXT)


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


async def test_the_cookie_is_a_random_id_and_a_made_up_one_is_not_a_session(
    console_app: Starlette,
) -> None:
    """No key material in the cookie: not the key, not its digest, nothing to guess from."""
    async with signed_in(console_app) as client, signed_in(console_app) as other:
        page = await client.get("/admin/ui")
        assert page.status_code == 200 and "signed in as admin" in page.text
        cookie = client.cookies[console_session.COOKIE]
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", cookie)
        assert cookie != other.cookies[console_session.COOKIE]
        assert ADMIN_DIGEST not in cookie and "admin" not in cookie
        for made_up in ("A" * 43, cookie[:-1] + ("A" if cookie[-1] != "A" else "B"), "x" * 5000):
            client.cookies.set(console_session.COOKIE, made_up, domain="gateway.test", path=PATH)
            again = await client.get("/admin/ui")
            assert again.status_code == 200 and 'action="/admin/ui/login"' in again.text


async def test_a_session_ends_with_its_expiry_and_with_its_key(
    console_app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with signed_in(console_app) as client:
        later = time.time() + console_session.LIFETIME + 1
        monkeypatch.setattr(console_session.time, "time", lambda: later)
        assert 'action="/admin/ui/login"' in (await client.get("/admin/ui")).text
    monkeypatch.undo()
    async with signed_in(console_app) as client:
        _apply_keys(console_app, lambda k: k.name != "admin")  # the key left the config
        assert 'action="/admin/ui/login"' in (await client.get("/admin/ui")).text


async def test_a_new_value_for_the_key_ends_its_sessions(console_app: Starlette) -> None:
    async with signed_in(console_app) as client:
        runtime = console_app.state.runtime
        [admin] = [k for k in runtime.config.api_keys if k.name == "admin"]
        rotated = admin.model_copy(update={"key": SecretStr("admin-key-2"), "key_sha256": None})
        keys = [rotated if k.name == "admin" else k for k in runtime.config.api_keys]
        console_app.state.host.apply(runtime.config.model_copy(update={"api_keys": keys}))
        assert console_app.state.runtime.keys.authenticate("Bearer admin-key-2").name == "admin"
        assert 'action="/admin/ui/login"' in (await client.get("/admin/ui")).text


async def test_a_session_unused_for_the_idle_time_ends_and_each_request_keeps_it(
    console_app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(console_session, "IDLE", 1.0)
    async with signed_in(console_app) as client:
        for _ in range(3):  # 1.2 s in all: alive only because each request moved it on
            await asyncio.sleep(0.4)
            assert "signed in as admin" in (await client.get("/admin/ui")).text
        await asyncio.sleep(1.2)
        assert 'action="/admin/ui/login"' in (await client.get("/admin/ui")).text


def _apply_keys(app: Starlette, keep: Callable[[Any], bool]) -> None:
    runtime = app.state.runtime
    keys = [k for k in runtime.config.api_keys if keep(k)]
    app.state.host.apply(runtime.config.model_copy(update={"api_keys": keys}))


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
        page = (await client.get("/admin/ui/config")).text  # the editor's page
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
        page = (await client.get("/admin/ui/config")).text  # the editor's page
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
            data={"config": edited, "etag": _etag((await client.get("/admin/ui/config")).text)},
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


# Sessions live in the state store: the same tests on both backends -----------------------


@pytest.fixture(params=["local", "redis"])
def backend_config(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A config file whose sessions are kept locally (SQLite next to it) or in Redis."""
    if request.param == "local":
        state = "{backend: local}"
    else:
        url = request.getfixturevalue("redis").url
        state = f"{{backend: redis, url: '{url}', prefix: 'c{uuid.uuid4().hex[:8]}:'}}"
    path = tmp_path / "config.yaml"
    path.write_text(TEXT.replace("server:\n", f"server:\n  state: {state}\n", 1))
    return path


served = app_on_file  # one gateway on its config file, shut down after


async def test_sign_out_ends_the_session_for_a_copied_cookie_too(backend_config: Path) -> None:
    async with (
        served(backend_config) as one,
        served(backend_config) as two,  # another instance on the same store
        signed_in(one) as client,
        client_for(two, key=None) as elsewhere,
    ):
        copied = _cookie_of(client)
        assert "signed in as admin" in (await elsewhere.get(PATH, headers=copied)).text
        out = await client.post("/admin/ui/logout", headers=ORIGIN)
        assert out.status_code == 303 and "Max-Age=0" in out.headers["set-cookie"]
        after = await elsewhere.get(PATH, headers=copied)
        assert 'action="/admin/ui/login"' in after.text
        posted = await elsewhere.post(
            "/admin/ui/check", data={"config": TEXT}, headers={**ORIGIN, **copied}
        )
        assert posted.status_code == 401


async def test_a_session_outlives_a_restart(backend_config: Path) -> None:
    async with served(backend_config) as before, signed_in(before) as client:
        copied = _cookie_of(client)
    async with served(backend_config) as after, client_for(after, key=None) as browser:
        assert "signed in as admin" in (await browser.get(PATH, headers=copied)).text


def _cookie_of(client: httpx.AsyncClient) -> dict[str, str]:
    """The session cookie as a header, as a copy of it would be sent from elsewhere."""
    return {"Cookie": f"{console_session.COOKIE}={client.cookies[console_session.COOKIE]}"}


async def test_the_store_holds_no_session_id_and_no_key_digest(backend_config: Path) -> None:
    """A read of the store hands out no live session, nor anything to guess a key from."""
    async with served(backend_config) as app, signed_in(app) as client:
        session_id = client.cookies[console_session.COOKIE]
        store = app.state.runtime.store
        kept = await _everything_in(store)
        assert session_id.encode() not in kept and ADMIN_DIGEST.encode() not in kept
        named = "console-session:" + hashlib.sha256(session_id.encode()).hexdigest()
        record = json.loads(await store.value_get(named))
        assert record["key"] == "admin" and set(record) == {"key", "fingerprint", "until"}


async def _everything_in(store: Any) -> bytes:
    if isinstance(store, LocalStore):
        files = [store.path, store.path.with_name(store.path.name + "-wal")]
        return b"".join(f.read_bytes() for f in files if f.exists())
    kept = b""
    async for key in store.client.scan_iter(match=store.prefix + "*"):
        kept += key
        if await store.client.type(key) == b"string":
            kept += await store.client.get(key)
    return kept


async def test_while_the_store_is_down_the_console_refuses_to_sign_in_and_says_so(
    tmp_path: Path,
) -> None:
    """No session can be kept or read: sessions are treated as absent (not ended: they
    work again once the store answers), and sign-out waits for the store."""
    with redis_server() as redis:
        state = f"{{backend: redis, url: '{redis.url}', timeout: 0.2}}"
        path = tmp_path / "config.yaml"
        path.write_text(TEXT.replace("server:\n", f"server:\n  state: {state}\n", 1))
        async with served(path) as app, signed_in(app) as client:
            _pause(redis, seconds=2.0)  # it answers no client meanwhile, its data kept
            paused = time.monotonic()
            page = await client.get(PATH)
            assert page.status_code == 503 and 'action="/admin/ui/login"' in page.text
            assert "state store is unavailable" in page.text
            login = await client.post(PATH + "/login", data={"key": "admin-key"}, headers=ORIGIN)
            assert login.status_code == 503 and "set-cookie" not in login.headers
            assert "state store is unavailable" in login.text
            check = await client.post(PATH + "/check", data={"config": TEXT}, headers=ORIGIN)
            assert check.status_code == 503
            assert check.json()["error"]["code"] == "state_unavailable"
            out = await client.post(PATH + "/logout", headers=ORIGIN)
            assert out.status_code == 503 and "set-cookie" not in out.headers
            assert "not signed out" in out.json()["error"]["message"]
            assert time.monotonic() - paused < 2.0, "the calls above must fall in the pause"
            await asyncio.sleep(2.0 - (time.monotonic() - paused) + 1.1)  # + the 1 s back-off
            assert "signed in as admin" in (await client.get(PATH)).text


def _pause(redis: Any, seconds: float) -> None:
    with socket.create_connection(("127.0.0.1", redis.port), timeout=1) as sock:
        sock.sendall(f"CLIENT PAUSE {int(seconds * 1000)} ALL\r\n".encode())
        assert sock.recv(16).startswith(b"+OK")


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
