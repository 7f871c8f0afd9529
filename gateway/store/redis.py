"""The ``redis`` state backend: every worker and instance shares one Redis (6.2+) or Valkey.

Keys live under the configured prefix (``gw:`` by default) and everything that expires
carries a TTL:

- ``idem:<scope>``: an ``Idempotency-Key``, claimed with ``SET NX PX`` holding the
  request's fingerprint and a claim token (so concurrent duplicates on any instance
  make one upstream write), then replaced by the kept answer for 24 h. A duplicate that
  arrives while the first is in flight polls until the answer is there.
- ``cursor_secret``: made once by whichever instance comes first (``SET NX``).
- ``{config}:*``: accepted configs, sealed, published by compare-and-set and followed
  by every instance (gateway/store/redis_config.py).
- ``cache:*``, ``gen:*`` (gateway/store/shared_cache.py), ``breaker:*``
  (gateway/store/shared_breaker.py), and events, snapshots, leases and webhook
  deliveries (gateway/store/redis_changes.py).

Every call has a short timeout (``server.state.timeout``) and no retry: a store that
does not answer is reported down at once (gateway/store/base.py).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from gateway.config import CacheConfig, CircuitBreakerConfig
from gateway.store.base import ErrorHook, IdempotencyRecord, Store
from gateway.store.redis_changes import RedisChanges
from gateway.store.redis_config import RedisConfig
from kernel.resilience import CircuitBreaker

T = TypeVar("T")
FAILURES = (RedisError, OSError, TimeoutError)
POLL = 0.05  # seconds between looks at an in-flight idempotency claim
RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end"


class _Connection(aioredis.Connection):
    """A TCP connection whose connect, once started, finishes even if the caller is
    cancelled (a background loop stopping), and is then closed: redis-py leaves the
    socket of a connect cancelled mid-handshake open."""

    async def connect(self) -> None:
        attempt = asyncio.ensure_future(super().connect())  # type: ignore[no-untyped-call]
        try:
            await asyncio.shield(attempt)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await attempt
            await self.disconnect()
            raise


class RedisStore(RedisConfig, RedisChanges, Store):
    backend = "redis"

    def __init__(
        self, url: str, *, prefix: str, timeout: float, on_error: ErrorHook | None = None
    ) -> None:
        super().__init__(on_error)
        self.url = url
        self.prefix = prefix
        self.timeout = timeout
        tcp: dict[str, Any] = (
            {"connection_class": _Connection} if url.startswith("redis://") else {}
        )
        self.client: aioredis.Redis = aioredis.Redis.from_url(  # bytes in, bytes out
            url,
            **tcp,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
            retry_on_timeout=False,
        )
        self._secret: bytes | None = None
        self._claims: dict[str, str] = {}

    def key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    async def call(self, operation: str, make: Callable[[], Awaitable[T]]) -> T:
        """One store call, bounded by the timeout; a failure raises ``StoreDown``."""
        self._check(operation)
        try:
            # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancellation
            # that lands as the call ends, and a background loop would never stop
            async with asyncio.timeout(self.timeout * 2):
                result = await make()
        except FAILURES as exc:
            raise self._failed(operation, exc) from exc
        self._succeeded()
        return result

    async def ready(self) -> None:
        if self._secret is not None:
            return
        made = secrets.token_hex(32)
        key = self.key("cursor_secret")
        try:
            await self.call("cursor_secret", lambda: self.client.set(key, made, nx=True))
            stored = await self.call("cursor_secret", lambda: self.client.get(key))
        except Exception:
            return
        self._secret = bytes.fromhex(_text(stored))

    async def ping(self) -> bool:
        try:
            await self.call("ping", self.client.ping)
        except Exception:
            return False
        await self.ready()
        return True

    @property
    def cursor_secret(self) -> bytes:
        return self._secret if self._secret is not None else self._provisional_secret

    async def aclose(self) -> None:
        await self.client.aclose()

    # Idempotency ----------------------------------------------------------------------

    async def idempotency_get(self, key: str) -> IdempotencyRecord | None:
        raw = await self.call("idempotency_get", lambda: self.client.get(self.key("idem", key)))
        return _record(raw)

    async def idempotency_claim(self, key: str, fingerprint: str, ttl: float) -> bool:
        token = secrets.token_hex(8)
        claim = json.dumps({"f": fingerprint, "t": token})
        redis_key = self.key("idem", key)
        claimed = await self.call(
            "idempotency_claim",
            lambda: self.client.set(redis_key, claim, nx=True, px=int(ttl * 1000)),
        )
        if claimed:
            self._claims[key] = claim
        return bool(claimed)

    async def idempotency_put(self, key: str, record: IdempotencyRecord, ttl: float) -> None:
        self._claims.pop(key, None)
        value = json.dumps(
            {
                "f": record.fingerprint,
                "s": record.status,
                "b": base64.b64encode(record.body).decode(),
                "h": record.headers,
            }
        )
        redis_key = self.key("idem", key)
        await self.call(
            "idempotency_put", lambda: self.client.set(redis_key, value, px=int(ttl * 1000))
        )

    async def idempotency_release(self, key: str) -> None:
        claim = self._claims.pop(key, None)
        if claim is None:
            return
        redis_key = self.key("idem", key)
        await self.call(
            "idempotency_release", lambda: self.client.eval(RELEASE, 1, redis_key, claim)
        )

    async def idempotency_wait(self, key: str, wait: float) -> IdempotencyRecord | None:
        deadline = time.monotonic() + wait
        while True:
            record = await self.idempotency_get(key)
            if record is None or record.finished or time.monotonic() >= deadline:
                return record if record is not None and record.finished else None
            await asyncio.sleep(POLL)

    # Per-connection state -------------------------------------------------------------

    def response_cache(self, connection: str, namespace: str, config: CacheConfig) -> Any:
        from gateway.store.shared_cache import SharedResponseCache

        return SharedResponseCache(self, connection, namespace, config)

    def breaker(
        self, connection: str, namespace: str, config: CircuitBreakerConfig
    ) -> CircuitBreaker:
        from gateway.store.shared_breaker import SharedCircuitBreaker

        return SharedCircuitBreaker(self, connection, namespace, **config.model_dump())

    # Audit ----------------------------------------------------------------------------
    # A sorted set scored by id; ids are milliseconds * 1000 plus a counter, so they
    # order by time and retention is one ZREMRANGEBYSCORE.

    async def audit_append(self, record: dict[str, Any], retention: float) -> int:
        key, seq = self.key("audit"), self.key("audit", "seq")
        now_ms = int(time.time() * 1000)
        count = await self.call("audit_append", lambda: self.client.incr(seq))
        record_id = now_ms * 1000 + int(count) % 1000
        value = json.dumps({**record, "id": record_id})
        oldest = (now_ms - int(retention * 1000)) * 1000

        async def write() -> object:
            async with self.client.pipeline(transaction=False) as pipe:
                pipe.zadd(key, {value: record_id})
                pipe.zremrangebyscore(key, "-inf", oldest)
                return await pipe.execute()

        await self.call("audit_append", write)
        return record_id

    def _page_reader(self, key: str, top: str) -> Callable[[], Awaitable[list[Any]]]:
        async def read() -> list[Any]:
            page: list[Any] = await self.client.zrevrangebyscore(key, top, "-inf", start=0, num=200)
            return page

        return read

    async def audit_page(
        self, filters: dict[str, str], limit: int, before: int | None
    ) -> list[dict[str, Any]]:
        """Newest first, filtered here: pages of the set are read until ``limit`` match
        or 20 pages were read (an audit read by an admin, not a hot path)."""
        key = self.key("audit")
        found: list[dict[str, Any]] = []
        top = f"({before}" if before is not None else "+inf"
        for _ in range(20):
            page = await self.call("audit_page", self._page_reader(key, top))
            if not page:
                break
            for raw in page:
                record = json.loads(_text(raw))
                if all(record.get(k) == v for k, v in filters.items()):
                    found.append(record)
                    if len(found) == limit:
                        return found
            top = f"({json.loads(_text(page[-1]))['id']}"
        return found


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _record(raw: object) -> IdempotencyRecord | None:
    if raw is None:
        return None
    data = json.loads(_text(raw))
    if data.get("s") is None:
        return IdempotencyRecord(data["f"])
    headers = tuple((str(k), str(v)) for k, v in data.get("h", ()))
    return IdempotencyRecord(data["f"], int(data["s"]), base64.b64decode(data["b"]), headers)
