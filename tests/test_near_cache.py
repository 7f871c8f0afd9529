"""The near cache on Redis (gateway/store/near_sync.py): a hit known current is answered
from memory, and a write through one store is still seen by the next read through
another (API.md section 7), on standalone Redis, Sentinel and Cluster, real servers.
Two stores on one Redis stand for two processes; tests/test_near_cache_instances.py
runs two gateway processes."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest
import redis as sync_redis

from gateway.caching.cache import CacheStatus, Entry
from gateway.config.model import CacheConfig
from gateway.store.base import StoreDown
from gateway.store.redis import RedisStore
from gateway.store.shared_cache import SharedResponseCache
from kernel.errors import UpstreamError
from tests.conftest import SHARED, shared_state
from tests.ha_servers import Daemon

pytestmark = pytest.mark.anyio
KEY = ("id", "GET", "/v1/customers/c:1", "")
TAGS = ["customer:1"]


class Pair:
    """Two stores on one Redis and prefix (two processes), each with the read cache of
    connection ``c``, and the store calls each made (a spy: every call still runs)."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self.request = request
        self.backend: str = request.param
        self.prefix = f"n{uuid.uuid4().hex[:8]}:"
        self.calls: dict[str, list[str]] = {"a": [], "b": []}
        self.stores = {name: self._store(name) for name in ("a", "b")}
        config = CacheConfig(ttl=60, stale_if_error=0)
        self.a: SharedResponseCache = self.stores["a"].response_cache("c", "ns", config)
        self.b: SharedResponseCache = self.stores["b"].response_cache("c", "ns", config)

    def _store(self, name: str) -> RedisStore:
        state = shared_state(self.request, self.backend, self.prefix)
        store = RedisStore(state, prefix=self.prefix, timeout=2.0)
        real, seen = store.call, self.calls[name]

        async def spied(operation: str, make: Callable[[], Awaitable[Any]]) -> Any:
            seen.append(operation)
            return await real(operation, make)

        store.call = spied  # type: ignore[method-assign]
        return store

    def lookups(self, name: str) -> int:
        return self.calls[name].count("cache_get")

    def server_of_channel(self) -> sync_redis.Redis:
        """A client of the Redis server that holds connection ``c``'s channel."""
        if self.backend == "redis":
            return sync_redis.Redis.from_url(self.request.getfixturevalue("redis").url)
        client: sync_redis.Redis = self.master_of_channel().client()
        return client

    def master_of_channel(self) -> Daemon:
        """Sentinel's master, or the cluster master of the channel's shard."""
        if self.backend == "redis-sentinel":
            master: Daemon = self.request.getfixturevalue("sentinel").current_master()
        else:
            master = self.request.getfixturevalue("cluster").master_of(self.a.near.channel)
        return master

    async def aclose(self) -> None:
        for store in self.stores.values():
            await store.aclose()


@pytest.fixture(params=SHARED)
async def pair(request: pytest.FixtureRequest) -> AsyncIterator[Pair]:
    made = Pair(request)
    yield made
    await made.aclose()


@pytest.fixture(params=SHARED[1:])
async def ha_pair(request: pytest.FixtureRequest) -> AsyncIterator[Pair]:
    made = Pair(request)
    yield made
    await made.aclose()


def body(value: bytes) -> Callable[[], Awaitable[bytes]]:
    async def produce() -> bytes:
        return value

    return produce


async def read(cache: SharedResponseCache, value: bytes) -> tuple[Entry, CacheStatus]:
    """Through ``cache``; ``value`` is what the upstream would answer now."""
    return await cache.get(KEY, TAGS, body(value))


async def usable(cache: SharedResponseCache, within: float = 10.0) -> None:
    cache.near.start()
    for _ in range(int(within / 0.02)):
        if cache.near.usable():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the near cache never became usable")


@contextlib.contextmanager
def not_reading(cache: SharedResponseCache) -> Iterator[None]:
    """Its process reads nothing from its subscription inside the block (paused, or
    busy); what arrived meanwhile is handled after it."""
    link = cache.near
    handle, held = link._handle, []
    link._handle = lambda message, confirmed: held.append((message, confirmed))  # type: ignore[method-assign]
    try:
        yield
    finally:
        link._handle = handle  # type: ignore[method-assign]
        for message, confirmed in held:
            handle(message, confirmed)


async def warmed(pair: Pair) -> None:
    """Both usable, and B answering ``v1`` from memory."""
    await usable(pair.a)
    await usable(pair.b)
    await read(pair.b, b"v1")
    assert (await read(pair.b, b"old"))[0].body == b"v1"


