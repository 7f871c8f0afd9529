"""Lean spans: the SDK's sampler, ids, resource and processors, without the SDK's Span.

Why: the SDK's ``Span`` costs about 15 µs to start and end (a lock per call, every
attribute checked and copied through ``BoundedAttributes``, a ``ReadableSpan`` snapshot
at the end), and a miss makes two or more of them (the server span, a client span per
attempt, a span per store call on Redis): that alone was most of what tracing cost per
request (bench/PROFILE.md, "Tracing"). A ``LeanSpan`` keeps its fields as they come and,
when it ends, hands the processors one ``ReadableSpan`` (a public SDK class), the same
object the SDK would have handed them: batching, the OTLP and console exporters and the
tests' in-memory exporter see no difference.

What it leaves out, knowingly: span limits (``OTEL_SPAN_*_LIMIT``; the gateway's spans
hold about ten short attributes), the processors' ``on_start`` (none the gateway adds
uses it) and the type check of each attribute value (only gateway code sets them; a
``None``, which has no value to send, is dropped at the end).
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping, Sequence
from time import time_ns
from typing import Any

from opentelemetry.context import Context, attach, detach
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, SpanProcessor
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.sdk.trace.sampling import ALWAYS_ON, Decision, ParentBased, Sampler
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import (
    Link,
    NonRecordingSpan,
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
from opentelemetry.util.types import Attributes, AttributeValue

UNSET = Status(StatusCode.UNSET)
RANDOM = getattr(TraceFlags, "RANDOM_TRACE_ID", 0)  # W3C level 2; newer APIs only
SAMPLED = TraceFlags.SAMPLED


class HashedResource(Resource):
    """A ``Resource`` hashed once. The OTLP encoder groups a batch's spans by resource,
    hashing it once per span, and ``Resource.__hash__`` is a sorted JSON dump of its
    attributes: about 3 µs a span, a tenth of encoding it (bench/PROFILE.md, "Tracing")."""

    def __init__(self, resource: Resource) -> None:
        super().__init__(resource.attributes, resource.schema_url)
        self._hash = super().__hash__()

    def __hash__(self) -> int:
        return self._hash


class LeanTracer(Tracer):
    """Starts ``LeanSpan``s the way the SDK's tracer starts its spans: the parent from the
    context, a new trace id only for a root, the sampler's decision and trace state."""

    def __init__(
        self, sampler: Sampler, resource: Resource, processor: SpanProcessor | None, name: str
    ) -> None:
        self.sampler = sampler
        self.resource = resource
        self.processor = processor
        self.scope = InstrumentationScope(name)
        self.ids = RandomIdGenerator()
        # Decisions known without asking the sampler (three context lookups a span):
        # ALWAYS_ON samples everything; a ParentBased sampler (the default one, and every
        # one OTEL_TRACES_SAMPLER names) follows a local parent's decision.
        self.always = sampler is ALWAYS_ON
        self.follows_local_parent = isinstance(sampler, ParentBased)

    def start_span(
        self,
        name: str,
        context: Context | None = None,
        kind: SpanKind = SpanKind.INTERNAL,
        attributes: Attributes = None,
        links: Sequence[Link] | None = (),
        start_time: int | None = None,
        record_exception: bool = True,
        set_status_on_exception: bool = True,
    ) -> Span:
        parent: SpanContext | None = get_current_span(context).get_span_context()
        if parent is not None and parent.is_valid:
            trace_id, random = parent.trace_id, parent.trace_flags & RANDOM
        else:
            parent, trace_id, random = None, self.ids.generate_trace_id(), RANDOM
        if self.always or (self.follows_local_parent and parent and not parent.is_remote):
            sampled = self.always or (parent is not None and parent.trace_flags.sampled)
            state = parent.trace_state if parent is not None else None
            given: Mapping[str, AttributeValue] = attributes or {}
        else:
            result = self.sampler.should_sample(context, trace_id, name, kind, attributes, links)
            if result.decision is Decision.DROP:
                sampled, state, given = False, result.trace_state, {}
            else:
                sampled = result.decision is Decision.RECORD_AND_SAMPLE
                state, given = result.trace_state, result.attributes
        span_context = SpanContext(
            trace_id,
            self.ids.generate_span_id(),
            is_remote=False,
            trace_flags=TraceFlags((SAMPLED if sampled else 0) | random),
            trace_state=state,
        )
        if not sampled:  # DROP (a RECORD_ONLY span is not exported: dropped here too)
            return NonRecordingSpan(span_context)
        span = LeanSpan(self, name, span_context, parent, kind, given, links or ())
        if start_time is not None:
            span._start = start_time
        return span

    def start_as_current_span(  # type: ignore[override]
        self,
        name: str,
        context: Context | None = None,
        kind: SpanKind = SpanKind.INTERNAL,
        attributes: Attributes = None,
        links: Sequence[Link] | None = (),
        start_time: int | None = None,
        record_exception: bool = True,
        set_status_on_exception: bool = True,
        end_on_exit: bool = True,
    ) -> Current:
        span = self.start_span(name, context, kind, attributes, links, start_time)
        return Current(span, end_on_exit, record_exception, set_status_on_exception)


