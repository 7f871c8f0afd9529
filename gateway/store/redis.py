"""The ``redis``, ``redis-sentinel`` and ``redis-cluster`` state backends: every worker and
instance shares one Redis (6.2+) or Valkey, standalone, behind Sentinel or as a Cluster.
One class for all three: only the client differs (gateway/store/redis_clients.py).

Keys live under the configured prefix (``gw:`` by default) and everything that expires
carries a TTL. Every script, ``MGET`` and transaction keeps its keys in one cluster
slot, by a hash tag (``{...}``) the keys it touches share:

- ``idem:{<scope>}`` and its ``:live`` twin: an ``Idempotency-Key``'s claim, kept for
  the record's retention and alive while its first request runs, then its answer
  (gateway/store/redis_idempotency.py).
- ``cursor_secret``: ``<made>:<hex>``; the oldest secret any instance holds wins, and
  instances re-assert theirs, so it survives the store losing its data (``ready``).
- ``{config}:*``: accepted configs, sealed, published by compare-and-set and followed
  by every instance (gateway/store/redis_config.py).
- ``{conn:<name>}:cache:*`` and ``{conn:<name>}:gen:*`` (gateway/store/shared_cache.py),
  ``{conn:<name>}:breaker:*`` (gateway/store/shared_breaker.py), and events, snapshots
  (``snap:{<name>}``), leases and webhook deliveries (``{dlv}:*``)
  (gateway/store/redis_changes.py).

Every call has a short timeout (``server.state.timeout``) and no retry: a store that
does not answer is reported down at once (gateway/store/base.py). A claim, an event and
a new delivery are confirmed on a replica before they count
(gateway/store/redis_replication.py).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import structlog
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.sentinel import MasterNotFoundError
from redis.exceptions import RedisClusterException, RedisError
from redis.exceptions import TimeoutError as RedisTimeout

from gateway.config.model import (
    CacheConfig,
    CircuitBreakerConfig,
    RedisClusterState,
    RedisSentinelState,
    SharedState,
)
from gateway.store.base import DOWN_AFTER, ErrorHook, Store
from gateway.store.near_sync import NearSync
from gateway.store.redis_changes import RedisChanges
from gateway.store.redis_clients import TURNS, URGENT, addresses, make_client, standalone
from gateway.store.redis_config import RedisConfig
from gateway.store.redis_events import RedisEvents
from gateway.store.redis_idempotency import RedisIdempotency
from gateway.store.redis_probe import reason
from gateway.store.redis_replication import NotReplicated
from gateway.store.redis_upgrade import rename_untagged
from kernel.resilience import CircuitBreaker
from kernel.tracing import span

T = TypeVar("T")
FAILURES = (RedisError, RedisClusterException, OSError, TimeoutError)
SLOW = (TimeoutError, RedisTimeout, NotReplicated)  # a call past its time, not an error
QUEUED = 30.0  # seconds a call waits for a turn before the store is taken as too slow
EARLIER_SECRETS = 3  # replaced cursor secrets that still verify
AGREED_FOR = 0.25  # seconds an agreement on the cursor secret is trusted (``ready``)
UPGRADE_WITHIN = 30.0  # seconds the one-time renaming of old keys may take
log = structlog.get_logger("gateway.store")
# The cursor secret: the oldest one made wins. An instance asserts its own; the store
# keeps what it has unless the one asserted is older (a store that lost its data takes
# the running instances' secret back, and one made meanwhile by a new instance yields).
AGREE_ON_KEY = """
local current = redis.call('GET', KEYS[1])
if current then
  local made = tonumber(string.match(current, '^(%d+):')) or 0
  if tonumber(ARGV[2]) >= made then return current end
