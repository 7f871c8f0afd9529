"""Change detection by polling (API.md section 9): one poller per connection.

``Pollers`` runs in every instance and keeps one loop per connection whose config has
``changes.poll_every``. A loop only scans while it holds the connection's lease in the
state store (``poll:<connection>``, renewed every tick, expiring ``LEASE_TTL`` seconds
after its holder stops renewing), so across instances one poller runs per connection;
the schedule (next scan, failures in a row) is in the store too, so a new holder goes
on where the last one stopped. A scan that fails is retried after ``poll_every``
doubled per failure in a row, at most ``MAX_BACKOFF`` seconds. Every upstream call of a
scan goes through the connection's client, so it obeys the connection's rate limit, as
background work: over budget it queues for a slot instead of failing, and leaves the
last free slot to callers (gateway/guarantees/quotas.py).

A scan reads every customer, item and contact the connection has (contacts customer
by customer), a page at a time, and hands each page to the comparison of its kind
(gateway/changes/comparison.py), which compares it with the snapshot entries of just
those records (gateway/changes/fingerprint.py) and emits what changed; what the scan
did not see is found in the store afterwards. A scan holds one page at a time, so its
memory does not grow with the number of records (docs/operations.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import dataclasses
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog

from adapters.base import Adapter, ListQuery
from adapters.kinds import KINDS, PLURALS
from gateway.changes.comparison import CLOCK_SKEW, Comparison
from gateway.changes.feed import ChangeFeed
from gateway.changes.writes import snapshot_name
from gateway.guarantees.quotas import background_work
from gateway.observability.tracing import background
from gateway.store import StoreDown
from gateway.tasks import cancel_all
from gateway.upstreams.connections import Connection
from kernel.errors import GatewayError, NotFound

log = structlog.get_logger("gateway.changes")
LEASE_TTL = 5.0  # seconds a lease outlives its holder's last renewal (renewed each tick)
MAX_BACKOFF = 3600.0
MAX_PAGES = 1000  # pages of 100 rows one scan reads per resource at most
PAGE = 100
__all__ = ["CLOCK_SKEW", "Pollers", "scan_connection"]


class Pollers:
    """Every connection's poll loop in this instance (module docstring)."""

    def __init__(self, runtime: Callable[[], Any], feed: ChangeFeed) -> None:
        self.runtime = runtime
        self.feed = feed
        self.holder = secrets.token_hex(6)
        self.released = 0  # leases this instance held and gave back when it stopped
        self._loops: dict[str, asyncio.Task[None]] = {}
        self._supervisor: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._supervisor = asyncio.get_running_loop().create_task(self._supervise())

    async def stop(self) -> None:
        """Stop every loop; each gives back the lease it holds, so another instance takes
        its connection over at its next tick rather than when the lease expires."""
        await cancel_all([t for t in (self._supervisor, *self._loops.values()) if t is not None])
        self._loops.clear()

    async def _supervise(self) -> None:
        while True:
            wanted = {
                name: c.config.changes.poll_every
                for name, c in self.runtime().connections.items()
                if c.config.changes.poll_every
            }
            for name in list(self._loops):
                if name not in wanted or self._loops[name].done():
                    self._loops.pop(name).cancel()
            for name in wanted:
                if name not in self._loops:
                    loop = asyncio.get_running_loop()
                    self._loops[name] = loop.create_task(self._poll_loop(name))
            await asyncio.sleep(1.0)

    def _connection(self, name: str) -> Connection | None:
        connection: Connection | None = self.runtime().connections.get(name)
        if connection is None or not connection.config.changes.poll_every:
            return None
        return connection

    async def _poll_loop(self, name: str) -> None:
        lease = f"poll:{name}"
        scanning: asyncio.Task[bool] | None = None
        held = False
        try:
            while (connection := self._connection(name)) is not None:
                every = connection.config.changes.poll_every or 0.0
                tick = min(1.0, every / 2)
                try:
                    held = await self.feed.store.lease(lease, self.holder, max(LEASE_TTL, tick * 3))
                except StoreDown:
                    held = False
                if not held and scanning is not None:
                    scanning.cancel()  # another instance took over: it scans now
                if scanning is not None and scanning.done():
                    scanning = None
                if held and scanning is None and await self._due(name):
                    scanning = asyncio.get_running_loop().create_task(
                        self._scheduled_scan(name, every)
                    )
                await asyncio.sleep(tick)
        finally:
            if scanning is not None:  # ended before the connections it uses are closed
                scanning.cancel()
                await asyncio.wait([scanning], timeout=2.0)
            with contextlib.suppress(Exception):
                await self.feed.store.lease_release(lease, self.holder)
                self.released += held

    async def _due(self, name: str) -> bool:
        try:
            raw = await self.feed.store.value_get(f"poll:{name}")
        except StoreDown:
            return False
        return raw is None or time.time() >= float(json.loads(raw)["next"])

    async def _scheduled_scan(self, name: str, every: float) -> bool:
        raw = await self.feed.store.value_get(f"poll:{name}")
        failures = int(json.loads(raw).get("failures", 0)) if raw else 0
        ok = await self.scan_now(name)
        failures = 0 if ok else failures + 1
        wait = every if ok else min(every * 2**failures, MAX_BACKOFF)
        schedule = {"next": time.time() + wait, "failures": failures, "ok": ok}
        with contextlib.suppress(StoreDown):
            await self.feed.store.value_set(f"poll:{name}", json.dumps(schedule))
        return ok

    async def scan_now(self, name: str) -> bool:
        """One scan of connection ``name`` and the events it finds; False when it failed."""
        runtime = self.runtime()
        connection: Connection | None = runtime.connections.get(name)
        if connection is None:
            return False
        runtime.enter()
        traced = background(
            runtime.config.server.tracing, "poller scan", {"gateway.connection": name}
        )
        try:
            with traced:
                await scan_connection(self.feed, connection)
        except (GatewayError, StoreDown) as exc:
            log.warning("poll_failed", connection=name, error=str(exc))
            self.feed.metrics.poll_scans.labels(name, "failed").inc()
            return False
        finally:
            runtime.exit()
        self.feed.metrics.poll_scans.labels(name, "ok").inc()
        return True


