"""Connection health (API.md section 15) as this process sees it: its own evidence.

Every upstream attempt is observed (the connection's metrics observer calls
``HealthSignals.observe``), and so are a budget that refuses a call and an OAuth token
endpoint that refuses the gateway's credentials. ``opinion`` turns one connection's
evidence into a state, the first that applies of:

- ``auth_failed``: the last answer was 401/403, or the token endpoint refused ("relink
  needed"); until an answer that is not;
- ``unavailable``: the circuit breaker is open;
- ``throttled``: the last answer was 429, or the budget refused a call since;
- ``degraded``: in the last ``health.window`` seconds, at least ``min_calls`` attempts
  and ``error_ratio`` of them 5xx or unanswered, or their p95 over ``p95`` seconds;
- ``ok``.

A process with no attempt in the window has no opinion (None): it saw nothing, so it
says nothing, and does not overrule what another instance saw. The state every instance
shares, and its events, are gateway/changes/health_board.py's.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field

from gateway.config.observability import HealthConfig

STATES = ("ok", "degraded", "throttled", "unavailable", "auth_failed")
SNAPSHOT = "connection-health"  # the state store's entries of the shared states, by connection
REFUSED = frozenset({"401", "403", "token_refused"})
UNANSWERED = frozenset({"timeout", "unreachable"})
KEPT = 2000  # attempts kept per connection, at most (the window is counted within them)


@dataclass(slots=True)
class Signals:
    """What this process saw of one connection."""

    calls: deque[tuple[float, bool, float]] = field(default_factory=lambda: deque(maxlen=KEPT))
    refused: bool = False  # the last answer refused the gateway's credentials
    throttled: bool = False  # the last answer was 429, or the budget refused since
    refusal: str | None = None  # what the last refusal or throttling said
    seen: float = -math.inf  # when this process last saw anything of it

    def observe(self, outcome: str, seconds: float, now: float) -> None:
        failed = outcome in UNANSWERED or (outcome.isdigit() and int(outcome) >= 500)
        self.calls.append((now, failed, seconds))
        self.seen = now
        if outcome in UNANSWERED:
            return  # no answer: says nothing of credentials or limits
        self.refused = outcome in REFUSED
        self.throttled = outcome == "429"
        if self.refused:
            self.refusal = (
                "the upstream's token endpoint refused the gateway's client credentials"
                if outcome == "token_refused"
                else f"the upstream refused the gateway's credentials (HTTP {outcome})"
            )
        elif self.throttled:
            self.refusal = "the upstream answered 429 (rate limited)"

    def seen_within(self, window: float, now: float | None = None) -> bool:
        """Whether this process saw anything of the connection in the last ``window`` s."""
        return self.seen >= (time.monotonic() if now is None else now) - window

    def budget_refused(self, now: float) -> None:
        self.throttled = True
        self.refusal = "the connection's budget (rate_limit) is spent"
        self.seen = now


class HealthSignals:
    """Every connection's ``Signals`` in this process; kept across config changes."""

    def __init__(self) -> None:
        self._by_connection: dict[str, Signals] = {}

    def of(self, connection: str) -> Signals:
        found = self._by_connection.get(connection)
        if found is None:
            found = self._by_connection[connection] = Signals()
        return found

    def observe(self, connection: str, outcome: str, seconds: float) -> None:
        self.of(connection).observe(outcome, seconds, time.monotonic())

    def budget_refused(self, connection: str) -> None:
        self.of(connection).budget_refused(time.monotonic())


def opinion(
    signals: Signals, circuit: str, config: HealthConfig, now: float | None = None
) -> tuple[str, str | None] | None:
    """This process's view of one connection: ``(state, last_error)``, or None when it
    saw no attempt in the window (the module docstring)."""
    now = time.monotonic() if now is None else now
    if not signals.seen_within(config.window, now):
        return None
    recent = [call for call in signals.calls if call[0] >= now - config.window]
    if signals.refused:
        return "auth_failed", signals.refusal
    if circuit == "open":
        return "unavailable", "the circuit breaker is open: the upstream kept failing"
    if signals.throttled:
        return "throttled", signals.refusal
    if recent and len(recent) >= config.min_calls:
        failed = sum(1 for _, bad, _ in recent if bad)
        if failed >= config.error_ratio * len(recent):
            return "degraded", (
                f"{failed} of {len(recent)} upstream attempts failed (5xx or no answer) "
                f"in the last {config.window:g} s"
            )
        p95 = _percentile(sorted(seconds for _, _, seconds in recent), 0.95)
        if p95 > config.p95:
            return "degraded", (
                f"upstream p95 latency {p95:.2f} s over {config.p95:g} s "
                f"in the last {config.window:g} s"
            )
    return "ok", None


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]
