"""/v1/items: the item master (BorderBolt); any other connection answers 501."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.base import ListQuery, Operation
from gateway.connections import Connection
from gateway.errors import BadRequest, FieldError
from gateway.ids import remote_part
from gateway.listing import LIST_PARAMS, Listing, parse_sort
from gateway.reads import cached_read, invalidating
from gateway.web import (
    authorize,
    check_params,
    chosen_connection,
    idempotent,
    query_bool,
    read_body,
    resolve_id,
    respond,
)
from schemas import ItemCreate, ItemPatch

ITEM_SORTS = ("code", "description", "hs_code", "status", "created_at", "updated_at")
STATUSES = ("active", "inactive", "pending")
CHANGE_STATUSES = ("pending", "approved", "rejected")
SEARCH_MAX = 20


def _customer(request: Request, connection: Connection) -> str | None:
    """The remote ID of the ``customer_id`` filter, which must be on ``connection``."""
    value = request.query_params.get("customer_id")
    if value is None:
        return None
    remote = remote_part(value, connection.name, connection.adapter.valid_remote_id)
    if remote is None:
        raise BadRequest(
            f"customer_id must be a customer ID on {connection.name!r}",
            connection=connection.name,
            details=[FieldError("customer_id", f"e.g. '{connection.name}:501'")],
        )
    return remote


def _text(request: Request, name: str, maximum: int = 255) -> str | None:
    value = request.query_params.get(name)
    if value is not None and not 1 <= len(value) <= maximum:
        raise BadRequest(
            f"{name} must be 1 to {maximum} characters",
            details=[FieldError(name, f"1..{maximum} characters")],
        )
    return value


def _choice(
    request: Request, name: str, allowed: tuple[str, ...], default: str | None
) -> str | None:
    value = request.query_params.get(name, default)
    if value is not None and value not in allowed:
        raise BadRequest(
            f"{name} must be one of {list(allowed)}",
            details=[FieldError(name, f"one of {list(allowed)}")],
        )
    return value


async def list_items(request: Request) -> Response:
    identity = authorize(request, "items:read")
    check_params(request, [*LIST_PARAMS, "q", "status", "customer_id"])
    connection = chosen_connection(request, identity, Operation.LIST_ITEMS)
    filters: dict[str, Any] = {
        "q": _text(request, "q"),
        "status": _choice(request, "status", STATUSES, None),
        "customer_id": _customer(request, connection),
    }
    filters = {k: v for k, v in filters.items() if v is not None}
    sort = parse_sort(request, ITEM_SORTS)
    if sort and sort.lstrip("-") not in connection.adapter.item_sorts:
        raise BadRequest(f"connection {connection.name!r} cannot sort items by {sort!r}")
    listing = Listing(request, "items", connection, filters=filters, sort=sort)
    query = ListQuery(
        offset=listing.offset,
        limit=listing.limit,
        filters=filters,
        sort=sort,
        include_remote_data=query_bool(request, "include_remote_data"),
    )

    async def page() -> dict[str, Any]:
        return listing.page(await connection.adapter.list_items(query))

    return await cached_read(request, identity, connection, ["items"], page)


async def search_items(request: Request) -> Response:
    identity = authorize(request, "items:read")
    check_params(request, ["q", "customer_id", "connection"])
    connection = chosen_connection(request, identity, Operation.SEARCH_ITEMS)
    q = _text(request, "q")
    if not q:
        raise BadRequest("q is required", details=[FieldError("q", "a search term")])
    customer = _customer(request, connection)

    async def hits() -> dict[str, Any]:
        return _whole(await connection.adapter.search_items(q, customer), connection, SEARCH_MAX)

    return await cached_read(request, identity, connection, ["items"], hits)


async def get_item(request: Request) -> Response:
    identity = authorize(request, "items:read")
    check_params(request, ["include_remote_data", "connection"])
    connection, remote_id = resolve_id(request, identity, "id", Operation.GET_ITEM)
    include = query_bool(request, "include_remote_data")
    return await cached_read(
        request,
        identity,
        connection,
        [f"item:{remote_id}"],
        lambda: connection.adapter.get_item(remote_id, include_remote_data=include),
    )


@idempotent
async def create_item(request: Request) -> Response:
    identity = authorize(request, "items:write")
    check_params(request, ["connection"])
    connection = chosen_connection(request, identity, Operation.CREATE_ITEM)
    body = await read_body(request, ItemCreate)
    with invalidating(connection, "items"):
        item = await connection.adapter.create_item(body)
    return respond(item, 201, {"Location": f"/v1/items/{item.id}"})


async def update_item(request: Request) -> Response:
    identity = authorize(request, "items:write")
    check_params(request, ["connection"])
    connection, remote_id = resolve_id(request, identity, "id", Operation.UPDATE_ITEM)
    patch = await read_body(request, ItemPatch)
    with invalidating(connection, "items", f"item:{remote_id}"):
        item = await connection.adapter.update_item(remote_id, patch)
    return respond(item)


async def delete_item(request: Request) -> Response:
    identity = authorize(request, "items:delete")
    check_params(request, ["connection"])
    connection, remote_id = resolve_id(request, identity, "id", Operation.DELETE_ITEM)
    with invalidating(connection, "items", f"item:{remote_id}"):
        await connection.adapter.delete_item(remote_id)
    return Response(status_code=204)


@idempotent
async def duplicate_item(request: Request) -> Response:
    identity = authorize(request, "items:write")
    check_params(request, ["connection"])
    connection, remote_id = resolve_id(request, identity, "id", Operation.DUPLICATE_ITEM)
    with invalidating(connection, "items"):
        copy = await connection.adapter.duplicate_item(remote_id)
    return respond(copy, 201, {"Location": f"/v1/items/{copy.id}"})


@idempotent
async def verify_item(request: Request) -> Response:
    identity = authorize(request, "items:write")
    check_params(request, ["connection"])
    connection, remote_id = resolve_id(request, identity, "id", Operation.VERIFY_ITEM)
    with invalidating(connection, "items", f"item:{remote_id}"):
        item = await connection.adapter.verify_item(remote_id)
    return respond(item)


async def list_pending_changes(request: Request) -> Response:
    identity = authorize(request, "items:read")
    check_params(request, ["status", "connection"])
    connection, remote_id = resolve_id(request, identity, "id", Operation.LIST_PENDING_CHANGES)
    status = _choice(request, "status", CHANGE_STATUSES, "pending")
    assert status is not None

    async def changes() -> dict[str, Any]:
        found = await connection.adapter.list_pending_changes(remote_id, status)
        return _whole(found, connection)

    return await cached_read(request, identity, connection, [f"item:{remote_id}"], changes)


async def list_documents(request: Request) -> Response:
    identity = authorize(request, "items:read")
    check_params(request, ["connection"])
    connection, remote_id = resolve_id(request, identity, "id", Operation.LIST_DOCUMENTS)

    async def documents() -> dict[str, Any]:
        return _whole(await connection.adapter.list_documents(remote_id), connection)

    return await cached_read(request, identity, connection, [f"item:{remote_id}"], documents)


def _whole(rows: list[Any], connection: Connection, limit: int | None = None) -> dict[str, Any]:
    """The list envelope for an upstream list that comes whole (no cursor)."""
    return {
        "data": [row.model_dump(mode="json") for row in rows],
        "meta": {
            "next_cursor": None,
            "limit": limit or len(rows),
            "total": len(rows),
            "connections": [connection.name],
            "emulated": [],
            "errors": [],
        },
    }


routes = [
    Route("/v1/items", list_items, methods=["GET"]),
    Route("/v1/items", create_item, methods=["POST"]),
    Route("/v1/items/search", search_items, methods=["GET"]),
    Route("/v1/items/{id}", get_item, methods=["GET"]),
    Route("/v1/items/{id}", update_item, methods=["PATCH"]),
    Route("/v1/items/{id}", delete_item, methods=["DELETE"]),
    Route("/v1/items/{id}/duplicate", duplicate_item, methods=["POST"]),
    Route("/v1/items/{id}/verify", verify_item, methods=["POST"]),
    Route("/v1/items/{id}/pending-changes", list_pending_changes, methods=["GET"]),
    Route("/v1/items/{id}/documents", list_documents, methods=["GET"]),
]
