"""The ``local`` backend's config history: every accepted config, sealed (gateway/
config/sealing.py), in the SQLite file; publishing is compare-and-set on the current
version's ETag in one transaction.

A state file from before sealing kept each version's text in clear in
``config_versions``: ``legacy_configs`` hands those texts over (the caller seals and
republishes them), then ``drop_legacy_configs`` drops the table, with ``secure_delete``
on so the freed pages are overwritten, and the write-ahead log truncated.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable
from typing import Any

from gateway.config.sealing import Sealed
from gateway.store.base import ConfigVersion, StaleConfig, utc_now

SCHEMA = """
CREATE TABLE IF NOT EXISTS config_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL,
    etag TEXT NOT NULL, skeleton TEXT NOT NULL, spans TEXT NOT NULL, sealed BLOB
);
"""
COLUMNS = "id, at, actor, etag, skeleton, spans, sealed"


class LocalConfig:
    """Mixed into ``LocalStore``, whose ``_run`` and ``_atomic`` it uses."""

    _run: Callable[..., Any]
    _atomic: Callable[..., Any]

    async def publish_config(
        self, kept: Sealed, etag: str, actor: str, expected: str | None
    ) -> ConfigVersion:
        at = utc_now()

        def work(db: sqlite3.Connection) -> ConfigVersion:
            row = db.execute("SELECT etag FROM config_history ORDER BY id DESC LIMIT 1").fetchone()
            current = row[0] if row else None
            if current != expected:
                raise StaleConfig(current)
            inserted = db.execute(
                "INSERT INTO config_history (at, actor, etag, skeleton, spans, sealed)"
                " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (at, actor, etag, kept.skeleton, kept.spans_json(), kept.sealed),
            ).fetchone()
            return ConfigVersion(int(inserted[0]), at, actor, etag, kept)

        version: ConfigVersion = await self._atomic("publish_config", work)
        return version

    async def current_config(self) -> ConfigVersion | None:
        versions = await self.config_versions(1)
        return versions[0] if versions else None

    async def current_config_etag(self) -> str | None:
        rows = await self._run(
            "current_config", "SELECT etag FROM config_history ORDER BY id DESC LIMIT 1"
        )
        return str(rows[0][0]) if rows else None

    async def config_versions(self, limit: int = 100) -> list[ConfigVersion]:
        rows = await self._run(
            "config_versions",
            f"SELECT {COLUMNS} FROM config_history ORDER BY id DESC LIMIT ?",  # noqa: S608 - fixed
            limit,
        )
        return [_version(row) for row in rows]

    async def config_version(self, version_id: int) -> ConfigVersion | None:
        if not 0 < version_id < 2**63:
            return None
        rows = await self._run(
            "config_version",
            f"SELECT {COLUMNS} FROM config_history WHERE id = ?",  # noqa: S608 - fixed columns
            version_id,
        )
        return _version(rows[0]) if rows else None

    async def config_salt(self) -> bytes:
        def work(db: sqlite3.Connection) -> bytes:
            db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('config_salt', ?)",
                (secrets.token_bytes(16),),
            )
            row = db.execute("SELECT value FROM meta WHERE key = 'config_salt'").fetchone()
            return bytes(row[0])

        salt: bytes = await self._atomic("config_salt", work)
        return salt

    async def legacy_configs(self) -> list[tuple[str, str, str]]:
        """``(at, actor, text)`` of the versions an older state file kept in clear text,
        oldest first."""

        def work(db: sqlite3.Connection) -> list[tuple[str, str, str]]:
            if not _has_legacy(db):
                return []
            rows = db.execute("SELECT at, actor, text FROM config_versions ORDER BY id").fetchall()
            return [(str(at), str(actor), str(text)) for at, actor, text in rows]

        found: list[tuple[str, str, str]] = await self._atomic("legacy_configs", work)
        return found

    async def drop_legacy_configs(self) -> None:
        """Erase them (``secure_delete`` overwrites the pages; the log is truncated)."""

        def work(db: sqlite3.Connection) -> None:
            if _has_legacy(db):
                db.execute("DROP TABLE config_versions")

        await self._atomic("drop_legacy_configs", work)
        await self._run("checkpoint", "PRAGMA wal_checkpoint(TRUNCATE)")


def _has_legacy(db: sqlite3.Connection) -> bool:
    table = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'config_versions'"
    ).fetchone()
    return table is not None


def _version(row: Any) -> ConfigVersion:
    version_id, at, actor, etag, skeleton, spans, sealed = row
    kept = Sealed.read(skeleton, spans, bytes(sealed) if sealed else None)
    return ConfigVersion(int(version_id), at, actor, etag, kept)
