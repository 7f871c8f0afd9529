"""Helpers at the HTTP edge: who is calling, which connection, what they sent.

Everything a route takes from a request goes through here and is validated before
any adapter is called: the API key and its scope, the connection, canonical IDs
(the remote part checked by its adapter, so nothing odd reaches an upstream path),
query parameters and JSON bodies (size, syntax, then the pydantic model).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.base import Operation
from gateway.auth import Identity
from gateway.connections import Connection
from gateway.context import request_id_var
from gateway.errors import (
    BadRequest,
    FieldError,
    GatewayError,
    NotFound,
    PayloadTooLarge,
    UnsupportedOperation,
    ValidationFailed,
)
from gateway.idempotency import KEY as IDEMPOTENCY_KEY
from gateway.idempotency import fingerprint
from gateway.ids import split_id
from gateway.state import Gateway

M = TypeVar("M", bound=BaseModel)
Handler = Callable[[Request], Awaitable[Response]]
TRUE, FALSE = frozenset({"true", "1"}), frozenset({"false", "0"})


def gateway(request: Request) -> Gateway:
    """The gateway this request started with (pinned by the middleware)."""
    pinned: Gateway | None = request.scope.get("state", {}).get("gateway")
    return pinned if pinned is not None else request.app.state.gateway


def authorize(request: Request, scope: str) -> Identity:
    identity = gateway(request).keys.authenticate(request.headers.get("authorization"))
    request.state.key_name = identity.name
    identity.require_scope(scope)
    return identity


def use(request: Request, identity: Identity, connection: Connection, op: Operation) -> Connection:
    """Check the key may use ``connection`` and that it can do ``op`` (else 501)."""
    identity.require_connection(connection.name)
    request.state.connection = connection.name
    adapter = connection.adapter
    if op not in adapter.capabilities:
        hint = adapter.alternatives.get(op)
        raise UnsupportedOperation(
            f"connection {connection.name!r} ({adapter.name}) cannot {op.value.replace('_', ' ')}"
            + (f"; instead: {hint}" if hint else ""),
            connection=connection.name,
        )
    return connection


def chosen_connection(request: Request, identity: Identity, op: Operation) -> Connection:
    """The connection a list or create names: ``?connection=``, ``X-Connection`` or default."""
    connection = gateway(request).choose(
        request.query_params.get("connection"), request.headers.get("x-connection")
    )
    return use(request, identity, connection, op)


def resolve_id(
    request: Request, identity: Identity, param: str, op: Operation
) -> tuple[Connection, str]:
    """The connection and validated remote ID of the canonical ID in path ``param``."""
    canonical = request.path_params[param]
    parts = split_id(canonical)
    connection = gateway(request).connections.get(parts[0]) if parts else None
    if parts is None or connection is None or not connection.adapter.valid_remote_id(parts[1]):
        raise NotFound(f"no resource with id {canonical[:100]!r}")
    hinted = request.query_params.get("connection") or request.headers.get("x-connection")
    if hinted and hinted != connection.name:
        raise BadRequest(f"the id belongs to connection {connection.name!r}, not {hinted!r}")
    return use(request, identity, connection, op), parts[1]


def resolve_child_id(request: Request, connection: Connection, param: str) -> str:
    """The remote ID of a child resource (a contact) that must live on ``connection``."""
    canonical = request.path_params[param]
    parts = split_id(canonical)
    if (
        parts is None
        or parts[0] != connection.name
        or not connection.adapter.valid_remote_id(parts[1])
    ):
        raise NotFound(f"no resource with id {canonical[:100]!r} on this customer")
    return parts[1]


def check_params(request: Request, allowed: Iterable[str]) -> None:
    known = set(allowed)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise BadRequest(
            f"unknown query parameter(s) {unknown}",
            details=[FieldError(name, f"not one of {sorted(known)}") for name in unknown],
        )


def query_bool(request: Request, name: str, default: bool = False) -> bool:
    value = request.query_params.get(name)
    if value is None:
        return default
    return parse_bool(name, value)


def parse_bool(name: str, value: str) -> bool:
    lowered = value.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise BadRequest(f"{name} must be true or false", details=[FieldError(name, "true or false")])


def query_limit(request: Request, default: int = 25, maximum: int = 100) -> int:
    raw = request.query_params.get("limit")
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise BadRequest(
            f"limit must be a whole number from 1 to {maximum}",
            details=[FieldError("limit", f"1..{maximum}")],
        )
    return int(raw)


async def raw_body(request: Request) -> bytes:
    """The body's bytes, read once, refused past ``server.max_body_bytes`` (413)."""
    kept: bytes | None = getattr(request.state, "raw_body", None)
    if kept is not None:
        return kept
    limit = gateway(request).config.server.max_body_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the body is larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the body is larger than {limit} bytes")
        chunks.append(chunk)
    request.state.raw_body = b"".join(chunks)
    return request.state.raw_body  # type: ignore[no-any-return]


async def read_body(request: Request, model: type[M]) -> M:
    """The JSON body validated as ``model``: 413 too large, 400 malformed, 422 invalid."""
    content_type = request.headers.get("content-type", "application/json")
    if "json" not in content_type.split(";")[0]:
        raise BadRequest("send the body as JSON (Content-Type: application/json)")
    raw = await raw_body(request)
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(
            "the body is not valid",
            details=[
                FieldError(".".join(str(p) for p in err["loc"]) or None, err["msg"])
                for err in exc.errors(include_url=False, include_input=False)
            ],
        ) from exc


def idempotent(handler: Handler) -> Handler:
    """Let a POST handler take ``Idempotency-Key`` (gateway/idempotency.py)."""

    @wraps(handler)
    async def wrapper(request: Request) -> Response:
        key = request.headers.get("idempotency-key")
        if key is None:
            return await handler(request)
        if not IDEMPOTENCY_KEY.fullmatch(key):
            raise BadRequest(
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
                details=[FieldError("Idempotency-Key", "1..255 visible ASCII")],
            )
        state = gateway(request)
        identity = state.keys.authenticate(request.headers.get("authorization"))
        body = await raw_body(request)

        async def produce() -> Response:
            try:
                return await handler(request)
            except GatewayError as exc:
                return error_response(exc)

        request_print = fingerprint(request.method, request.url.path, body)
        return await state.idempotency.run((identity.digest, key), request_print, produce)

    return wrapper


def error_response(error: GatewayError) -> Response:
    return JSONResponse(
        error.envelope(request_id_var.get()),
        status_code=error.status,
        headers=error.headers or None,
    )


def respond(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    if isinstance(body, BaseModel):
        body = body.model_dump(mode="json")
    return JSONResponse(body, status_code=status, headers=headers)