async def scan_connection(feed: ChangeFeed, connection: Connection) -> None:
    """One scan of ``connection`` and the events it finds (module docstring). It is
    background work: its calls queue for budget slots (gateway/guarantees/quotas.py) and are not
    cut off by the per-call deadline ``timeout.total``, which bounds how long a caller
    waits; each attempt keeps its own connect and read timeouts."""
    with background_work():
        await _scan_all(feed, connection, unhurried(connection.adapter))


def unhurried(adapter: Adapter) -> Adapter:
    """``adapter`` calling the same upstream (client, budget, breaker) without the
    deadline over all attempts of one call."""
    upstream = adapter.upstream
    view = copy.copy(adapter)
    view.upstream = upstream.changed(retry=dataclasses.replace(upstream.retry, deadline=None))
    return view


async def _scan_all(feed: ChangeFeed, connection: Connection, adapter: Adapter) -> None:
    """Scan each kind wanted that the adapter lists (adapters/kinds.py), page by page; a
    child kind (contacts) under each record of each page of its parent, which is read
    in any case."""
    wanted: set[str] = {PLURALS[name] for name in connection.config.changes.resources}
    parents = {k.parent for k in KINDS.values() if k.name in wanted}
    started = time.time()
    compared: dict[str, Comparison] = {}
    for name, kind in KINDS.items():
        parent = KINDS[kind.parent] if kind.parent is not None else kind
        if name in wanted and {kind.list, parent.list} <= adapter.capabilities:
            compared[name] = Comparison(
                feed,
                connection.name,
                adapter,
                name,
                snapshot_name(connection.name, connection.config, name),
                started,
                clock_skew=CLOCK_SKEW,
            )
    for name, kind in KINDS.items():
        listed = name in wanted or name in parents
        if kind.parent is None and listed and kind.list in adapter.capabilities:
            children = [c for c in compared.values() if KINDS[c.kind].parent == name]  # type: ignore[index]
            await _scan(adapter, name, compared.get(name), children)
    for comparison in compared.values():
        await comparison.finish()


async def _scan(
    adapter: Adapter, kind: str, own: Comparison | None, children: list[Comparison]
) -> None:
    """Read every page of ``kind``: compare it (``own``), and the children of each of its
    records (``children``); a scan cut short at ``MAX_PAGES`` is incomplete."""
    list_page: Callable[[ListQuery], Awaitable[Any]] = getattr(adapter, KINDS[kind].list.value)  # type: ignore[index]
    query = ListQuery(limit=PAGE)
    for _ in range(MAX_PAGES):
        window = await list_page(query)
        rows = {_remote(row.id): row.model_dump(mode="json") for row in window.items}
        if own is not None:
            await own.page(rows, {})
        for child in children:
            await _children(adapter, child, rows)
        if not window.has_more or not window.items:
            return
        query = window.next_query(query)  # by offset, or the upstream's own position
    for comparison in (own, *children):
        if comparison is not None:
            comparison.complete = False


async def _children(adapter: Adapter, child: Comparison, parents: dict[str, Any]) -> None:
    """The children of one page of parent records, compared as one page."""
    list_of = getattr(adapter, KINDS[child.kind].list.value)  # type: ignore[index]
    rows: dict[str, dict[str, Any]] = {}
    parent_of: dict[str, str] = {}
    for parent in parents:
        try:
            found = await list_of(parent)
        except NotFound:  # deleted since the parent page: its children are told next time
            child.complete = False
            continue
        for record in found:
            key = _remote(record.id)
            rows[key] = record.model_dump(mode="json")
            parent_of[key] = parent
    await child.page(rows, parent_of)


def _remote(canonical_id: str) -> str:
    return canonical_id.partition(":")[2]
