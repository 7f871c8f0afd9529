"""The HTTP/1.1 transport under each upstream's ``httpx.AsyncClient``, on asyncio directly.

httpx stays the API the adapters, the auth flows and respx see. Under it, httpcore's
pool spends CPU that grows with concurrency, and aiohttp's ``ClientSession.request``
(which this replaced) does far more per request than a gateway needs: URL objects,
trace hooks, timers, cookie, redirect and auth machinery, its own response object; it
was ~150 µs of a 556 µs single-read miss. Here a request is its bytes written in one
``transport.write`` on a kept-alive connection (gateway/upstreams/pool.py) and its
answer read by httptools' C parser (gateway/upstreams/http11.py) into an
``httpx.Response``. The gateway must tell "never reached the upstream" (safe to retry,
any method) from "may have reached it" (a write is never sent again):

==================================================  ====================  ========
what happened                                       httpx                 reached?
==================================================  ====================  ========
refused, DNS, TLS setup, the egress policy          ConnectError          no
no connection free in the pool, or connect timeout  ConnectTimeout        no
no byte of the answer within the read timeout       ReadTimeout           maybe
closed before answering, a malformed answer         RemoteProtocolError   maybe
closed mid-answer                                   ReadError             maybe
==================================================  ====================  ========

A kept-alive connection found closed is replaced by a fresh one (nothing was written
on it); once a byte was written, nothing is sent again: the caller decides.

Timeouts come from the request (httpx's ``connect``, ``read``, ``pool``; a request is
written to the socket's buffer at once, so ``write`` is not waited on), pool limits from
``httpx.Limits``. No cookies, no redirects, no headers added but ``Content-Length`` (the
request's own ``Connection``, ``Content-Length`` and ``Transfer-Encoding`` are dropped:
the body is sent whole with its length); bodies are passed on compressed, for httpx to
decode as it would its own. TLS uses the given ``ssl.SSLContext``, with SNI and the
host name checked.

Every address a connection is made to passes the egress policy first (gateway/upstreams/
egress.py: link-local and cloud metadata addresses and the state store's are refused,
also when a name resolves to one), through ``Egress.socket_factory``: once per new TCP
connection, never per request on a kept-alive one. A refused address is
``httpx.ConnectError`` ("never reached"), saying only that the policy refused it. Names
are resolved once per new connection, kept ``NAMES_TTL`` seconds (as aiohttp's
``ttl_dns_cache``), by the system's resolver or an aiohttp-style one given (tests).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from typing import Any

import httpx
from aiohttp.abc import AbstractResolver

from gateway.upstreams.egress import REFUSED, Egress, EgressRefused
from gateway.upstreams.http11 import Connection
from gateway.upstreams.pool import Key, Pool

DROPPED_HEADERS = frozenset({b"content-length", b"transfer-encoding", b"connection"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
DEFAULT_PORTS = {"http": 80, "https": 443}
NAMES_TTL = 300.0  # seconds a resolved name is trusted
SockAddr = tuple[int, int, Any]  # (family, proto, sockaddr)


class LeanTransport(httpx.AsyncBaseTransport):
    """``egress``: the policy every address is checked against (by default the one
    that knows no store); ``resolver``: the system's unless given."""

    def __init__(
        self,
        *,
        limits: httpx.Limits,
        ssl_context: ssl.SSLContext,
        egress: Egress | None = None,
        resolver: AbstractResolver | None = None,
    ) -> None:
        self.limits = limits
        self.ssl_context = ssl_context
        self.egress = egress or Egress()
        self.resolver = resolver
        self.pool = Pool(limits)
        self._names: dict[tuple[str, int], tuple[float, list[SockAddr]]] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        scheme = url.scheme
        if scheme not in DEFAULT_PORTS:
            raise httpx.UnsupportedProtocol(f"not an http(s) URL: {scheme}", request=request)
        key = (scheme, url.raw_host.decode("ascii"), url.port or DEFAULT_PORTS[scheme])
        timeout = request.extensions.get("timeout") or {}
        data = _encode(request, await request.aread())
        connection = self.pool.take(key)
        if connection is None:
            connection = await self._connection(key, timeout, request)
        try:
            status, headers, body = await connection.send(
                request, data, timeout.get("read"), request.method == "HEAD"
            )
        except BaseException:
            connection.close(abort=True)  # mid-request: its state is unknown
            raise
        self.pool.release(connection)
        return httpx.Response(
            status,
            headers=headers,
            content=body,
            extensions={"http_version": b"HTTP/1.1"},
            request=request,
        )

    async def aclose(self) -> None:
        self.pool.close()

    async def _connection(
        self, key: Key, timeouts: dict[str, float | None], request: httpx.Request
    ) -> Connection:
        """A connection from the pool, waiting or opening one; failures say "never reached"."""
        connect = timeouts.get("connect")
        try:
            return await self.pool.acquire(
                key, lambda key: self._open(key, connect), timeouts.get("pool")
            )
        except EgressRefused:
            raise httpx.ConnectError(REFUSED, request=request) from None
        except TimeoutError as exc:
            raise httpx.ConnectTimeout(
                "no connection to the upstream in time (pool or connect timeout)", request=request
            ) from exc
        except OSError as exc:
            raise httpx.ConnectError(f"{type(exc).__name__}: {exc}", request=request) from exc

    async def _open(self, key: Key, connect: float | None) -> Connection:
        """A new connection to ``key``: each address the host resolves to, in order,
        that the egress policy allows; TLS for https."""
        scheme, host, port = key
        loop = asyncio.get_running_loop()
        tls = self.ssl_context if scheme == "https" else None
        await self.egress.prepare(self.resolver)
        async with asyncio.timeout(connect):
            failure: OSError = EgressRefused()
            for family, proto, sockaddr in await self._addresses(host, port):
                try:
                    sock = self.egress.socket_factory(
                        (family, socket.SOCK_STREAM, proto, "", sockaddr)
                    )
                except EgressRefused as refused:
                    failure = refused
                    continue
                try:
                    sock.setblocking(False)
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    await loop.sock_connect(sock, sockaddr)
                    _, connection = await loop.create_connection(
                        lambda: Connection(key, self.pool.forget),
                        sock=sock,
                        ssl=tls,
                        server_hostname=host if tls is not None else None,
                    )
                    return connection
                except OSError as exc:
                    sock.close()
                    failure = exc
                except BaseException:
                    sock.close()
                    raise
            raise failure

    async def _addresses(self, host: str, port: int) -> list[SockAddr]:
        """Where ``host`` is: an address as written, else the name resolved (cached)."""
        try:
            found = socket.getaddrinfo(
                host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST
            )
            return [(family, proto, sockaddr) for family, _, proto, _, sockaddr in found]
        except socket.gaierror:
            pass  # a name
        now = time.monotonic()
        cached = self._names.get((host, port))
        if cached is not None and cached[0] > now:
            return cached[1]
        addresses: list[SockAddr]
        if self.resolver is not None:
            results = await self.resolver.resolve(host, port, socket.AF_UNSPEC)
            addresses = [(r["family"], r["proto"], (r["host"], r["port"])) for r in results]
        else:
            loop = asyncio.get_running_loop()
            found = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            addresses = [(family, proto, sockaddr) for family, _, proto, _, sockaddr in found]
        if not addresses:
            raise OSError(f"{host} resolved to no address")
        self._names[(host, port)] = (now + NAMES_TTL, addresses)
        return addresses


def _encode(request: httpx.Request, body: bytes) -> bytes:
    """The request as written: its line, its headers as httpx made them (less those the
    module docstring names) and ``Content-Length``, then the body. A header with a line
    break in it would split the request: refused (``httpx.LocalProtocolError``)."""
    parts = [request.method.encode("ascii"), b" ", request.url.raw_path, b" HTTP/1.1\r\n"]
    lines = 2  # the request line and the blank one
    # httpx.Headers' (name, lowercased name, value) list: pinned by httpx<0.29.
    for name, lower, value in request.headers._list:
        if lower not in DROPPED_HEADERS:
            parts += (name, b": ", value, b"\r\n")
            lines += 1
    if body or request.method in BODY_METHODS:
        parts += (b"Content-Length: ", str(len(body)).encode("ascii"), b"\r\n")
        lines += 1
    parts.append(b"\r\n")
    head = b"".join(parts)
    if head.count(b"\n") != lines or head.count(b"\r") != lines:
        raise httpx.LocalProtocolError("a line break in the request's headers", request=request)
    return head + body if body else head
