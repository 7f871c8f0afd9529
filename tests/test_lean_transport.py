"""LeanTransport (gateway/upstreams/lean_transport.py) against loopback servers that
answer byte by byte as each test scripts: keep-alive reuse, chunked, HTTP/1.0 and
``Connection: close`` answers, 1xx, HEAD, a peer that closes before or mid-answer, a
silent one, a stale kept-alive connection, a full pool, TLS with a CA made here, the
egress policy. "Never reached" (ConnectError, ConnectTimeout) and "may have reached"
(RemoteProtocolError, ReadError, ReadTimeout) are checked against what the server saw."""

from __future__ import annotations

import asyncio
import gzip
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeAlias

import httpx
import pytest

from gateway.upstreams.connections import tls_context
from gateway.upstreams.lean_transport import LeanTransport

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["asyncio", "uvloop"])
def anyio_backend(request: pytest.FixtureRequest) -> tuple[str, dict[str, bool]]:
    """Each test on both loops: the gateway serves on uvloop, the suite runs asyncio's."""
    return ("asyncio", {"use_uvloop": request.param == "uvloop"})


Reader: TypeAlias = asyncio.StreamReader
Writer: TypeAlias = asyncio.StreamWriter
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


class Upstream:
    """A loopback server running ``script(self, reader, writer)`` per connection; it
    counts connections and keeps each request's head and body as read."""

    def __init__(self, script: Callable[[Upstream, Reader, Writer], Awaitable[None]]) -> None:
        self.script = script
        self.connections = 0
        self.requests: list[tuple[bytes, bytes]] = []
        self.closed_by_client = 0
        self.port = 0

    async def read(self, reader: Reader) -> bytes:
        """One request: its head (returned) and body, kept in ``requests``."""
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.lower().split(b"\r\n"):
            if line.startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        body = await reader.readexactly(length) if length else b""
        self.requests.append((head, body))
        return head

    async def handle(self, reader: Reader, writer: Writer) -> None:
        self.connections += 1
        try:
            await self.script(self, reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            self.closed_by_client += 1
        except asyncio.CancelledError:
            pass  # the test is over; its server goes with it
        finally:
            writer.close()


@asynccontextmanager
async def serving(
    script: Callable[[Upstream, Reader, Writer], Awaitable[None]],
    tls: ssl.SSLContext | None = None,
) -> AsyncIterator[Upstream]:
    upstream = Upstream(script)
    server = await asyncio.start_server(upstream.handle, "127.0.0.1", 0, ssl=tls)
    upstream.port = server.sockets[0].getsockname()[1]
    try:
        yield upstream
    finally:
        server.close()


def client(
    upstream: Upstream | None = None,
    *,
    base_url: str = "",
    limits: httpx.Limits | None = None,
    timeout: httpx.Timeout | None = None,
    **settings: object,
) -> httpx.AsyncClient:
    transport = LeanTransport(
        limits=limits or httpx.Limits(max_connections=10),
        ssl_context=settings.pop("ssl_context", tls_context()),  # type: ignore[arg-type]
        **settings,  # type: ignore[arg-type]
    )
    if upstream is not None:
        base_url = f"http://127.0.0.1:{upstream.port}"
    return httpx.AsyncClient(
        transport=transport, base_url=base_url, timeout=timeout or httpx.Timeout(5.0)
    )


async def answering(answer: bytes) -> Callable[[Upstream, Reader, Writer], Awaitable[None]]:
    async def script(upstream: Upstream, reader: Reader, writer: Writer) -> None:
        while True:
            await upstream.read(reader)
            writer.write(answer)

    return script


async def test_a_kept_alive_connection_carries_every_request_as_httpx_built_it() -> None:
    async with serving(await answering(OK)) as upstream, client(upstream) as http:
        answers = [await http.get("/p", params={"q": "1"}) for _ in range(5)]
        posted = await http.post("/w", content=b'{"a": 1}')
        empty = await http.post("/e")
    assert [a.content for a in answers] == [b"ok"] * 5 and posted.status_code == 200
    assert empty.status_code == 200 and upstream.connections == 1
    head, _ = upstream.requests[0]
    assert head.startswith(b"GET /p?q=1 HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % upstream.port)
    lowered = head.lower()
    assert lowered.count(b"accept-encoding:") == lowered.count(b"user-agent:") == 1
    assert b"connection:" not in lowered and b"cookie" not in lowered
    assert upstream.requests[5] == (upstream.requests[5][0], b'{"a": 1}')
    assert b"content-length: 8\r\n" in upstream.requests[5][0].lower()
    assert b"content-length: 0\r\n" in upstream.requests[6][0].lower()


async def test_a_chunked_and_compressed_answer_is_joined_and_decoded_by_httpx() -> None:
    packed = gzip.compress(b'{"data": "' + b"x" * 5000 + b'"}')

    async def script(upstream: Upstream, reader: Reader, writer: Writer) -> None:
        await upstream.read(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"
        )
        for start in range(0, len(packed), 700):
            piece = packed[start : start + 700]
            writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            await writer.drain()
            await asyncio.sleep(0.01)
        writer.write(b"0\r\n\r\n")
        await upstream.read(reader)
        writer.write(OK)
        await reader.read()

    async with serving(script) as upstream, client(upstream) as http:
        answer = await http.get("/chunked")
        again = await http.get("/again")
    assert answer.json() == {"data": "x" * 5000} and again.content == b"ok"
    assert upstream.connections == 1


async def test_http10_and_connection_close_answers_end_with_the_connection() -> None:
    answers = [
        b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end",
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 4\r\n\r\ndone",
    ]

    async def script(upstream: Upstream, reader: Reader, writer: Writer) -> None:
        await upstream.read(reader)
        writer.write(answers[min(upstream.connections, 2) - 1])
        await writer.drain()

    async with serving(script) as upstream, client(upstream) as http:
        first = await http.get("/a")
        second = await http.get("/b")
        third = await http.get("/c")
    assert (first.content, second.content, third.content) == (b"until the end", b"done", b"done")
    assert upstream.connections == 3


async def test_a_1xx_is_skipped_and_head_204_304_have_no_body() -> None:
    async def script(upstream: Upstream, reader: Reader, writer: Writer) -> None:
        replies = {
            b"GET /continue": b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n"
            b"Link: </s.css>\r\n\r\n" + OK,
            b"HEAD /head": b"HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n",
            b"GET /204": b"HTTP/1.1 204 No Content\r\n\r\n",
            b"GET /304": b"HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n",
        }
        while True:
            head = await upstream.read(reader)
            writer.write(replies.get(head.split(b" HTTP")[0], OK))

    async with serving(script) as upstream, client(upstream) as http:
        continued = await http.get("/continue")
        head = await http.head("/head")
        after_head = await http.get("/after")
        no_content, not_modified = await http.get("/204"), await http.get("/304")
        last = await http.get("/last")
    assert (continued.status_code, continued.content, "link" in continued.headers) == (
        200,
        b"ok",
        False,
    )
    assert (head.status_code, head.content, head.headers["content-length"]) == (200, b"", "1234")
    assert after_head.content == b"ok" and last.content == b"ok"
    assert (no_content.content, not_modified.content) == (b"", b"")
    assert upstream.connections == 1


async def test_a_peer_that_closes_before_answering_may_have_been_reached() -> None:
    async def script(upstream: Upstream, reader: Reader, writer: Writer) -> None:
        await upstream.read(reader)  # read, then closed without a word

    async with serving(script) as upstream, client(upstream) as http:
        with pytest.raises(httpx.RemoteProtocolError):
            await http.post("/orders", content=b"{}")
    assert len(upstream.requests) == 1  # sent once, never again


async def test_a_peer_that_closes_mid_body_is_a_read_error() -> None:
    async def script(upstream: Upstream, reader: Reader, writer: Writer) -> None:
        await upstream.read(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part")
        await writer.drain()

    async with serving(script) as upstream, client(upstream) as http:
        with pytest.raises(httpx.ReadError):
            await http.get("/cut")
    assert len(upstream.requests) == 1


async def test_silence_past_the_read_timeout_fails_but_a_slow_steady_answer_does_not() -> None:
    async def script(upstream: Upstream, reader: Reader, writer: Writer) -> None:
        head = await upstream.read(reader)
        if head.startswith(b"GET /silent"):
            await asyncio.sleep(2)
            return
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")
        for byte in b"slow!":  # 0.75 s in all, never 0.3 s without a byte
            await asyncio.sleep(0.15)
            writer.write(bytes([byte]))
            await writer.drain()
        await reader.read()

    timeout = httpx.Timeout(5.0, read=0.3)
    async with serving(script) as upstream, client(upstream, timeout=timeout) as http:
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(httpx.ReadTimeout):
            await http.get("/silent")
        waited = loop.time() - started
        slow = await http.get("/slow")
    assert 0.25 < waited < 1.5 and slow.content == b"slow!"
    assert upstream.connections == 2  # the timed-out connection was not reused


async def test_a_stale_kept_alive_connection_is_replaced_and_nothing_is_sent_twice() -> None:
    async def script(upstream: Upstream, reader: Reader, writer: Writer) -> None:
        await upstream.read(reader)
        writer.write(OK)  # kept alive by the header's silence, then closed at once
        await writer.drain()
        if upstream.connections == 2:
            await upstream.read(reader)  # the next request is read, then dropped

    async with serving(script) as upstream, client(upstream) as http:
        transport = http._transport
        assert isinstance(transport, LeanTransport)
        assert (await http.get("/one")).content == b"ok"
        for _ in range(100):  # until the client has seen the close
            if transport.pool.idle_count == 0:
                break
            await asyncio.sleep(0.01)
        assert (await http.get("/two")).content == b"ok"  # a fresh connection
        with pytest.raises(httpx.RemoteProtocolError):
            await http.post("/three", content=b"once")
    assert upstream.connections == 2 and len(upstream.requests) == 3
    assert [body for _, body in upstream.requests].count(b"once") == 1


async def test_a_full_pool_waits_in_line_then_gives_up_as_never_reached() -> None:
    release = asyncio.Event()

    async def script(upstream: Upstream, reader: Reader, writer: Writer) -> None:
        while True:
            head = await upstream.read(reader)
            if head.startswith(b"GET /hold"):
                await release.wait()
            writer.write(OK)

    limits = httpx.Limits(max_connections=1)
    timeout = httpx.Timeout(5.0, pool=0.2)
    async with (
        serving(script) as upstream,
        client(upstream, limits=limits, timeout=timeout) as http,
    ):
        held = asyncio.create_task(http.get("/hold"))
        await asyncio.sleep(0.1)
        with pytest.raises(httpx.ConnectTimeout):
            await http.get("/never")
        waiting = asyncio.create_task(http.get("/waits"))
        await asyncio.sleep(0.05)
        release.set()
        assert (await held).content == (await waiting).content == b"ok"
        many = await asyncio.gather(*(http.get(f"/m{i}") for i in range(8)))
    assert all(a.content == b"ok" for a in many)
    assert upstream.connections == 1
    assert b"GET /never" not in b"".join(head for head, _ in upstream.requests)


async def test_idle_connections_are_kept_to_the_limits_keepalive_numbers() -> None:
    async def script(upstream: Upstream, reader: Reader, writer: Writer) -> None:
        while True:
            await upstream.read(reader)
            await asyncio.sleep(0.05)  # so that three calls overlap
            writer.write(OK)

    limits = httpx.Limits(max_connections=10, max_keepalive_connections=1, keepalive_expiry=0.3)
    async with serving(script) as upstream, client(upstream, limits=limits) as http:
        transport = http._transport
        assert isinstance(transport, LeanTransport)
        await asyncio.gather(*(http.get(f"/{i}") for i in range(3)))
        kept = (transport.pool.idle_count, upstream.connections)
        await asyncio.sleep(0.1)
        await http.get("/reused")
        reused = upstream.connections
        for _ in range(100):  # the idle one expires
            if upstream.closed_by_client == 3:
                break
            await asyncio.sleep(0.02)
        expired = (transport.pool.idle_count, upstream.closed_by_client)
        await http.get("/fresh")
    assert kept == (1, 3) and reused == 3
    assert expired == (0, 3) and upstream.connections == 4


async def test_a_cancelled_request_closes_its_connection_and_aclose_closes_the_rest() -> None:
    async def script(upstream: Upstream, reader: Reader, writer: Writer) -> None:
        while True:
            head = await upstream.read(reader)
            if not head.startswith(b"GET /never"):
                writer.write(OK)

    async with serving(script) as upstream:
        http = client(upstream)
        call = asyncio.create_task(http.get("/never"))
        await asyncio.sleep(0.1)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        assert (await http.get("/next")).content == b"ok"
        await http.aclose()
        for _ in range(100):
            if upstream.closed_by_client == 2:
                break
            await asyncio.sleep(0.01)
    assert upstream.connections == 2 and upstream.closed_by_client == 2


async def test_a_line_break_in_a_header_or_another_scheme_is_refused_before_sending() -> None:
    async with serving(await answering(OK)) as upstream, client(upstream) as http:
        with pytest.raises(httpx.LocalProtocolError):
            await http.get("/", headers={"X-Id": "a\r\nX-Injected: 1"})
        with pytest.raises(httpx.UnsupportedProtocol):
            await http.get(f"ftp://127.0.0.1:{upstream.port}/")
    assert upstream.requests == []
