"""Indexed event filters (gateway/store/event_lanes.py): a page of ``/v1/events`` read
from the lanes its filter names gives the same events, in the same order, with cursors
that neither skip nor repeat one, as scanning every event did; on each backend (a
SQLite file, a real Redis standalone, behind Sentinel, and a Cluster)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gateway.changes import feed as feed_module
from gateway.changes.feed import ChangeFeed
from gateway.config.text import parse_config
from gateway.store.base import Store
from gateway.store.event_lanes import lanes_for
from gateway.store.local import LocalStore
from gateway.store.redis import RedisStore
from tests.conftest import CONFIG, StoreFactory

pytestmark = pytest.mark.anyio
TYPES = ("customer.created", "customer.updated", "contact.deleted", "item.updated")
Filter = tuple[set[str], set[str] | None, str | None]
FILTERS: list[Filter] = [
    ({"customer.updated"}, None, None),
    ({"customer.updated", "item.updated"}, {"erp"}, None),
    (set(TYPES), {"erp", "shop"}, None),
    (set(TYPES), None, "erp:7"),
    ({"customer.created"}, {"crm"}, "erp:7"),  # a resource lane, filtered further
    ({"contact.deleted"}, {"nowhere"}, None),
]


def make_event(n: int) -> dict[str, Any]:
    connection = ("erp", "crm", "shop")[n % 3]
    return {
        "type": TYPES[n % 4],
        "connection": connection,
        "resource_id": f"{connection}:{n % 11}",
        "n": n,
    }


def accepts(wanted: Filter) -> Callable[[dict[str, Any]], bool]:
    types, connections, resource = wanted

    def check(event: dict[str, Any]) -> bool:
        return (
            event["type"] in types
            and (connections is None or event["connection"] in connections)
            and (resource is None or event["resource_id"] == resource)
        )

    return check


async def read_all(feed: ChangeFeed, wanted: Filter, limit: int, lanes: bool) -> list[int]:
    """Every event a client polling with ``limit`` per page receives."""
    seen: list[int] = []
    position: str | None = None
    for _ in range(1000):
        found, after = await feed.page(
            position, limit, accepts(wanted), lanes_for(*wanted) if lanes else None
        )
        seen += [event["n"] for event in found]
        if not found and after == position:
            return seen
        position = after
    raise AssertionError("the cursor never stopped moving")


def feed_of(store: Store) -> ChangeFeed:
    return ChangeFeed(store, lambda: parse_config(CONFIG))


@pytest.mark.parametrize("limit", [1, 3, 100])
async def test_lanes_give_what_scanning_gave_page_by_page(stores: StoreFactory, limit: int) -> None:
    writer, reader = stores(), stores()
    for n in range(120):
        await writer.events_append(make_event(n), 600)
    feed = feed_of(reader)
    for wanted in FILTERS:
        expected = [n for n in range(120) if accepts(wanted)(make_event(n))]
        assert await read_all(feed, wanted, limit, lanes=True) == expected, wanted
        assert await read_all(feed, wanted, limit, lanes=False) == expected, wanted


async def test_a_cursor_taken_from_lanes_sees_each_newer_event_once(stores: StoreFactory) -> None:
    store = stores()
    feed = feed_of(store)
    wanted: Filter = ({"customer.updated"}, {"erp", "crm"}, None)
    for n in range(8):
        await store.events_append(make_event(n), 600)
    first, position = await feed.page(None, 100, accepts(wanted), lanes_for(*wanted))
    for n in range(8, 30):
        await store.events_append(make_event(n), 600)
    later, _ = await feed.page(position, 100, accepts(wanted), lanes_for(*wanted))
    expected = [n for n in range(30) if accepts(wanted)(make_event(n))]
    assert [e["n"] for e in first + later] == expected


async def test_a_rare_match_far_behind_the_cursor_is_found_in_one_page(
    stores: StoreFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scanning looks at MAX_SCANNED events per page and answers an empty page; the
    lane of the one matching event holds only that event."""
    monkeypatch.setattr(feed_module, "MAX_SCANNED", 400)
    store = stores()
    for n in range(600):
        await store.events_append({**make_event(n), "resource_id": "erp:common"}, 600)
    await store.events_append({**make_event(600), "resource_id": "erp:rare"}, 600)
    feed = feed_of(store)
    wanted: Filter = (set(TYPES), None, "erp:rare")
    scanned, _ = await feed.page(None, 25, accepts(wanted))
    assert scanned == []  # the scan gave up before reaching it
    found, _ = await feed.page(None, 25, accepts(wanted), lanes_for(*wanted))
    assert [e["n"] for e in found] == [600]


