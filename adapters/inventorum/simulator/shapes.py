"""The simulated Inventorum's answer shapes: a customer as each API version renders it,
and its error body ``{"error": {"fields", "description", "key"}}``.

As the docs' examples show, ``total_sales`` is in the answers to POST and PUT only:
list rows and single reads do not carry it (``render(..., written=True)`` adds it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kernel.numbers import ascii_int

BERLIN_SUMMER = timezone(timedelta(hours=2))
WRITE_ANSWER_ONLY = ("total_sales",)  # kept with the record, shown by write answers only


def error(status: int, fields: dict[str, list[str]], description: str | None, key: str) -> Response:
    body = {"error": {"fields": fields, "description": description, "key": key}}
    return JSONResponse(body, status_code=status)


def missing() -> Response:
    return error(404, {}, None, "common.unknown")


def invalid(fields: dict[str, list[str]]) -> Response:
    return error(400, fields, "Serialization error", "common.serializer_error")


def render(record: dict[str, Any], version: int, *, written: bool = False) -> dict[str, Any]:
    """``record`` as API ``version`` shows it: in a list or single read, or (``written``)
    in the answer to the POST or PUT that wrote it."""
    hidden = ("phones", "birthday", *(() if written else WRITE_ANSWER_ONLY))
    out = {k: v for k, v in record.items() if k not in hidden}
    if version <= 9:
        out["phone_numbers"] = [
            {"national_number": p, "type": "mobile", "country_code": "DE"} for p in record["phones"]
        ]
    else:
        out["phone_number"] = record["phones"][0] if record["phones"] else ""
    birthday = record.get("birthday")
    out["birthday"] = (
        datetime.fromisoformat(birthday).astimezone(BERLIN_SUMMER).isoformat() if birthday else None
    )
    return out


def stored(rendered: dict[str, Any]) -> dict[str, Any]:
    """A customer as an Inventorum answer shows it (either version), as the tenant keeps
    it: phones as a list of numbers, the birthday in UTC. The inverse of ``render``."""
    record = {k: v for k, v in rendered.items() if k not in ("phone_number", "phone_numbers")}
    if "phone_numbers" in rendered:
        record["phones"] = [str(p["national_number"]) for p in rendered["phone_numbers"]]
    else:
        record["phones"] = [rendered["phone_number"]] if rendered.get("phone_number") else []
    birthday = rendered.get("birthday")
    if birthday:
        moment = datetime.fromisoformat(birthday).astimezone(UTC)
        record["birthday"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return record


def version_of(request: Request) -> int | None:
    raw = request.headers.get("x-api-version", "10")
    version = ascii_int(raw)
    return version if version is not None and 1 <= version <= 10 else None


async def no_route(request: Request, exc: Exception) -> Response:
    return missing()
