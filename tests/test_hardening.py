"""Hostile and careless input: no 500, no admin-side denial of service, no secret in an
answer, fast failure. Each test names the class of defect it closes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from adapters.sandbox import Fault, Sandbox
from gateway.app import create_app
from gateway.config.text import parse_config
from tests.conftest import CONFIG, client_for

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).parent.parent
BILLION_LAUGHS = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]"
            for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)
DEEP_YAML = "connections: " + "[" * 3000 + "]" * 3000


# 1. Numbers are ASCII digits, everywhere ------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/v1/customers", "/v1/items", "/v1/customers/crm:cust_456/orders"]
)
async def test_unicode_digits_in_a_limit_are_400(client: httpx.AsyncClient, path: str) -> None:
    for value in ("²", "٣", "1²"):
        answer = await client.get(path, params={"limit": value})
        assert answer.status_code == 400, (path, value)
        assert answer.json()["error"]["details"][0]["field"] == "limit"


async def test_an_upstream_retry_after_in_unicode_digits_is_not_a_500(
    client: httpx.AsyncClient, sim: Sandbox
) -> None:
    sim.faults.add(Fault(status=429, headers={"Retry-After": "²"}, times=10))
    answer = await client.get("/v1/customers/borderbolt:501")
    assert answer.status_code == 429 and answer.headers["retry-after"] == "1"


# 2. Deep JSON is refused at the edge ------------------------------------------------------

DEEP_JSON = b"[" * 1000 + b"]" * 1000


@pytest.mark.parametrize("headers", [{}, {"Idempotency-Key": "deep"}])
async def test_deeply_nested_json_bodies_are_400(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    answer = await client.post(
        "/v1/customers",
        content=b'{"name": ' + DEEP_JSON[:1500] + b"}",
        headers={"Content-Type": "application/json", **headers},
    )
    assert answer.status_code == 400 and "nests deeper" in answer.json()["error"]["message"]


async def test_nesting_inside_strings_is_only_text(client: httpx.AsyncClient) -> None:
    body = {"name": "[" * 200 + " Brackets B.V.", "code": "DEEP1"}
    answer = await client.post("/v1/customers", json=body)
    assert answer.status_code == 201


# 3. YAML that expands or nests without bound, on the admin API and the CLI ---------------


@pytest.fixture
async def admin(tmp_path: Path) -> Any:
    text = CONFIG.replace("max_body_bytes: 2048", "max_body_bytes: 65536")
    path = tmp_path / "config.yaml"
    path.write_text(text)
    path.chmod(0o600)
    app = create_app(parse_config(text, env={}), config_path=path)
    async with client_for(app, key="admin-key") as client:
        yield client, path
    await app.state.runtime.aclose()


@pytest.mark.parametrize("document", [BILLION_LAUGHS, DEEP_YAML], ids=["aliases", "deep"])
async def test_yaml_bombs_are_refused_fast(admin: Any, document: str) -> None:
    client, _ = admin
    started = time.monotonic()
    answer = await client.post(
        "/admin/config/validate",
        content=document,
        headers={"Content-Type": "application/yaml"},
    )
    assert time.monotonic() - started < 1.0
    assert answer.status_code in (400, 422)  # deep flow nesting is refused at the edge
    assert "alias" in answer.text or "deeper" in answer.text


async def test_deep_json_to_the_admin_api_is_400(admin: Any) -> None:
    client, _ = admin
    answer = await client.post(
        "/admin/config/validate",
        content=DEEP_JSON,
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 400


@pytest.mark.parametrize("document", [BILLION_LAUGHS, DEEP_YAML], ids=["aliases", "deep"])
def test_check_config_refuses_yaml_bombs_fast(tmp_path: Path, document: str) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(document)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "gateway", "check-config", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert time.monotonic() - started < 10
    assert done.returncode == 1 and str(path) in done.stderr
    assert "alias" in done.stderr or "deeper" in done.stderr


def test_a_config_that_is_not_utf8_is_a_readable_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(CONFIG.replace("demo", "d\xe9mo").encode("latin-1"))
    done = subprocess.run(
        [sys.executable, "-m", "gateway", "check-config", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 1 and "not UTF-8" in done.stderr and str(path) in done.stderr
    assert "Traceback" not in done.stderr


# 4. An upstream echoing the gateway's own secrets never hands them on --------------------


async def test_upstream_error_text_is_redacted(client: httpx.AsyncClient, sim: Sandbox) -> None:
    token = "bb-upstream-token"
    sim.faults.add(Fault(status=500, body={"message": f"bad token {token}"}, times=10))
    failed = await client.get("/v1/customers/borderbolt:501")
    sim.faults.clear()
    sim.faults.add(
        Fault(
            status=422,
            body={"message": f"{token} refused", "errors": {"customer_name": [f"{token}!"]}},
            method="POST",
        )
    )
    refused = await client.post("/v1/customers", json={"code": "SEC1", "name": "Secret B.V."})
    assert failed.status_code == 502 and refused.status_code == 422
    assert token not in failed.text
    assert token not in refused.text and "*** refused" in refused.text


async def test_a_fetched_oauth_token_echoed_upstream_is_redacted(app: Starlette) -> None:
    shop: Sandbox = app.state.runtime.connections["shop"].sandbox
    async with client_for(app) as client:
        await client.get("/v1/customers", params={"connection": "shop"})
        token = next(iter(shop.simulator.oauth.tokens))  # type: ignore[attr-defined]
        shop.faults.add(Fault(status=400, body={"error": {"description": f"bad {token}"}}))
        answer = await client.get("/v1/customers/shop:553910")
    assert token not in answer.text


# 5. The config file keeps its permissions -------------------------------------------------


async def test_an_admin_put_keeps_the_files_mode(admin: Any) -> None:
    client, path = admin
    current = await client.get("/admin/config", headers={"Accept": "application/yaml"})
    put = await client.put(
        "/admin/config",
        content=path.read_text().replace("max_body_bytes: 65536", "max_body_bytes: 65537"),
        headers={"If-Match": current.headers["etag"], "Content-Type": "application/yaml"},
    )
    assert put.status_code == 200
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.with_name("config.yaml.bak").stat().st_mode) == 0o600
    assert not list(path.parent.glob(".config.yaml.*.tmp"))


async def test_a_put_with_no_body_is_400_whatever_the_if_match(admin: Any) -> None:
    client, _ = admin
    answer = await client.put("/admin/config", headers={"If-Match": '"stale"'})
    assert answer.status_code == 400


# 6. A client that goes away is not a server error ---------------------------------------


async def test_a_client_disconnect_is_counted_as_499_not_500(app: Starlette) -> None:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/customers",
        "raw_path": b"/v1/customers",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"gateway.test"),
            (b"authorization", b"Bearer demo-key"),
            (b"content-type", b"application/json"),
            (b"content-length", b"100"),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("gateway.test", 80),
        "state": {},
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    assert sent == []
    async with client_for(app) as client:
        metrics = (await client.get("/metrics")).text
    assert 'status="499"' in metrics and 'route="/v1/customers",status="500"' not in metrics


# 7. Failing fast: stale answers at the first failure, one deadline for all attempts ----


def app_with(connection_settings: str) -> Starlette:
    text = CONFIG.replace(
        "    auth: {type: bearer, token: bb-upstream-token}\n",
        f"    auth: {{type: bearer, token: bb-upstream-token}}\n{connection_settings}",
        1,
    )
    return create_app(parse_config(text, env={}))


async def test_a_stale_answer_comes_at_the_first_failed_attempt() -> None:
    app = app_with("    timeout: {read: 0.5}\n    cache: {ttl: 0.2, stale_if_error: 60}\n")
    sim: Sandbox = app.state.runtime.connections["borderbolt"].sandbox
    async with client_for(app) as client:
        await client.get("/v1/customers/borderbolt:501")
        await asyncio.sleep(0.3)
        sim.calls.clear()
        sim.faults.add(Fault(latency=3, times=10))
        started = time.monotonic()
        answer = await client.get("/v1/customers/borderbolt:501")
        elapsed = time.monotonic() - started
    await app.state.runtime.aclose()
    assert answer.status_code == 200 and answer.headers["x-cache"] == "STALE"
    assert elapsed < 1.2 and len(sim.calls) == 1


async def test_one_deadline_bounds_every_attempt_together() -> None:
    app = app_with("    timeout: {read: 1, total: 1.5}\n    retry: {attempts: 3}\n")
    sim: Sandbox = app.state.runtime.connections["borderbolt"].sandbox
    sim.faults.add(Fault(latency=5, times=10))
    async with client_for(app) as client:
        started = time.monotonic()
        answer = await client.get("/v1/customers/borderbolt:501")
        elapsed = time.monotonic() - started
    await app.state.runtime.aclose()
    assert answer.status_code == 504 and elapsed < 2.2
    assert len(sim.calls) == 2  # the second attempt was cut at the deadline


# 8. Passthrough answers never open the canonical breaker ---------------------------------


async def test_passthrough_errors_leave_the_circuit_closed(app: Starlette) -> None:
    sim: Sandbox = app.state.runtime.connections["borderbolt"].sandbox
    sim.faults.add(Fault(status=500, path_prefix="/api/v1/broken", times=20))
    async with client_for(app, key="raw-key") as raw:
        for _ in range(6):
            assert (await raw.get("/v1/passthrough/borderbolt/broken")).status_code == 500
    breaker = app.state.runtime.connections["borderbolt"].adapter.upstream.breaker
    assert breaker.state.value == "closed" and breaker.failures == 0
    async with client_for(app) as client:
        assert (await client.get("/v1/customers/borderbolt:501")).status_code == 200


# 9. Idle and slow connections cannot exhaust the server ----------------------------------


def test_slow_and_silent_connections_are_cut_and_never_block_others(tmp_path: Path) -> None:
    import socket

    from tests.servers import gateway

    text = CONFIG.replace(
        "  max_body_bytes: 2048\n",
        "  max_body_bytes: 2048\n"
        "  limits: {header_timeout: 1, keep_alive: 1, max_connections: 12}\n",
    )
    path = tmp_path / "config.yaml"
    path.write_text(text)
    served = gateway(path, tmp_path).start()
    one = f"{served.url}/v1/customers/borderbolt:501"
    auth = {"Authorization": "Bearer demo-key"}

    def timed_get() -> tuple[int, float]:
        started = time.monotonic()
        status = httpx.get(one, headers=auth, timeout=5).status_code
        return status, time.monotonic() - started

    try:
        silent = [socket.create_connection(("127.0.0.1", served.port)) for _ in range(4)]
        slow = [socket.create_connection(("127.0.0.1", served.port)) for _ in range(4)]
        for sock in slow:
            sock.sendall(b"GET /v1/customers HTTP/1.1\r\nHost: x\r\n")
        status, took = timed_get()  # 8 held connections, under the cap: answered at once
        assert status == 200 and took < 1.0
        more = [socket.create_connection(("127.0.0.1", served.port)) for _ in range(6)]
        status, took = timed_get()  # past max_connections: 503 at once, never a hang
        assert status == 503 and took < 1.0
        deadline = time.monotonic() + 1.6
        while time.monotonic() < deadline:  # a byte now and then does not keep them alive
            for sock in slow:
                with contextlib.suppress(OSError):  # already closed by the server: good
                    sock.sendall(b"X")
            time.sleep(0.25)
        for sock in [*silent, *slow, *more]:
            sock.settimeout(1)
            with contextlib.suppress(ConnectionResetError):  # closed by the server
                assert sock.recv(1024) == b""
            sock.close()
        status, took = timed_get()  # capacity is back
        assert status == 200 and took < 1.0
    finally:
        served.stop()


# 10. Booleans and validation order agree with the schema ---------------------------------


async def test_booleans_are_true_or_false_in_any_case(client: httpx.AsyncClient) -> None:
    one = "/v1/customers/borderbolt:501"
    assert (await client.get(one, params={"include_remote_data": "FALSE"})).status_code == 200
    assert (await client.get(one, params={"include_remote_data": "True"})).status_code == 200
    for value in ("1", "0", "yes", ""):
        answer = await client.get(one, params={"include_remote_data": value})
        assert answer.status_code == 400, value
    doc = (await client.get("/openapi.json")).json()
    parameters = doc["paths"]["/v1/customers/{id}"]["get"]["parameters"]
    schema = next(p for p in parameters if p["name"] == "include_remote_data")["schema"]
    assert schema["type"] == "boolean"  # a real boolean; the edge takes either case (above)


async def test_parameters_are_validated_before_the_capability(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.get("/v1/customers/borderbolt:501/analytics", params={"period": "AAA"})
    assert answer.status_code == 400
    json.loads(answer.text)
