"""The read cache on Redis: the same promises as gateway/caching/cache.py, across instances.

An entry is a hash ``{conn:<connection>}:cache:<config digest>:<request digest>``
holding the body, its ETag, when it stops being fresh (wall clock) and the tag
generations it was filled under (field ``v``); it expires after ``ttl +
stale_if_error``. Tag generations are counters ``{conn:<connection>}:gen:<tag>``
(``...:gen:*`` for the whole connection) that a write on any instance increments, so the
next read on every instance sees the entry as gone. A connection's generations and
entries share one hash tag: one round trip to one node reads the generations and the
entry together, on a cluster too. Every read of a connection touches its generations'
node anyway; keeping its entries there too costs that node the connection's cache memory
and saves each read a second node (measured: ~220 against ~150 us of client CPU per
read when they were apart; bench/results.md). Entries kept under the earlier name
(``cache:<connection>:…``) are never read again and expire. Concurrent identical
misses in one process share one upstream call; across processes each fills once.

Near cache: each process also keeps the entries it read or filled, and answers a hit
from memory, without a round trip, when it knows their generations are still current
(gateway/store/near_sync.py says how it knows; docs/caching.md). A write waits until
every process has forgotten what it changed, so the promise above holds unchanged.

If the store fails, reads are answered from the upstream (``X-Cache: BYPASS``) and
invalidations are lost for that moment; entries expire after their TTL regardless.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any

from cachetools import TTLCache

from gateway.caching.cache import CacheKey, CacheStatus, Entry, FillingCache, etag_of
from gateway.config.model import CacheConfig
from gateway.store.base import StoreDown
from kernel.errors import UpstreamError

if TYPE_CHECKING:
    from gateway.store.redis import RedisStore


# An entry's fields and its expiry in one command by SHA: measured lighter for the client
# than a pipeline of HSET and PEXPIRE (bench/PROFILE.md), above all on a cluster.
FILL = """
redis.call('HSET', KEYS[1], 'b', ARGV[1], 'e', ARGV[2], 'f', ARGV[3], 'v', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
"""


class SharedResponseCache(FillingCache):
    shared = True

    def __init__(
        self, store: RedisStore, connection: str, namespace: str, config: CacheConfig
    ) -> None:
        super().__init__()
        self.store = store
        self.connection = connection
        self.namespace = namespace
        self.ttl = config.ttl
        self.stale_if_error = config.stale_if_error
        self.near = store.near.link(connection)  # released by ``aclose``
        self._released = False
        self._near: TTLCache[CacheKey, Entry] = TTLCache(
            config.max_entries, ttl=max(self.ttl + self.stale_if_error, 0.001)
        )

    @property
    def enabled(self) -> bool:
        return self.ttl > 0

    @property
    def entries(self) -> int | None:
        return None  # shared by every instance: not counted per process

    def _gen(self, tag: str) -> str:
        return self.store.key("{conn:" + self.connection + "}", "gen", tag)

    def _entry_key(self, key: CacheKey) -> str:
        digest = hashlib.sha256("\x1f".join(key).encode()).hexdigest()[:40]
        return self.store.key("{conn:" + self.connection + "}", "cache", self.namespace, digest)

    async def aclose(self) -> None:
        """The connection is closed (removed, renamed or changed by a config change):
        its near link stops once no read cache of this process uses it any more."""
        if not self._released:
            self._released = True
            await self.store.near.release(self.connection)

    async def ainvalidate(self, tags: Iterable[str]) -> None:
        tags = list(tags)
        names = [self._gen(tag) for tag in tags]
        if not names:
            return

        self.near.start()
        with contextlib.suppress(StoreDown):  # counted by the store; entries still expire
            await self.near.invalidate(names, tags)

    async def ainvalidate_all(self) -> None:
        await self.ainvalidate(["*"])

    async def get(
        self,
        key: CacheKey,
        tags: Iterable[str],
        produce: Callable[[], Awaitable[bytes]],
        *,
        bypass: bool = False,
    ) -> tuple[Entry, CacheStatus]:
        tags = ["*", *tags]
        near = self.near
        near.start()
        current = near.current(tags)
        if current is not None:
            kept = self._near.get(key)
            if kept is not None and kept.generations != current:
                kept = None
            if bypass:
                return await self._refill(key, tags, current, produce, kept)
            if kept is not None and time.time() < kept.fresh_until:
                self.hits += 1
                return kept, CacheStatus.HIT
        mark = near.mark()
        try:
            generations, entry = await self._lookup(key, tags)
        except StoreDown:
            body = await produce()
            return Entry(body, etag_of(body), 0.0, ()), CacheStatus.BYPASS
        near.learn(tags, generations, mark)
        if entry is not None:
            self._near[key] = entry
        return await self._answer(key, generations, produce, entry, bypass)

    async def _refill(
        self,
        key: CacheKey,
        tags: list[str],
        generations: tuple[int, ...],
        produce: Callable[[], Awaitable[bytes]],
        kept: Entry | None,
    ) -> tuple[Entry, CacheStatus]:
        """A bypass read whose generations are known current: no lookup, only the fill
        (one round trip to Redis instead of two). The shared entry is read only when the
        upstream fails and this process holds none of its own to answer with."""
        try:
            return await self._fill(key, generations, produce, kept, True)
        except UpstreamError:
            try:
                _, entry = await self._lookup(key, tags)
            except StoreDown:
                entry = None
            if entry is None:
                raise
            self.stale += 1
            return entry, CacheStatus.STALE

    def _now(self) -> float:
        return time.time()  # shared by hosts: wall clock

    async def _lookup(self, key: CacheKey, tags: list[str]) -> tuple[tuple[int, ...], Entry | None]:
        async def read() -> list[Any]:
            async with self.store.client.pipeline(transaction=False) as pipe:
                # a cluster pipeline refuses pipe.mget; generations and entry share one slot
                pipe.execute_command("MGET", *(self._gen(tag) for tag in tags))
                pipe.hgetall(self._entry_key(key))
                replies: list[Any] = await pipe.execute()
                return replies

        counters, fields = await self.store.call("cache_get", read)
        generations = tuple(int(c) if c is not None else 0 for c in counters)
        entry = _entry(fields) if fields else None
        if entry is not None and entry.generations != generations:
            entry = None
        return generations, entry

    async def _keep(self, key: CacheKey, entry: Entry) -> None:
        self._near[key] = entry
        args = [
            entry.body,
            entry.etag,
            repr(entry.fresh_until),
            ",".join(map(str, entry.generations)),
            max(1, int((self.ttl + self.stale_if_error) * 1000)),
        ]
        keys, script = [self._entry_key(key)], self.store.script(FILL)
        with contextlib.suppress(StoreDown):  # answered anyway; the next read fills again
            await self.store.call("cache_put", lambda: script(keys=keys, args=args))


def _entry(fields: dict[bytes, bytes]) -> Entry | None:
    if b"v" not in fields:
        return None
    generations = tuple(int(g) for g in fields[b"v"].decode().split(",") if g)
    return Entry(fields[b"b"], fields[b"e"].decode(), float(fields[b"f"]), generations)
