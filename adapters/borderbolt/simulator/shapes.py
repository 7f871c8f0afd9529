"""BorderBolt's answer shapes (a Laravel API), shared by its simulators."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000000Z")


def stamp_now() -> str:
    return stamp(datetime.now(UTC))


async def body(request: Request) -> dict[str, Any] | Response:
    """The JSON object sent, or the answer Laravel gives to anything else."""
    try:
        sent = await request.json()
    except ValueError:
        return JSONResponse({"message": "Malformed JSON."}, status_code=400)
    return sent if isinstance(sent, dict) else invalid({"body": ["The body must be an object."]})


def answer(
    record: dict[str, Any], keys: tuple[str, ...], message: str, status: int = 200
) -> Response:
    """A partial object and a message, as create/update/verify answer."""
    return JSONResponse(
        {"data": {k: record.get(k) for k in keys}, "message": message}, status_code=status
    )


def invalid(errors: dict[str, list[str]]) -> Response:
    first = next(iter(errors.values()))[0]
    more = sum(len(v) for v in errors.values()) - 1
    message = f"{first} (and {more} more error{'s' if more > 1 else ''})" if more else first
    return JSONResponse({"message": message, "errors": errors}, status_code=422)


def missing(what: str) -> Response:
    return JSONResponse({"error": "not_found", "message": f"{what} not found."}, status_code=404)


async def found_and_body(
    request: Request, records: dict[int, dict[str, Any]], what: str
) -> tuple[dict[str, Any], dict[str, Any]] | Response:
    """The record at the path's ``{id}`` and the JSON object sent, or the 404/400/422."""
    record = records.get(request.path_params["id"])
    if record is None:
        return missing(what)
    sent = await body(request)
    return sent if isinstance(sent, Response) else (record, sent)
