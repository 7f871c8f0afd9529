"""The HTTP transport under each upstream's ``httpx.AsyncClient``: aiohttp's pool.

httpx stays the API the adapters, the auth flows and respx see; under it, httpcore's
connection pool spends CPU that grows with concurrency (a ``poll()`` per pooled
connection per operation), several times what the rest of a miss costs. This transport
hands each request to one ``aiohttp.ClientSession`` per connection instead. It is ours,
not ``httpx-aiohttp``'s (0.2.0), because the gateway must tell "never reached the
upstream" (safe to retry, any method) from "may have reached it" (never retry a write),
and that package reports a connection dropped after the request was sent as
``httpx.ConnectTimeout``. Here:

==============================================  ==========================  ===========
aiohttp                                         httpx                       reached?
==============================================  ==========================  ===========
ClientConnectorError (refused, DNS, TLS setup)  ConnectError                no
ConnectionTimeoutError (pool wait or connect)   ConnectTimeout              no
SocketTimeoutError, ServerTimeoutError          ReadTimeout                 maybe
ServerDisconnectedError, ClientOSError          RemoteProtocolError         maybe
ClientPayloadError, ClientResponseError         ReadError                   maybe
any other ClientError                           TransportError              maybe
==============================================  ==========================  ===========

Timeouts come from the request (httpx's ``connect``, ``read``, ``pool``), pool limits
from ``httpx.Limits``; no cookie jar (an upstream's cookies must never flow between
callers); bodies are passed on compressed, for httpx to decode as it would its own;
aiohttp's own resending of a request on a dropped kept-alive connection is off.

Every address a connection is made to passes the egress policy first (gateway/upstreams/egress.py:
link-local and cloud metadata addresses and the state store's are refused, also when a
name resolves to one), through aiohttp's ``socket_factory``: it runs once per new TCP
connection, never per request on a kept-alive one, and costs about 3 µs where opening
the connection costs hundreds: end to end it is within the noise (docs/changes.md,
"Egress policy", has the measurement). A refused address is ``httpx.ConnectError`` ("never
reached"), saying only that the policy refused it.

``UpstreamClient`` is the ``httpx.AsyncClient`` every connection uses: one without a
cookie jar, so a ``Set-Cookie`` from an upstream is neither kept nor sent on another
caller's request (and is not parsed on every answer, which httpx's jar does). Each
request it sends (an attempt, a token fetch) is traced (gateway/upstreams/traced.py).
It keeps the URLs it has merged with its ``base_url``: httpx parses and re-quotes the
path, checks the host (``ipaddress``) and copies the base on every request, ~7% of a
single miss's CPU in the profile (bench/PROFILE.md); a gateway sends the same few
paths again and again, and an ``httpx.URL`` is immutable, so the merge is done once.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import aiohttp
import httpx
from aiohttp.abc import AbstractResolver

from gateway.upstreams.egress import REFUSED, Egress, refused
from gateway.upstreams.traced import traced

DROPPED_HEADERS = frozenset({b"content-length", b"transfer-encoding", b"connection"})
MERGED_URLS = 4096  # paths remembered per client; all are forgotten when it is full


class NoCookies(httpx.Cookies):
    """A jar that keeps nothing it is offered."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


class UpstreamClient(httpx.AsyncClient):
    """``httpx.AsyncClient`` with no cookie jar, tracing each request it sends (module
    docstring). ``connection``: the name its spans carry."""

    _no_cookies = NoCookies()

    def __init__(self, *, connection: str = "", **settings: Any) -> None:
        self._merged: dict[object, httpx.URL] = {}
        super().__init__(**settings)
        self.connection = connection
        self._merged_base = self._base_url

    def build_request(
        self, method: str, url: httpx.URL | str, *, params: Any = None, **rest: Any
    ) -> httpx.Request:
        # The URL httpx would build, from the URLs already built (module docstring).
        key = _url_key(url, params) if not self.params else None
        if key is None:
            return super().build_request(method, url, params=params, **rest)
        if self._merged_base is not self._base_url or len(self._merged) >= MERGED_URLS:
            self._merged.clear()
            self._merged_base = self._base_url
        merged = self._merged.get(key)
        if merged is None:
            merged = self._merge_url(url)
            if params is not None:  # httpx's rule: the parameters replace the URL's query
                merged = httpx.URL(merged, params=params)
            self._merged[key] = merged
        return super().build_request(method, merged, **rest)

    def _merge_headers(self, headers: Any = None) -> Any:
        # httpx's merge (the client's headers, less those the call names, then the
        # call's) without parsing the client's headers again: only for the common case
        # of a dict of ASCII strings, which is all either side ever normalises to.
        if type(headers) is not dict or not headers:
            return super()._merge_headers(headers)
        added = []
        for key, value in headers.items():
            if not (type(key) is type(value) is str and key.isascii() and value.isascii()):
                return super()._merge_headers(headers)
            raw = key.encode("ascii")
            added.append((raw, raw.lower(), value.encode("ascii")))
        named = {lower for _, lower, _ in added}
        merged = httpx.Headers()
        merged._list = [kept for kept in self._headers._list if kept[1] not in named] + added
        return merged

    async def _send_single_request(self, request: httpx.Request) -> httpx.Response:
        # httpx calls this once per request on the wire: each attempt, each token fetch
        # of an auth flow (redirects are never followed here). Pinned by httpx<0.29.
        return await traced(super()._send_single_request, request, self.connection)

    @property
    def cookies(self) -> httpx.Cookies:
        return self._no_cookies

    @cookies.setter
    def cookies(self, cookies: object) -> None:
        raise TypeError("an upstream client keeps no cookies")


