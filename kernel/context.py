"""Per-request context shared with adapters without threading it through every call."""

from __future__ import annotations

from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# Set by the read cache while it fills an entry that has a stale answer to fall back on:
# then the first failed attempt is answered from it, with no retries (API.md section 5).
stale_fallback_var: ContextVar[bool] = ContextVar("stale_fallback", default=False)

# The writes (method and path) this request has sent upstream so far, when the request
# keeps count: a later refusal must not read as "nothing happened".
writes_sent_var: ContextVar[list[str] | None] = ContextVar("writes_sent", default=None)
