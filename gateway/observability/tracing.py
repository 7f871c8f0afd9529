"""Traces with the OpenTelemetry SDK: set up from ``server.tracing`` and the OTEL_* variables.

Why the SDK rather than spans of our own: it samples, batches and exports OTLP/HTTP to
any collector, reads the standard variables (``OTEL_EXPORTER_OTLP_ENDPOINT``,
``OTEL_SERVICE_NAME``, ``OTEL_TRACES_SAMPLER``, ``OTEL_BSP_*`` ...) and speaks W3C
tracecontext, which the contract requires (API.md section 14).

- Off (the default): ``start_server`` returns ``None`` after one look for a caller's
  ``traceparent``, which is then passed on unchanged (kernel/tracing.py); no span
  object, no OpenTelemetry context is made on any path.
- On: one tracer per sample ratio for the process (a config change to the ratio makes
  a new one; an unchanged one is reused): a ``LeanTracer`` (observability/spans.py),
  which makes spans with the SDK's sampler, ids, resource and processors at a tenth of
  the SDK span's cost. The sampler is
  ``ParentBased(TraceIdRatioBased(sample_ratio))`` unless ``OTEL_TRACES_SAMPLER``
  names another. ``OTEL_TRACES_EXPORTER`` picks ``otlp`` (default, OTLP/HTTP),
  ``console`` or ``none``.
- ``ServerSpan`` is the span of one request, named ``{method} {route template}`` with
  the stable HTTP semantic conventions and the gateway's own attributes.
"""

from __future__ import annotations

import atexit
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import Token

from opentelemetry import context as otel_context
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
)
from opentelemetry.sdk.trace.sampling import (
    ParentBased,
    Sampler,
    TraceIdRatioBased,
    _get_from_env_or_default,
)
from opentelemetry.trace import (
    Link,
    Span,
    SpanContext,
    SpanKind,
    Status,
    StatusCode,
    TraceFlags,
    Tracer,
    get_current_span,
    set_span_in_context,
)
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from starlette.types import Message, Scope

from gateway.config.model import TracingConfig
from gateway.observability.spans import HashedResource, LeanTracer
from kernel.tracing import passed_on_var, tracer_var

SERVICE = "customer-gateway"
PROPAGATOR = TraceContextTextMapPropagator()
TRACE_HEADERS = (b"traceparent", b"tracestate")
TRACEPARENT = re.compile(r"[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")
MAX_TRACESTATE = 512  # W3C: 32 list members; a longer one may be dropped
_processors: list[SpanProcessor] = []
_tracers: dict[float, Tracer | None] = {}  # by sample ratio; None: OTEL_SDK_DISABLED
_processor: SpanProcessor | None = None  # set by tests (export_to); else from OTEL_*


def export_to(processor: SpanProcessor | None) -> None:
    """Send spans of providers made from now on to ``processor`` (tests: in-memory)."""
    global _processor
    _processor = processor
    _tracers.clear()


def tracer_for(settings: TracingConfig) -> Tracer | None:
    """The tracer for these settings, or ``None`` when tracing is off."""
    if not settings.enabled:
        return None
    ratio = settings.sample_ratio
    if ratio not in _tracers:
        disabled = os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true"
        _tracers[ratio] = None if disabled else _tracer(ratio)
    return _tracers[ratio]


def _tracer(ratio: float) -> LeanTracer:
    sampler: Sampler = ParentBased(TraceIdRatioBased(ratio))
    if os.environ.get("OTEL_TRACES_SAMPLER"):
        sampler = _get_from_env_or_default()
    named = "OTEL_SERVICE_NAME" in os.environ or "service.name=" in os.environ.get(
        "OTEL_RESOURCE_ATTRIBUTES", ""
    )
    resource = Resource.create({} if named else {"service.name": SERVICE})
    processor = _processor or _processor_from_env()
    if processor is not None and processor not in _processors:
        atexit.register(processor.shutdown)  # what the batch holds is sent before exit
        _processors.append(processor)
    return LeanTracer(sampler, HashedResource(resource), processor, "gateway")


def _processor_from_env() -> SpanProcessor | None:
    kind = os.environ.get("OTEL_TRACES_EXPORTER", "otlp").strip().lower()
    exporter: SpanExporter
    if kind == "none":
        return None
    if kind == "console":
        exporter = ConsoleSpanExporter()
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter()
    return BatchSpanProcessor(exporter)


def shutdown() -> None:
    """Export what is batched and stop (the app's shutdown)."""
    for processor in _processors:
        processor.force_flush()