def _url_key(url: httpx.URL | str, params: Any) -> object:
    """What decides the URL httpx builds from a path and query parameters, or None when
    that is not simply their values (then httpx builds it as it always does). Only str
    and int values: ``1``, ``True`` and ``1.0`` are equal keys that httpx writes apart."""
    if not isinstance(url, str):
        return None
    if params is None:
        return url
    if type(params) is dict and all(type(value) in (str, int) for value in params.values()):
        return (url, tuple(params.items()))
    return None


class AiohttpTransport(httpx.AsyncBaseTransport):
    """``egress``: the policy every address is checked against (by default the one
    that knows no store); ``resolver``: aiohttp's default unless given."""

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
        self._session: aiohttp.ClientSession | None = None

    def _session_now(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self.limits.max_connections or 0,
                limit_per_host=0,
                keepalive_timeout=self.limits.keepalive_expiry or 5.0,
                ssl=self.ssl_context,
                ttl_dns_cache=300,
                resolver=self.resolver,
                socket_factory=self.egress.socket_factory,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
                trust_env=False,
            )
            # aiohttp resends a request once when a kept-alive connection drops, for
            # every method it deems idempotent, PUT and DELETE included. Retrying is
            # Upstream's decision alone (a write that may have arrived is never sent
            # again); there is no public switch, so the session's own flag is turned off.
            self._session._retry_connection = False
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout = request.extensions.get("timeout", {})
        connect, pool = timeout.get("connect"), timeout.get("pool")
        waited = None if connect is None and pool is None else (connect or 0) + (pool or 0)
        client_timeout = aiohttp.ClientTimeout(
            total=None, connect=waited, sock_connect=connect, sock_read=timeout.get("read")
        )
        headers = [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, v in request.headers.raw
            if k.lower() not in DROPPED_HEADERS
        ]
        body = await request.aread()
        await self.egress.prepare(self.resolver)
        try:
            async with self._session_now().request(
                request.method,
                str(request.url),
                headers=headers,
                data=body or None,
                timeout=client_timeout,
                allow_redirects=False,
                skip_auto_headers=("Accept-Encoding", "User-Agent"),
            ) as answer:
                content = await answer.read()
                raw_headers = [(k, v) for k, v in answer.raw_headers]
                status = answer.status
        except Exception as exc:
            raise _mapped(exc, request) from exc
        return httpx.Response(
            status_code=status,
            headers=raw_headers,
            content=content,
            extensions={"http_version": b"HTTP/1.1"},
            request=request,
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


def _mapped(exc: Exception, request: httpx.Request) -> Exception:
    """The httpx error that says as much as ``exc`` does about reaching the upstream
    (module docstring); anything not from the transport is left as it is."""
    error: type[httpx.TransportError]
    if isinstance(exc, aiohttp.ClientConnectorError) and refused(exc):
        return httpx.ConnectError(REFUSED, request=request)
    if isinstance(exc, aiohttp.ClientConnectorError):
        error = httpx.ConnectError
    elif isinstance(exc, aiohttp.ConnectionTimeoutError):
        error = httpx.ConnectTimeout
    elif isinstance(exc, aiohttp.ServerTimeoutError | asyncio.TimeoutError):
        error = httpx.ReadTimeout
    elif isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientOSError):
        error = httpx.RemoteProtocolError
    elif isinstance(exc, aiohttp.ClientPayloadError | aiohttp.ClientResponseError):
        error = httpx.ReadError
    elif isinstance(exc, aiohttp.ClientError):
        error = httpx.TransportError
    else:
        return exc
    return error(f"{type(exc).__name__}: {exc}", request=request)
