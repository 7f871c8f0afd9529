"""The ``local`` backend's events (gateway/changes/feed.py), in the same SQLite file.

Event positions are the ``events`` table's AUTOINCREMENT ids: one process appends, each
append commits before the next, so positions only grow and a reader never skips one.
Each event's position is also filed under its lanes (gateway/store/event_lanes.py) in
``event_lanes``, in the same transaction, so a filtered read goes through the index
``(lane, pos)`` instead of every event since the cursor. Events an older gateway
appended without lanes (a state file from before them, or written by an older version
since) are found when the store opens: the newest of them is kept in ``meta`` as
``events_indexed_after``, and a read that starts before it is answered by scanning
(``None`` from ``events_in_lanes``) until retention has dropped those events.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from gateway.store.event_lanes import lanes_of

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    pos INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_at ON events (at);
CREATE TABLE IF NOT EXISTS event_lanes (
    lane TEXT NOT NULL, pos INTEGER NOT NULL, PRIMARY KEY (lane, pos)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_lanes_pos ON event_lanes (pos);
INSERT OR REPLACE INTO meta (key, value)
    SELECT 'events_indexed_after', max(pos) FROM events
    HAVING max(pos) > coalesce((SELECT max(pos) FROM event_lanes), 0);
"""


class LocalEvents:
    """Mixed into ``LocalStore``, whose ``_clock``, ``_run``, ``_off_loop`` and
    ``_atomic`` it uses."""

    _clock: Callable[[], float]
    _run: Callable[..., Any]
    _off_loop: Callable[..., Any]
    _atomic: Callable[..., Any]

    async def events_append(self, event: dict[str, Any], retention: float) -> str:
        now = self._clock()

        def work(db: sqlite3.Connection) -> str:
            row = db.execute(
                "INSERT INTO events (at, body) VALUES (?, '') RETURNING pos", (now,)
            ).fetchone()
            position = str(row[0])
            body = json.dumps({"id": f"evt_{position}", **event}, separators=(",", ":"))
            db.execute("UPDATE events SET body = ? WHERE pos = ?", (body, row[0]))
            db.executemany(
                "INSERT INTO event_lanes (lane, pos) VALUES (?, ?)",
                [(lane, row[0]) for lane in lanes_of(event)],
            )
            if db.execute("DELETE FROM events WHERE at < ?", (now - retention,)).rowcount:
                db.execute("DELETE FROM event_lanes WHERE pos < (SELECT min(pos) FROM events)")
            return position

        found: str = await self._atomic("events_append", work)
        return found

    async def events_after(self, position: str | None, count: int) -> list[tuple[str, str]]:
        rows = await self._run(
            "events_after",
            "SELECT pos, body FROM events WHERE pos > ? ORDER BY pos LIMIT ?",
            int(position or 0),
            count,
        )
        return [(str(pos), body) for pos, body in rows]

    async def events_in_lanes(
        self, lanes: Sequence[str], after: str | None, count: int
    ) -> tuple[list[tuple[str, str]], str | None] | None:
        start = int(after or 0)

        def work(db: sqlite3.Connection) -> tuple[list[tuple[str, str]], str | None] | None:
            row = db.execute("SELECT value FROM meta WHERE key = 'events_indexed_after'")
            unindexed = int((row.fetchone() or (0,))[0])
            if (
                start < unindexed
                and db.execute(
                    "SELECT 1 FROM events WHERE pos > ? AND pos <= ? LIMIT 1", (start, unindexed)
                ).fetchone()
            ):
                return None  # events from before the lanes: scanned instead
            newest = db.execute("SELECT max(pos) FROM events").fetchone()[0] or 0
            upto = max(start, newest)
            positions: set[int] = set()
            for lane in lanes:
                positions.update(
                    pos
                    for (pos,) in db.execute(
                        "SELECT pos FROM event_lanes WHERE lane = ? AND pos > ? AND pos <= ?"
                        " ORDER BY pos LIMIT ?",
                        (lane, start, upto, count),
                    )
                )
            wanted = sorted(positions)[:count]
            marks = ",".join("?" * len(wanted))
            rows = db.execute(
                f"SELECT pos, body FROM events WHERE pos IN ({marks}) ORDER BY pos",  # noqa: S608 - placeholders only
                wanted,
            ).fetchall()
            events = [(str(pos), body) for pos, body in rows]
            covered = wanted[-1] if len(wanted) == count else upto
            return events, (str(covered) if covered else after)

        found: tuple[list[tuple[str, str]], str | None] | None = await self._off_loop(
            "events_in_lanes", work
        )
        return found
