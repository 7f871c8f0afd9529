"""/admin/audit and /admin/config/versions (API.md section 11): what was done, by whom,
and every accepted config, with rollback.

- ``GET /admin/audit?actor=&action=&connection=&limit=&cursor=``: records newest first,
  ``limit`` 1..100 (25), ``meta.next_cursor`` signed and bound to the filters.
- ``GET /admin/config/versions``: every accepted config (the one loaded at start
  included), newest first: ``{id, at, actor, etag}``.
- ``GET /admin/config/versions/{id}``: one, with its config, secrets masked.
- ``POST /admin/config/rollback {"version": id}`` with ``If-Match``: that version's
  config exactly, secrets included (it ends on that version's ETag), validated,
  published, written and applied like a PUT, and itself a new version. A version's
  secrets come back from ``GATEWAY_SECRETS_KEY``, or without it from the running config
  where they did not change since; a rollback that needs a secret neither can give is
  refused (409, naming the paths), never applied in part.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, TypeVar

from pydantic import Field
from starlette.responses import JSONResponse, Response

from gateway.config import file as live
from gateway.config.model import Config
from gateway.config.sealing import Unrestorable
from gateway.http.edge import Call
from gateway.http.endpoint import Endpoint
from gateway.http.queries import Limit, Query
from gateway.lists.cursor import binding
from gateway.routes.admin import FREE, IF_MATCH, replace_config, validated_config
from gateway.store import StoreDown
from kernel.errors import (
    Conflict,
    FieldError,
    InvalidCursor,
    NotFound,
    StateUnavailable,
    ValidationFailed,
)
from kernel.numbers import ascii_int
from schemas.base import Input

T = TypeVar("T")


class AuditQuery(Query):
    actor: str | None = Field(None, description="an API key's name")
    action: str | None = Field(None, description="e.g. customer.create, config.put")
    connection: str | None = Field(None, description="a connection's name")
    limit: Limit = Field(25, description="records per page, 1..100")
    cursor: str | None = Field(None, description="meta.next_cursor of the previous page")


class Rollback(Input):
    version: int = Field(
        ge=1, lt=2**63, description="the id of a version in GET /admin/config/versions"
    )


async def list_audit(call: Call[AuditQuery]) -> Response:
    query = call.query
    filters = {k: v for k in ("actor", "action", "connection") if (v := getattr(query, k))}
    bound = binding(route="audit", filters=filters)
    before = None
    if query.cursor:
        before = call.runtime.cursors.decode(query.cursor, bound).get("b")
        if not isinstance(before, int):
            raise InvalidCursor("the cursor is not one this gateway issued")
    await call.host.audit.flush()  # this process's records are all in the store first
    rows = await call.runtime.store.audit_page(filters, query.limit + 1, before)
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    cursor = call.runtime.cursors.encode(bound, {"b": rows[-1]["id"]}) if more else None
    return JSONResponse({"data": rows, "meta": {"next_cursor": cursor, "limit": query.limit}})


async def list_versions(call: Call) -> Response:
    versions = await _store_read(call.runtime.store.config_versions())
    data = [{"id": v.id, "at": v.at, "actor": v.actor, "etag": v.etag} for v in versions]
    return JSONResponse({"data": data, "meta": {"current": call.host.etag}})


async def get_version(call: Call) -> Response:
    version_id = ascii_int(call.path_params["id"])
    store = call.runtime.store
    version = await _store_read(store.config_version(version_id)) if version_id else None
    if version is None:
        raise NotFound("no such config version; see GET /admin/config/versions")
    shown = live.as_json(live.load(version.kept.skeleton))  # masked at rest already
    body: dict[str, Any] = {
        "id": version.id,
        "at": version.at,
        "actor": version.actor,
        "etag": version.etag,
        "config": shown,
    }
    return JSONResponse(body)


async def rollback(call: Call) -> Response:
    wanted: Rollback = call.body
    version = await _store_read(call.runtime.store.config_version(wanted.version))
    if version is None:
        raise ValidationFailed(
            "no such config version",
            details=[FieldError("version", "an id from GET /admin/config/versions")],
        )
    sealer = await _store_read(call.host.sealer())

    def proposed(current: str) -> tuple[str, Config]:
        try:
            text = sealer.restore(version.kept, current)
        except Unrestorable as exc:
            raise Conflict(
                f"version {version.id} had secrets this gateway cannot restore: they are kept "
                f"only encrypted (GATEWAY_SECRETS_KEY) and differ from the running config's; "
                "send that config with PUT /admin/config instead",
                details=[FieldError(path, "secret not restorable") for path in exc.paths],
            ) from exc
        return text, validated_config(text)

    return await replace_config(call, proposed)


async def _store_read(pending: Awaitable[T]) -> T:
    try:
        return await pending
    except StoreDown as exc:
        raise StateUnavailable("the state store is unavailable; try again shortly") from exc


def admin_endpoint(method: str, path: str, handler: Any, summary: str, **more: Any) -> Endpoint:
    """An admin endpoint (scope ``admin``, a free-form JSON answer)."""
    return Endpoint(method, path, handler, summary, "admin", "admin", answer=FREE, **more)


endpoints = [
    admin_endpoint(
        "GET",
        "/admin/audit",
        list_audit,
        "The audit log, newest first",
        query=AuditQuery,
        errors=(400, 401, 403),
    ),
    admin_endpoint(
        "GET",
        "/admin/config/versions",
        list_versions,
        "Every accepted config",
        errors=(401, 403, 503),
    ),
    admin_endpoint(
        "GET",
        "/admin/config/versions/{id}",
        get_version,
        "One config version",
        errors=(401, 403, 404, 503),
    ),
    admin_endpoint(
        "POST",
        "/admin/config/rollback",
        rollback,
        "Go back to a config version (If-Match), applied live",
        body=Rollback,
        headers=(IF_MATCH,),
        errors=(400, 401, 403, 409, 412, 413, 422, 428, 503),
        action="config.rollback",
    ),
]
