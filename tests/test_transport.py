"""The aiohttp transport under httpx, against a real socket that misbehaves: a dropped
connection after the request was read is "may have reached" (a POST is sent once), a
refused connection is "never reached" (retried), and timeouts still hold."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

import pytest

from gateway.app import create_app
from gateway.config.text import parse_config
from tests.conftest import client_for

pytestmark = pytest.mark.anyio


class Server:
    """Loopback TCP: reads each request whole, then answers as ``mode`` says."""

    def __init__(self, mode: str) -> None:
        self.mode, self.requests = mode, []  # type: ignore[var-annotated]
        self.server: asyncio.Server | None = None
        self.writers: list[asyncio.StreamWriter] = []
        self.heads: list[bytes] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.append(writer)
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ),
            0,
        )
        body = await reader.readexactly(length) if length else b""
        self.requests.append((head.split(b" ")[0].decode(), body))
        self.heads.append(head.lower())
        if self.mode == "drop":
            writer.close()  # the request arrived; the answer never comes
        elif self.mode == "silent":
            await asyncio.sleep(2)
            writer.close()
        else:
            payload = b'{"data": {"id": 501, "customer_code": "C", "customer_name": "N"}}'
            cookie = b"Set-Cookie: session=caller-a; Path=/\r\n" if self.mode == "cookie" else b""
            writer.write(
                b"HTTP/1.1 200 OK\r\n"
                + cookie
                + b"Connection: close\r\nContent-Type: application/json\r\nContent-Length: "
                + str(len(payload)).encode()
                + b"\r\n\r\n"
                + payload
            )
            await writer.drain()
            writer.close()

    async def __aenter__(self) -> Server:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self.server is not None
        self.server.close()
        for writer in self.writers:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"


def app_for(base_url: str) -> object:
    return create_app(
        parse_config(
            f"""
api_keys: [{{name: k, key: kkkk-key, scopes: [customers:read, customers:write]}}]
connections:
  up:
    adapter: borderbolt
    base_url: "{base_url}"
    auth: {{type: bearer, token: tttt}}
    timeout: {{connect: 1, read: 0.5, total: 5}}
    retry: {{attempts: 3}}
    circuit_breaker: {{failures: 50}}
""",
            env={},
        )
    )


@pytest.fixture
async def dropping() -> AsyncIterator[Server]:
    async with Server("drop") as server:
        yield server


async def test_a_post_dropped_after_it_was_read_is_sent_once(dropping: Server) -> None:
    app = app_for(dropping.url)
    async with client_for(app, key="kkkk-key") as client:
        answer = await client.post("/v1/customers", json={"code": "D1", "name": "Dropped"})
    await app.state.runtime.aclose()  # type: ignore[attr-defined]
    assert answer.status_code == 502
    assert [method for method, _ in dropping.requests] == ["POST"]  # never retried
    assert b'"customer_code":"D1"' in dropping.requests[0][1].replace(b" ", b"")


async def test_a_get_dropped_after_it_was_read_is_retried(dropping: Server) -> None:
    app = app_for(dropping.url)
    async with client_for(app, key="kkkk-key") as client:
        answer = await client.get("/v1/customers/up:501")
    await app.state.runtime.aclose()  # type: ignore[attr-defined]
    assert answer.status_code == 502 and len(dropping.requests) == 3


async def test_a_silent_upstream_times_out_at_the_read_timeout() -> None:
    async with Server("silent") as server:
        app = app_for(server.url)
        async with client_for(app, key="kkkk-key") as client:
            started = time.monotonic()
            answer = await client.post("/v1/customers", json={"code": "S1", "name": "Silent"})
            elapsed = time.monotonic() - started
        await app.state.runtime.aclose()  # type: ignore[attr-defined]
    assert answer.status_code == 504 and 0.4 < elapsed < 2.0
    assert len(server.requests) == 1


async def test_a_refused_connection_never_reached_and_is_retried_even_for_a_post() -> None:
    async with Server("drop") as server:
        url = server.url
    app = app_for(url)  # the port is closed now: connections are refused
    async with client_for(app, key="kkkk-key") as client:
        answer = await client.post("/v1/customers", json={"code": "R1", "name": "Refused"})
        metrics = (await client.get("/metrics")).text
    await app.state.runtime.aclose()  # type: ignore[attr-defined]
    assert answer.status_code == 502
    unreachable = [
        line
        for line in metrics.splitlines()
        if line.startswith("gateway_upstream_requests_total") and "unreachable" in line
    ]
    assert unreachable and float(unreachable[0].rsplit(" ", 1)[1]) == 3.0


async def test_an_answer_comes_through_the_real_transport() -> None:
    async with Server("answer") as server:
        app = app_for(server.url)
        async with client_for(app, key="kkkk-key") as client:
            answer = await client.get("/v1/customers/up:501")
        await app.state.runtime.aclose()  # type: ignore[attr-defined]
    assert answer.status_code == 200 and answer.json()["code"] == "C"
    method, _ = server.requests[0]
    assert method == "GET"


async def test_an_upstream_cookie_is_never_sent_on_a_later_request() -> None:
    async with Server("cookie") as server:
        app = app_for(server.url)
        async with client_for(app, key="kkkk-key") as client:
            headers = {"Cache-Control": "no-cache"}
            first = await client.get("/v1/customers/up:501", headers=headers)
            second = await client.get("/v1/customers/up:501", headers=headers)
        await app.state.runtime.aclose()  # type: ignore[attr-defined]
    assert first.status_code == second.status_code == 200
    assert "set-cookie" not in first.headers
    assert len(server.heads) == 2 and all(b"\r\ncookie:" not in head for head in server.heads)
