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
by customer) and compares each record with its snapshot entry (gateway/changes/
fingerprint.py), loaded after the scan:

- no snapshot yet: the scan is the baseline; nothing is emitted;
- an entry written after the scan began (a write through the gateway, which reported
  it and set the fields it changed in the entry): skipped, compared next time;
- no entry (or a deleted one's tombstone): created; entry differs: updated;
- an entry whose record the scan did not see: read once more, and deleted only when
  the upstream says 404 (a row can slip between pages while the upstream changes).
  A scan that failed or was cut short (``MAX_PAGES``) emits no deletions.

Events are recorded before the snapshot is saved, so a crash between the two reports a
change again rather than never (at least once). Saving is compare-and-set per entry:
an entry a gateway write changed meanwhile is left as that write made it.
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
from dataclasses import dataclass, field
from typing import Any

import structlog

from adapters.base import Adapter, ListQuery
from adapters.kinds import KINDS, PLURALS
from gateway.changes.feed import ChangeFeed
from gateway.changes.fingerprint import Entry, changed_fields, entry, fields_of, read_entry
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
CLOCK_SKEW = 2.0  # seconds an entry written "before" the scan may still be concurrent


@dataclass
class Scan:
    """What one scan saw of one kind of record: remote key -> canonical resource."""

    kind: str
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)  # a contact's customer
    complete: bool = True


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
    """Scan each kind wanted that the adapter lists (adapters/kinds.py); a child kind
    (contacts) under each record of its parent's scan, which is made in any case."""
    wanted: set[str] = {PLURALS[name] for name in connection.config.changes.resources}
    parents = {k.parent for k in KINDS.values() if k.name in wanted}
    started = time.time()
    scanned: dict[str, Scan] = {}
    for name, kind in KINDS.items():
        if (name not in wanted and name not in parents) or kind.list not in adapter.capabilities:
            continue
        lister = getattr(adapter, kind.list.value)
        if kind.parent is None:
            scanned[name] = await _scan(lister, name)
        elif kind.parent in scanned:
            scanned[name] = await _scan_children(lister, name, scanned[kind.parent])
    for done, scan in scanned.items():
        if done in wanted:
            await _compare(feed, connection, adapter, scan, started)


async def _scan(list_page: Callable[[ListQuery], Awaitable[Any]], kind: str) -> Scan:
    scan = Scan(kind)
    query = ListQuery(limit=PAGE)
    for _ in range(MAX_PAGES):
        window = await list_page(query)
        for row in window.items:
            scan.rows[_remote(row.id)] = row.model_dump(mode="json")
        if not window.has_more or not window.items:
            return scan
        query = window.next_query(query)  # by offset, or the upstream's own position
    scan.complete = False
    return scan


async def _scan_children(
    list_of: Callable[[str], Awaitable[list[Any]]], kind: str, parents: Scan
) -> Scan:
    scan = Scan(kind, complete=parents.complete)
    for parent in parents.rows:
        try:
            children = await list_of(parent)
        except NotFound:  # deleted since the parent scan: its children are told next time
            scan.complete = False
            continue
        for child in children:
            key = _remote(child.id)
            scan.rows[key] = child.model_dump(mode="json")
            scan.parents[key] = parent
    return scan


def _remote(canonical_id: str) -> str:
    return canonical_id.partition(":")[2]


async def _read_again(adapter: Adapter, kind: str, key: str, parent: str | None) -> Any:
    """The record as the upstream has it now, or None when it answers 404."""
    declared = KINDS[kind]  # type: ignore[index]
    ids = (key,) if declared.parent is None else (parent, key)
    if None in ids:
        return None
    try:
        return await getattr(adapter, declared.get.value)(*ids)
    except NotFound:
        return None


async def _compare(
    feed: ChangeFeed, connection: Connection, adapter: Adapter, scan: Scan, started: float
) -> None:
    """Emit what changed since the snapshot, then save the snapshot (module docstring)."""
    name = snapshot_name(connection.name, connection.config, scan.kind)
    snapshot = await feed.store.snapshot_load(name)
    omit = adapter.list_omits.get(scan.kind, frozenset())
    fresh = {
        key: entry(fields_of(row, omit), started, scan.parents.get(key))
        for key, row in scan.rows.items()
    }
    if snapshot is None:
        await feed.store.snapshot_save(name, dict(fresh), {})
        log.info("poll_baseline", connection=connection.name, kind=scan.kind, records=len(fresh))
        return

    def during_scan(old: Entry | None) -> bool:
        """Written through the gateway while this scan ran: that write reported it."""
        return old is not None and old.gateway and old.at > started - CLOCK_SKEW

    changes: dict[str, str | None] = {}
    for key, row in scan.rows.items():
        old = read_entry(snapshot.get(key))
        if not during_scan(old):
            await _emit(feed, connection.name, scan.kind, row, old, fresh[key], changes, key)
    for key in snapshot.keys() - scan.rows.keys() if scan.complete else ():
        old = read_entry(snapshot[key])
        assert old is not None
        if old.tombstone:
            changes[key] = None  # deleted through the gateway, and reported then
        elif not during_scan(old):
            now = await _read_again(adapter, scan.kind, key, old.parent)
            if now is None:
                resource_id = f"{connection.name}:{key}"
                await feed.record(
                    f"{scan.kind}.deleted", connection.name, resource_id, None, "poll"
                )
                changes[key] = None
            else:
                row = now.model_dump(mode="json")
                made = entry(fields_of(row, omit), started, old.parent)
                await _emit(feed, connection.name, scan.kind, row, old, made, changes, key)
    await feed.store.snapshot_save(name, changes, {k: snapshot.get(k) for k in changes})


async def _emit(
    feed: ChangeFeed,
    connection: str,
    kind: str,
    row: dict[str, Any],
    old: Entry | None,
    made: str,
    changes: dict[str, str | None],
    key: str,
) -> None:
    """Record the event of one record the scan saw, and note its new entry."""
    new = read_entry(made)
    assert new is not None
    if old is None or old.tombstone:
        await feed.record(f"{kind}.created", connection, row["id"], row, "poll")
    elif old.fields != new.fields:
        changed = changed_fields(old.fields, new.fields)
        await feed.record(f"{kind}.updated", connection, row["id"], row, "poll", changed)
    else:
        return
    changes[key] = made
