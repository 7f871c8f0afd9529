"""The simulated HubSpot's answer shapes: objects, pages, paging tokens and errors.

An object is ``{"id", "properties", "createdAt", "updatedAt", "archived"}`` (plus
``archivedAt`` once archived, ``associations`` when a read asks for them), as the
v3 objects API's ``SimplePublicObject`` example shows. A list page is ``{"results",
"paging": {"next": {"after", "link"}}}`` with ``paging`` absent on the last page; a
list's ``after`` token is the base64 of the next object's ID and a newline, percent-
encoded, as the docs' own example ``NTI1Cg%3D%3D`` ("525\\n") is, so the list is read
by ID and a row never slips between pages. A search's ``after`` is an offset.
Errors are ``{"status": "error", "message", "correlationId", "category"}`` with
``errors[]`` (``message``, ``code``, ``context.propertyName``) for invalid properties.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.hubspot.simulator.rules import ObjectType, Problem

Record = dict[str, Any]


def stamp(moment: datetime) -> str:
    """``2019-10-30T03:30:17.883Z``: HubSpot's timestamps, in milliseconds."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def now() -> str:
    return stamp(datetime.now(UTC))


def millis(value: str) -> int | None:
    """A datetime property or filter value (ISO 8601 or epoch ms) in epoch ms."""
    if value.isdigit():
        return int(value)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def value_of(record: Record, kind: ObjectType, name: str) -> str | None:
    """Property ``name`` of ``record``, the system ones derived from the record."""
    if name == "hs_object_id":
        return str(record["id"])
    if name == "createdate":
        return str(record["created_at"])
    if name == kind.modified:
        return str(record["updated_at"])
    value = record.get(name)
    return None if value in (None, "") else str(value)


def render(record: Record, kind: ObjectType, wanted: Iterable[str] | None = None) -> Record:
    """``record`` as a read answers it, with the properties ``wanted`` (unknown names
    ignored, unset ones null) or else the type's defaults."""
    names = (
        kind.defaults
        if wanted is None
        else [*dict.fromkeys([*(w for w in wanted if w in kind.properties), *kind.system])]
    )
    out: Record = {
        "id": str(record["id"]),
        "properties": {name: value_of(record, kind, name) for name in sorted(names)},
        "createdAt": record["created_at"],
        "updatedAt": record["updated_at"],
        "archived": record.get("archived_at") is not None,
    }
    if record.get("archived_at") is not None:
        out["archivedAt"] = record["archived_at"]
    return out


def written(record: Record, kind: ObjectType, properties: Iterable[str]) -> Record:
    """The answer to a create or update: the properties it set, and the system ones."""
    return render(record, kind, [p for p in properties if p in kind.properties])


def token(record_id: str) -> str:
    """A list's ``after``: the next ID, base64 with a newline, percent-encoded."""
    raw = base64.b64encode(f"{record_id}\n".encode()).decode()
    return quote(raw, safe="")


def from_token(after: str) -> int | None:
    """The ID a list's ``after`` starts at (taken percent-encoded or not)."""
    text = after
    for _ in range(2):
        if "%" in text:
            text = unquote(text)
    try:
        decoded = base64.b64decode(text, validate=True).decode().strip()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return int(decoded) if decoded.isdigit() else None


def paging(after: str) -> dict[str, Any]:
    return {"next": {"after": after, "link": f"?after={after}"}}


def error(status: int, message: str, category: str, **more: Any) -> Response:
    body = {
        "status": "error",
        "message": message,
        "correlationId": str(uuid.uuid4()),
        "category": category,
        **more,
    }
    return JSONResponse(body, status_code=status)


def not_found() -> Response:
    return error(404, "resource not found", "OBJECT_NOT_FOUND")


def invalid(message: str, problems: Iterable[Problem] = ()) -> Response:
    """400 ``VALIDATION_ERROR``; each problem an ``errors[]`` entry naming its property."""
    found = list(problems)
    more: dict[str, Any] = {}
    if found:
        more["errors"] = [
            {"message": p.message, "code": p.code, "context": {"propertyName": [p.property]}}
            for p in found
        ]
    return error(400, message, "VALIDATION_ERROR", **more)


def invalid_properties(problems: list[Problem]) -> Response:
    """HubSpot's answer to invalid property values: the legacy list in the message too."""
    legacy = [
        {
            "isValid": False,
            "message": p.message,
            "error": p.code,
            "name": p.property,
            "localizedErrorMessage": p.message,
        }
        for p in problems
    ]
    return invalid(f"Property values were not valid: {json.dumps(legacy)}", problems)


async def body_of(request: Request) -> Any:
    """The JSON body, or a 400 answer for one that is not JSON."""
    raw = await request.body()
    try:
        return json.loads(raw or b"{}")
    except ValueError as exc:
        return invalid(f"Invalid input JSON on line 1: {type(exc).__name__}")


async def no_route(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 404)
    if status == 405:
        return error(405, "Method not allowed", "METHOD_NOT_ALLOWED")
    return error(404, f"Unable to find a route for {request.url.path}", "OBJECT_NOT_FOUND")
