"""The audit log (API.md section 11): one record for every write and admin action.

A record is ``{id, at, actor, action, connection, resource_id, request_id, status,
changed_fields}`` (config changes add ``diff``, of the masked config). ``actor`` is the
API key's name, never the key; ``changed_fields`` are canonical field names (of the
body sent, or the config paths changed); no value of a field is kept, so nothing
secret can be in a record. Failed writes are recorded with the status they got;
idempotent replays are not (no write happened), nor requests without a valid key.

Recording never slows or breaks a request: records are queued and written by one
background task per process, in order. While the store is down a record is tried again
for ``KEEP_TRYING`` seconds; one it still cannot keep is counted in
``gateway_audit_failures_total`` and logged, and the request's answer is unaffected.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import structlog

from adapters.kinds import KINDS
from gateway.observability.metrics import Metrics
from gateway.store import Store, StoreDown
from gateway.tasks import cancel_all

log = structlog.get_logger("gateway.audit")
KEEP_TRYING = 10.0  # seconds a record is tried again while the store is down
MAX_QUEUED = 10_000  # records held meanwhile; past it, each is tried once
NOUNS = tuple(KINDS)


def action_of(operation: str) -> str:
    """``create_customer`` is ``customer.create``; ``credit_check``, ``customer.credit_check``."""
    verb, _, noun = operation.partition("_")
    return f"{noun}.{verb}" if noun in NOUNS else f"customer.{operation}"


def changed_fields(body: dict[str, Any]) -> list[str]:
    """The canonical fields a body sets: top-level names, ``extra.<key>`` for extras."""
    fields = [k for k in body if k != "extra"]
    fields += [f"extra.{k}" for k in body.get("extra") or {}]
    return sorted(fields)


class AuditLog:
    def __init__(self, store: Store, metrics: Metrics, retention: Callable[[], float]) -> None:
        self.store, self.metrics, self.retention = store, metrics, retention
        self._queue: deque[dict[str, Any]] = deque()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self.written = 0  # records kept by this process

    @property
    def queued(self) -> int:
        """Records not written yet."""
        return len(self._queue)

    def record(self, record: dict[str, Any]) -> None:
        """Queue one record; it is written after the answer, never delaying it."""
        self._queue.append({"at": _now(), **record})
        self._idle.clear()
        self._wake.set()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._write_all())

    async def flush(self, within: float = 5.0) -> None:
        """Wait until every record queued in this process is written (or given up)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), within)

    async def aclose(self) -> None:
        await self.flush()
        if self._task is not None:
            await cancel_all([self._task])  # bounded: a cancellation absorbed on the way

    async def _write_all(self) -> None:
        while True:
            while self._queue:
                record = self._queue[0]
                try:
                    await self._append(record)
                except Exception as exc:
                    self.metrics.audit_failures.inc()
                    action = record.get("action")
                    log.error("audit_record_failed", action=action, error=str(exc))
                self._queue.popleft()
            self._idle.set()
            self._wake.clear()
            await self._wake.wait()

    async def _append(self, record: dict[str, Any]) -> None:
        """Write one record; a store that is down is tried again for ``KEEP_TRYING``
        seconds (records queue meanwhile, at most ``MAX_QUEUED``) before it is counted
        lost."""
        deadline = time.monotonic() + KEEP_TRYING
        pause = 0.1
        while True:
            try:
                await self.store.audit_append(record, self.retention())
                self.written += 1
                return
            except StoreDown:
                overflow = len(self._queue) > MAX_QUEUED
                if overflow or time.monotonic() + pause > deadline:
                    raise
                await asyncio.sleep(pause)
                pause = min(pause * 2, 2.0)


def _now() -> str:
    moment = time.time()
    millis = int(moment % 1 * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(moment)) + f".{millis:03d}Z"
