"""The near cache's acknowledgements under a burst (gateway/store/near_acks.py) and the
store's lanes that keep its connection pool from running out (gateway/store/redis.py).
tests/test_idempotency_faults.py runs the burst itself: 100 keys x 4 copies on two
gateway processes, which answered 86 x 503 before."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import pytest

from gateway.store.near_acks import LEASE, Acks, Waiter
from gateway.store.redis import RedisStore
from gateway.store.redis_clients import POOL, TURNS, URGENT

pytestmark = pytest.mark.anyio


def test_a_member_is_waited_for_only_until_its_last_registration_could_lease() -> None:
    """Registered 400 ms before the script ran: its lease ends within 100 ms. Registered
    just now: a whole lease. Never more than a lease, whatever the clocks say."""
    waiter = Waiter()
    now = time.monotonic()
    waiter.settle([b"old", "1000", b"fresh", "1400", b"odd", "9000"], server_now=1400.0)
    left = {member: due - now for member, due in waiter.due.items()}
    assert 0.09 <= left["old"] <= 0.11
    assert LEASE - 0.01 <= left["fresh"] <= LEASE + 0.01
    assert left["odd"] <= LEASE + 0.01


async def test_a_dead_member_holds_a_write_only_for_what_is_left_of_its_lease() -> None:
    waiter = Waiter()
    waiter.settle([b"alive", "1000", b"killed", "600"], server_now=1000.0)
    waiter.acked.add("alive")
    waiter.changed.set()
    started = time.monotonic()
    assert await waiter.wait() == ["killed"]
    assert time.monotonic() - started < LEASE  # ~0.1 s, not a whole lease


async def test_a_write_returns_as_soon_as_every_member_acknowledged() -> None:
    waiter = Waiter()
    waiter.settle([b"b", "1000", b"c", "1000"], server_now=1000.0)
    acks = Acks("a", _never_sent)
    acks.waiters["m1"] = waiter
    asyncio.get_running_loop().call_later(0.01, acks.received, ["m1", "m9"], "b")
    asyncio.get_running_loop().call_later(0.02, acks.received, ["m1"], "c")
    assert await waiter.wait() == []


async def test_acknowledgements_owed_during_a_send_go_together_in_the_next() -> None:
    """200 invalidations from one writer arrive at once: two publishes, not 200."""
    sent: list[tuple[str, str]] = []
    gate = asyncio.Event()

    async def send(inbox: str, message: str) -> None:
        sent.append((inbox, message))
        await gate.wait()

    acks = Acks("b", send)
    sender = acks.owe("inbox:a", "m0")
    assert sender is not None
    await asyncio.sleep(0.01)  # its publish is in flight
    assert {acks.owe("inbox:a", f"m{n}") for n in range(1, 200)} == {None}
    gate.set()
    await sender
    assert [inbox for inbox, _ in sent] == ["inbox:a", "inbox:a"]
    assert sent[0][1] == '["A", ["m0"], "b"]'
    assert sent[1][1].startswith('["A", ["m1", "m2", ') and '"m199"], "b"]' in sent[1][1]
    assert acks.published == 2


async def test_urgent_calls_share_a_bounded_lane_and_never_exhaust_the_pool(
    redis: Any,
) -> None:
    """300 calls that must not queue behind requests, at once (a burst's claim renewals
    and acknowledgements): at most URGENT run at a time, every one succeeds, and the
    requests' lane still has its turns."""
    prefix = f"u{uuid.uuid4().hex[:6]}:"
    store = RedisStore(redis.url, prefix=prefix, timeout=2.0)
    running, most = 0, 0

    async def ping() -> bool:
        nonlocal running, most
        running += 1
        most = max(most, running)
        try:
            return bool(await store.client.ping())
        finally:
            running -= 1

    try:
        assert all(await asyncio.gather(*(store.call_now("ping", ping) for _ in range(300))))
        assert most == URGENT
        most = 0
        answers = await asyncio.gather(
            *(store.call_now("ping", ping) for _ in range(300)),
            *(store.call("ping", ping) for _ in range(300)),
        )
        assert all(answers)
        assert store.healthy
        assert most <= URGENT + TURNS < POOL
    finally:
        await store.aclose()


async def test_each_near_link_has_room_of_its_own_in_the_pool(redis: Any) -> None:
    store = RedisStore(redis.url, prefix=f"r{uuid.uuid4().hex[:6]}:", timeout=2.0)
    pool = store.client.connection_pool
    try:
        store.near.link("a")
        store.near.link("b")
        store.near.link("a")  # a second holder of a's link: no new subscription
        assert pool.max_connections == POOL + 2
        await store.near.release("a")
        assert pool.max_connections == POOL + 2
        await store.near.release("a")
        await store.near.release("b")
        assert pool.max_connections == POOL
    finally:
        await store.aclose()


async def _never_sent(inbox: str, message: str) -> None:
    raise AssertionError("nothing is owed in this test")