async def test_a_hit_known_current_costs_no_round_trip(pair: Pair) -> None:
    await usable(pair.a)
    await usable(pair.b)
    assert (await read(pair.a, b"v1"))[1] is CacheStatus.MISS
    assert (await read(pair.b, b"v1"))[1] is CacheStatus.HIT  # from Redis: learns
    before = pair.lookups("b")
    for _ in range(5):
        entry, status = await read(pair.b, b"never")
        assert (entry.body, status) == (b"v1", CacheStatus.HIT)
    assert pair.lookups("b") == before


async def test_every_write_on_one_is_seen_by_the_next_read_on_the_other(pair: Pair) -> None:
    await usable(pair.a)
    await usable(pair.b)
    for n in range(10):
        value = f"v{n}".encode()
        await read(pair.b, value)
        assert (await read(pair.b, b"old"))[0].body == value  # answered from memory
        await pair.a.ainvalidate(TAGS)
        entry, status = await read(pair.b, f"v{n + 1}".encode())
        assert (entry.body, status) == (f"v{n + 1}".encode(), CacheStatus.MISS), n
        await pair.a.ainvalidate(TAGS)


async def test_a_read_racing_an_invalidation_keeps_no_old_generation(pair: Pair) -> None:
    """B reads the generations, A's invalidation reaches B before B keeps them: B must
    not keep them (it would answer the old entry from memory until the next write)."""
    await usable(pair.a)
    await usable(pair.b)
    await read(pair.a, b"v1")
    store = pair.stores["b"]
    spied, replied, go_on = store.call, asyncio.Event(), asyncio.Event()

    async def held(operation: str, make: Callable[[], Awaitable[Any]]) -> Any:
        answer = await spied(operation, make)
        if operation == "cache_get":
            replied.set()
            await go_on.wait()
        return answer

    store.call = held  # type: ignore[method-assign]
    racing = asyncio.create_task(read(pair.b, b"v1"))
    await replied.wait()
    forgotten = pair.b.near.seq
    await pair.a.ainvalidate(TAGS)  # returns once B has forgotten the tag
    assert pair.b.near.seq > forgotten
    go_on.set()
    await racing  # concurrent with the write: either answer is right
    store.call = spied  # type: ignore[method-assign]
    entry, status = await read(pair.b, b"v2")
    assert (entry.body, status) == (b"v2", CacheStatus.MISS)


async def test_a_killed_subscription_is_flushed_and_bypassed_until_back(pair: Pair) -> None:
    await warmed(pair)
    lost = pair.b.near.lost_count
    server = pair.server_of_channel()
    assert server.execute_command("CLIENT", "KILL", "TYPE", "pubsub") >= 2
    await pair.a.ainvalidate(TAGS)  # while B's subscription is gone
    entry, status = await read(pair.b, b"v2")
    assert (entry.body, status) == (b"v2", CacheStatus.MISS)
    # B subscribes again, forgot what it knew, and answers from memory once more
    await usable(pair.b)
    assert pair.b.near.lost_count > lost
    assert (await read(pair.b, b"v2"))[0].body == b"v2"
    before = pair.lookups("b")
    assert (await read(pair.b, b"old"))[0].body == b"v2"
    assert pair.lookups("b") == before
    # and a write made while B was away, invisible to its subscription, is still seen
    server.execute_command("CLIENT", "KILL", "TYPE", "pubsub")
    await asyncio.sleep(0)
    await pair.a.ainvalidate(TAGS)
    await usable(pair.b)
    entry, status = await read(pair.b, b"v3")
    assert (entry.body, status) == (b"v3", CacheStatus.MISS)
    server.close()


async def test_a_write_waits_out_a_process_that_does_not_acknowledge(pair: Pair) -> None:
    """B stops reading its subscription (a paused process): A's write cannot be
    acknowledged by B, so it returns only once B's lease is over, and B's next read is
    fresh, not the entry it still holds in memory."""
    await warmed(pair)
    with not_reading(pair.b):
        await pair.a.ainvalidate(TAGS)
        entry, status = await read(pair.b, b"v2")
    assert (entry.body, status) == (b"v2", CacheStatus.MISS)


