"""Tracing of each request an upstream client sends: one client span per request.

``UpstreamClient`` (gateway/upstreams/transport.py) sends every request on the wire
through ``traced``, so each attempt ``Upstream.call`` makes is its own span, a retry a
sibling carrying ``http.request.resend_count`` (the attempt says it in the request's
extensions), and an OAuth token fetch, which goes through the same client, is one too
(named by its extensions). The span's ``traceparent`` is written on the request, so the
upstream continues the same trace with this attempt as its parent (API.md section 14).
With tracing off the only work is one context-variable read, and a caller's
``traceparent`` is passed on unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
from opentelemetry.trace import SpanContext, SpanKind, Status, StatusCode

from kernel.tracing import RESEND_COUNT, SPAN_NAME, passed_on_var, tracer_var

Send = Callable[[httpx.Request], Awaitable[httpx.Response]]


async def traced(send: Send, request: httpx.Request, connection: str) -> httpx.Response:
    """``send(request)`` inside a client span (module docstring)."""
    tracer = tracer_var.get()
    if tracer is None:
        if (passed := passed_on_var.get()) is not None:
            request.headers.update(passed)
        return await send(request)
    url = request.url
    attributes: dict[str, str | int] = {
        "http.request.method": request.method,
        "server.address": url.host,
        "server.port": url.port or (443 if url.scheme == "https" else 80),
        # without the query, which may hold a secret (httpx's copy_with costs 15 us)
        "url.full": f"{url.scheme}://{url.netloc.decode('ascii')}{url.path}",
        "gateway.connection": connection,
    }
    if resends := request.extensions.get(RESEND_COUNT):
        attributes["http.request.resend_count"] = resends
    name = request.extensions.get(SPAN_NAME) or request.method
    # Not made current: nothing runs under it but the send; its context goes on the wire.
    span = tracer.start_span(name, kind=SpanKind.CLIENT, attributes=attributes)
    try:
        inject(request.headers, span.get_span_context())
        response = await send(request)
    except BaseException as exc:
        span.set_attribute("error.type", type(exc).__qualname__)
        span.set_status(Status(StatusCode.ERROR))
        span.end()
        raise
    if response.status_code >= 500:
        span.set_attributes(
            {
                "http.response.status_code": response.status_code,
                "error.type": str(response.status_code),
            }
        )
        span.set_status(Status(StatusCode.ERROR))
    else:
        span.set_attribute("http.response.status_code", response.status_code)
    span.end()
    return response


def inject(headers: httpx.Headers, context: SpanContext) -> None:
    """W3C ``traceparent`` (and ``tracestate``) of ``context`` on ``headers``: what the
    SDK's TraceContext propagator writes for a valid span, without its context lookups
    and checks (a span the tracer just made is valid by construction)."""
    headers["traceparent"] = (
        f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"
    )
    if context.trace_state:
        headers["tracestate"] = context.trace_state.to_header()
