"""The state store interface both backends implement (see the package docstring)."""

from __future__ import annotations

import asyncio
import secrets
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import structlog

from gateway.config.model import CacheConfig, CircuitBreakerConfig
from gateway.config.sealing import Sealed
from kernel.resilience import CircuitBreaker

ErrorHook = Callable[[str], None]  # told the operation of every failed store call
RETRY_AFTER_FAILURE = 1.0  # seconds a store judged down is not asked again (no pile-up)
DOWN_AFTER = 3  # failed calls in a row (timeouts) before the store is judged down
UNDO_FOR = 30.0  # seconds a call whose answer was lost is tried to be taken back
log = structlog.get_logger("gateway.store")


class StoreDown(Exception):
    """A store call failed or timed out; the caller degrades (package docstring)."""


class DeliveryHeld(Exception):
    """The webhook delivery is held by another claimant: an attempt is in flight."""


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    """An ``Idempotency-Key``'s state: claimed (``status`` None) or its kept answer. A
    claim is ``alive`` while its first request is still running somewhere; one that is
    not (its process died, or the request ended with nothing it could keep) stands for
    a write whose outcome is unknown."""

    fingerprint: str
    status: int | None = None
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    alive: bool = True

    @property
    def finished(self) -> bool:
        return self.status is not None


@dataclass(frozen=True, slots=True)
class ConfigVersion:
    """An accepted config: its text as kept at rest (sealed, gateway/config/sealing.py),
    the ETag of the text as written to the file, and who made it live."""

    id: int
    at: str
    actor: str
    etag: str
    kept: Sealed


class StaleConfig(Exception):
    """A config change based on a version that is no longer the current one."""

    def __init__(self, current: str | None) -> None:
        self.current = current  # the current version's ETag (None: the store has none)
        super().__init__(f"the current config version is {current}")


