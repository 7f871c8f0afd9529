"""Prometheus metrics (prometheus-client), one registry per app so reloads keep counts.

- ``gateway_requests_total{route,method,status,connection}`` and
  ``gateway_request_duration_seconds{route,method}``: every request, by route template
  (``/v1/customers/{id}``), never the raw path.
- ``gateway_upstream_requests_total{connection,method,outcome}`` and
  ``gateway_upstream_duration_seconds{connection,method}``: every upstream attempt;
  outcome is the status code or ``timeout`` / ``unreachable``.
- ``gateway_cache_events_total{connection,result}``: HIT, MISS, STALE, BYPASS.
- ``gateway_circuit_state{connection}``: 0 closed, 1 half-open, 2 open, read at scrape;
  a breaker shared on Redis is read from Redis, so every worker and instance answers the
  state the whole deployment shares (this process's own view only while Redis is down).
- ``gateway_state_errors_total{operation}``: state store calls that failed or timed out.
- ``gateway_rate_limited_total{key,connection}``: requests refused by a quota.
- ``gateway_audit_failures_total``: audit records the state store did not keep.
- ``gateway_events_total{type,source}`` and ``gateway_events_lost_total``: change
  events recorded, and those of writes the store could not keep.
- ``gateway_poll_scans_total{connection,outcome}``: poller scans, ``ok`` or ``failed``.
- ``gateway_webhook_attempts_total{webhook,outcome}``: delivery attempts; outcome is
  ``delivered``, ``retry`` (to be tried again) or ``failed`` (given up).
- ``gateway_workers``: worker processes serving (1 without ``--workers``).
- the state store's, budgets' and webhook backlog's gauges, read at scrape time
  (gateway/observability/gauges.py).
- the standard ``process_*`` metrics (gateway/observability/process.py).

Several workers (``gateway serve --workers N``, or any server that sets
``PROMETHEUS_MULTIPROC_DIR``) use prometheus-client's multiprocess mode: each worker
writes its counts to files of its own in that directory, and a scrape, whichever worker
answers it, sums every worker's files, those of workers that have exited included, so
counters never go backwards. ``gateway_workers`` counts live workers only (``livesum``:
the supervisor drops an exited worker's, gateway/serving/workers.py).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, values
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from gateway.observability.access import note_upstream_attempt
from gateway.observability.gauges import shared_gauges
from gateway.observability.process import process_families
from gateway.observability.window import RecentTraffic
from gateway.upstreams.health import HealthSignals

if TYPE_CHECKING:
    from gateway.runtime import Runtime

CIRCUIT_VALUES = {"closed": 0, "half_open": 1, "open": 2}
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"  # prometheus-client's own variable
SUPERVISOR_FILE = "supervisor.pid"  # in that directory: the pid of gateway serve's supervisor


class Metrics:
    """The gateway's metrics. ``directory`` (default ``$PROMETHEUS_MULTIPROC_DIR``) turns
    on multiprocess mode, which prometheus-client chose when it was imported."""

    def __init__(self, directory: str | None = None) -> None:
        self.directory = directory or os.environ.get(MULTIPROCESS_DIR) or None
        if self.directory and not getattr(values.ValueClass, "_multiprocess", False):
            raise RuntimeError(
                f"{MULTIPROCESS_DIR} must be set before prometheus_client is imported: the "
                "counts would stay in this process"
            )
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "gateway_requests",
            "Requests answered",
            ["route", "method", "status", "connection"],
            registry=self.registry,
        )
        self.request_seconds = Histogram(
            "gateway_request_duration_seconds",
            "Time to answer a request",
            ["route", "method"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.upstream = Counter(
            "gateway_upstream_requests",
            "Upstream attempts",
            ["connection", "method", "outcome"],
            registry=self.registry,
        )
        self.upstream_seconds = Histogram(
            "gateway_upstream_duration_seconds",
            "Upstream attempt latency",
            ["connection", "method"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.cache = Counter(
            "gateway_cache_events",
            "Read cache results",
            ["connection", "result"],
            registry=self.registry,
        )
        self.state_errors = Counter(
            "gateway_state_errors",
            "State store calls that failed or timed out",
            ["operation"],
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "gateway_rate_limited",
            "Requests refused by a quota: an API key's rate limit or a connection's budget",
            ["key", "connection"],
            registry=self.registry,
        )
        self.audit_failures = Counter(
            "gateway_audit_failures",
            "Audit records the state store did not keep",
            registry=self.registry,
        )
        self.events = Counter(
            "gateway_events", "Change events recorded", ["type", "source"], registry=self.registry
        )
        self.events_lost = Counter(
            "gateway_events_lost",
            "Events of writes through the gateway the state store did not keep",
            registry=self.registry,
        )
        self.poll_scans = Counter(
            "gateway_poll_scans", "Poller scans", ["connection", "outcome"], registry=self.registry
        )
        self.webhook_attempts = Counter(
            "gateway_webhook_attempts",
            "Webhook delivery attempts",
            ["webhook", "outcome"],
            registry=self.registry,
        )
        self.workers = Gauge(
            "gateway_workers",
            "Worker processes serving",
            registry=self.registry,
            multiprocess_mode="livesum",
        )
        self.workers.set(1)
        self._gateway: Callable[[], Runtime] | None = None
        self.health = HealthSignals()  # what this process sees of each connection
        self._children: dict[tuple[object, tuple[str, ...]], Any] = {}
        self.recent = RecentTraffic(self.families)  # the console's per-connection figures

    def families(self) -> Iterable[Metric]:
        """The counts as a scrape reads them: every worker's files in multiprocess mode,
        this process's registry otherwise."""
        if self.directory:
            return MultiProcessCollector(None, self.directory).collect()  # type: ignore[no-untyped-call,no-any-return]
        return self.registry.collect()

    def child(self, metric: Counter | Histogram, *labels: str) -> Any:
        """``metric.labels(*labels)``, looked up once: prometheus-client's ``labels`` takes a
        lock and checks the values on every call, twice the cost of the increment. The
        memo is as bounded as the metric's own children (route templates, not paths)."""
        key = (metric, labels)
        found = self._children.get(key)
        if found is None:
            found = self._children[key] = metric.labels(*labels)
        return found

    def watch(self, current: Callable[[], Runtime]) -> None:
        """Where to read circuit states from at scrape time (the live gateway)."""
        self._gateway = current

    def upstream_observer(self, connection: str) -> Callable[[str, str, float], None]:
        def observe(method: str, outcome: str, seconds: float) -> None:
            self.child(self.upstream, connection, method, outcome).inc()
            self.child(self.upstream_seconds, connection, method).observe(seconds)
            note_upstream_attempt(seconds)  # the access log's upstream time and attempts
            self.health.observe(connection, outcome, seconds)

        return observe

    def limited(self, key: str, connection: str) -> None:
        self.rate_limited.labels(key, connection).inc()
        if not key:  # a connection's budget, not an API key's limit
            self.health.budget_refused(connection)

    def state_error(self, operation: str) -> None:
        self.state_errors.labels(operation).inc()

    def render(
        self, circuits: Mapping[str, str] | None = None, shared: Iterable[Metric] = ()
    ) -> bytes:
        """The Prometheus text; ``circuits`` (connection -> state) as ``scrape`` read
        them, else each breaker's state as this process last saw it; ``shared``: the
        gauges read from shared state (gateway/observability/gauges.py)."""
        if circuits is None:
            circuits = dict(self.circuits())
        return generate_latest(_Scrape(self, circuits, tuple(shared)))

    async def scrape(self) -> bytes:
        """``render`` with every circuit's state read where it is kept (on Redis for a
        breaker every instance shares), and the gauges of shared state."""
        shared = await shared_gauges(self._gateway()) if self._gateway is not None else []
        return self.render(await self.shared_circuits(), shared)

    def circuits(self) -> Iterator[tuple[str, str]]:
        if self._gateway is None:
            return
        for name, connection in self._gateway().connections.items():
            yield name, connection.adapter.upstream.breaker.state.value

    async def shared_circuits(self) -> dict[str, str]:
        if self._gateway is None:
            return {}
        return {
            name: await breaker_state(connection.adapter.upstream.breaker)
            for name, connection in self._gateway().connections.items()
        }

    def supervisor(self) -> int | None:
        """The pid of ``gateway serve``'s supervisor when it is this process's parent:
        process_* then stand for it and all its workers (gateway/serving/workers.py)."""
        if not self.directory:
            return None
        try:
            written = Path(self.directory, SUPERVISOR_FILE).read_text().strip()
        except OSError:
            return None
        return os.getppid() if written == str(os.getppid()) else None


