"""The simulated CRM's answer shapes: timestamps, bodies, pages and errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.sandbox.helpers import page_of


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now() -> str:
    return stamp(datetime.now(UTC))


async def checked(
    request: Request, validate: Callable[[dict[str, Any]], list[tuple[str, str]]]
) -> dict[str, Any] | Response:
    """The JSON object sent if it is valid, else the CRM's 400/422 answer."""
    body = await body_of(request)
    if isinstance(body, Response):
        return body
    errors = validate(body)
    return invalid(errors) if errors else body


async def body_of(request: Request) -> dict[str, Any] | Response:
    try:
        body = await request.json()
    except ValueError:
        return JSONResponse(
            {"error": {"code": "bad_request", "message": "Malformed JSON"}}, status_code=400
        )
    if not isinstance(body, dict):
        return invalid([("body", "must be a JSON object")])
    return body


def paged(rows: list[dict[str, Any]], page: int, limit: int) -> Response:
    meta = {"total": len(rows), "page": page, "limit": limit, "hasMore": page * limit < len(rows)}
    return JSONResponse({"data": page_of(rows, page, limit), "meta": meta})


def invalid(errors: list[tuple[str, str]]) -> Response:
    return JSONResponse(
        {
            "error": {
                "code": "validation_error",
                "message": "Validation failed",
                "details": [{"field": f, "message": m} for f, m in errors],
            }
        },
        status_code=422,
    )


def missing(what: str) -> Response:
    return JSONResponse(
        {"error": {"code": "not_found", "message": f"{what} not found"}}, status_code=404
    )


async def no_route(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 404)
    code = "method_not_allowed" if status == 405 else "not_found"
    return JSONResponse(
        {"error": {"code": code, "message": "No such endpoint"}}, status_code=status
    )
