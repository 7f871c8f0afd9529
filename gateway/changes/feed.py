"""``ChangeFeed``: every event is recorded here, once, in the state store.

An event is ``{id, type, connection, resource_id, occurred_at, source, data,
changed_fields}`` (API.md section 9). Recording it also queues one delivery per
webhook whose ``events`` and ``connections`` match, in the same store, and wakes this
process's delivery worker; a delivery worker on any instance may send it.

``/v1/events`` reads the store's events after a position: the cursor a client keeps
is that position, signed, and bound to the filters it was issued for. Events are read
oldest first in batches, from the lanes the filter names (gateway/store/event_lanes.py)
or, where the store has no lanes for them, every event; the filter is applied here to
what is read. The cursor moves past every event read, matching or not, and past every
lane event up to the position the store answered for, so a poll never sees an event
twice and never skips one.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

import structlog

from gateway.config.model import Config
from gateway.observability.metrics import Metrics
from gateway.observability.tracing import current_trace_ids
from gateway.store import Store

log = structlog.get_logger("gateway.changes")
Source = Literal["gateway", "poll"]
SCAN_BATCH = 200  # events read from the store per batch
MAX_SCANNED = 5000  # events one /v1/events page looks at before answering


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ChangeFeed:
    def __init__(
        self, store: Store, config: Callable[[], Config], metrics: Metrics | None = None
    ) -> None:
        self.store = store
        self.config = config
        self.metrics = metrics or Metrics()
        self.wake = asyncio.Event()  # set when a delivery was queued (webhooks.py waits)

    async def record(
        self,
        type_: str,
        connection: str,
        resource_id: str | None,
        data: Mapping[str, Any] | None,
        source: Source,
        changed_fields: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """Keep one event and queue its webhook deliveries; the event as stored.
        Raises ``StoreDown`` when the store cannot keep it."""
        config = self.config()
        event = {
            "type": type_,
            "connection": connection,
            "resource_id": resource_id,
            "occurred_at": now_iso(),
            "source": source,
            "data": data,
            "changed_fields": list(changed_fields) if changed_fields is not None else None,
        }
        position = await self.store.events_append(event, config.server.events.retention)
        stored = {"id": f"evt_{position}", **event}
        hooks = [h for h in config.webhooks if h.wants(type_, connection)]
        cause = current_trace_ids()  # the write's span: each delivery's trace links to it
        for hook in hooks:
            delivery = new_delivery(hook.name, stored)
            if cause is not None:
                delivery["cause"] = list(cause)
            await self.store.delivery_put(delivery, retention(config))
        if hooks:
            self.wake.set()
        self.metrics.events.labels(type_, source).inc()
        log.info("event", id=stored["id"], type=type_, connection=connection, source=source)
        return stored

    async def page(
        self,
        after: str | None,
        limit: int,
        wanted: Callable[[dict[str, Any]], bool],
        lanes: Sequence[str] | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Up to ``limit`` events after position ``after`` that ``wanted`` accepts, and
        the position to continue from (the last event looked at). ``lanes``: the lanes
        that hold every event ``wanted`` accepts (gateway/store/event_lanes.py), read
        instead of every event where the store has them."""
        found: list[dict[str, Any]] = []
        position = after
        scanned = 0
        while len(found) < limit and scanned < MAX_SCANNED:
            # a lane holds (nearly) only matches: read what the page still needs (more,
            # doubling, while what was read did not match)
            asked = min(SCAN_BATCH, max(limit - len(found), scanned))
            indexed = None
            if lanes is not None:
                indexed = await self.store.events_in_lanes(lanes, position, asked)
            if indexed is None:
                asked = SCAN_BATCH
            batch = indexed[0] if indexed else await self.store.events_after(position, asked)
            for at, raw in batch:
                scanned += 1
                position = at
                event = json.loads(raw)
                if wanted(event):
                    found.append(event)
                    if len(found) == limit:
                        return found, position
            if indexed is not None:
                position = indexed[1] or position  # every lane event up to it was looked at
            if len(batch) < asked:
                break
        return found, position


def retention(config: Config) -> float:
    """How long finished deliveries are kept: as long as the events they carried."""
    return config.server.events.retention


def delivery_id(webhook: str, event: dict[str, Any]) -> str:
    """One event's delivery to one webhook has one id, whoever makes it (its recording,
    or gateway/changes/recovery.py): the ``webhook-id`` a receiver sees. The event's
    time is in it too, so an event id a store hands out again after losing its data
    (SQLite counts from 1 again) makes a new delivery."""
    seed = f"{webhook}\0{event['id']}\0{event.get('occurred_at', '')}"
    return f"msg_{hashlib.sha256(seed.encode()).hexdigest()[:24]}"


def new_delivery(webhook: str, event: dict[str, Any]) -> dict[str, Any]:
    now = time.time()
    return {
        "id": delivery_id(webhook, event),
        "webhook": webhook,
        "event_id": event["id"],
        "status": "pending",
        "attempts": 0,
        "last_status": None,
        "last_error": None,
        "created_at": now_iso(),
        "created": now,
        "due": now,
        "payload": json.dumps(event, separators=(",", ":")),
    }