async def breaker_state(breaker: Any) -> str:
    """A breaker's state: for one shared on Redis, its hash read now (the state
    ``SharedCircuitBreaker.state`` gives from the same fields, without taking a trial);
    this process's own view otherwise, and while Redis does not answer."""
    from gateway.store.base import StoreDown
    from gateway.store.shared_breaker import SharedCircuitBreaker

    own: str = breaker.state.value
    if not isinstance(breaker, SharedCircuitBreaker) or not breaker.store.healthy:
        return own
    client = breaker.store.client
    try:
        raw = await breaker.store.call(
            "breaker_get", lambda: client.hmget(breaker.key, "failures", "opened_at")
        )
    except StoreDown:
        return own
    opened_at = float(raw[1] or 0)
    if not opened_at:
        return "closed"
    return "half_open" if time.time() - opened_at >= breaker.reset_after else "open"


class _Scrape(Collector):
    """One scrape: the counts (this process's, or every worker's files), the circuits,
    and the process figures."""

    def __init__(
        self, metrics: Metrics, circuits: Mapping[str, str], shared: tuple[Metric, ...] = ()
    ) -> None:
        self.metrics, self.circuits, self.shared = metrics, circuits, shared

    def collect(self) -> Iterable[Metric]:
        yield from self.metrics.families()
        family = GaugeMetricFamily(
            "gateway_circuit_state",
            "Circuit breaker: 0 closed, 1 half-open, 2 open",
            labels=["connection"],
        )
        for name, state in self.circuits.items():
            family.add_metric([name], CIRCUIT_VALUES[state])
        yield family
        yield from self.shared
        yield from process_families(self.metrics.supervisor())
