"""Config of what the gateway tells its operators: the access log (``server.access_log``)
and when a connection counts as degraded (``connections.NAME.health``)."""

from __future__ import annotations

from pydantic import Field

from gateway.config.base import _Model


class AccessLogConfig(_Model):
    """One JSON line per request (gateway/observability/access.py). At high volume
    ``sample_ratio`` keeps that share of the ordinary lines; an error (status 400 and
    up) or a request slower than ``slow_ms`` is always logged, sampled or not."""

    enabled: bool = True
    """Log requests at all."""
    sample_ratio: float = Field(default=1.0, ge=0, le=1)
    """The share of ordinary lines kept (0.01 keeps one in 100)."""
    slow_ms: float = Field(default=1000.0, ge=0)
    """A request slower than this many milliseconds is always logged."""


class HealthConfig(_Model):
    """When a connection is ``degraded`` (API.md section 15): in the last ``window``
    seconds, at least ``min_calls`` upstream attempts, and ``error_ratio`` of them 5xx
    or unanswered, or their 95th percentile slower than ``p95`` seconds."""

    error_ratio: float = Field(default=0.2, gt=0, le=1)
    """The share of attempts 5xx or unanswered that makes it degraded."""
    p95: float = Field(default=5.0, gt=0)
    """Seconds; a 95th percentile slower than this makes it degraded."""
    window: float = Field(default=60.0, gt=0, le=3600)
    """Seconds of upstream attempts looked at."""
    min_calls: int = Field(default=10, ge=1)
    """Fewer attempts than this in the window say nothing."""
