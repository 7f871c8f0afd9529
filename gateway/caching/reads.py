"""Answering GETs through the connection's read cache, and invalidating it on writes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_json
from starlette.responses import Response

from gateway.caching.cache import CacheStatus, Entry, etag_of
from gateway.http.edge import Call
from gateway.upstreams.connections import Connection

Produce = Callable[[], Awaitable[Any]]


def render(content: Any) -> bytes:
    """JSON bytes of a model or of plain data (pydantic-core's encoder, in Rust)."""
    if isinstance(content, BaseModel):
        return content.__pydantic_serializer__.to_json(content)
    return to_json(content)


async def cached_read(
    call: Call,
    connection: Connection | None,
    tags: Iterable[str],
    produce: Produce,
) -> Response:
    """The answer of ``produce()`` (a model or JSON-able value), cached as the connection
    is configured; with no connection (a fan-out) never cached, but still with an ETag."""

    async def body() -> bytes:
        return render(await produce())

    cache = connection.cache if connection is not None else None
    read = call.read
    if cache is None or not cache.enabled:
        content = await body()
        entry, status = Entry(content, etag_of(content), 0.0, ()), CacheStatus.BYPASS
    else:
        key = (call.key.digest, call.method, read.path, read.query)
        entry, status = await cache.get(key, tags, body, bypass=read.bypass)
    if connection is not None:
        metrics = call.runtime.metrics
        metrics.child(metrics.cache, connection.name, status.value).inc()
    if _matches(read.if_none_match, entry.etag):
        return ReadAnswer(b"", entry.etag, status, 304)
    return ReadAnswer(entry.body, entry.etag, status)


class ReadAnswer(Response):
    """A read's answer: ``ETag`` and ``X-Cache``, then (not on a 304) the body's length
    and type, the headers starlette's ``Response`` would write for them, as bytes made
    here: it encodes a dict of them anew for every answer."""

    media_type = "application/json"

    def __init__(self, body: bytes, etag: str, result: CacheStatus, status: int = 200) -> None:
        self.status_code = status
        self.background = None
        self.body = body
        self.raw_headers = [(b"etag", etag.encode("latin-1")), (b"x-cache", result.encode())]
        if status != 304:
            self.raw_headers += [
                (b"content-length", str(len(body)).encode("latin-1")),
                (b"content-type", b"application/json"),
            ]


@asynccontextmanager
async def invalidating(connection: Connection, *tags: str) -> AsyncIterator[None]:
    """Around a write: drop what it changes afterwards, whether it succeeded or not
    (a failed write may still have happened upstream)."""
    try:
        yield
    finally:
        await connection.cache.ainvalidate(tags)


def _matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    candidates = {part.strip().removeprefix("W/") for part in header.split(",")}
    return "*" in candidates or etag in candidates
