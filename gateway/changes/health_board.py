"""Each connection's health as every instance shares it, and its events (API.md section 15).

Each instance forms its own opinion of a connection from what it saw
(gateway/upstreams/health.py). When that differs from the state the deployment
shares, the instance writes its state by compare-and-set on the shared entry (an
entry of the state store's ``health`` snapshot, JSON ``{state, since, last_error}``):
of several instances seeing the same transition, exactly one write succeeds, and only
that one records the ``connection.health_changed`` event (delivered to webhooks that
name it). The others read the new entry and, agreeing with it, write nothing. So a
transition is one event across all instances, not one per instance.

Opinions are formed once a ``TICK`` (so a breaker that opens after the attempt that
tripped it, or a window that empties, is seen too), at no cost to requests. An
instance that saw nothing lately has no opinion and changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import structlog

from gateway.changes.feed import ChangeFeed, now_iso
from gateway.config.changes import HEALTH_EVENT
from gateway.observability.metrics import breaker_state
from gateway.store import StoreDown
from gateway.tasks import cancel_all
from gateway.upstreams.health import SNAPSHOT, opinion
from kernel.secrets import KNOWN

if TYPE_CHECKING:
    from gateway.runtime import Runtime

log = structlog.get_logger("gateway.health")
TICK = 1.0  # seconds between two looks at every connection
HEALTHY: dict[str, Any] = {"state": "ok", "since": None, "last_error": None}
MAX_ERROR = 200  # characters of last_error kept


class HealthBoard:
    def __init__(self, runtime: Callable[[], Runtime], feed: ChangeFeed) -> None:
        self.runtime = runtime
        self.feed = feed
        self.known: dict[str, dict[str, Any]] = {}  # shared entries as last read or written
        self._baseline = False
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    async def entry(self, name: str) -> dict[str, Any]:
        """The shared state of one connection (as last known while the store is down)."""
        store = self.runtime().store
        try:
            raw = await store.snapshot_entry(SNAPSHOT, name)
        except StoreDown:
            return self.known.get(name, HEALTHY)
        found: dict[str, Any] = json.loads(raw) if raw else dict(HEALTHY)
        self.known[name] = found
        return found

    async def settle(self) -> None:
        """Look at every connection once: publish each opinion the shared state lacks."""
        async with self._lock:
            runtime = self.runtime()
            for name, connection in runtime.connections.items():
                signals = runtime.metrics.health.of(name)
                if not signals.seen_within(connection.config.health.window):
                    continue  # saw nothing lately: no opinion, and no store read
                circuit = await breaker_state(connection.adapter.upstream.breaker)  # shared
                seen = opinion(signals, circuit, connection.config.health)
                # the shared state read now: another instance may have changed it
                if seen is None or seen[0] == (await self.entry(name))["state"]:
                    continue
                with contextlib.suppress(StoreDown):
                    await self._publish(name, *seen)

    async def _publish(self, name: str, state: str, last_error: str | None) -> None:
        store = self.runtime().store
        if not self._baseline:
            await store.snapshot_save(SNAPSHOT, {}, {})  # compare-and-set needs a baseline
            self._baseline = True
        raw = await store.snapshot_entry(SNAPSHOT, name)
        current: dict[str, Any] = json.loads(raw) if raw else dict(HEALTHY)
        if current["state"] == state:  # another instance said it first
            self.known[name] = current
            return
        error = None if last_error is None else KNOWN.redact(last_error)[:MAX_ERROR]
        new = {"state": state, "since": now_iso(), "last_error": error}
        if not await store.snapshot_swap(SNAPSHOT, name, raw, json.dumps(new)):
            # lost the race (read it again next time), or the store lost its data
            # (the baseline is set again next time)
            self.known.pop(name, None)
            self._baseline = False
            return
        self.known[name] = new
        data = {"state": state, "previous": current["state"], "last_error": error}
        await self.feed.record(HEALTH_EVENT, name, None, data, "gateway", ["state"])
        log.info("connection_health", connection=name, state=state, previous=current["state"])

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_all([self._task])  # bounded: a cancellation absorbed on the way
            self._task = None

    async def _run(self) -> None:
        while True:
            started = time.monotonic()
            try:
                await self.settle()
            except Exception:  # a look that failed is tried again next tick
                log.exception("health_settle_failed")
            await asyncio.sleep(max(0.0, TICK - (time.monotonic() - started)))


# API.md section 15's order: when several states apply, the first wins.
PRECEDENCE = ("auth_failed", "unavailable", "throttled", "degraded", "ok")


def shown(entry: dict[str, Any], circuit: str) -> dict[str, Any]:
    """A connection's health as the connection views show it (API.md section 15): the
    shared state, except that a circuit this instance holds open is ``unavailable`` at
    once, before the next look publishes it (when nothing earlier in the order applies)."""
    state = entry["state"]
    if circuit == "open" and PRECEDENCE.index(state) > PRECEDENCE.index("unavailable"):
        state = "unavailable"
    return {
        "health": state,
        "health_since": entry.get("since"),
        "last_error": entry.get("last_error"),
    }
