"""The read cache: canonical GET answers, per connection and API key (API.md section 5).

- Entries are the JSON bytes of a 200 answer, keyed by the API key's identity and the
  request (method, path, query), so one key never sees another's answer.
- Fresh for ``ttl`` seconds; kept ``stale_if_error`` seconds longer to answer with
  (``X-Cache: STALE``) when the upstream fails (502/503/504).
- Invalidation by tags: each entry carries tags (``customers``, ``customer:501``,
  ...) and the generation each tag had when the entry was filled. A write bumps the
  generations of what it changes; an entry whose generations are behind is gone. No
  index of keys to keep, and a fill racing a write can never store stale data.
- Concurrent identical misses share one upstream call (single flight).
- ``Cache-Control: no-cache`` bypasses the lookup (``X-Cache: BYPASS``) but refreshes
  the entry. Every answer carries an ``ETag``; ``If-None-Match`` on it is a 304.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from cachetools import TTLCache

from kernel.context import stale_fallback_var
from kernel.errors import UpstreamError

CacheKey = tuple[str, ...]


class CacheStatus(StrEnum):
    HIT = "HIT"
    MISS = "MISS"
    STALE = "STALE"
    BYPASS = "BYPASS"


@dataclass(frozen=True, slots=True)
class Entry:
    body: bytes
    etag: str
    fresh_until: float
    generations: tuple[int, ...]


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


class FillingCache:
    """What both read caches share (this one and gateway/store/shared_cache.py): the
    freshness check, single flight among this process's requests, and the fill that
    answers from a stale entry when the upstream fails."""

    ttl: float

    def __init__(self) -> None:
        self._inflight: dict[CacheKey, asyncio.Future[Entry]] = {}
        self.hits = self.misses = self.stale = 0

    def _now(self) -> float:
        raise NotImplementedError

    async def _keep(self, key: CacheKey, entry: Entry) -> None:
        raise NotImplementedError

    async def aclose(self) -> None:
        """Let go of what the cache holds outside this process's memory (nothing here);
        called when its connection is closed."""

    async def _answer(
        self,
        key: CacheKey,
        generations: tuple[int, ...],
        produce: Callable[[], Awaitable[bytes]],
        entry: Entry | None,
        bypass: bool,
    ) -> tuple[Entry, CacheStatus]:
        """``entry`` (current generations, fresh or not) if fresh, a running fill's
        answer, or a fill of our own."""
        if not bypass and entry is not None and self._now() < entry.fresh_until:
            self.hits += 1
            return entry, CacheStatus.HIT
        leader = self._inflight.get(key)
        if not bypass and leader is not None:
            try:
                shared = await asyncio.shield(leader)
            except asyncio.CancelledError:
                if not leader.cancelled():
                    raise  # this request itself was cancelled
            else:
                self.hits += 1
                return shared, CacheStatus.HIT
        return await self._fill(key, generations, produce, entry, bypass)

    async def _fill(
        self,
        key: CacheKey,
        generations: tuple[int, ...],
        produce: Callable[[], Awaitable[bytes]],
        stale: Entry | None,
        bypass: bool,
    ) -> tuple[Entry, CacheStatus]:
        future: asyncio.Future[Entry] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        token = stale_fallback_var.set(stale is not None)
        try:
            body = await produce()
        except UpstreamError as exc:
            if stale is not None:
                self.stale += 1
                future.set_result(stale)
                return stale, CacheStatus.STALE
            future.set_exception(exc)
            future.exception()  # retrieved: waiters get it, nobody else need
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()
            raise
        except BaseException:
            future.cancel()  # the leader was cancelled: waiters fill for themselves
            raise
        finally:
            stale_fallback_var.reset(token)
            self._inflight.pop(key, None)
        self.misses += 1
        entry = Entry(body, etag_of(body), self._now() + self.ttl, generations)
        future.set_result(entry)
        await self._keep(key, entry)
        return entry, CacheStatus.BYPASS if bypass else CacheStatus.MISS


class ResponseCache(FillingCache):
    def __init__(
        self,
        *,
        ttl: float,
        stale_if_error: float,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.ttl = ttl
        self.stale_if_error = stale_if_error
        self._clock = clock
        self._entries: TTLCache[CacheKey, Entry] = TTLCache(
            max_entries, ttl=max(ttl + stale_if_error, 0.001), timer=clock
        )
        self._generations: dict[str, int] = {}
        self._epoch = 0  # bumped by invalidate_all: every entry's first generation

    @property
    def enabled(self) -> bool:
        return self.ttl > 0

    shared = False

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def entries(self) -> int | None:
        return len(self._entries)

    async def ainvalidate(self, tags: Iterable[str]) -> None:
        self.invalidate(tags)

    async def ainvalidate_all(self) -> None:
        self.invalidate_all()

    def invalidate(self, tags: Iterable[str]) -> None:
        for tag in tags:
            self._generations[tag] = self._generations.get(tag, 0) + 1

    def invalidate_all(self) -> None:
        """Drop everything (a write the gateway cannot attribute, e.g. a passthrough)."""
        self._epoch += 1

    async def get(
        self,
        key: CacheKey,
        tags: Iterable[str],
        produce: Callable[[], Awaitable[bytes]],
        *,
        bypass: bool = False,
    ) -> tuple[Entry, CacheStatus]:
        """The answer for ``key``, from the cache or from ``produce()``."""
        generations = (self._epoch, *(self._generations.get(tag, 0) for tag in tags))
        entry = self._entries.get(key)
        if entry is not None and entry.generations != generations:
            entry = None
        return await self._answer(key, generations, produce, entry, bypass)

    def _now(self) -> float:
        return self._clock()

    async def _keep(self, key: CacheKey, entry: Entry) -> None:
        self._entries[key] = entry
