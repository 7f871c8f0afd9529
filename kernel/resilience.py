"""Retries and the circuit breaker, per connection (API.md section 5).

Retry rules (the decision is ``RetryPolicy.backoff``, stamina does the waiting with
exponential backoff and jitter):

- a call that never reached the upstream (no connection made) is retried, any method;
- a GET or HEAD is retried on timeouts, dropped connections and 5xx answers, and on
  429 after its ``Retry-After`` when that is no longer than ``max_retry_after``;
- anything else that may have reached the upstream (a POST, PUT, PATCH or DELETE
  that timed out, dropped or failed) is never retried: it might have happened.

The breaker counts consecutive failures (no connection, timeout, 5xx). At
``failures`` it opens: calls fail fast with 503 and reach no upstream. After
``reset_after`` seconds one trial call is let through (half-open); its success closes
the breaker, its failure opens it again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from kernel.errors import GatewayError, UpstreamUnavailable

RETRYABLE_METHODS = frozenset({"GET", "HEAD"})


class Transient(Exception):
    """An attempt's failure, with what a retry decision needs to know."""

    def __init__(
        self, error: GatewayError, *, method: str, reached: bool, retry_after: float | None = None
    ) -> None:
        super().__init__(error.message)
        self.error = error
        self.method = method
        self.reached = reached
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3
    wait_initial: float = 0.1
    wait_max: float = 2.0
    wait_jitter: float = 0.1
    max_retry_after: float = 5.0
    deadline: float | None = None  # seconds all attempts of one call may take together

    def backoff(self, exc: Exception) -> bool | float:
        """stamina's backoff hook: False (give up), True (back off), or seconds to wait."""
        if not isinstance(exc, Transient):
            return False
        if not exc.reached:
            return True
        if exc.method not in RETRYABLE_METHODS:
            return False
        if exc.retry_after is not None:
            return exc.retry_after if exc.retry_after <= self.max_retry_after else False
        return True


class CircuitState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    def __init__(
        self,
        connection: str,
        *,
        failures: int = 5,
        reset_after: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.connection = connection
        self.threshold = failures
        self.reset_after = reset_after
        self._clock = clock
        self._state = CircuitState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._trial_running = False

    @property
    def state(self) -> CircuitState:
        if self._state is CircuitState.OPEN and self._clock() - self._opened_at >= self.reset_after:
            return CircuitState.HALF_OPEN
        return self._state

    @property
    def failures(self) -> int:
        return self._failures

    def before_call(self) -> None:
        """Let the call through, or fail fast with 503 while the upstream is down."""
        state = self.state
        if state is CircuitState.CLOSED:
            return
        if state is CircuitState.HALF_OPEN and not self._trial_running:
            self._state = CircuitState.HALF_OPEN
            self._trial_running = True
            return
        wait = max(1, round(self.reset_after - (self._clock() - self._opened_at)))
        raise UpstreamUnavailable(
            f"connection {self.connection!r} is failing; calls are paused for up to {wait} s",
            connection=self.connection,
            headers={"Retry-After": str(wait)},
        )

    def record_success(self) -> None:
        self._state, self._failures, self._trial_running = CircuitState.CLOSED, 0, False

    def record_failure(self) -> None:
        self._failures += 1
        if self._state is CircuitState.HALF_OPEN or self._failures >= self.threshold:
            self._state, self._opened_at = CircuitState.OPEN, self._clock()
        self._trial_running = False

    def release(self) -> None:
        """The call ended with no verdict (cancelled): let another trial through."""
        self._trial_running = False

    # The calls ``Upstream`` makes. Here they are the synchronous ones above; a breaker
    # whose state is shared by several processes overrides them (gateway/store).

    async def acquire(self) -> None:
        self.before_call()

    async def succeeded(self) -> None:
        self.record_success()

    async def failed(self) -> None:
        self.record_failure()
