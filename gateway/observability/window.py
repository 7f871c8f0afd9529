"""Each connection's recent traffic, for the console: requests per minute, the share
answered with a server error, upstream failures and upstream p50/p99 latency over the
last minutes.

The figures come from the gateway's own metrics (gateway/observability/metrics.py), read
as a scrape reads them: with ``gateway serve --workers N`` that is the sum of every
worker's files, so whichever worker answers the console shows the whole server. The
counters only grow, so a rate needs two readings: a small ring of readings (one every
``every`` seconds, kept ``span`` seconds) is kept in each process, filled by a
background task (every 30 s) and by the console's own views, both off the event loop,
and a figure is the difference between a reading taken now and the oldest one in
the ring, over the time between them (a worker started later counts from its start,
and says so: the time covered is shown). Latency quantiles are interpolated within
the histogram's buckets as Prometheus' ``histogram_quantile`` does. Several instances
each show their own traffic, as each one's ``/metrics`` does (Prometheus adds them up).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import structlog
from prometheus_client.core import Metric

from gateway.tasks import cancel_all

log = structlog.get_logger("gateway.traffic")
SPAN = 300.0  # seconds of history the figures cover
EVERY = 10.0  # seconds between two readings kept
BACKGROUND = 30.0  # seconds between two readings made with no one looking
UPSTREAM_FAILURES = ("timeout", "unreachable")


@dataclass
class Totals:
    """One connection's running totals at one reading."""

    requests: float = 0.0  # answered by the gateway for this connection
    errors: float = 0.0  # of those, answered 5xx
    attempts: float = 0.0  # upstream calls
    failures: float = 0.0  # upstream calls that got a 5xx, timed out or found no one
    buckets: dict[float, float] = field(default_factory=dict)  # upstream latency: le -> count


def totals(families: Iterable[Metric]) -> dict[str, Totals]:
    """Per connection, the totals in these metric families (one scrape's)."""
    found: dict[str, Totals] = {}
    for family in families:
        for sample in family.samples:
            connection = sample.labels.get("connection")
            if not connection:
                continue
            name, value = sample.name, sample.value
            if name == "gateway_requests_total":
                entry = found.setdefault(connection, Totals())
                entry.requests += value
                if sample.labels.get("status", "").startswith("5"):
                    entry.errors += value
            elif name == "gateway_upstream_requests_total":
                entry = found.setdefault(connection, Totals())
                entry.attempts += value
                outcome = sample.labels.get("outcome", "")
                if outcome in UPSTREAM_FAILURES or outcome.startswith("5"):
                    entry.failures += value
            elif name == "gateway_upstream_duration_seconds_bucket":
                entry = found.setdefault(connection, Totals())
                le = float(sample.labels["le"])
                entry.buckets[le] = entry.buckets.get(le, 0.0) + value
    return found


def quantile(q: float, buckets: dict[float, float]) -> float | None:
    """The ``q`` quantile of cumulative bucket counts (``le`` -> count), interpolated
    within its bucket; None without observations. In the last (``+Inf``) bucket it is
    the highest finite bound, as Prometheus answers."""
    bounds = sorted(buckets)
    if not bounds or buckets[bounds[-1]] <= 0:
        return None
    rank = q * buckets[bounds[-1]]
    lower, below = 0.0, 0.0
    for le in bounds:
        count = buckets[le]
        if count >= rank:
            if le == float("inf"):
                return lower
            inside = count - below
            return lower + (le - lower) * ((rank - below) / inside if inside else 1.0)
        lower, below = le, count
    return lower


def _figures(old: Totals, new: Totals, seconds: float) -> dict[str, Any]:
    requests = new.requests - old.requests
    attempts = new.attempts - old.attempts
    buckets = {le: n - old.buckets.get(le, 0.0) for le, n in new.buckets.items()}
    return {
        "requests": requests,
        "requests_per_minute": requests * 60 / seconds,
        "error_share": (new.errors - old.errors) / requests if requests > 0 else None,
        "upstream_per_minute": attempts * 60 / seconds,
        "upstream_failure_share": (new.failures - old.failures) / attempts
        if attempts > 0
        else None,
        "p50": quantile(0.5, buckets),
        "p99": quantile(0.99, buckets),
    }


class RecentTraffic:
    """The ring of readings and the figures over it (module docstring)."""

    def __init__(
        self,
        read: Callable[[], Iterable[Metric]],
        span: float = SPAN,
        every: float = EVERY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.read, self.span, self.every, self.clock = read, span, every, clock
        self.readings: deque[tuple[float, dict[str, Totals]]] = deque()
        self._task: asyncio.Task[None] | None = None

    def sample(self) -> tuple[float, dict[str, Totals]]:
        """A reading now, kept when due (``_keep``)."""
        return self._keep((self.clock(), totals(self.read())))

    def _keep(self, reading: tuple[float, dict[str, Totals]]) -> tuple[float, dict[str, Totals]]:
        """Keeps ``reading`` when the newest kept one is ``every`` old, and drops the ones
        past the span (the oldest inside it stays as the base)."""
        now = reading[0]
        if not self.readings or now - self.readings[-1][0] >= self.every:
            self.readings.append(reading)
        while len(self.readings) > 1 and now - self.readings[1][0] >= self.span:
            self.readings.popleft()
        return reading

    async def read_now(self) -> tuple[float, dict[str, Totals]]:
        """A reading now, made in a thread (with every worker's files it takes tens of
        milliseconds the event loop's requests should not wait for), kept when due."""
        now = self.clock()
        return self._keep((now, await asyncio.to_thread(lambda: totals(self.read()))))

    async def current(self, connections: Iterable[str]) -> dict[str, Any]:
        """``figures`` up to a reading made now off the event loop (the console's)."""
        return self.figures(connections, await self.read_now())

    def figures(
        self,
        connections: Iterable[str],
        reading: tuple[float, dict[str, Totals]] | None = None,
    ) -> dict[str, Any]:
        """``{"seconds": the time covered, "connections": {name: figures}}`` up to
        ``reading`` (one made now on this thread if None); a connection's figures are
        None until two readings are ``every`` apart."""
        now, current = reading if reading is not None else self.sample()
        since, base = self.readings[0]
        seconds = now - since
        shown: dict[str, Any] = {}
        for name in connections:
            if seconds < self.every:
                shown[name] = None
                continue
            shown[name] = _figures(base.get(name, Totals()), current.get(name, Totals()), seconds)
        return {"seconds": seconds if seconds >= self.every else 0.0, "connections": shown}

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            await cancel_all([task])  # bounded: a cancellation absorbed on the way

    async def _run(self) -> None:
        """A reading every ``BACKGROUND`` seconds, made in a thread: with many series it
        takes tens of milliseconds that the event loop's requests should not wait for
        (the ring itself is only touched on the loop)."""
        while True:
            try:
                await self.read_now()
            except Exception as exc:  # a worker's file read as it was made: again shortly
                log.debug("traffic_reading_failed", error=repr(exc))
                await asyncio.sleep(1.0)
                continue
            await asyncio.sleep(BACKGROUND)
