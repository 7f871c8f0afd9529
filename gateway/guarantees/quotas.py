"""Quotas (API.md section 8): per-API-key rate limits and per-connection upstream budgets.

Both are sliding windows: no span of ``per`` seconds ever holds more than ``requests``
(a fixed or approximated window would let a burst through at a window edge).

- API key limits use the ``limits`` package's moving window (a log of timestamps per
  limit, checked and appended atomically; on Redis by its Lua script): the window is
  measured where it is enforced, at the gateway's edge.
- Upstream budgets are a promise about what the upstream receives, measured by its
  clock: a call taken at the end of one window and sent a millisecond late would, in
  the upstream's count, join the next window's calls. ``limits`` cannot hold a
  window that starts when a call's answer arrives, so budgets use a sliding log written
  here (``SlidingLog``): each call holds a slot while in flight and then counts for
  ``per`` seconds from its answer, timed by the Redis server's clock so instances on
  several hosts agree.

- A key over its limit is 429 ``rate_limited`` with ``Retry-After``; every answer to a
  limited key carries ``RateLimit-Limit``, ``RateLimit-Remaining``, ``RateLimit-Reset``
  (seconds until a slot frees).
- A connection's budget counts every HTTP call to that upstream (``BudgetTransport``
  sits under httpx: retries, emulated scans, fan-out legs, OAuth token fetches,
  passthrough), across keys and, on the ``redis`` state backend, instances. A call over
  budget waits for a slot up to ``max_wait`` seconds, else it is 429 naming the
  connection.
- Background work (``background_work()``: a poller's scan and the token fetches it
  makes) has no caller waiting, so it queues for slots as long as it takes instead of
  failing. So that a scan never starves a caller, it never takes the last free slot
  of a budget of two or more (checked in the same atomic step as the window, so across
  instances too): a caller finds a free slot unless other callers took it, and while
  callers wait, a scan takes a slot only when two are free at once. It also looks for
  a slot a moment after a caller would, the only precedence callers get on a budget of
  one call.

With ``local`` state the windows live in memory (one process). On ``redis`` they live
in Redis under the state prefix; while Redis is down each process falls back to its
own in-memory window (counted in ``gateway_state_errors_total``), so the deployment as
a whole may then send up to one budget per process.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

import httpx
import limits
import structlog
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from gateway.config.model import BudgetLimit, RateLimit
from gateway.store import Store, StoreDown
from gateway.store.redis import RedisStore
from gateway.store.redis_clients import close_limits_storage, limits_storage
from kernel.errors import RateLimited

log = structlog.get_logger("gateway.quotas")
FALLBACK_SECONDS = 1.0  # after a store failure, windows stay local this long
POLL = 0.02  # seconds between looks while every slot is held by a call in flight
LEASE = 120.0  # seconds a call in flight holds its slot at most (a crashed process)
BACKGROUND_LAG = 0.05  # seconds background work looks for a free slot after callers would
TAKE = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
local limit, window, lease = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', t - window)
local held = redis.call('ZCARD', KEYS[1])
if held + tonumber(ARGV[6]) >= limit then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local flying = redis.call('ZCOUNT', KEYS[1], '(' .. t, '+inf')
  local wait = tonumber(first[2]) + window - t
  if flying > 0 and wait > tonumber(ARGV[5]) then wait = tonumber(ARGV[5]) end
  return {0, tostring(wait)}
end
redis.call('ZADD', KEYS[1], t + lease, ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.floor((window + lease) * 1000))
return {1, tostring(held + 1)}
"""
DONE = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
return redis.call('ZADD', KEYS[1], 'XX', t, ARGV[1])
"""


_background: ContextVar[bool] = ContextVar("budget_background_work", default=False)


@contextlib.contextmanager
def background_work() -> Iterator[None]:
    """Upstream calls made inside (and in tasks started inside) have no caller waiting:
    over budget they queue for a slot instead of failing (module docstring)."""
    token = _background.set(True)
    try:
        yield
    finally:
        _background.reset(token)


def left_to_callers(limit: RateLimit) -> int:
    """Free slots background work leaves to callers: one, unless the budget is one call."""
    return 1 if limit.requests > 1 else 0


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset: int  # seconds until a slot frees

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
        }


def _item(limit: RateLimit) -> limits.RateLimitItem:
    return limits.RateLimitItemPerSecond(limit.requests, limit.per)


class SlidingLog:
    """The calls to each upstream that count in its window, in memory or on Redis.

    A call holds a slot from before it is sent until its answer arrives, and then
    counts for ``per`` seconds from that moment (not from when it was sent): the
    upstream received it at some point before the answer came, so however unevenly
    calls are delayed on their way, no span of ``per`` seconds at the upstream ever
    receives more than ``requests`` of them. A call whose process died holds its slot
    for at most ``LEASE`` seconds.
    """

    def __init__(self, store: Store) -> None:
        self.redis = store if isinstance(store, RedisStore) else None
        self.shared = self.redis is not None
        self.local: dict[str, dict[str, float]] = {}

    async def take(
        self, name: str, limit: RateLimit, ticket: str, keep: int = 0
    ) -> tuple[bool, float]:
        """``(taken, seconds)``: the calls held now, or the wait before trying again.
        ``keep``: slots that must still be free after this one is taken."""
        redis = self.redis
        if redis is None:
            return self.take_local(name, limit, ticket, keep)
        key, script = redis.key("budget", name), redis.script(TAKE)
        args = (limit.requests, limit.per, LEASE, ticket, POLL, keep)
        taken, figure = await redis.call("budget", lambda: script(keys=[key], args=args))
        return bool(taken), float(figure)

    async def done(self, name: str, ticket: str, shared: bool) -> None:
        """The call's answer arrived (or it failed): it counts from now."""
        if not shared:
            entries = self.local.get(name, {})
            if ticket in entries:
                entries[ticket] = time.monotonic()
            return
        redis = self.redis
        assert redis is not None, "a shared call is taken on the redis store"
        key, script = redis.key("budget", name), redis.script(DONE)
        await redis.call("budget", lambda: script(keys=[key], args=[ticket]))

    def take_local(
        self, name: str, limit: RateLimit, ticket: str, keep: int = 0
    ) -> tuple[bool, float]:
        now = time.monotonic()  # one process: a clock no adjustment can step
        entries = self.local.setdefault(name, {})
        for key, at in list(entries.items()):
            if at <= now - limit.per:
                del entries[key]
        if len(entries) + keep >= limit.requests:
            wait = min(entries.values()) + limit.per - now
            flying = any(at > now for at in entries.values())
            return False, min(wait, POLL) if flying else wait
        entries[ticket] = now + LEASE
        return True, float(len(entries))

    async def count(self, name: str, limit: RateLimit) -> int:
        redis = self.redis
        if redis is not None:
            key = redis.key("budget", name)
            return int(await redis.call("budget", lambda: redis.client.zcount(key, "-inf", "+inf")))
        now = time.monotonic()
        return sum(1 for at in self.local.get(name, {}).values() if at > now - limit.per)


