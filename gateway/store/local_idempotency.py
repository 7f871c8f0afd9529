"""The ``local`` backend's ``Idempotency-Key`` records: claims and answers on disk.

A claim is a row written (and committed) before the first request goes upstream, so it
survives the process: a claim whose process is gone (a crash, a kill -9) is there after
the restart, with no answer, and is *not alive* — its outcome is unknown. One process
owns the file (gateway/store/file_lock.py), so a claim is alive exactly while this
process runs its request (``_running``); concurrent duplicates in the process wait on a
future rather than polling the file. A disk that refuses the claim refuses the request
(``StoreDown``, then 503): nothing is sent upstream that could not be made safe.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any

from gateway.store.base import IdempotencyRecord

SCHEMA = """
CREATE TABLE IF NOT EXISTS idempotency_keys (
    key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status INTEGER, body BLOB NOT NULL,
    headers TEXT NOT NULL, expires REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS idempotency_keys_expires ON idempotency_keys (expires);
"""
PURGE_EVERY = 500  # writes between sweeps of expired records
Waiter = asyncio.Future[IdempotencyRecord | None]


class LocalIdempotency:
    """Mixed into ``LocalStore``, whose ``_clock``, ``_run`` and ``_atomic`` it uses."""

    _clock: Callable[[], float]
    _run: Callable[..., Any]
    _atomic: Callable[..., Any]
    _running: dict[str, tuple[str, Waiter]]
    _writes: int
    undo_later: Callable[[str, Callable[[], Awaitable[object]]], None]

    @staticmethod
    def migrate_idempotency(db: sqlite3.Connection) -> None:
        """Answers an older state file kept (table ``idempotency``) moved to the new one."""
        table = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'idempotency'"
        ).fetchone()
        if table is None:
            return
        db.execute(
            "INSERT OR IGNORE INTO idempotency_keys SELECT key, fingerprint, status, body,"
            " headers, expires FROM idempotency"
        )
        db.execute("DROP TABLE idempotency")

    async def idempotency_get(self, key: str) -> IdempotencyRecord | None:
        running = self._running.get(key)
        if running is not None:
            return IdempotencyRecord(running[0])
        return await self._kept(key)

    async def _kept(self, key: str) -> IdempotencyRecord | None:
        rows = await self._run(
            "idempotency_get",
            "SELECT fingerprint, status, body, headers FROM idempotency_keys"
            " WHERE key = ? AND expires > ?",
            key,
            self._clock(),
        )
        if not rows:
            return None
        fingerprint, status, body, headers = rows[0]
        if status is None:
            # claimed: alive if this process runs it (claimed while the row was read),
            # else by a process that is gone, and the outcome is unknown
            return IdempotencyRecord(fingerprint, alive=key in self._running)
        return IdempotencyRecord(fingerprint, int(status), bytes(body), _headers(headers))

    async def idempotency_claim(self, key: str, fingerprint: str, ttl: float) -> bool:
        if key in self._running:
            return False
        waiter: Waiter = asyncio.get_running_loop().create_future()
        self._running[key] = (fingerprint, waiter)  # taken before any await: one claimant
        now = self._clock()

        def claim(db: sqlite3.Connection) -> bool:
            db.execute("DELETE FROM idempotency_keys WHERE key = ? AND expires <= ?", (key, now))
            inserted = db.execute(
                "INSERT OR IGNORE INTO idempotency_keys VALUES (?, ?, NULL, x'', '[]', ?)",
                (key, fingerprint, now + ttl),
            )
            return bool(inserted.rowcount)

        try:
            claimed = await self._atomic("idempotency_claim", claim)
        except BaseException:
            # A cancelled call's thread may still commit the claim: take it back, or the
            # key would read "outcome unknown" for a day though nothing was sent.
            self._finish(key, None)
            self.undo_later("idempotency_claim", lambda: self._unclaim(key))
            raise
        if not claimed:
            self._finish(key, await self._kept(key))
        return bool(claimed)

    async def _unclaim(self, key: str) -> None:
        if key in self._running:  # claimed again meanwhile, by a request that runs
            return
        await self._run(
            "idempotency_release",
            "DELETE FROM idempotency_keys WHERE key = ? AND status IS NULL",
            key,
        )

    async def idempotency_put(self, key: str, record: IdempotencyRecord, ttl: float) -> None:
        await self._run(
            "idempotency_put",
            "INSERT OR REPLACE INTO idempotency_keys VALUES (?, ?, ?, ?, ?, ?)",
            key,
            record.fingerprint,
            record.status,
            record.body,
            json.dumps(record.headers),
            self._clock() + ttl,
        )
        self._finish(key, record)
        self._writes += 1
        if self._writes % PURGE_EVERY == 0:
            await self._run(
                "idempotency_purge",
                "DELETE FROM idempotency_keys WHERE expires <= ?",
                self._clock(),
            )

    async def idempotency_release(self, key: str) -> None:
        if key not in self._running:
            return
        await self._run(
            "idempotency_release",
            "DELETE FROM idempotency_keys WHERE key = ? AND status IS NULL",
            key,
        )
        self._finish(key, None)

    async def idempotency_abandon(self, key: str) -> None:
        """The first request ended without an answer to keep: its claim stays on disk, not
        alive (its outcome is unknown), and those waiting are told at once."""
        running = self._running.pop(key, None)
        if running is not None and not running[1].done():
            running[1].set_result(IdempotencyRecord(running[0], alive=False))

    def _finish(self, key: str, record: IdempotencyRecord | None) -> None:
        running = self._running.pop(key, None)
        if running is not None and not running[1].done():
            running[1].set_result(record)

    async def idempotency_wait(self, key: str, wait: float) -> IdempotencyRecord | None:
        running = self._running.get(key)
        if running is None:
            return await self.idempotency_get(key)
        try:
            return await asyncio.wait_for(asyncio.shield(running[1]), wait)
        except TimeoutError:
            return IdempotencyRecord(running[0])


def _headers(raw: str) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(v)) for k, v in json.loads(raw))
