"""The gateway's one error hierarchy.

Every error a client can see is a ``GatewayError``; its class fixes the HTTP status
and the canonical ``code`` of the error envelope (API.md section 5)::

    GatewayError
    ├── BadRequest                 400 bad_request
    │   ├── InvalidCursor          400 invalid_cursor
    │   ├── UnsupportedFilter      400 unsupported_filter
    │   └── ConnectionRequired     400 connection_required
    ├── Unauthorized               401 unauthorized
    ├── Forbidden                  403 forbidden
    ├── NotFound                   404 not_found
    ├── Conflict                   409 conflict
    ├── PayloadTooLarge            413 payload_too_large
    ├── ValidationFailed           422 validation_error
    ├── RateLimited                429 rate_limited (Retry-After)
    ├── UnsupportedOperation       501 unsupported_operation
    ├── StateUnavailable           503 state_unavailable
    └── UpstreamError              502 upstream_error
        ├── UpstreamUnavailable    503 upstream_unavailable
        └── UpstreamTimeout        504 upstream_timeout

Adapters raise these (always ``raise ... from exc``); the app renders them with
``envelope()``. Nothing else reaches the client: an unexpected exception becomes a
500 ``internal_error`` that carries no detail of it (gateway.http.middleware).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kernel.secrets import KNOWN


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "message": self.message}


class GatewayError(Exception):
    status: int = 500
    code: str = "internal_error"

    def __init__(
        self,
        message: str,
        *,
        connection: str | None = None,
        upstream_status: int | None = None,
        details: Iterable[FieldError] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.connection = connection
        self.upstream_status = upstream_status
        self.details = list(details)
        self.headers = dict(headers or {})

    def envelope(self, request_id: str | None) -> dict[str, Any]:
        """The error as the client sees it. Its text passes through the known-secret
        redactor: a message may quote an upstream, and an upstream may echo a token."""
        redact = KNOWN.redact
        return {
            "error": {
                "code": self.code,
                "message": redact(self.message),
                "connection": self.connection,
                "upstream_status": self.upstream_status,
                "details": [{"field": d.field, "message": redact(d.message)} for d in self.details],
                "request_id": request_id,
            }
        }


class BadRequest(GatewayError):
    status, code = 400, "bad_request"


class InvalidCursor(BadRequest):
    code = "invalid_cursor"


class UnsupportedFilter(BadRequest):
    code = "unsupported_filter"


class ConnectionRequired(BadRequest):
    code = "connection_required"


class Unauthorized(GatewayError):
    status, code = 401, "unauthorized"


class Forbidden(GatewayError):
    status, code = 403, "forbidden"


class NotFound(GatewayError):
    status, code = 404, "not_found"


class Conflict(GatewayError):
    status, code = 409, "conflict"


class PayloadTooLarge(GatewayError):
    status, code = 413, "payload_too_large"


class ValidationFailed(GatewayError):
    status, code = 422, "validation_error"


class RateLimited(GatewayError):
    status, code = 429, "rate_limited"


class UnsupportedOperation(GatewayError):
    status, code = 501, "unsupported_operation"


class StateUnavailable(GatewayError):
    """The shared state store cannot be reached, and the request needs it to be safe."""

    status, code = 503, "state_unavailable"


class UpstreamError(GatewayError):
    status, code = 502, "upstream_error"


class UpstreamUnavailable(UpstreamError):
    status, code = 503, "upstream_unavailable"


class UpstreamTimeout(UpstreamError):
    status, code = 504, "upstream_timeout"
