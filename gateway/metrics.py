"""Prometheus metrics (prometheus-client), one registry per app so reloads keep counts.

- ``gateway_requests_total{route,method,status,connection}`` and
  ``gateway_request_duration_seconds{route,method}``: every request, by route template
  (``/v1/customers/{id}``), never the raw path.
- ``gateway_upstream_requests_total{connection,method,outcome}`` and
  ``gateway_upstream_duration_seconds{connection,method}``: every upstream attempt;
  outcome is the status code or ``timeout`` / ``unreachable``.
- ``gateway_cache_events_total{connection,result}``: HIT, MISS, STALE, BYPASS.
- ``gateway_circuit_state{connection}``: 0 closed, 1 half-open, 2 open, read at scrape.
- ``gateway_state_errors_total{operation}``: state store calls that failed or timed out.
- ``gateway_rate_limited_total{key,connection}``: requests refused by a quota.
- ``gateway_audit_failures_total``: audit records the state store did not keep.
- ``gateway_events_total{type,source}`` and ``gateway_events_lost_total``: change
  events recorded, and those of writes the store could not keep.
- ``gateway_poll_scans_total{connection,outcome}``: poller scans, ``ok`` or ``failed``.
- ``gateway_webhook_attempts_total{webhook,outcome}``: delivery attempts; outcome is
  ``delivered``, ``retry`` (to be tried again) or ``failed`` (given up).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from gateway.runtime import Runtime

CIRCUIT_VALUES = {"closed": 0, "half_open": 1, "open": 2}
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


class Metrics:
    def __init__(self) -> None:
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
        self._gateway: Callable[[], Runtime] | None = None
        self._children: dict[tuple[object, tuple[str, ...]], Any] = {}
        self.registry.register(_CircuitCollector(self))

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

        return observe

    def limited(self, key: str, connection: str) -> None:
        self.rate_limited.labels(key, connection).inc()

    def state_error(self, operation: str) -> None:
        self.state_errors.labels(operation).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def circuits(self) -> Iterator[tuple[str, str]]:
        if self._gateway is None:
            return
        for name, connection in self._gateway().connections.items():
            yield name, connection.adapter.upstream.breaker.state.value


class _CircuitCollector(Collector):
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "gateway_circuit_state",
            "Circuit breaker: 0 closed, 1 half-open, 2 open",
            labels=["connection"],
        )
        for name, state in self.metrics.circuits():
            family.add_metric([name], CIRCUIT_VALUES[state])
        yield family
