"""``Idempotency-Key`` on POST (API.md sections 5 and 7), Stripe-style, on the state store.

The first request with a key claims it in the store (atomically: on ``redis`` a
``SET NX``, so concurrent duplicates on any instance make one upstream write; the claim
is durable before anything is sent upstream) and runs; its answer is kept for 24 hours
under the API key's identity and the key, with a fingerprint of the request (method,
path, JSON body). The same key and fingerprint again replays that answer
(``Idempotent-Replayed: true``) with no second upstream write, also after a restart.
The same key with another request is 422.

A duplicate that arrives while the first is in flight waits for its answer, at most
``WAIT`` seconds, then is 409 ``conflict``; at once 409 when the first's instance is
gone (its claim is no longer kept alive). A claim never lapses: when the outcome of
the first request is unknown (its process died after sending, or it ended with nothing
to keep), the key is never run again — every retry is 409 until the record expires.

Kept: answers after which the write happened or may have happened (2xx, 409, 502,
504). Not kept, so the client may simply try again: answers that mean nothing was
done (400, 401, 403, 404, 413, 422, 429, 501, 503); the claim is released.

When the store is down the request is refused with 503 ``state_unavailable`` before
anything is sent upstream: a duplicate write is never risked. An answer the store
cannot keep after the write is tried again for ``KEEP_TRYING`` seconds; if it still
cannot be kept the answer is given with ``Idempotent-Kept: false`` (a retry will be
409, never a second write).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import re
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import structlog
from starlette.responses import Response

from gateway.store import IdempotencyRecord, Store, StoreDown
from kernel.errors import Conflict, FieldError, StateUnavailable, ValidationFailed

DAY = 24 * 3600
WAIT = 10.0  # seconds a duplicate waits for the first request's answer
KEEP_TRYING = 5.0  # seconds an answer that the store did not keep is tried again
KEY = re.compile(r"[\x21-\x7e]{1,255}")
KEPT = frozenset({409, 502, 504})
log = structlog.get_logger("gateway.idempotency")


class IdempotencyStore:
    def __init__(
        self,
        store: Store | None = None,
        *,
        ttl: float = DAY,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if store is None:
            from gateway.store.local import LocalStore

            store = LocalStore(Path(":memory:"), clock=clock)
        self.store = store
        self.ttl = ttl

    async def run(
        self, scope: tuple[str, str], fingerprint: str, produce: Callable[[], Awaitable[Response]]
    ) -> Response:
        key = hashlib.sha256("\n".join(scope).encode()).hexdigest()
        try:
            return await self._run(key, fingerprint, produce)
        except StoreDown as exc:
            raise StateUnavailable(
                "the state store is unavailable, so a POST with Idempotency-Key cannot be "
                "made safe now; retry shortly",
                headers={"Retry-After": "1"},
            ) from exc

    async def _run(
        self, key: str, fingerprint: str, produce: Callable[[], Awaitable[Response]]
    ) -> Response:
        store = self.store
        # WAIT bounds the whole wait, not each look: a first request refused (its claim
        # released) may be followed by another duplicate's claim, and a duplicate that
        # waited for the one must not wait WAIT again for the other.
        deadline = time.monotonic() + WAIT
        for _ in range(3):
            record = await store.idempotency_get(key)
            if record is None:
                if await store.idempotency_claim(key, fingerprint, self.ttl):
                    return await self._first(key, fingerprint, produce)
                continue  # another request claimed it a moment ago
            _same(record.fingerprint, fingerprint)
            if not record.finished and record.alive:
                left = max(0.0, deadline - time.monotonic())
                record = await store.idempotency_wait(key, left)
                if record is None:
                    continue  # the first was refused (not kept): this one may run
            if record.finished:
                return _replay(record)
            raise _unknown() if not record.alive else _in_progress()
        raise _in_progress()

    async def _first(
        self, key: str, fingerprint: str, produce: Callable[[], Awaitable[Response]]
    ) -> Response:
        try:
            response = await produce()
        except BaseException:
            # Cancelled or failed mid-way: whether it wrote is unknown, so the key is
            # never run again; those waiting are told at once.
            with contextlib.suppress(StoreDown):
                await self.store.idempotency_abandon(key)
            raise
        refused = response.status_code >= 300 and response.status_code not in KEPT
        try:
            if refused:
                await self._release(key)
                return response
            headers = tuple(
                (k, v)
                for k, v in response.headers.items()
                if k.lower() not in ("content-length", "x-request-id")
            )
            body = bytes(response.body)
            record = IdempotencyRecord(fingerprint, response.status_code, body, headers)
            if not await self._keep(key, record):
                response.headers["Idempotent-Kept"] = "false"
            return response
        except BaseException:
            # cancelled on the way out: a refusal is still released (later); after a
            # write, the key is never run again
            if refused:
                self.store.undo_later("idempotency_release", lambda: self._release(key))
            else:
                with contextlib.suppress(Exception):
                    await self.store.idempotency_abandon(key)
            raise

    async def _keep(self, key: str, record: IdempotencyRecord) -> bool:
        """Keep the answer, trying again for ``KEEP_TRYING`` seconds; False if it could
        not be (the claim stays: a retry is 409, never a second write)."""
        deadline = time.monotonic() + KEEP_TRYING
        pause = 0.05
        while True:
            try:
                await self.store.idempotency_put(key, record, self.ttl)
                return True
            except StoreDown:
                if time.monotonic() + pause > deadline:
                    break
                await asyncio.sleep(pause)
                pause = min(pause * 2, 1.0)
        log.error("idempotency_answer_not_kept", status=record.status)
        with contextlib.suppress(StoreDown):
            await self.store.idempotency_abandon(key)
        return False

    async def _release(self, key: str) -> None:
        try:
            await self.store.idempotency_release(key)
        except StoreDown:
            # The claim stays; a retry is 409 (never a second write) until it expires.
            log.warning("idempotency_claim_not_released")
            with contextlib.suppress(StoreDown):
                await self.store.idempotency_abandon(key)


def _unknown() -> Conflict:
    return Conflict(
        "the first request with this Idempotency-Key may have reached the upstream, and its "
        "outcome is unknown (its gateway stopped before answering); it is never run a second "
        "time: check whether the write happened, then use a new key",
        details=[FieldError("Idempotency-Key", "outcome of the first request unknown")],
    )


def _in_progress() -> Conflict:
    return Conflict(
        "a request with this Idempotency-Key is still in progress; retry later",
        details=[FieldError("Idempotency-Key", "wait for the first request's answer")],
    )


def _replay(record: IdempotencyRecord) -> Response:
    assert record.status is not None
    headers = {**dict(record.headers), "Idempotent-Replayed": "true"}
    return Response(record.body, status_code=record.status, headers=headers)


def fingerprint(method: str, path: str, body: bytes) -> str:
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + canonical).hexdigest()


def _same(kept: str, presented: str) -> None:
    if kept != presented:
        raise ValidationFailed(
            "this Idempotency-Key was used with a different request",
            details=[FieldError("Idempotency-Key", "reuse a key only to repeat the same request")],
        )
