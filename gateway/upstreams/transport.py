"""The ``httpx.AsyncClient`` under each upstream connection (its transport, the bytes on
the wire, is gateway/upstreams/lean_transport.py).

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

from typing import Any

import httpx

from gateway.upstreams.traced import traced

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
