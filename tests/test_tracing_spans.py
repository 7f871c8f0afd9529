"""Lean spans (gateway/observability/spans.py) decide and record as the SDK's tracer does:
the same sampling decision and trace state for every kind of parent and sampler, and
the same span handed to the processors (attributes, parent, status, exception event)."""

from __future__ import annotations

import pytest
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    ParentBased,
    Sampler,
    TraceIdRatioBased,
)
from opentelemetry.trace import (
    NonRecordingSpan,
    SpanContext,
    SpanKind,
    StatusCode,
    TraceFlags,
    Tracer,
    TraceState,
    set_span_in_context,
)

from gateway.observability.spans import LeanTracer

SAMPLERS = {
    "always_on": ALWAYS_ON,
    "always_off": ALWAYS_OFF,
    "parentbased ratio 0": ParentBased(TraceIdRatioBased(0.0)),
    "parentbased ratio 1": ParentBased(TraceIdRatioBased(1.0)),
}
STATE = TraceState([("vendor", "x")])
TRACE, SPAN = 0x4BF92F3577B34DA6A3CE929D0E0E4736, 0x00F067AA0BA902B7


def parent(kind: str) -> Context | None:
    """No parent, or a caller's (remote) or an in-process (local) one, sampled or not."""
    if kind == "none":
        return None
    flags = TraceFlags(TraceFlags.DEFAULT if "unsampled" in kind else TraceFlags.SAMPLED)
    remote = kind.startswith("remote")
    return set_span_in_context(NonRecordingSpan(SpanContext(TRACE, SPAN, remote, flags, STATE)))


def tracers(sampler: Sampler) -> tuple[Tracer, InMemorySpanExporter, Tracer, InMemorySpanExporter]:
    resource = Resource.create({"service.name": "test"})
    sdk_spans, lean_spans = InMemorySpanExporter(), InMemorySpanExporter()
    provider = TracerProvider(sampler=sampler, resource=resource)
    provider.add_span_processor(SimpleSpanProcessor(sdk_spans))
    lean = LeanTracer(sampler, resource, SimpleSpanProcessor(lean_spans), "gateway")
    return provider.get_tracer("gateway"), sdk_spans, lean, lean_spans


@pytest.mark.parametrize("sampler", SAMPLERS)
@pytest.mark.parametrize(
    "kind", ["none", "remote sampled", "remote unsampled", "local sampled", "local unsampled"]
)
def test_the_sampling_decision_is_the_sdks(sampler: str, kind: str) -> None:
    sdk, _, lean, _ = tracers(SAMPLERS[sampler])
    made = [t.start_span("GET", context=parent(kind), kind=SpanKind.CLIENT) for t in (sdk, lean)]
    (theirs, ours) = [s.get_span_context() for s in made]
    assert ours.trace_flags == theirs.trace_flags  # sampled, and the random-trace-id bit
    assert made[1].is_recording() == made[0].is_recording()
    assert ours.trace_state == theirs.trace_state
    assert (ours.trace_id == TRACE) == (theirs.trace_id == TRACE) == (kind != "none")
    assert ours.span_id not in (0, SPAN) and ours.is_valid and not ours.is_remote


def exported(exporter: InMemorySpanExporter) -> ReadableSpan:
    (span,) = exporter.get_finished_spans()
    return span


def test_the_span_handed_to_the_processors_is_the_sdks() -> None:
    sdk, sdk_spans, lean, lean_spans = tracers(ALWAYS_ON)
    for tracer in (sdk, lean):
        with (
            pytest.raises(ConnectionError),
            tracer.start_as_current_span(
                "redis cache_get", context=parent("local sampled"), attributes={"a": "b"}
            ) as span,
        ):
            span.set_attribute("db.system.name", "redis")
            span.set_attributes({"n": 1, "gone": None})
            span.update_name("redis cache_put")
            raise ConnectionError("store down")
    theirs, ours = exported(sdk_spans), exported(lean_spans)
    assert ours.name == theirs.name == "redis cache_put"
    kept = {"a": "b", "db.system.name": "redis", "n": 1}  # a None is no value: not sent
    assert dict(ours.attributes or {}) == kept
    assert {k: v for k, v in (theirs.attributes or {}).items() if v is not None} == kept
    assert ours.parent == theirs.parent and ours.parent is not None
    assert ours.parent.span_id == SPAN and ours.kind is theirs.kind is SpanKind.INTERNAL
    assert ours.status.status_code is theirs.status.status_code is StatusCode.ERROR
    assert ours.status.description == theirs.status.description == "ConnectionError: store down"
    assert [e.name for e in ours.events] == [e.name for e in theirs.events] == ["exception"]
    mine, sdks = dict(ours.events[0].attributes or {}), dict(theirs.events[0].attributes or {})
    assert mine.keys() == sdks.keys()
    assert mine["exception.type"] == sdks["exception.type"] == "ConnectionError"
    assert mine["exception.message"] == "store down"
    assert ours.resource == theirs.resource and ours.instrumentation_scope is not None
    assert ours.instrumentation_scope.name == "gateway"
    assert ours.start_time is not None and ours.end_time is not None
    assert 0 <= ours.end_time - ours.start_time < 10**9