@contextmanager
def background(
    settings: TracingConfig,
    name: str,
    attributes: Mapping[str, str | int],
    cause: Sequence[str] | None = None,
) -> Iterator[Span | None]:
    """A trace of its own for background work (a poller scan, a webhook delivery),
    linked to the span that caused it (``cause``: trace and span id as hex, from
    ``current_trace_ids`` where the work was queued); nothing when tracing is off."""
    tracer = tracer_for(settings)
    if tracer is None:
        yield None
        return
    links = []
    if cause and len(cause) == 2:
        caused = SpanContext(int(cause[0], 16), int(cause[1], 16), True, TraceFlags(1))
        links.append(Link(caused))
    token = tracer_var.set(tracer)
    try:
        with tracer.start_as_current_span(
            name, context=Context(), attributes=attributes, links=links
        ) as span:
            yield span
    finally:
        tracer_var.reset(token)


def current_trace_ids() -> tuple[str, str] | None:
    """(trace id, span id) of the current span as hex, or ``None`` outside a trace
    (for the access log line of a request: API.md section 14)."""
    context = get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return f"{context.trace_id:032x}", f"{context.span_id:016x}"


def caller_headers(scope: Scope) -> dict[str, str] | None:
    """The caller's ``traceparent``/``tracestate``, if it sent one."""
    found = {
        key.decode(): value.decode("latin-1")
        for key, value in scope["headers"]
        if key in TRACE_HEADERS
    }
    return found or None


def start_server(scope: Scope, settings: TracingConfig) -> ServerSpan | PassedOn | None:
    """The span of this request, current until ``end``. When tracing is off, ``None``,
    or a ``PassedOn`` holding the caller's trace headers to pass on unchanged."""
    tracer = tracer_for(settings)
    if tracer is None:
        found = caller_headers(scope)
        return None if found is None else passed_on(found)
    return ServerSpan(tracer, scope)


def passed_on(found: dict[str, str]) -> PassedOn | None:
    """What of a caller's trace headers goes upstream with tracing off: a W3C-shaped
    ``traceparent`` as it came, its ``tracestate`` if of a sane size; anything else
    is dropped (never a reason to refuse the request)."""
    parent = found.get("traceparent", "")
    if not TRACEPARENT.fullmatch(parent):
        return None
    state = found.get("tracestate")
    kept = {"traceparent": parent}
    if state is not None and len(state) <= MAX_TRACESTATE:
        kept["tracestate"] = state
    return PassedOn(kept)


class PassedOn:
    """Tracing off, a caller's ``traceparent``: the upstream requests carry it as it came."""

    def __init__(self, headers: dict[str, str]) -> None:
        self._token = passed_on_var.set(headers)

    def response(self, message: Message) -> None:
        return None

    def end(self, status: int, template: str | None, state: Mapping[str, object]) -> None:
        passed_on_var.reset(self._token)


class ServerSpan:
    """One request's span: started with what the request says, finished with what the
    routes noted on ``scope["state"]`` and what the answer's headers say."""

    def __init__(self, tracer: Tracer, scope: Scope) -> None:
        self.method = scope["method"]
        found: dict[str, str] = {}
        self.idempotent = False
        for key, value in scope["headers"]:  # one pass for both
            if key in TRACE_HEADERS:
                found[key.decode()] = value.decode("latin-1")
            elif key == b"idempotency-key":
                self.idempotent = True
        parent = PROPAGATOR.extract(found) if found else None
        self.span = tracer.start_span(
            self.method,
            context=parent,
            kind=SpanKind.SERVER,
            attributes={
                "http.request.method": self.method,
                "url.scheme": scope.get("scheme", "http"),
                "url.path": scope["path"],
            },
        )
        self.cache: str | None = None
        self.replayed = False
        self._tracer_token: Token[Tracer | None] = tracer_var.set(tracer)
        self._context_token = otel_context.attach(set_span_in_context(self.span, parent))

    def response(self, message: Message) -> None:
        """What the answer's headers say: ``X-Cache``, ``Idempotent-Replayed``."""
        for key, value in message.get("headers", ()):
            if key.lower() == b"x-cache":
                self.cache = value.decode("latin-1")
            elif key.lower() == b"idempotent-replayed":
                self.replayed = True

    def end(self, status: int, template: str | None, state: Mapping[str, object]) -> None:
        span = self.span
        attributes: dict[str, str | int] = {"http.response.status_code": status}
        if template is not None:
            span.update_name(f"{self.method} {template}")
            attributes["http.route"] = template
        if status >= 500:
            attributes["error.type"] = str(status)
            span.set_status(Status(StatusCode.ERROR))
        for attribute, value in (
            ("gateway.connection", state.get("connection")),
            ("gateway.api_key", state.get("key_name")),
            ("gateway.cache", self.cache),
        ):
            if value:
                attributes[attribute] = str(value)
        if self.idempotent:
            attributes["gateway.idempotency"] = "replayed" if self.replayed else "new"
        span.set_attributes(attributes)
        span.end()
        otel_context.detach(self._context_token)
        tracer_var.reset(self._tracer_token)
