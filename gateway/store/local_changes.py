"""The ``local`` backend's share of change tracking (gateway/changes/): poller snapshots
and leases, webhook deliveries, in the same SQLite file as the rest (events:
gateway/store/local_events.py); and the small named values (``named_values``, each
with its expiry, swept as values are set).

A snapshot row's ``seen`` is the token of the last scan that saw its record
(``snapshot_page``), so the scan finds the records it did not see by walking the table
(``snapshot_unseen``) rather than holding every key it saw. A delivery's hold
(gateway/store/base.py) is a row of ``delivery_holds``, its time this process's clock.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from gateway.store.base import DeliveryHeld

T = TypeVar("T")
SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshots (
    name TEXT NOT NULL, key TEXT NOT NULL, entry TEXT NOT NULL, seen TEXT,
    PRIMARY KEY (name, key)
);
CREATE TABLE IF NOT EXISTS baselines (name TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires REAL);
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, status TEXT NOT NULL,
    due REAL, at REAL NOT NULL, body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, due);
CREATE TABLE IF NOT EXISTS named_values (name TEXT PRIMARY KEY, value TEXT NOT NULL, expires REAL);
CREATE INDEX IF NOT EXISTS named_values_expires ON named_values (expires);
-- values a state file from before kept in meta as 'v:<name>', moved once
INSERT OR IGNORE INTO named_values (name, value)
    SELECT substr(key, 3), CAST(value AS TEXT) FROM meta WHERE key LIKE 'v:%';
DELETE FROM meta WHERE key LIKE 'v:%';
CREATE TABLE IF NOT EXISTS delivery_holds (
    id TEXT PRIMARY KEY, holder TEXT NOT NULL, until REAL NOT NULL
);
"""