async def test_after_a_failover_the_subscription_moves_and_stays_coherent(
    ha_pair: Pair, request: pytest.FixtureRequest
) -> None:
    pair = ha_pair
    await warmed(pair)
    lost = pair.b.near.lost_count
    master = pair.master_of_channel()
    setup = request.getfixturevalue("sentinel" if pair.backend == "redis-sentinel" else "cluster")
    await asyncio.to_thread(master.stop, True)  # kill -9; a replica is promoted
    try:
        for _ in range(500):  # the subscription's loss is seen (at once: its socket closed)
            if pair.b.near.lost_count > lost:
                break
            await asyncio.sleep(0.02)
        assert not pair.b.near.gens  # it forgot everything
        await usable(pair.a, within=30)  # and subscribed again, on the new master
        await usable(pair.b, within=30)
        assert pair.master_of_channel() is not master
        await pair.a.ainvalidate(TAGS)
        entry, status = await read(pair.b, b"v2")
        assert (entry.body, status) == (b"v2", CacheStatus.MISS)
        before = pair.lookups("b")
        assert (await read(pair.b, b"old"))[0].body == b"v2"  # from memory again
        assert pair.lookups("b") == before
    finally:
        await asyncio.to_thread(setup.restore, master)


async def test_a_bypass_read_known_current_makes_one_round_trip(pair: Pair) -> None:
    """``Cache-Control: no-cache`` with the generations known current: no lookup, only
    the fill, which every process then reads."""
    await usable(pair.a)
    await usable(pair.b)
    await read(pair.b, b"v1")
    assert pair.b.near.current(["*", *TAGS]) is not None
    before = len(pair.calls["b"])
    entry, status = await pair.b.get(KEY, TAGS, body(b"v2"), bypass=True)
    assert (entry.body, status) == (b"v2", CacheStatus.BYPASS)
    assert pair.calls["b"][before:] == ["cache_put"]
    assert (await read(pair.a, b"never"))[0].body == b"v2"


async def test_a_failed_bypass_read_still_answers_the_shared_stale_entry(pair: Pair) -> None:
    await usable(pair.b)
    await read(pair.a, b"v1")  # filled by A: B holds no copy of its own
    await pair.b.get(("id", "GET", "/v1/customers/c:1/contacts", ""), TAGS, body(b"[]"))
    assert pair.b.near.current(["*", *TAGS]) is not None

    async def failing() -> bytes:
        raise UpstreamError("down")

    entry, status = await pair.b.get(KEY, TAGS, failing, bypass=True)
    assert (entry.body, status) == (b"v1", CacheStatus.STALE)
    with pytest.raises(UpstreamError):  # nothing kept anywhere: the failure is the answer
        await pair.b.get(("id", "GET", "/v1/other", ""), TAGS, failing, bypass=True)


@pytest.fixture(params=["redis-sentinel"])
async def sentinel_pair(request: pytest.FixtureRequest) -> AsyncIterator[Pair]:
    """On Sentinel: a cluster's paused node also stalls the test's own look-ups."""
    made = Pair(request)
    yield made
    await made.aclose()


async def test_a_subscription_left_on_a_paused_old_master_is_reopened(
    sentinel_pair: Pair, request: pytest.FixtureRequest
) -> None:
    """The master is paused (connected, answering nothing: no socket closes) and a
    replica promoted: the subscription on the old master hears nothing any more, so
    the probes sent through the new one never come back. It is opened again, on the
    new master, and the near cache answers from memory again."""
    pair = sentinel_pair
    await warmed(pair)
    master = pair.master_of_channel()
    setup = request.getfixturevalue("sentinel")
    assert master.process is not None
    master.process.send_signal(signal.SIGSTOP)
    try:
        for _ in range(1500):
            if pair.master_of_channel() is not master:
                break
            await asyncio.sleep(0.02)
        assert pair.master_of_channel() is not master
        await usable(pair.a, within=30)
        await usable(pair.b, within=30)
        await pair.a.ainvalidate(TAGS)
        entry, status = await read(pair.b, b"v2")
        assert (entry.body, status) == (b"v2", CacheStatus.MISS)
    finally:
        await asyncio.to_thread(master.stop, True)  # still paused: killed, then restored
        await asyncio.to_thread(setup.restore, master)


async def test_a_write_whose_answer_was_lost_still_waits_out_the_leases(pair: Pair) -> None:
    """A's invalidation ran on Redis but its answer was lost (a timeout: ``StoreDown``),
    and B has not read its subscription yet (a busy process): A's write is still not
    acknowledged before B's lease is over, so B's next read is not the old entry."""
    await warmed(pair)
    store, real = pair.stores["a"], pair.stores["a"].call

    async def lost_answer(operation: str, make: Callable[[], Awaitable[Any]]) -> Any:
        answer = await real(operation, make)
        if operation == "cache_invalidate":
            raise StoreDown("state store unavailable (cache_invalidate): TimeoutError")
        return answer

    store.call = lost_answer  # type: ignore[method-assign]
    with not_reading(pair.b):
        await pair.a.ainvalidate(TAGS)
        entry, status = await read(pair.b, b"v2")
    assert (entry.body, status) == (b"v2", CacheStatus.MISS)