async def test_events_kept_before_the_lanes_are_still_read(tmp_path: Path) -> None:
    """A state file from before the lanes: its events are read by scanning, then the
    newer ones from the lanes, each once and in order."""
    path = tmp_path / "state.db"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);"
        "CREATE TABLE events (pos INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL,"
        " body TEXT NOT NULL);"
    )
    for n in range(6):
        body = json.dumps({"id": f"evt_{n + 1}", **make_event(n)})
        old.execute("INSERT INTO events (at, body) VALUES (strftime('%s','now'), ?)", (body,))
    old.commit()
    old.close()
    store = LocalStore(path)
    try:
        for n in range(6, 12):
            await store.events_append(make_event(n), 600)
        assert await store.events_in_lanes(["t:customer.updated"], None, 10) is None
        wanted: Filter = ({"customer.updated", "item.updated"}, None, None)
        expected = [n for n in range(12) if accepts(wanted)(make_event(n))]
        assert await read_all(feed_of(store), wanted, 1, lanes=True) == expected
    finally:
        await store.aclose()


async def test_events_an_older_gateway_appends_to_redis_are_still_read(redis: Any) -> None:
    """Kept from before the upgrade, and appended by an old instance during a rolling
    upgrade, between events with lanes: a reader polling with lanes gets every one,
    once and in order, also while the old instance's events are the newest."""
    store = RedisStore(redis.url, prefix=f"t{uuid.uuid4().hex[:8]}:", timeout=2.0)
    stream = store.key("events")

    async def old_append(n: int) -> None:
        body = json.dumps(make_event(n), separators=(",", ":"))
        await store.client.xadd(stream, {"e": body})

    wanted: Filter = ({"customer.created", "item.updated"}, {"erp", "crm", "shop"}, None)
    feed, seen, position = feed_of(store), [], None

    async def poll() -> None:
        nonlocal position
        for _ in range(50):
            found, after = await feed.page(position, 2, accepts(wanted), lanes_for(*wanted))
            seen.extend(event["n"] for event in found)
            if not found and after == position:
                return
            position = after

    try:
        for n in range(3):
            await old_append(n)  # from before the upgrade
        for n in range(3, 8):
            await store.events_append(make_event(n), 600)
        await poll()
        for n in range(8, 12):
            await old_append(n)  # an old instance, during the roll
        await poll()  # the newest events have no lanes
        for n in range(12, 16):
            await store.events_append(make_event(n), 600)
        await poll()
        assert seen == [n for n in range(16) if accepts(wanted)(make_event(n))]
    finally:
        await store.aclose()


async def test_events_an_older_gateway_wrote_to_the_state_file_are_still_read(
    tmp_path: Path,
) -> None:
    """A downgrade and an upgrade again: what the older version appended meanwhile has
    no lanes; it is found when the file is opened, and read by scanning."""
    path = tmp_path / "state.db"
    store = LocalStore(path)
    for n in range(4):
        await store.events_append(make_event(n), 600)
    await store.aclose()
    older = sqlite3.connect(path)
    for n in range(4, 8):
        body = json.dumps({"id": f"evt_{n + 1}", **make_event(n)})
        older.execute("INSERT INTO events (at, body) VALUES (strftime('%s','now'), ?)", (body,))
    older.commit()
    older.close()
    store = LocalStore(path)
    try:
        for n in range(8, 12):
            await store.events_append(make_event(n), 600)
        wanted: Filter = ({"customer.updated", "item.updated"}, None, None)
        expected = [n for n in range(12) if accepts(wanted)(make_event(n))]
        assert await read_all(feed_of(store), wanted, 1, lanes=True) == expected
    finally:
        await store.aclose()


async def test_lanes_go_with_their_events_after_the_retention(tmp_path: Path) -> None:
    clock = [1000.0]
    store = LocalStore(tmp_path / "state.db", clock=lambda: clock[0])
    try:
        for n in range(5):
            await store.events_append(make_event(n), 60)
        clock[0] += 120
        await store.events_append(make_event(5), 60)
        rows = await store._run("lanes", "SELECT DISTINCT pos FROM event_lanes")
        assert [pos for (pos,) in rows] == [6]
    finally:
        await store.aclose()
