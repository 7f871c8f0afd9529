"""The store's share of change tracking, the same tests on both backends (local SQLite,
real Redis): event positions, snapshots compared and set, leases, deliveries."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from gateway.store.base import DeliveryHeld
from gateway.store.local import LocalStore
from gateway.store.redis import RedisStore
from tests.conftest import StoreFactory

pytestmark = pytest.mark.anyio


async def test_events_come_back_oldest_first_after_a_position(stores: StoreFactory) -> None:
    writer, reader = stores(), stores()
    positions = [await writer.events_append({"n": n}, 60) for n in range(5)]
    everything = await reader.events_after(None, 100)
    assert [p for p, _ in everything] == positions
    assert [json.loads(raw)["n"] for _, raw in everything] == [0, 1, 2, 3, 4]
    assert all(json.loads(raw)["id"] == f"evt_{p}" for p, raw in everything)
    after = await reader.events_after(positions[1], 2)
    assert [json.loads(raw)["n"] for _, raw in after] == [2, 3]
    assert await reader.events_after(positions[-1], 10) == []


async def test_concurrent_appends_never_let_a_reader_skip_one(stores: StoreFactory) -> None:
    """Appended from two 'instances' at once while a reader polls: the reader, resuming
    after the last position it saw, ends with every event exactly once."""
    one, two, reader = stores(), stores(), stores()
    seen: list[int] = []
    position: str | None = None

    async def write(store: object, base: int) -> None:
        for n in range(40):
            await store.events_append({"n": base + n}, 60)  # type: ignore[attr-defined]

    async def read_until(count: int) -> None:
        nonlocal position
        while len(seen) < count:
            for at, raw in await reader.events_after(position, 7):
                position = at
                seen.append(json.loads(raw)["n"])
            await asyncio.sleep(0)

    await asyncio.gather(write(one, 0), write(two, 1000), read_until(80))
    assert sorted(seen) == sorted([*range(40), *range(1000, 1040)])


async def test_old_events_are_dropped_after_the_retention(stores: StoreFactory) -> None:
    store = stores()
    await store.events_append({"n": 1}, 60)
    await asyncio.sleep(0.05)
    await store.events_append({"n": 2}, 0.01)
    assert [json.loads(raw)["n"] for _, raw in await store.events_after(None, 10)] == [2]


async def test_a_snapshot_has_no_baseline_until_saved_and_sets_by_compare(
    stores: StoreFactory,
) -> None:
    store, other = stores(), stores()
    assert await store.snapshot_load("c/x/customer") is None
    await store.snapshot_touch("c/x/customer", "1", "gateway")  # no baseline: not kept
    assert await store.snapshot_load("c/x/customer") is None
    await store.snapshot_save("c/x/customer", {"1": "a", "2": "b"}, {})
    assert await other.snapshot_load("c/x/customer") == {"1": "a", "2": "b"}
    await other.snapshot_touch("c/x/customer", "1", "written-by-gateway")
    # a save that read "a" for 1 leaves the gateway's newer entry alone
    await store.snapshot_save(
        "c/x/customer", {"1": "poll", "2": None, "3": "c"}, {"1": "a", "2": "b"}
    )
    assert await other.snapshot_load("c/x/customer") == {"1": "written-by-gateway", "3": "c"}
    assert await other.snapshot_load("c/y/customer") is None


async def test_one_snapshot_entry_is_read_and_swapped_only_if_unchanged(
    stores: StoreFactory,
) -> None:
    store, other = stores(), stores()
    assert await store.snapshot_entry("c/x/customer", "1") is None
    assert not await store.snapshot_swap("c/x/customer", "1", None, "a")  # no baseline
    assert await store.snapshot_load("c/x/customer") is None
    await store.snapshot_save("c/x/customer", {"1": "a"}, {})
    assert await other.snapshot_entry("c/x/customer", "1") == "a"
    assert await other.snapshot_entry("c/x/customer", "2") is None
    assert await other.snapshot_swap("c/x/customer", "1", "a", "a+gateway")
    assert not await store.snapshot_swap("c/x/customer", "1", "a", "a+other")  # stale
    assert not await store.snapshot_swap("c/x/customer", "2", "b", "b2")
    assert await store.snapshot_swap("c/x/customer", "2", None, "b")
    assert await store.snapshot_swap("c/x/customer", "1", "a+gateway", None)
    assert await other.snapshot_load("c/x/customer") == {"2": "b"}


async def test_one_holder_of_a_lease_until_it_lapses_or_is_released(stores: StoreFactory) -> None:
    one, two = stores(), stores()
    assert await one.lease("poll:crm", "a", 0.3)
    assert await one.lease("poll:crm", "a", 0.3)  # renewed by its holder
    assert not await two.lease("poll:crm", "b", 0.3)
    await asyncio.sleep(0.4)
    assert await two.lease("poll:crm", "b", 5)  # lapsed: taken over
    await one.lease_release("poll:crm", "a")  # not a's to release
    assert not await one.lease("poll:crm", "a", 5)
    await two.lease_release("poll:crm", "b")
    assert await one.lease("poll:crm", "a", 5)


async def test_a_due_delivery_is_claimed_by_one_worker_and_due_again_later(
    stores: StoreFactory,
) -> None:
    one, two = stores(), stores()
    now = time.time()
    for n in range(3):
        await one.delivery_put(
            {"id": f"msg_{n}", "status": "pending", "due": now - 1, "attempts": 0}, 60
        )
    await one.delivery_put({"id": "msg_later", "status": "pending", "due": now + 60}, 60)
    # a hold of 1 s: long enough that a loaded machine checks it before it ends
    first, second = await asyncio.gather(
        one.deliveries_claim(now, 10, 1.0, "a"), two.deliveries_claim(now, 10, 1.0, "b")
    )
    claimed = sorted(d["id"] for d in first + second)
    assert claimed == ["msg_0", "msg_1", "msg_2"]  # each once, the later one not yet
    assert await two.deliveries_claim(time.time(), 10, 0.3, "c") == []
    await asyncio.sleep(1.1)  # the claimants died: after the hold they are due again
    again = await two.deliveries_claim(time.time() + 0.5, 10, 5, "c")
    assert sorted(d["id"] for d in again) == ["msg_0", "msg_1", "msg_2"]
    done = {**again[0], "status": "delivered"}
    assert await two.delivery_update(done, 60, "c", 0)
    assert (await one.delivery_get(done["id"]))["status"] == "delivered"  # type: ignore[index]
    assert done["id"] not in {
        d["id"] for d in await one.deliveries_claim(time.time() + 99, 10, 1, "d")
    }


async def test_a_held_delivery_is_never_claimed_by_another_until_released(
    stores: StoreFactory,
) -> None:
    """The hold, not the due time, keeps a delivery in flight to one holder: another
    instance whose clock runs a minute ahead still cannot take it, nor can an admin's
    retry; the holder renews it as the attempt starts and releases it with the outcome."""
    one, two = stores(), stores()
    await one.delivery_put({"id": "msg_1", "status": "pending", "due": 0, "attempts": 0}, 60)
    [held] = await one.deliveries_claim(time.time(), 10, 0.5, "a")
    assert await two.deliveries_claim(time.time() + 60, 10, 0.5, "b") == []
    with pytest.raises(DeliveryHeld):
        await two.delivery_claim("msg_1", 0.5, "admin")
    stale = {**held, "attempts": 99}
    assert not await two.delivery_update(stale, 60, "b", 0)  # not b's: nothing written
    started = {**held, "attempts": 1}
    assert await one.delivery_update(started, 60, "a", 1.0)  # counted, and held 1 s more
    assert (await two.delivery_get("msg_1"))["attempts"] == 1  # type: ignore[index]
    await asyncio.sleep(0.6)  # past the first hold, within the renewed one
    assert await two.deliveries_claim(time.time() + 60, 10, 0.5, "b") == []
    with pytest.raises(DeliveryHeld):
        await two.delivery_claim("msg_1", 0.5, "admin")
    finished = {**started, "status": "pending", "due": time.time() + 60, "last_status": 500}
    assert await one.delivery_update(finished, 60, "a", 0)  # released
    assert not await one.delivery_update(finished, 60, "a", 0)  # once
    retried = await two.delivery_claim("msg_1", 5, "admin")
    assert retried is not None and retried["last_status"] == 500
    assert await two.deliveries_claim(time.time() + 120, 10, 0.5, "b") == []  # the admin's
    assert await two.delivery_claim("msg_nope", 5, "admin") is None


async def test_a_finished_delivery_can_be_held_for_a_retry(stores: StoreFactory) -> None:
    one, two = stores(), stores()
    await one.delivery_put({"id": "msg_done", "status": "delivered", "attempts": 1}, 60)
    claims = await asyncio.gather(
        one.delivery_claim("msg_done", 5, "x"),
        two.delivery_claim("msg_done", 5, "y"),
        return_exceptions=True,
    )
    assert sorted(type(c).__name__ for c in claims) == ["DeliveryHeld", "dict"]
    holder = "x" if isinstance(claims[0], dict) else "y"
    again = {**next(c for c in claims if isinstance(c, dict)), "attempts": 2}
    assert await one.delivery_update(again, 60, holder, 0)
    assert (await two.delivery_get("msg_done"))["attempts"] == 2  # type: ignore[index]
    assert await two.deliveries_claim(time.time() + 99, 10, 5, "z") == []  # not pending


async def test_deliveries_page_newest_first_by_status(stores: StoreFactory) -> None:
    store = stores()
    for n in range(6):
        status = "failed" if n % 2 else "delivered"
        await store.delivery_put({"id": f"msg_{n}", "status": status}, 60)
    everything = await store.deliveries_page(None, 10, None)
    assert [d["id"] for d in everything] == [f"msg_{n}" for n in reversed(range(6))]
    failed = await store.deliveries_page("failed", 2, None)
    assert [d["id"] for d in failed] == ["msg_5", "msg_3"]
    rest = await store.deliveries_page("failed", 2, failed[-1]["seq"])
    assert [d["id"] for d in rest] == ["msg_1"]


async def test_finished_deliveries_go_after_the_retention(stores: StoreFactory) -> None:
    store = stores()
    await store.delivery_put({"id": "msg_old", "status": "delivered"}, 60)
    await store.delivery_put({"id": "msg_waiting", "status": "pending", "due": 0}, 60)
    await asyncio.sleep(0.05)
    await store.delivery_put({"id": "msg_new", "status": "delivered"}, 0.01)
    kept = {d["id"] for d in await store.deliveries_page(None, 10, None)}
    assert kept == {"msg_waiting", "msg_new"}  # a pending one is never dropped


async def test_small_values_are_shared(stores: StoreFactory) -> None:
    one, two = stores(), stores()
    assert await two.value_get("poll:crm") is None
    await one.value_set("poll:crm", '{"next": 1}')
    assert await two.value_get("poll:crm") == '{"next": 1}'


async def test_a_value_with_a_ttl_expires_and_a_touch_keeps_it(stores: StoreFactory) -> None:
    one, two = stores(), stores()
    await one.value_set("session:a", "x", ttl=1.0)
    await one.value_set("session:b", "y", ttl=0.5)
    await one.value_set("kept", "z")
    assert await two.value_get("session:b") == "y"
    await asyncio.sleep(0.6)
    assert await two.value_touch("session:a", 1.0)  # now 1 s from here
    assert await one.value_get("session:b") is None  # its 0.5 s are over
    assert not await one.value_touch("session:b", 60)  # an expired value is not revived
    await asyncio.sleep(0.6)  # past the first 1 s
    assert await one.value_get("session:a") == "x"
    assert await one.value_get("session:b") is None
    assert await one.value_get("kept") == "z"  # no ttl: kept
    await one.value_set("session:a", "x2")  # set again without a ttl: kept too
    await asyncio.sleep(0.5)  # past the touched 1 s
    assert await two.value_get("session:a") == "x2"


async def test_a_deleted_value_is_gone_everywhere_and_a_touch_does_not_bring_it_back(
    stores: StoreFactory,
) -> None:
    one, two = stores(), stores()
    await one.value_set("session:c", "x", ttl=60)
    await two.value_delete("session:c")
    assert await one.value_get("session:c") is None
    assert not await one.value_touch("session:c", 60)
    assert await two.value_get("session:c") is None
    await two.value_delete("never-set")  # deleting what is absent is fine


async def test_values_a_state_file_kept_before_are_still_read(tmp_path: Path) -> None:
    """The local backend once kept values in its ``meta`` table as ``v:<name>``."""
    path = tmp_path / "state.db"
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('v:poll:crm', '{\"next\": 1}')")
    store = LocalStore(path)
    try:
        assert await store.value_get("poll:crm") == '{"next": 1}'
        await store.value_delete("poll:crm")
    finally:
        await store.aclose()
    store = LocalStore(path)  # and a value deleted since stays deleted
    try:
        assert await store.value_get("poll:crm") is None
    finally:
        await store.aclose()


async def test_deliveries_and_snapshots_kept_before_hash_tags_survive_the_upgrade(
    redis: Any,
) -> None:
    """A Redis written by a gateway from before the keys carried hash tags (``dlv``,
    ``snap:<name>``): a pending delivery is still sent and a baseline still compared."""
    import redis.asyncio as aioredis

    prefix = f"up{uuid.uuid4().hex[:6]}:"
    raw = aioredis.Redis.from_url(redis.url)
    delivery = {"id": "msg_old", "status": "pending", "due": 0, "attempts": 0, "seq": 1}
    await raw.hset(prefix + "dlv", "msg_old", json.dumps(delivery))
    await raw.zadd(prefix + "dlv:seq", {"msg_old": 1})
    await raw.zadd(prefix + "dlv:due", {"msg_old": 0})
    await raw.set(prefix + "dlv:counter", 1)
    await raw.hset(prefix + "snap:crm/abc/customer", "r1", "e1")
    await raw.set(prefix + "snap:crm/abc/customer:base", "1")
    await raw.aclose()
    store = RedisStore(redis.url, prefix=prefix, timeout=2.0)
    try:
        await store.ready()
        claimed = await store.deliveries_claim(time.time(), 10, 5, "new")
        assert [d["id"] for d in claimed] == ["msg_old"]
        assert await store.snapshot_load("crm/abc/customer") == {"r1": "e1"}
        await store.delivery_put({"id": "msg_new", "status": "delivered"}, 60)
        assert (await store.delivery_get("msg_new"))["seq"] == 2  # type: ignore[index]
    finally:
        await store.aclose()