class LocalChanges:
    """Mixed into ``LocalStore``, whose ``_clock``, ``_run`` and ``_off_loop`` it uses."""

    _clock: Callable[[], float]
    _run: Callable[..., Any]
    _off_loop: Callable[..., Any]

    async def _atomic(self, operation: str, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work`` in one transaction, off the event loop."""

        def transaction(db: sqlite3.Connection) -> T:
            db.execute("BEGIN IMMEDIATE")
            try:
                result = work(db)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            return result

        found: T = await self._off_loop(operation, transaction)
        return found

    # Snapshots and leases ---------------------------------------------------------------

    async def snapshot_load(self, name: str) -> dict[str, str] | None:
        def work(db: sqlite3.Connection) -> dict[str, str] | None:
            if db.execute("SELECT 1 FROM baselines WHERE name = ?", (name,)).fetchone() is None:
                return None
            rows = db.execute("SELECT key, entry FROM snapshots WHERE name = ?", (name,))
            return dict(rows.fetchall())

        return await self._atomic("snapshot_load", work)

    async def snapshot_page(
        self, name: str, keys: list[str], scan: str
    ) -> tuple[bool, dict[str, str]]:
        def work(db: sqlite3.Connection) -> tuple[bool, dict[str, str]]:
            taken = db.execute("SELECT 1 FROM baselines WHERE name = ?", (name,)).fetchone()
            marks = ",".join("?" * len(keys))
            rows = db.execute(
                f"SELECT key, entry FROM snapshots WHERE name = ? AND key IN ({marks})",  # noqa: S608 - placeholders only
                (name, *keys),
            ).fetchall()
            db.execute(
                f"UPDATE snapshots SET seen = ? WHERE name = ? AND key IN ({marks})",  # noqa: S608 - placeholders only
                (scan, name, *keys),
            )
            return taken is not None, dict(rows)

        return await self._atomic("snapshot_page", work)

    async def snapshot_unseen(
        self, name: str, scan: str, cursor: str | None, count: int
    ) -> tuple[str | None, list[tuple[str, str]]]:
        """Walks the primary key ``(name, key)`` in order, ``count`` rows per call."""

        def work(db: sqlite3.Connection) -> tuple[str | None, list[tuple[str, str]]]:
            rows = db.execute(
                "SELECT key, entry, seen FROM snapshots WHERE name = ? AND key > ?"
                " ORDER BY key LIMIT ?",
                (name, cursor or "", count),
            ).fetchall()
            unseen = [(key, entry) for key, entry, seen in rows if seen != scan]
            return (rows[-1][0] if len(rows) == count else None), unseen

        return await self._off_loop("snapshot_unseen", work)  # type: ignore[no-any-return]

    async def snapshot_save(
        self,
        name: str,
        changes: dict[str, str | None],
        expected: dict[str, str | None],
        *,
        baseline: bool = True,
        seen: str | None = None,
    ) -> None:
        def work(db: sqlite3.Connection) -> None:
            if baseline:
                db.execute("INSERT OR IGNORE INTO baselines VALUES (?)", (name,))
            for key, entry in changes.items():
                row = db.execute(
                    "SELECT entry FROM snapshots WHERE name = ? AND key = ?", (name, key)
                ).fetchone()
                if (row[0] if row else None) != expected.get(key):
                    continue  # written meanwhile (a gateway write): that entry is newer
                _set_entry(db, name, key, entry, seen)

        await self._atomic("snapshot_save", work)

    async def snapshot_touch(self, name: str, key: str, entry: str | None) -> None:
        def work(db: sqlite3.Connection) -> None:
            if db.execute("SELECT 1 FROM baselines WHERE name = ?", (name,)).fetchone():
                _set_entry(db, name, key, entry)

        await self._atomic("snapshot_touch", work)

    async def snapshot_entry(self, name: str, key: str) -> str | None:
        rows = await self._run(
            "snapshot_entry",
            "SELECT entry FROM snapshots WHERE name = ? AND key = ?",  # only after a baseline
            name,
            key,
        )
        return str(rows[0][0]) if rows else None

    async def snapshot_swap(
        self, name: str, key: str, expected: str | None, entry: str | None
    ) -> bool:
        def work(db: sqlite3.Connection) -> bool:
            if db.execute("SELECT 1 FROM baselines WHERE name = ?", (name,)).fetchone() is None:
                return False
            row = db.execute(
                "SELECT entry FROM snapshots WHERE name = ? AND key = ?", (name, key)
            ).fetchone()
            if (row[0] if row else None) != expected:
                return False
            _set_entry(db, name, key, entry)
            return True

        return await self._atomic("snapshot_swap", work)

    async def lease(self, name: str, holder: str, ttl: float) -> bool:
        now = self._clock()

        def work(db: sqlite3.Connection) -> bool:
            row = db.execute("SELECT holder, expires FROM leases WHERE name = ?", (name,))
            current = row.fetchone()
            if current is not None and current[0] != holder and current[1] > now:
                return False
            db.execute("INSERT OR REPLACE INTO leases VALUES (?, ?, ?)", (name, holder, now + ttl))
            return True

        return await self._atomic("lease", work)

    async def lease_release(self, name: str, holder: str) -> None:
        await self._run(
            "lease_release", "DELETE FROM leases WHERE name = ? AND holder = ?", name, holder
        )

    # Small named values -----------------------------------------------------------------

    async def value_get(self, name: str) -> str | None:
        rows = await self._run(
            "value_get",
            "SELECT value FROM named_values WHERE name = ? AND (expires IS NULL OR expires > ?)",
            name,
            self._clock(),
        )
        return str(rows[0][0]) if rows else None

    async def value_set(self, name: str, value: str, ttl: float | None = None) -> None:
        now = self._clock()
        expires = None if ttl is None else now + ttl

        def work(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT OR REPLACE INTO named_values (name, value, expires) VALUES (?, ?, ?)",
                (name, value, expires),
            )
            db.execute("DELETE FROM named_values WHERE expires <= ?", (now,))

        await self._atomic("value_set", work)

    async def value_touch(self, name: str, ttl: float) -> bool:
        now = self._clock()

        def work(db: sqlite3.Connection) -> bool:
            changed = db.execute(
                "UPDATE named_values SET expires = ?"
                " WHERE name = ? AND (expires IS NULL OR expires > ?)",
                (now + ttl, name, now),
            )
            return changed.rowcount > 0

        return await self._off_loop("value_touch", work)  # type: ignore[no-any-return]

    async def value_delete(self, name: str) -> None:
        await self._run("value_delete", "DELETE FROM named_values WHERE name = ?", name)

    # Webhook deliveries -----------------------------------------------------------------

    async def delivery_put(self, delivery: dict[str, Any], retention: float) -> None:
        now = self._clock()
        await self._atomic("delivery_put", lambda db: _write(db, delivery, now, retention))

    async def delivery_get(self, delivery_id: str) -> dict[str, Any] | None:
        rows = await self._run(
            "delivery_get", "SELECT body FROM deliveries WHERE id = ?", delivery_id
        )
        return json.loads(rows[0][0]) if rows else None

    async def deliveries_claim(
        self, now: float, count: int, hold: float, holder: str
    ) -> list[dict[str, Any]]:
        clock = self._clock()

        def work(db: sqlite3.Connection) -> list[dict[str, Any]]:
            rows = db.execute(
                "SELECT d.id, d.body FROM deliveries d LEFT JOIN delivery_holds h ON h.id = d.id"
                " WHERE d.status = 'pending' AND d.due <= ? AND (h.until IS NULL OR h.until <= ?)"
                " ORDER BY d.due LIMIT ?",
                (now, clock, count),
            ).fetchall()
            for delivery_id, _ in rows:
                _hold(db, delivery_id, holder, clock + hold)
                db.execute("UPDATE deliveries SET due = ? WHERE id = ?", (now + hold, delivery_id))
            return [json.loads(body) for _, body in rows]

        return await self._atomic("deliveries_claim", work)

    async def delivery_claim(
        self, delivery_id: str, hold: float, holder: str
    ) -> dict[str, Any] | None:
        clock = self._clock()

        def work(db: sqlite3.Connection) -> dict[str, Any] | None:
            row = db.execute("SELECT body FROM deliveries WHERE id = ?", (delivery_id,)).fetchone()
            if row is None:
                return None
            held = db.execute("SELECT until FROM delivery_holds WHERE id = ?", (delivery_id,))
            if (until := held.fetchone()) is not None and until[0] > clock:
                raise DeliveryHeld(delivery_id)
            _hold(db, delivery_id, holder, clock + hold)
            db.execute(
                "UPDATE deliveries SET due = ? WHERE id = ? AND status = 'pending'",
                (clock + hold, delivery_id),
            )
            found: dict[str, Any] = json.loads(row[0])
            return found

        return await self._atomic("delivery_claim", work)

    async def delivery_update(
        self, delivery: dict[str, Any], retention: float, holder: str, hold: float
    ) -> bool:
        clock = self._clock()

        def work(db: sqlite3.Connection) -> bool:
            held = db.execute("SELECT holder FROM delivery_holds WHERE id = ?", (delivery["id"],))
            if (row := held.fetchone()) is None or row[0] != holder:
                return False
            if hold > 0:
                _hold(db, delivery["id"], holder, clock + hold)
                due = clock + hold if delivery["status"] == "pending" else None
                _write(db, delivery, clock, retention, due=due)
            else:
                db.execute("DELETE FROM delivery_holds WHERE id = ?", (delivery["id"],))
                _write(db, delivery, clock, retention)
            return True

        return await self._atomic("delivery_update", work)

    async def deliveries_page(
        self, status: str | None, limit: int, before: int | None
    ) -> list[dict[str, Any]]:
        top = before if before is not None else 2**62
        if status is None:
            rows = await self._run(
                "deliveries_page",
                "SELECT body FROM deliveries WHERE seq < ? ORDER BY seq DESC LIMIT ?",
                top,
                limit,
            )
        else:
            rows = await self._run(
                "deliveries_page",
                "SELECT body FROM deliveries WHERE seq < ? AND status = ?"
                " ORDER BY seq DESC LIMIT ?",
                top,
                status,
                limit,
            )
        return [json.loads(body) for (body,) in rows]


def _write(
    db: sqlite3.Connection,
    delivery: dict[str, Any],
    now: float,
    retention: float,
    due: float | None = None,
) -> None:
    """Insert or replace one delivery (due at ``due`` when given), then drop finished
    deliveries older than ``retention``."""
    if delivery["status"] == "pending":
        due = delivery.get("due") if due is None else due
    seq = delivery.get("seq")
    if seq is None:
        row = db.execute(
            "INSERT INTO deliveries (id, status, due, at, body) VALUES (?, ?, ?, ?, '')"
            " RETURNING seq",
            (delivery["id"], delivery["status"], due, now),
        ).fetchone()
        delivery["seq"] = int(row[0])
    body = json.dumps(delivery, separators=(",", ":"))
    db.execute(
        "UPDATE deliveries SET status = ?, due = ?, at = ?, body = ? WHERE id = ?",
        (delivery["status"], due, now, body, delivery["id"]),
    )
    db.execute("DELETE FROM deliveries WHERE status != 'pending' AND at < ?", (now - retention,))
    db.execute("DELETE FROM delivery_holds WHERE until < ?", (now - retention,))


def _hold(db: sqlite3.Connection, delivery_id: str, holder: str, until: float) -> None:
    db.execute(
        "INSERT OR REPLACE INTO delivery_holds VALUES (?, ?, ?)", (delivery_id, holder, until)
    )


def _set_entry(
    db: sqlite3.Connection, name: str, key: str, entry: str | None, seen: str | None = None
) -> None:
    """Set or drop one entry; its ``seen`` mark is kept, or set when given."""
    if entry is None:
        db.execute("DELETE FROM snapshots WHERE name = ? AND key = ?", (name, key))
    else:
        db.execute(
            "INSERT INTO snapshots (name, key, entry, seen) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (name, key) DO UPDATE SET entry = excluded.entry,"
            " seen = coalesce(excluded.seen, seen)",
            (name, key, entry, seen),
        )


def migrate_snapshots(db: sqlite3.Connection) -> None:
    """A state file from before scans were streamed has no ``seen`` column: add it."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(snapshots)")}
    if "seen" not in columns:
        db.execute("ALTER TABLE snapshots ADD COLUMN seen TEXT")
