"""The request's tracer, shared with adapters, and the one way to open a child span.

Tracing is set up by the gateway (gateway/observability/tracing.py); adapters only
open spans under whatever is current. When tracing is off nothing is set here, and
``span`` is one context-variable read: no span object, no OpenTelemetry context work.
The state store's calls on Redis are spans too (``RedisStore.call_now``).

``tracer_var`` holds the tracer while a traced request (or a background trace) runs;
``passed_on_var`` holds a caller's ``traceparent``/``tracestate`` when tracing is off,
for the upstream request to carry unchanged (API.md section 14).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from contextvars import ContextVar

from opentelemetry.trace import Span, Tracer
from opentelemetry.util.types import AttributeValue

tracer_var: ContextVar[Tracer | None] = ContextVar("tracer", default=None)
Attributes = Mapping[str, AttributeValue]
passed_on_var: ContextVar[Mapping[str, str] | None] = ContextVar("passed_on", default=None)
NOTHING: AbstractContextManager[None] = nullcontext()


def span(name: str, attributes: Attributes | None = None) -> AbstractContextManager[Span | None]:
    """A child span of the current one named ``name``, current while it runs; when
    tracing is off, a shared do-nothing context (no object made)."""
    tracer = tracer_var.get()
    if tracer is None:
        return NOTHING
    return tracer.start_as_current_span(name, attributes=attributes)


# Request extensions the upstream clients' tracing reads (gateway/upstreams/traced.py).
RESEND_COUNT = "gateway.resend_count"  # set by adapters/upstream.py on a retry
SPAN_NAME = "gateway.span_name"  # a request that is no API call (a token fetch)
