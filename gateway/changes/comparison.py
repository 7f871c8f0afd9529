"""One scan's comparison of one kind of record with its snapshot, a page at a time.

The poller (gateway/changes/poller.py) hands each page of records it reads to
``Comparison.page``, which loads the snapshot entries of just those records from the
store, marking them as seen by this scan (a random token), emits what changed and
saves the entries that did. ``finish`` then walks the snapshot in the store for the
entries this scan did not see (``snapshot_unseen``, a bounded batch at a time): those
are the deletion candidates. So a scan holds one page of records and one batch of
entries at a time, never the whole snapshot nor the set of every key it saw: its memory
does not grow with the number of records, and its work per record stays the same.

- no baseline yet (seen at the first page): the scan is the baseline; its entries are
  saved page by page and the baseline is marked taken once the scan ends (a scan that
  fails halfway leaves no baseline, so the next one starts again; entries a scan that
  failed left behind are dropped by the next complete one); nothing is emitted;
- an entry written after the scan began (a write through the gateway, which reported
  it and set the fields it changed in the entry): skipped, compared next time;
- no entry (or a deleted one's tombstone): created; entry differs: updated;
- an entry the scan did not see: read once more, and deleted only when the upstream
  says 404 (a row can slip between pages while the upstream changes). A scan that
  failed or was cut short emits no deletions.

Events are recorded before their entries are saved, so a crash between the two reports
a change again rather than never (at least once). Saving is compare-and-set per entry:
an entry a gateway write changed meanwhile is left as that write made it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import structlog

from adapters.base import Adapter
from adapters.kinds import KINDS
from gateway.changes.feed import ChangeFeed
from gateway.changes.fingerprint import Entry, changed_fields, entry, fields_of, read_entry
from kernel.errors import NotFound

log = structlog.get_logger("gateway.changes")
UNSEEN_BATCH = 500  # snapshot entries one step of the walk for unseen records looks at
CLOCK_SKEW = 2.0  # seconds an entry written "before" the scan may still be concurrent


@dataclass
class Comparison:
    """The comparison of one kind of record of one connection in one scan."""

    feed: ChangeFeed
    connection: str
    adapter: Adapter
    kind: str
    name: str  # the snapshot's name (gateway/changes/writes.py)
    started: float
    clock_skew: float = CLOCK_SKEW
    complete: bool = True  # every record was listed: unseen entries may be deletions
    baseline: bool | None = None  # this scan takes the baseline (known at the first page)
    records: int = 0
    token: str = field(default_factory=lambda: secrets.token_hex(8))

    @property
    def omit(self) -> frozenset[str]:
        return self.adapter.list_omits.get(self.kind, frozenset())

    async def page(self, rows: dict[str, dict[str, Any]], parents: dict[str, str]) -> None:
        """Compare one page of records (remote key -> canonical resource)."""
        if not rows:
            return
        store = self.feed.store
        taken, snapshot = await store.snapshot_page(self.name, list(rows), self.token)
        if self.baseline is None:
            self.baseline = not taken
        self.records += len(rows)
        omit = self.omit
        fresh = {
            key: entry(fields_of(row, omit), self.started, parents.get(key))
            for key, row in rows.items()
        }
        changes: dict[str, str | None] = {}
        if self.baseline:
            changes = {key: made for key, made in fresh.items() if snapshot.get(key) != made}
        else:
            for key, row in rows.items():
                old = read_entry(snapshot.get(key))
                if not self._during_scan(old):
                    await self._emit(row, old, fresh[key], changes, key)
        await self._save(changes, snapshot)

    async def finish(self) -> None:
        """The walk for unseen entries (deletions, when the scan was complete), then the
        baseline marked taken where this scan was it."""
        if self.baseline is None:  # not one record: ask whether there is a baseline
            taken, _ = await self.feed.store.snapshot_page(self.name, [], self.token)
            self.baseline = not taken
        cursor: str | None = None
        while self.complete:
            cursor, unseen = await self.feed.store.snapshot_unseen(
                self.name, self.token, cursor, UNSEEN_BATCH
            )
            changes: dict[str, str | None] = {}
            for key, raw in unseen:
                await self._unseen(key, raw, changes)
            await self._save(changes, dict(unseen))
            if cursor is None:
                break
        if self.baseline:
            await self.feed.store.snapshot_save(self.name, {}, {})
            log.info(
                "poll_baseline", connection=self.connection, kind=self.kind, records=self.records
            )

    async def _unseen(self, key: str, raw: str, changes: dict[str, str | None]) -> None:
        old = read_entry(raw)
        assert old is not None
        if self.baseline or old.tombstone:
            changes[key] = None  # left by a failed baseline; or deleted through the gateway
        elif not self._during_scan(old):
            now = await self._read_again(key, old.parent)
            if now is None:
                resource_id = f"{self.connection}:{key}"
                await self.feed.record(
                    f"{self.kind}.deleted", self.connection, resource_id, None, "poll"
                )
                changes[key] = None
            else:
                row = now.model_dump(mode="json")
                made = entry(fields_of(row, self.omit), self.started, old.parent)
                await self._emit(row, old, made, changes, key)

    async def _save(self, changes: dict[str, str | None], read: dict[str, str]) -> None:
        if changes:
            expected: dict[str, str | None] = {key: read.get(key) for key in changes}
            await self.feed.store.snapshot_save(
                self.name, changes, expected, baseline=False, seen=self.token
            )

    def _during_scan(self, old: Entry | None) -> bool:
        """Written through the gateway while this scan ran: that write reported it."""
        return old is not None and old.gateway and old.at > self.started - self.clock_skew

    async def _read_again(self, key: str, parent: str | None) -> Any:
        """The record as the upstream has it now, or None when it answers 404."""
        declared = KINDS[self.kind]  # type: ignore[index]
        ids = (key,) if declared.parent is None else (parent, key)
        if None in ids:
            return None
        try:
            return await getattr(self.adapter, declared.get.value)(*ids)
        except NotFound:
            return None

    async def _emit(
        self,
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
            await self.feed.record(f"{self.kind}.created", self.connection, row["id"], row, "poll")
        elif old.fields != new.fields:
            changed = changed_fields(old.fields, new.fields)
            await self.feed.record(
                f"{self.kind}.updated", self.connection, row["id"], row, "poll", changed
            )
        else:
            return
        changes[key] = made
