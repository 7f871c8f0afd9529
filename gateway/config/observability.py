"""Config of what the gateway tells its operators: the access log (``server.access_log``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AccessLogConfig(_Model):
    """One JSON line per request (gateway/observability/access.py). At high volume
    ``sample_ratio`` keeps that share of the ordinary lines; an error (status 400 and
    up) or a request slower than ``slow_ms`` is always logged, sampled or not."""

    enabled: bool = True
    sample_ratio: float = Field(default=1.0, ge=0, le=1)  # 0.01 keeps one line in 100
    slow_ms: float = Field(default=1000.0, ge=0)
