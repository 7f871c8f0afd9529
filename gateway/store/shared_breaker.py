"""A circuit breaker whose state every instance shares (on Redis): open on one, open on all.

The state is a hash ``{conn:<connection>}:breaker:<config digest>`` (its trial key
shares the hash tag, so the script that touches both runs on a cluster) with the
consecutive
``failures`` and ``opened_at`` (wall clock, 0 when closed). An upstream call reads it
(one round trip), except that a process which read it closed and clean less than
``FRESH`` seconds ago trusts that read: under load most calls then need no round
trip, and a breaker opened elsewhere is seen here within ``FRESH`` seconds (a
failure here is seen at once, from the answer of its own write). A failure
increments the state atomically and opens the breaker at the threshold; after
``reset_after`` one trial call in the whole deployment is let through (``SET NX`` on
a trial key), and its success closes the breaker for everyone. While the store is
down, each process falls back to its own count (kernel/resilience.py).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from gateway.store.base import StoreDown
from kernel.errors import UpstreamUnavailable
from kernel.resilience import CircuitBreaker, CircuitState

if TYPE_CHECKING:
    from gateway.store.redis import RedisStore

FAILED = """
local f = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local opened = tonumber(redis.call('HGET', KEYS[1], 'opened_at') or '0')
if f >= tonumber(ARGV[1]) or opened > 0 then
  redis.call('HSET', KEYS[1], 'opened_at', ARGV[2])
end
redis.call('DEL', KEYS[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {f, redis.call('HGET', KEYS[1], 'opened_at') or '0'}
"""
KEEP_SECONDS = 3600  # a breaker's shared state outlives an hour of silence, then resets
FRESH = 0.25  # seconds a closed, clean read is trusted by this process


class SharedCircuitBreaker(CircuitBreaker):
    def __init__(
        self,
        store: RedisStore,
        connection: str,
        namespace: str,
        *,
        failures: int = 5,
        reset_after: float = 30.0,
    ) -> None:
        super().__init__(connection, failures=failures, reset_after=reset_after)
        self.store = store
        self.key = store.key("{conn:" + connection + "}", "breaker", namespace)
        self.trial_key = self.key + ":trial"
        self._seen: tuple[int, float] | None = None  # (failures, opened_at) last read
        self._read_at = 0.0  # monotonic time of that read

    @property
    def state(self) -> CircuitState:
        if self._seen is None or not self.store.healthy:
            return super().state
        opened_at = self._seen[1]
        if not opened_at:
            return CircuitState.CLOSED
        if time.time() - opened_at >= self.reset_after:
            return CircuitState.HALF_OPEN
        return CircuitState.OPEN

    @property
    def failures(self) -> int:
        if self._seen is None or not self.store.healthy:
            return super().failures
        return self._seen[0]

    async def acquire(self) -> None:
        now = time.monotonic()
        if self._seen == (0, 0.0) and now - self._read_at < FRESH and self.store.healthy:
            return
        client = self.store.client
        try:
            raw = await self.store.call(
                "breaker_get", lambda: client.hmget(self.key, "failures", "opened_at")
            )
        except StoreDown:
            return self.before_call()
        self._seen, self._read_at = (int(raw[0] or 0), float(raw[1] or 0)), now
        opened_at = self._seen[1]
        if not opened_at:
            return
        waited = time.time() - opened_at
        if waited >= self.reset_after:
            px = max(1, int(self.reset_after * 1000))
            try:
                trial = await self.store.call(
                    "breaker_trial", lambda: client.set(self.trial_key, "1", nx=True, px=px)
                )
            except StoreDown:
                return self.before_call()
            if trial:
                return
            waited = 0.0
        wait = max(1, round(self.reset_after - waited))
        raise UpstreamUnavailable(
            f"connection {self.connection!r} is failing; calls are paused for up to {wait} s",
            connection=self.connection,
            headers={"Retry-After": str(wait)},
        )

    async def failed(self) -> None:
        keep = str(int(max(KEEP_SECONDS, self.reset_after * 10) * 1000))
        args = (str(self.threshold), repr(time.time()), keep)
        try:
            failures, opened_at = await self.store.call(
                "breaker_failed",
                lambda: self.store.script(FAILED)(keys=[self.key, self.trial_key], args=args),
            )
        except StoreDown:
            return self.record_failure()
        self._seen = (int(failures), float(opened_at))

    async def succeeded(self) -> None:
        if self._seen == (0, 0.0):
            return  # closed and clean: nothing to write on the hot path
        client = self.store.client

        async def close() -> object:
            async with client.pipeline(transaction=False) as pipe:
                pipe.hset(self.key, mapping={"failures": 0, "opened_at": 0})
                pipe.delete(self.trial_key)
                return await pipe.execute()

        try:
            await self.store.call("breaker_succeeded", close)
        except StoreDown:
            return self.record_success()
        self._seen = (0, 0.0)