end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
"""


class RedisStore(RedisIdempotency, RedisConfig, RedisEvents, RedisChanges, Store):
    backend = "redis"

    def __init__(
        self,
        target: str | SharedState,
        *,
        prefix: str,
        timeout: float,
        on_error: ErrorHook | None = None,
    ) -> None:
        """``target``: a standalone Redis's URL, or the ``server.state`` of any of the
        three backends."""
        super().__init__(on_error)
        self.topology = standalone(target) if isinstance(target, str) else target
        self.backend = self.topology.backend
        self.cluster = isinstance(self.topology, RedisClusterState)
        self.prefix = prefix
        self.timeout = timeout
        # At most TURNS calls at a time (``call``) and URGENT others (``call_now``), so a
        # burst queues for a turn instead of exhausting the pool ("too many connections",
        # judged a store failure) or opening hundreds of sockets; the pool
        # (redis_clients.POOL) has room for all of them and the subscriptions.
        self.client, self._sentinel = make_client(self.topology, timeout)
        self._turns = asyncio.Semaphore(TURNS)
        self._urgent = asyncio.Semaphore(URGENT)
        self._secret: bytes | None = None
        self._secret_record: str | None = None  # "<made, epoch ms>:<hex>", as stored
        self._agreed_at = 0.0  # time.monotonic() of the last agreement
        self._earlier: tuple[bytes, ...] = ()  # secrets this instance signed with before
        self._claims: dict[str, tuple[str, asyncio.Task[None]]] = {}
        self._scripts: dict[str, Any] = {}
        self._replication_init()
        self._upgraded = False
        self.near = NearSync(self)  # the read caches' near copies (gateway/store/near_sync.py)

    def failure_reason(self, exc: BaseException) -> str:
        said = reason(exc, self.timeout)
        if isinstance(self.topology, RedisSentinelState) and isinstance(exc, MasterNotFoundError):
            said = f"no sentinel names a master for {self.topology.service!r}"
        return f"{said} (asked {', '.join(self.addresses)})"

    @property
    def addresses(self) -> list[str]:
        """Where the client connects first (the sentinels, for ``redis-sentinel``)."""
        return addresses(self.topology)

    def key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    def script(self, source: str) -> Any:
        """A Lua script, loaded once and then called by its SHA (``EVALSHA``)."""
        script = self._scripts.get(source)
        if script is None:
            script = self._scripts[source] = self.client.register_script(source)
        return script

    async def call(self, operation: str, make: Callable[[], Awaitable[T]]) -> T:
        """One store call, bounded by the timeout once it has its turn (the time queued
        behind other calls of this busy process is not the store's); a failure raises
        ``StoreDown``."""
        return await self._in_turn(self._turns, operation, make)

    async def call_now(self, operation: str, make: Callable[[], Awaitable[T]]) -> T:
        """``call`` in a lane of its own, for the few calls that must not wait behind
        requests (keeping an idempotency claim alive, the near cache's probes and
        acknowledgements). The lane is bounded too: 200 of them at once, one per keyed
        POST of a burst, once took every connection of the pool."""
        return await self._in_turn(self._urgent, operation, make)

    async def _in_turn(
        self, turns: asyncio.Semaphore, operation: str, make: Callable[[], Awaitable[T]]
    ) -> T:
        self._check(operation)
        try:
            # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancellation
            # that lands as the call ends, and a background loop would never stop
            async with asyncio.timeout(QUEUED):
                await turns.acquire()
        except TimeoutError as exc:
            raise self._failed(operation, exc, slow=True) from exc
        try:
            return await self._call(operation, make)
        finally:
            turns.release()

    async def _call(self, operation: str, make: Callable[[], Awaitable[T]]) -> T:
        self._check(operation)
        traced = span(f"redis {operation}", {"db.system.name": "redis"})  # tracing's hook
        try:
            async with asyncio.timeout(self.timeout * 2):
                with traced:
                    result = await make()
        except FAILURES as exc:
            raise self._failed(operation, exc, slow=isinstance(exc, SLOW)) from exc
        self._succeeded()
        return result

    async def ready(self) -> None:
        """Agree on the cursor secret with every instance (module docstring); called at
        start, on every config-follower tick and by ``ping`` (so also when the store comes
        back), so a store that lost its data gets the oldest secret back from the
        instances still running. An agreement made in the last ``AGREED_FOR`` seconds is
        trusted (a ``/readyz`` probe right after a tick costs no round trip)."""
        if self._secret is not None and time.monotonic() - self._agreed_at < AGREED_FOR:
            return
        if self._secret_record is None:
            self._secret_record = f"{int(time.time() * 1000)}:{secrets.token_hex(32)}"
        script, key = self.script(AGREE_ON_KEY), self.key("cursor_secret")
        mine = self._secret_record
        try:
            stored = await self.call(
                "cursor_secret", lambda: script(keys=[key], args=[mine, mine.partition(":")[0]])
            )
        except Exception:
            return
        self._agreed_at = time.monotonic()
        if not self._upgraded:
            await self._upgrade()
        agreed = _text(stored)
        if agreed != self._secret_record or self._secret is None:
            # the secret signed with until now keeps verifying here: the provisional one
            # too, for cursors handed out while the store was down
            signed_with = self.cursor_secret
            self._earlier = (signed_with, *self._earlier)[:EARLIER_SECRETS]
            self._secret_record = agreed
            self._secret = bytes.fromhex(agreed.rpartition(":")[2])

    async def ready_for_request(self) -> None:
        """A request waits only while no secret was ever agreed (a store just loaded, or
        down since); after that, agreement runs on the follower's tick, never on a
        request (it used to cost every request a round trip). An agreement that ran past
        its time on a store not judged down (a busy machine, a cold cluster client) is
        tried again, up to ``DOWN_AFTER`` times: a cursor signed with this process's
        provisional secret would not verify on any other instance."""
        for _ in range(DOWN_AFTER):
            if self._secret is not None:
                return
            await self.ready()
            if not self.healthy:
                return  # down: the request goes on without it (degraded)

    async def _upgrade(self) -> None:
        """Rename keys kept under their names from before hash tags, once per process
        (gateway/store/redis_upgrade.py); a cluster never had them."""
        if self.cluster:
            self._upgraded = True
            return
        try:
            async with asyncio.timeout(UPGRADE_WITHIN):
                renamed = await rename_untagged(self.client, self.prefix)
        except FAILURES as exc:
            log.warning("store_upgrade_failed", error=type(exc).__name__)  # next tick
            return
        self._upgraded = True
        if renamed:
            log.info("store_keys_renamed", keys=renamed)

    async def ping(self) -> bool:
        client = self.client
        try:
            if isinstance(client, RedisCluster):  # every shard's master answers
                await self.call("ping", lambda: client.ping(target_nodes=RedisCluster.PRIMARIES))
            else:
                await self.call("ping", client.ping)
        except Exception:
            return False
        await self.ready()
        return True

    @property
    def cursor_secret(self) -> bytes:
        return self._secret if self._secret is not None else self._provisional_secret

    @property
    def cursor_secrets(self) -> tuple[bytes, ...]:
        return (self.cursor_secret, *self._earlier)

    async def aclose(self) -> None:
        for claim in list(self._claims):
            await self._stop(claim)
        await self.cancel_undos()
        await self.near.aclose()
        await self.client.aclose()
        if self._sentinel is not None:
            await self._sentinel.aclose()
        # A connection dropped by a cancelled call closes its socket on a later turn of
        # the loop; let those turns run, so no socket outlives the store.
        for _ in range(3):
            await asyncio.sleep(0)

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
