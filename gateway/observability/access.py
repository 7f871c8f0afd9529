"""The access log: one JSON line per request, with what an operator asks of it.

Who asked (the client's address through ``server.trusted_proxies``, the key's name),
what (method, path, the route template, the connection), what came of it (status,
bytes in and out, the read cache's result) and where the time went (total, and the
upstream's share with the number of attempts it took). ``trace_id``/``span_id`` tie
the line to its trace when tracing is on.

At high volume ``server.access_log.sample_ratio`` keeps a share of the ordinary lines;
errors and slow requests are always kept, since those are the lines someone looks for.
Every line passes the log's redactor (gateway/observability/logging.py), so a secret
in a path or a forwarded header is masked like anywhere else.
"""

from __future__ import annotations

import importlib
import logging
import random
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from gateway.config.observability import AccessLogConfig
from kernel.log_level import enabled_for


@dataclass(slots=True)
class UpstreamUsage:
    """The upstream attempts one request made, and the time they took together."""

    attempts: int = 0
    seconds: float = 0.0


# Set by the outermost middleware for each request; every upstream attempt adds to it
# (through the connection's metrics observer), fan-out tasks included (they share it).
upstream_usage_var: ContextVar[UpstreamUsage | None] = ContextVar("upstream_usage", default=None)


def note_upstream_attempt(seconds: float) -> None:
    """Count one upstream attempt of the current request, if a request is counting."""
    usage = upstream_usage_var.get()
    if usage is not None:
        usage.attempts += 1
        usage.seconds += seconds


def kept(settings: AccessLogConfig, status: int, elapsed_ms: float) -> bool:
    """Whether this request's line is written: errors and slow ones always; never when
    the log would drop it anyway (``server.log_level`` above info), so its fields are
    not even gathered."""
    if not settings.enabled or not enabled_for(logging.INFO):
        return False
    if status >= 400 or elapsed_ms >= settings.slow_ms or settings.sample_ratio >= 1:
        return True
    return random.random() < settings.sample_ratio  # noqa: S311 - sampling, not security


def _opentelemetry_trace() -> Any:
    try:
        return importlib.import_module("opentelemetry.trace")
    except ImportError:
        return None


_OTEL = _opentelemetry_trace()


def trace_ids(state: dict[str, Any]) -> tuple[str | None, str | None]:
    """The request's trace and span IDs (hex, W3C form): as the tracing layer noted them
    in the request's state (``trace_id``/``span_id``), else the current OpenTelemetry
    span's when one is recording; ``(None, None)`` without tracing."""
    if state.get("trace_id"):
        return state["trace_id"], state.get("span_id")
    if _OTEL is None:
        return None, None
    context = _OTEL.get_current_span().get_span_context()
    if not context.is_valid:
        return None, None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


def access_fields(
    state: dict[str, Any],
    usage: UpstreamUsage,
    *,
    client: str | None,
    bytes_in: int | None,
    bytes_out: int,
    cache: str | None,
) -> dict[str, Any]:
    """The line's fields besides method, path, route, status and duration."""
    trace_id, span_id = trace_ids(state)
    return {
        "client": client,
        "key_name": state.get("key_name"),
        "connection": state.get("connection"),
        "upstream_ms": round(usage.seconds * 1000, 2),
        "upstream_attempts": usage.attempts,
        "cache": cache,
        "bytes_in": bytes_in,
        "bytes_out": bytes_out,
        "trace_id": trace_id,
        "span_id": span_id,
    }
