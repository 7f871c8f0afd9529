"""Events written straight into the state store for ``make bench-scale`` (bench/scale.py),
so that a million kept events take seconds to make, not the hour a million writes
through the gateway would take.

Each event is one the gateway could have recorded; one in 1,000 matches each measured
filter: ``customer.updated`` (the rest are ``item.updated``), the connection ``bb2``
(the rest ``bb1``), the resource ``bb1:7``. SQLite: rows of ``events`` and
``event_lanes`` in one transaction, as ``events_append`` writes them (positions and
lanes alike); Redis: the store's own append script (gateway/store/redis_events.py),
pipelined.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import redis

from gateway.changes.feed import now_iso
from gateway.store.event_lanes import lanes_of
from gateway.store.local import LocalStore
from gateway.store.redis import RedisStore
from gateway.store.redis_events import APPEND

EVENT_SIZES = (10_000, 100_000, 1_000_000)
FILTERS = {  # each matches one event in 1,000
    "type": {"type": "customer.updated"},
    "connection": {"connection": "bb2"},
    "resource": {"resource_id": "bb1:7"},
}
RETENTION = 604800.0
BATCH = 5000


def event(n: int) -> dict[str, Any]:
    connection = "bb2" if n % 1000 == 500 else "bb1"
    kind = "customer" if n % 1000 == 0 else "item"
    resource = f"{connection}:{n % 1000}"
    return {
        "type": f"{kind}.updated",
        "connection": connection,
        "resource_id": resource,
        "occurred_at": now_iso(),
        "source": "poll",
        "data": {"id": resource, "name": f"Record {n}", "code": f"R{n:07d}", "active": True},
        "changed_fields": ["name"],
    }


def seed_events(
    backend: str, path: Path, redis_url: str, prefix: str, start: int, end: int
) -> None:
    """Events ``start`` .. ``end - 1`` into the store."""
    if backend == "local":
        _sqlite(path, start, end)
    else:
        _redis(redis_url, prefix, start, end)


def _batches(start: int, end: int) -> Iterator[range]:
    for first in range(start, end, BATCH):
        yield range(first, min(end, first + BATCH))


def _sqlite(path: Path, start: int, end: int) -> None:
    asyncio.run(LocalStore(path).aclose())  # the schema, as the gateway makes it
    db = sqlite3.connect(path, isolation_level=None)
    now = time.time()
    db.execute("BEGIN")
    for batch in _batches(start, end):
        rows, lanes = [], []
        for n in batch:
            made, position = event(n), n + 1
            body = json.dumps({"id": f"evt_{position}", **made}, separators=(",", ":"))
            rows.append((position, now, body))
            lanes += [(lane, position) for lane in lanes_of(made)]
        db.executemany("INSERT INTO events (pos, at, body) VALUES (?, ?, ?)", rows)
        db.executemany("INSERT INTO event_lanes (lane, pos) VALUES (?, ?)", lanes)
    db.execute("COMMIT")
    db.close()


def _redis(url: str, prefix: str, start: int, end: int) -> None:
    store = RedisStore(url, prefix=prefix, timeout=5.0)
    client = redis.Redis.from_url(url)
    sha = client.script_load(APPEND)
    oldest = int((time.time() - RETENTION) * 1000)
    for batch in _batches(start, end):
        pipe = client.pipeline(transaction=False)
        for n in batch:
            made = event(n)
            keys = store._events_keys(lanes_of(made))
            body = json.dumps(made, separators=(",", ":"))
            pipe.evalsha(sha, len(keys), *keys, oldest, body, int(RETENTION * 1000))
        pipe.execute()
    client.close()
    asyncio.run(store.aclose())
