"""The ``local`` state backend: one process, an embedded SQLite file.

What must outlive a restart is in SQLite (stdlib ``sqlite3``, calls run off the event
loop in a worker thread, one connection behind a lock, WAL journal): idempotency
answers, the cursor secret, config versions. What one process coordinates alone stays
in memory: requests in flight under an ``Idempotency-Key``, the read cache
(gateway/caching/cache.py) and the circuit breakers. Events, snapshots and webhook deliveries:
gateway/store/local_changes.py and local_events.py.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from gateway.caching.cache import ResponseCache
from gateway.config.model import CacheConfig
from gateway.store import file_lock
from gateway.store.base import ErrorHook, Store, StoreDown
from gateway.store.local_changes import SCHEMA as CHANGES_SCHEMA
from gateway.store.local_changes import LocalChanges, migrate_snapshots
from gateway.store.local_config import SCHEMA as CONFIG_SCHEMA
from gateway.store.local_config import LocalConfig
from gateway.store.local_events import SCHEMA as EVENTS_SCHEMA
from gateway.store.local_events import LocalEvents
from gateway.store.local_idempotency import SCHEMA as IDEMPOTENCY_SCHEMA
from gateway.store.local_idempotency import LocalIdempotency, Waiter

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, actor TEXT,
    action TEXT NOT NULL, connection TEXT, record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
"""
T = TypeVar("T")
PURGE_EVERY = 500  # writes between sweeps of old audit records


class LocalStore(LocalIdempotency, LocalConfig, LocalEvents, LocalChanges, Store):
    backend = "local"

    def __init__(
        self,
        path: Path,
        on_error: ErrorHook | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(on_error)
        self.path = path
        self._clock = clock
        self._on_disk = str(path) != ":memory:"
        if self._on_disk:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            file_lock.acquire(path)
            file_lock.make_private(path)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA secure_delete=ON")  # what is deleted is overwritten
            self._db.executescript(
                SCHEMA + EVENTS_SCHEMA + CHANGES_SCHEMA + CONFIG_SCHEMA + IDEMPOTENCY_SCHEMA
            )
            self.migrate_idempotency(self._db)
            migrate_snapshots(self._db)
            self._secret = self._load_secret()
        if self._on_disk:
            file_lock.make_private(path)  # the -wal and -shm SQLite has made by now
        self._running: dict[str, tuple[str, Waiter]] = {}
        self._writes = 0

    def _load_secret(self) -> bytes:
        self._db.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('cursor_secret', ?)",
            (secrets.token_bytes(32),),
        )
        row = self._db.execute("SELECT value FROM meta WHERE key = 'cursor_secret'").fetchone()
        return bytes(row[0])

    @property
    def cursor_secret(self) -> bytes:
        return self._secret

    async def ping(self) -> bool:
        """True while the last call succeeded; after a failure (a full disk), true again
        only once a write succeeds, so ``/readyz`` says ``down`` while writes are lost."""
        if self.healthy:
            return True
        try:
            await self._run(
                "ping", "INSERT OR REPLACE INTO meta (key, value) VALUES ('probe', ?)", b"1"
            )
        except StoreDown:
            return False
        return True

    async def _run(self, operation: str, sql: str, *args: Any) -> list[Any]:
        return await self._off_loop(operation, lambda db: db.execute(sql, args).fetchall())

    async def _off_loop(self, operation: str, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work`` on the connection, under the lock, in a worker thread; a SQLite error
        is ``StoreDown``."""

        def run() -> T:
            with self._lock:
                return work(self._db)

        self._check(operation)
        try:
            result = await asyncio.to_thread(run)
        except sqlite3.Error as exc:
            raise self._failed(operation, exc) from exc
        self._succeeded()
        return result

    async def aclose(self) -> None:
        await self.cancel_undos()
        with self._lock:
            self._db.close()
        if self._on_disk:
            file_lock.release(self.path)

    # Per-connection state -------------------------------------------------------------

    def response_cache(self, connection: str, namespace: str, config: CacheConfig) -> Any:
        return ResponseCache(
            ttl=config.ttl, stale_if_error=config.stale_if_error, max_entries=config.max_entries
        )

    # Audit ----------------------------------------------------------------------------

    async def audit_append(self, record: dict[str, Any], retention: float) -> int:
        now = self._clock()
        rows = await self._run(
            "audit_append",
            "INSERT INTO audit (at, actor, action, connection, record) VALUES (?, ?, ?, ?, ?)"
            " RETURNING id",
            now,
            record.get("actor"),
            record["action"],
            record.get("connection"),
            json.dumps(record),
        )
        self._writes += 1
        if self._writes % PURGE_EVERY == 1:
            await self._run("audit_purge", "DELETE FROM audit WHERE at < ?", now - retention)
        return int(rows[0][0])

    async def audit_page(
        self, filters: dict[str, str], limit: int, before: int | None
    ) -> list[dict[str, Any]]:
        where = ["id < ?"]
        args: list[object] = [before if before is not None else 2**62]
        for column in ("actor", "action", "connection"):
            if column in filters:
                where.append(f"{column} = ?")  # column names from this fixed tuple only
                args.append(filters[column])
        sql = f"SELECT id, record FROM audit WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ?"  # noqa: S608 - fixed column names, values bound
        rows = await self._run("audit_page", sql, *args, limit)
        return [{**json.loads(record), "id": int(row_id)} for row_id, record in rows]