class Current:
    """``use_span`` as one object rather than two generator context managers (a store
    call on Redis is a span: this is on every one of them): the span is current inside,
    an exception is recorded on it and sets its status, and it ends on the way out."""

    __slots__ = ("end_on_exit", "record", "set_status", "span", "token")

    def __init__(self, span: Span, end_on_exit: bool, record: bool, set_status: bool) -> None:
        self.span, self.end_on_exit, self.record, self.set_status = (
            span,
            end_on_exit,
            record,
            set_status,
        )

    def __enter__(self) -> Span:
        self.token = attach(set_span_in_context(self.span))
        return self.span

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        detach(self.token)
        span = self.span
        if isinstance(exc, Exception) and span.is_recording():  # as use_span: not BaseException
            if self.record:
                span.record_exception(exc)
            if self.set_status:
                span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))
        if self.end_on_exit:
            span.end()


class LeanSpan(Span):
    """A recording span as plain fields; ``end`` hands the processors a ``ReadableSpan``."""

    def __init__(
        self,
        tracer: LeanTracer,
        name: str,
        context: SpanContext,
        parent: SpanContext | None,
        kind: SpanKind,
        attributes: Mapping[str, AttributeValue],
        links: Sequence[Link],
    ) -> None:
        self._tracer = tracer
        self._name = name
        self._context = context
        self._parent = parent
        self._kind = kind
        self._attributes: dict[str, Any] = dict(attributes)
        self._links = links
        self._events: list[Event] = []
        self._status = UNSET
        self._end: int | None = None
        self._start = time_ns()

    def get_span_context(self) -> SpanContext:
        return self._context

    def set_attribute(self, key: str, value: Any) -> None:
        self._attributes[key] = value

    def set_attributes(self, attributes: Mapping[str, Any]) -> None:
        self._attributes.update(attributes)

    def add_event(
        self, name: str, attributes: Attributes = None, timestamp: int | None = None
    ) -> None:
        self._events.append(Event(name, attributes, timestamp))

    def update_name(self, name: str) -> None:
        self._name = name

    def is_recording(self) -> bool:
        return self._end is None

    def set_status(self, status: Status | StatusCode, description: str | None = None) -> None:
        if isinstance(status, StatusCode):
            status = Status(status, description)
        if status.status_code is StatusCode.UNSET or self._status.status_code is StatusCode.OK:
            return  # as the SDK: UNSET never overrides, OK is final
        self._status = status

    def record_exception(
        self,
        exception: BaseException,
        attributes: Attributes = None,
        timestamp: int | None = None,
        escaped: bool = False,
    ) -> None:
        kind = type(exception)
        module = kind.__module__
        recorded: dict[str, Any] = {
            "exception.type": kind.__qualname__
            if module in ("builtins", "")
            else f"{module}.{kind.__qualname__}",
            "exception.message": str(exception),
            "exception.stacktrace": "".join(traceback.format_exception(exception)),
            "exception.escaped": str(escaped),
        }
        recorded.update(attributes or {})
        self.add_event("exception", recorded, timestamp)

    def end(self, end_time: int | None = None) -> None:
        if self._end is not None:
            return
        self._end = end_time or time_ns()
        tracer = self._tracer
        if tracer.processor is None:
            return
        attributes = self._attributes
        if None in attributes.values():
            attributes = {k: v for k, v in attributes.items() if v is not None}
        tracer.processor.on_end(
            ReadableSpan(
                name=self._name,
                context=self._context,
                parent=self._parent,
                resource=tracer.resource,
                attributes=attributes,
                events=self._events,
                links=self._links,
                kind=self._kind,
                status=self._status,
                start_time=self._start,
                end_time=self._end,
                instrumentation_scope=tracer.scope,
            )
        )
