"""``Idempotency-Key`` on POST (API.md section 5), Stripe-style.

The first request with a key runs; its answer is kept for 24 hours under the API key's
identity and the key, with a fingerprint of the request (method, path, JSON body).
The same key and fingerprint again replays that answer (``Idempotent-Replayed: true``)
with no second upstream write, also when the two arrive at once (the second waits for
the first). The same key with another request is 422.

Kept: answers after which the write happened or may have happened (2xx, 409, 502,
504). Not kept, so the client may simply try again: answers that mean nothing was
done (400, 401, 403, 404, 413, 422, 429, 501, 503).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from cachetools import TTLCache
from starlette.responses import Response

from kernel.errors import FieldError, ValidationFailed

DAY = 24 * 3600
KEY = re.compile(r"[\x21-\x7e]{1,255}")
KEPT = frozenset({409, 502, 504})


@dataclass(frozen=True, slots=True)
class Answer:
    fingerprint: str
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]

    def response(self) -> Response:
        headers = {**dict(self.headers), "Idempotent-Replayed": "true"}
        return Response(self.body, status_code=self.status, headers=headers)


class IdempotencyStore:
    def __init__(
        self,
        *,
        ttl: float = DAY,
        max_entries: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._answers: TTLCache[tuple[str, str], Answer] = TTLCache(max_entries, ttl, timer=clock)
        self._running: dict[tuple[str, str], tuple[str, asyncio.Future[Answer]]] = {}

    async def run(
        self, scope: tuple[str, str], fingerprint: str, produce: Callable[[], Awaitable[Response]]
    ) -> Response:
        kept = self._answers.get(scope)
        if kept is not None:
            _same(kept.fingerprint, fingerprint)
            return kept.response()
        if scope in self._running:
            running_fingerprint, first = self._running[scope]
            _same(running_fingerprint, fingerprint)
            return (await asyncio.shield(first)).response()
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._running[scope] = (fingerprint, future)
        try:
            response = await produce()
            answer = Answer(
                fingerprint,
                response.status_code,
                bytes(response.body),
                tuple(
                    (k, v)
                    for k, v in response.headers.items()
                    if k.lower() not in ("content-length", "x-request-id")
                ),
            )
            if response.status_code < 300 or response.status_code in KEPT:
                self._answers[scope] = answer
            future.set_result(answer)
            return response
        except BaseException:
            future.cancel()
            raise
        finally:
            del self._running[scope]


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