class Store(ABC):
    backend: str

    def __init__(self, on_error: ErrorHook | None = None) -> None:
        self.on_error = on_error
        self.healthy = True
        self._down_until = 0.0
        self._failures = 0  # failed calls in a row
        self.reason: str | None = None  # why the store was last judged down, in words
        self._provisional_secret = secrets.token_bytes(32)
        self._undoing: set[asyncio.Task[None]] = set()

    # Health ---------------------------------------------------------------------------
    # A store is judged down on a real error (refused, reset, a disk error) or on
    # DOWN_AFTER failed calls in a row, never on one slow call: on a busy event loop one
    # call may run past its timeout while the store is fine, and judging the store down
    # then would fail every request for a second. While down, calls fail fast for
    # RETRY_AFTER_FAILURE seconds, then the next call tries again.

    def _check(self, operation: str) -> None:
        """Fail fast while the store is judged down."""
        if time.monotonic() < self._down_until:
            raise StoreDown(f"state store unavailable ({operation})")

    def _failed(self, operation: str, exc: BaseException, *, slow: bool = False) -> StoreDown:
        """Count a failed call; ``slow``: it ran past its timeout (not a real error)."""
        self._failures += 1
        if self._failures >= DOWN_AFTER or not (slow or isinstance(exc, TimeoutError)):
            self.healthy = False
            self._down_until = time.monotonic() + RETRY_AFTER_FAILURE
            self.reason = self.failure_reason(exc)
        if self.on_error is not None:
            self.on_error(operation)
        return StoreDown(f"state store unavailable ({operation}): {type(exc).__name__}")

    def failure_reason(self, exc: BaseException) -> str:
        """A failed call's error in a few words, for ``/readyz`` (never a secret)."""
        return f"{type(exc).__name__}: {exc}"[:200]

    def _succeeded(self) -> None:
        self.reason = None
        self._failures = 0
        self.healthy = True
        self._down_until = 0.0

    def undo_later(self, what: str, undo: Callable[[], Awaitable[object]]) -> None:
        """Try ``undo`` in the background until it succeeds (at most ``UNDO_FOR`` seconds):
        for a call whose answer was lost, so whether it took effect is unknown, and whose
        effect is safe to take back (a claim for a request that never ran)."""

        async def attempts() -> None:
            deadline = time.monotonic() + UNDO_FOR
            while time.monotonic() < deadline:
                try:
                    await undo()
                    return
                except Exception:
                    await asyncio.sleep(1.0)
            log.warning("store_undo_gave_up", what=what)

        task = asyncio.get_running_loop().create_task(attempts())
        self._undoing.add(task)
        task.add_done_callback(self._undoing.discard)

    async def cancel_undos(self) -> None:
        for task in list(self._undoing):
            task.cancel()
        if self._undoing:
            await asyncio.wait(list(self._undoing), timeout=1)

    @property
    def state(self) -> str:
        return "ok" if self.healthy else "down"

    async def ready(self) -> None:  # noqa: B027 - a backend may need nothing here
        """Connect and load what later calls need; never raises (the store may be down).
        Called at start and on the config follower's tick."""

    async def ready_for_request(self) -> None:
        """What a request needs of ``ready`` before it is served; cheap once loaded."""
        await self.ready()

    async def ping(self) -> bool:
        """Whether the store answers now (updates ``healthy``)."""
        return True

    async def aclose(self) -> None:  # noqa: B027
        """Release connections and files."""

    @property
    def cursor_secret(self) -> bytes:
        """The key cursors are signed with, the same for every process sharing the store."""
        return self._provisional_secret

    @property
    def cursor_secrets(self) -> tuple[bytes, ...]:
        """``cursor_secret`` first, then any it replaced that still verify."""
        return (self.cursor_secret,)

    # Idempotency ----------------------------------------------------------------------

    @abstractmethod
    async def idempotency_get(self, key: str) -> IdempotencyRecord | None: ...

    @abstractmethod
    async def idempotency_claim(self, key: str, fingerprint: str, ttl: float) -> bool:
        """Claim ``key`` for a first request, durably, for ``ttl`` seconds (the record's
        retention); False when someone already has. The claim is kept alive until
        ``idempotency_put``, ``_release`` or ``_abandon``."""

    @abstractmethod
    async def idempotency_put(self, key: str, record: IdempotencyRecord, ttl: float) -> None:
        """Keep the first request's answer (in place of its claim)."""

    @abstractmethod
    async def idempotency_release(self, key: str) -> None:
        """Drop this process's claim: nothing was written (the client may try again)."""

    @abstractmethod
    async def idempotency_abandon(self, key: str) -> None:
        """Stop keeping this process's claim alive, leaving it in place: the first
        request ended and whether it wrote is unknown (never run the key again)."""

    @abstractmethod
    async def idempotency_wait(self, key: str, wait: float) -> IdempotencyRecord | None:
        """The record once the first request finished, or its claim is no longer alive,
        or ``wait`` seconds passed (then the claim, still alive); None when the claim
        went away without an answer (released: the caller may run)."""

    # Per-connection state -------------------------------------------------------------

    @abstractmethod
    def response_cache(self, connection: str, namespace: str, config: CacheConfig) -> Any:
        """The read cache of one connection (``namespace``: its config's digest)."""

    def breaker(
        self, connection: str, namespace: str, config: CircuitBreakerConfig
    ) -> CircuitBreaker:
        """The circuit breaker of one connection; this process's own unless shared."""
        return CircuitBreaker(connection, **config.model_dump())

    # Config versions ------------------------------------------------------------------

    @abstractmethod
    async def publish_config(
        self, kept: Sealed, etag: str, actor: str, expected: str | None
    ) -> ConfigVersion:
        """Record an accepted config as the newest version (every instance follows),
        atomically and only if the current version's ETag is ``expected`` (None: the
        store has no version yet); else ``StaleConfig`` and nothing changes."""

    @abstractmethod
    async def current_config(self) -> ConfigVersion | None: ...

    @abstractmethod
    async def current_config_etag(self) -> str | None:
        """The current version's ETag (one cheap read: instances poll it)."""

    @abstractmethod
    async def config_versions(self, limit: int = 100) -> list[ConfigVersion]:
        """Accepted configs, newest first."""

    @abstractmethod
    async def config_version(self, version_id: int) -> ConfigVersion | None: ...

    @abstractmethod
    async def config_salt(self) -> bytes:
        """The salt of secret fingerprints, made once and shared by every instance."""

    @abstractmethod
    async def legacy_configs(self) -> list[tuple[str, str, str]]:
        """``(at, actor, text)`` of versions an older gateway kept in clear text, oldest
        first."""

    @abstractmethod
    async def drop_legacy_configs(self) -> None:
        """Erase the versions ``legacy_configs`` gave (once they are sealed anew)."""

    # Small named values: a poller's schedule, a console session ------------------------

    @abstractmethod
    async def value_get(self, name: str) -> str | None:
        """The value of ``name``; None when it was never set, was deleted or expired."""

    @abstractmethod
    async def value_set(self, name: str, value: str, ttl: float | None = None) -> None:
        """Set ``name``, kept ``ttl`` seconds from now (None: until set again or deleted)."""

    @abstractmethod
    async def value_touch(self, name: str, ttl: float) -> bool:
        """Keep ``name`` ``ttl`` seconds from now; False (and nothing set) when it is
        absent or expired, so a value deleted meanwhile is not brought back."""

    @abstractmethod
    async def value_delete(self, name: str) -> None: ...

    # Audit ----------------------------------------------------------------------------

    @abstractmethod
    async def audit_append(self, record: dict[str, Any], retention: float) -> int:
        """Keep one audit record (dropping those older than ``retention`` seconds); its id."""

    @abstractmethod
    async def audit_page(
        self, filters: dict[str, str], limit: int, before: int | None
    ) -> list[dict[str, Any]]:
        """Up to ``limit`` records matching every filter, newest first, older than the
        record ``before``."""

    # Changes: events, snapshots, leases, webhook deliveries (gateway/changes/) ---------

    @abstractmethod
    async def events_append(self, event: dict[str, Any], retention: float) -> str:
        """Keep one event (dropping those older than ``retention`` seconds) and answer its
        position: positions only grow, in the order events were appended, on every
        instance, so a reader that saw position P has seen every event before it."""

    @abstractmethod
    async def events_after(self, position: str | None, count: int) -> list[tuple[str, str]]:
        """Up to ``count`` ``(position, event JSON)`` after ``position`` (None: from the
        oldest kept), oldest first."""

    @abstractmethod
    async def events_in_lanes(
        self, lanes: Sequence[str], after: str | None, count: int
    ) -> tuple[list[tuple[str, str]], str | None] | None:
        """Up to ``count`` events after ``after`` in any of ``lanes`` (event_lanes.py),
        oldest first, and the position they cover (all such events up to it when fewer
        than ``count``); None while events from before the lanes follow ``after``."""

    @abstractmethod
    async def snapshot_load(self, name: str) -> dict[str, str] | None:
        """A poller's snapshot (record key -> entry), or None before its baseline."""

    @abstractmethod
    async def snapshot_page(
        self, name: str, keys: list[str], scan: str
    ) -> tuple[bool, dict[str, str]]:
        """Whether it has a baseline, and its entries of ``keys``, marked seen by ``scan``."""

    @abstractmethod
    async def snapshot_unseen(
        self, name: str, scan: str, cursor: str | None, count: int
    ) -> tuple[str | None, list[tuple[str, str]]]:
        """Of about ``count`` more entries, those the scan ``scan`` has not seen, each
        handed out once, and where to go on (None: the whole snapshot was walked)."""

    @abstractmethod
    async def snapshot_save(
        self,
        name: str,
        changes: dict[str, str | None],
        expected: dict[str, str | None],
        *,
        baseline: bool = True,
        seen: str | None = None,
    ) -> None:
        """Set (or, for None, drop) each changed entry whose current value is still the
        one ``expected`` names (None: absent), marked as seen by the scan ``seen``;
        marks the baseline as taken unless ``baseline`` is False."""

    @abstractmethod
    async def snapshot_touch(self, name: str, key: str, entry: str | None) -> None:
        """Set or drop one entry, only when the snapshot has a baseline (a gateway write)."""

    @abstractmethod
    async def snapshot_entry(self, name: str, key: str) -> str | None:
        """One entry of a snapshot (None: absent, or no baseline yet)."""

    @abstractmethod
    async def snapshot_swap(
        self, name: str, key: str, expected: str | None, entry: str | None
    ) -> bool:
        """Set (None: drop) one entry if it is still ``expected`` (None: absent) and the
        snapshot has a baseline; whether it did (a gateway write's compare-and-set)."""

    @abstractmethod
    async def lease(self, name: str, holder: str, ttl: float) -> bool:
        """Take or renew the lease ``name`` for ``holder``; False while another holds it."""

    @abstractmethod
    async def lease_release(self, name: str, holder: str) -> None: ...

    @abstractmethod
    async def delivery_put(self, delivery: dict[str, Any], retention: float) -> None:
        """Keep a new webhook delivery; a pending one is due at its ``due`` (epoch
        seconds). Finished deliveries older than ``retention`` go."""

    @abstractmethod
    async def delivery_get(self, delivery_id: str) -> dict[str, Any] | None: ...

    # A delivery is sent only by the holder of its hold, so at most one attempt of it
    # is in flight anywhere: a claim takes the hold for ``hold`` seconds (a claimant that
    # dies lets it lapse), ``delivery_update`` renews or releases it. The time a hold
    # lapses is the store's own clock's (Redis: its TIME), never the instances'.

    @abstractmethod
    async def deliveries_claim(
        self, now: float, count: int, hold: float, holder: str
    ) -> list[dict[str, Any]]:
        """Up to ``count`` pending deliveries due by ``now`` that no one holds, each now
        held by ``holder`` for ``hold`` seconds and due again only after that."""

    @abstractmethod
    async def delivery_claim(
        self, delivery_id: str, hold: float, holder: str
    ) -> dict[str, Any] | None:
        """Hold one delivery, whatever its status (an admin's retry), for ``hold``
        seconds; None when there is no such delivery. Raises ``DeliveryHeld`` while
        another holder's hold lasts."""

    @abstractmethod
    async def delivery_update(
        self, delivery: dict[str, Any], retention: float, holder: str, hold: float
    ) -> bool:
        """Keep a change to a delivery ``holder`` holds, then hold it ``hold`` seconds
        more (a pending one is not due before), or release it when ``hold`` is 0. False,
        and nothing written, when its hold has gone to another holder."""

    @abstractmethod
    async def deliveries_page(
        self, status: str | None, limit: int, before: int | None
    ) -> list[dict[str, Any]]:
        """Deliveries newest first (by ``seq``), older than ``before``, of one status."""


def utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
