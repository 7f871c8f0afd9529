"""Deliveries an event's recording could not queue (API.md section 12: no pending
webhook delivery is lost, whatever fails).

``ChangeFeed.record`` appends the event, then puts one delivery per matching webhook:
two writes. A store that fails between them, or whose answer to the append is lost
though the append was made (a Redis stopped mid-call), leaves an event in the feed
without its deliveries; the failover soak (tests/soak.py) makes exactly that happen.

``Recovery`` runs in every instance and works while it holds the store's lease
``webhooks:recovery`` (one instance at a time, handed over when it stops): every
``TICK`` seconds it reads the events after its cursor (kept in the store, so a new
holder goes on where the last one stopped) and, for each event older than ``SETTLE``
seconds (its recording has put its deliveries by then, or failed to) and each webhook
that wants it, puts the delivery when the store has none. A delivery's id is made from
its webhook and event (``feed.delivery_id``), so recording and recovery make the same
delivery, never two. A webhook has deliveries recovered only for events that occurred
after recovery first saw it configured (older events were never its to receive).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from datetime import datetime
from typing import Any

import structlog

from gateway.changes.feed import ChangeFeed, new_delivery, retention
from gateway.store import StoreDown
from gateway.tasks import cancel_all

log = structlog.get_logger("gateway.webhooks")
LEASE = "webhooks:recovery"
CURSOR = "webhooks:recovered"
SINCE = "webhooks:since:"
LEASE_TTL = 5.0  # seconds the lease outlives its holder's last renewal
TICK = 1.0
SETTLE = 5.0  # seconds an event's recording has to put its deliveries
BATCH = 200


class Recovery:
    def __init__(self, feed: ChangeFeed) -> None:
        self.feed = feed
        self.holder = secrets.token_hex(6)
        self.released = 0  # the lease, given back when stopping (0 or 1)
        self._held = False
        self._since: dict[str, float] = {}
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop, giving the lease back so another instance goes on at once."""
        if self._task is None:
            return
        task, self._task = self._task, None
        await cancel_all([task])
        with contextlib.suppress(Exception):
            await self.feed.store.lease_release(LEASE, self.holder)
            self.released += self._held

    async def _run(self) -> None:
        while True:
            try:
                if self.feed.config().webhooks:
                    self._held = await self.feed.store.lease(LEASE, self.holder, LEASE_TTL)
                    if self._held:
                        await self.run_once()
                elif self._held:  # no webhook any more: nothing to recover
                    await self.feed.store.lease_release(LEASE, self.holder)
                    self._held = False
            except StoreDown:
                pass  # the events are still there when the store is back
            except Exception:
                log.exception("delivery_recovery_failed")
            await asyncio.sleep(TICK)

    async def run_once(self, now: float | None = None) -> int:
        """One pass over the events after the cursor; how many deliveries it put."""
        now = time.time() if now is None else now
        config = self.feed.config()
        store = self.feed.store
        since = {hook.name: await self._first_seen(hook.name, now) for hook in config.webhooks}
        cursor = await store.value_get(CURSOR)
        put = 0
        while True:
            batch = await store.events_after(cursor, BATCH)
            for position, raw in batch:
                event: dict[str, Any] = json.loads(raw)
                at = _epoch(event["occurred_at"])
                if at > now - SETTLE:
                    batch = []  # its recording may still be under way: next time
                    break
                for hook in config.webhooks:
                    if at < since[hook.name] or not hook.wants(event["type"], event["connection"]):
                        continue
                    delivery = new_delivery(hook.name, event)
                    if await store.delivery_get(delivery["id"]) is None:
                        await store.delivery_put(delivery, retention(config))
                        put += 1
                        log.warning("delivery_recovered", id=delivery["id"], event_id=event["id"])
                cursor = position
            if cursor is not None:
                await store.value_set(CURSOR, cursor)
            if len(batch) < BATCH:
                break
        if put:
            self.feed.wake.set()
        return put

    async def _first_seen(self, webhook: str, now: float) -> float:
        if webhook not in self._since:
            kept = await self.feed.store.value_get(SINCE + webhook)
            if kept is None:
                await self.feed.store.value_set(SINCE + webhook, repr(now))
                kept = repr(now)
            self._since[webhook] = float(kept)
        return self._since[webhook]


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