class Quotas:
    def __init__(self, store: Store, on_limited: Callable[[str, str], None] | None = None) -> None:
        self.store = store
        self.on_limited = on_limited or (lambda key, connection: None)
        self.local = MovingWindowRateLimiter(MemoryStorage())
        self.shared: MovingWindowRateLimiter | None = None
        if isinstance(store, RedisStore):
            storage = limits_storage(store.topology, store.key("limits"), store.timeout)
            self.shared = MovingWindowRateLimiter(storage)
            self._redis = storage
        self._local_until = 0.0
        self.budgets = SlidingLog(store)

    async def aclose(self) -> None:
        """Close the connections the ``limits`` Redis storage opened."""
        storage = getattr(self, "_redis", None)
        if storage is not None:
            await close_limits_storage(storage)

    def _limiter(self) -> MovingWindowRateLimiter:
        if self.shared is None or time.monotonic() < self._local_until:
            return self.local
        return self.shared

    async def _ask(self, call: str, limit: RateLimit, *names: str) -> tuple[bool, float, int]:
        """``(allowed, reset at, remaining)``; ``call`` is ``hit`` or ``stats``."""
        item = _item(limit)
        limiter = self._limiter()
        try:
            return await asyncio.wait_for(self._on(limiter, call, item, names), 2.0)
        except Exception as exc:
            if limiter is self.local:
                raise
            self._local_until = time.monotonic() + FALLBACK_SECONDS
            if self.store.on_error is not None:
                self.store.on_error("rate_limit")
            log.warning("rate_limit_store_failed", error=type(exc).__name__)
            return await self._on(self.local, call, item, names)

    @staticmethod
    async def _on(
        limiter: MovingWindowRateLimiter,
        call: str,
        item: limits.RateLimitItem,
        names: tuple[str, ...],
    ) -> tuple[bool, float, int]:
        allowed = await limiter.hit(item, *names) if call == "hit" else True
        stats = await limiter.get_window_stats(item, *names)
        return allowed, stats.reset_time, stats.remaining

    async def check_key(self, name: str, limit: RateLimit) -> Decision:
        """Count one request of API key ``name``; the decision and its headers."""
        allowed, reset_at, remaining = await self._ask("hit", limit, "key", name)
        reset = max(0, math.ceil(reset_at - time.time()))
        return Decision(allowed, limit.requests, remaining, reset)

    async def key_use(self, name: str, limit: RateLimit) -> Decision:
        """API key ``name``'s use of its limit now, counting no request (the console)."""
        _, reset_at, remaining = await self._ask("stats", limit, "key", name)
        reset = max(0, math.ceil(reset_at - time.time()))
        return Decision(True, limit.requests, remaining, reset)

    async def check_sign_in(self, address: str, limit: RateLimit) -> Decision:
        """Count one console sign-in attempt from ``address`` (every instance's)."""
        allowed, reset_at, remaining = await self._ask("hit", limit, "sign-in", address)
        return Decision(
            allowed, limit.requests, remaining, max(0, math.ceil(reset_at - time.time()))
        )

    async def take_budget(self, connection: str, limit: BudgetLimit) -> tuple[str, bool]:
        """Hold one slot of ``connection``'s budget; the ticket to give back to
        ``call_done`` once the call's answer arrived. A caller's call waits up to
        ``max_wait`` for it, else ``RateLimited``; background work waits as long as it
        takes, leaving the last free slot to callers (module docstring)."""
        background = _background.get()
        keep = left_to_callers(limit) if background else 0
        deadline = time.monotonic() + limit.max_wait
        ticket = uuid.uuid4().hex
        while True:
            shared = self.budgets.shared
            try:
                taken, figure = await self.budgets.take(connection, limit, ticket, keep)
            except StoreDown as exc:
                log.warning("budget_store_failed", connection=connection, error=str(exc))
                taken, figure = self.budgets.take_local(connection, limit, ticket, keep)
                shared = False
            if taken:
                return ticket, shared
            wait = max(0.005, figure)
            if background:
                await asyncio.sleep(wait + BACKGROUND_LAG)
                continue
            if time.monotonic() + wait > deadline:
                self.on_limited("", connection)
                raise RateLimited(
                    f"connection {connection!r} is at its upstream budget "
                    f"({limit.requests} calls per {limit.per} s); retry later",
                    connection=connection,
                    headers={"Retry-After": str(max(1, math.ceil(wait)))},
                )
            await asyncio.sleep(min(wait, deadline - time.monotonic()))

    async def call_done(self, connection: str, ticket: tuple[str, bool]) -> None:
        with contextlib.suppress(StoreDown):  # else the slot frees when its lease ends
            await self.budgets.done(connection, *ticket)

    async def used(self, connection: str, limit: BudgetLimit) -> int:
        """The calls to ``connection`` held in its budget's window now."""
        try:
            return await self.budgets.count(connection, limit)
        except StoreDown:
            return 0


class BudgetTransport(httpx.AsyncBaseTransport):
    """Every HTTP call to one upstream takes a slot of its budget first."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport, quotas: Quotas, connection: str, limit: BudgetLimit
    ) -> None:
        self.inner, self.quotas, self.connection, self.limit = inner, quotas, connection, limit

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        ticket = await self.quotas.take_budget(self.connection, self.limit)
        try:
            return await self.inner.handle_async_request(request)
        finally:
            await self.quotas.call_done(self.connection, ticket)

    async def aclose(self) -> None:
        await self.inner.aclose()
