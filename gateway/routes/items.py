"""/v1/items: the item master, on connections whose adapter has items; any other
connection answers 501."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from adapters.base import FilterSupport, Operation
from gateway.caching import tags
from gateway.caching.reads import cached_read
from gateway.http.edge import Call, chosen_connection, resolve_id
from gateway.http.endpoint import COMMON, Endpoint
from gateway.http.handlers import read_one, write
from gateway.http.queries import ItemList, ItemSearch, OnConnection, PendingChanges, Read
from gateway.lists.listing import Listing, whole
from gateway.upstreams.connections import Connection
from kernel.errors import BadRequest, FieldError
from kernel.ids import remote_part
from schemas import Document, Item, ItemCreate, ItemPatch, Page, PendingChange


def _customer(value: str | None, connection: Connection) -> str | None:
    """The remote ID of the ``customer_id`` filter, which must be on ``connection``."""
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


async def list_items(call: Call[ItemList]) -> Response:
    query = call.query
    connection = chosen_connection(call, Operation.LIST_ITEMS)
    filters: dict[str, Any] = {
        "q": query.q,
        "status": query.status,
        "customer_id": _customer(query.customer_id, connection),
    }
    filters = {k: v for k, v in filters.items() if v is not None}
    sort = query.sort
    adapter = connection.adapter
    if sort and sort.lstrip("-") not in adapter.item_sorts:
        raise BadRequest(
            f"connection {connection.name!r} cannot sort items by {sort.lstrip('-')!r}",
            connection=connection.name,
            details=[
                FieldError("sort", f"supported here: {', '.join(sorted(adapter.item_sorts))}")
            ],
        )
    since = query.updated_since
    bound = {**filters, **({"updated_since": since} if since else {})}
    listing = Listing.of(call, "items", connection.name, filters=bound, sort=sort)
    wanted = listing.query(filters, sort=sort, include_remote_data=query.include_remote_data)
    emulated = since is not None and adapter.item_since_mode(sort) is FilterSupport.EMULATED

    async def page() -> dict[str, Any]:
        window = await adapter.find_items(wanted, since, connection.config.max_scan_pages)
        return listing.page(window, emulated=["updated_since"] if emulated else [])

    return await cached_read(call, connection, [tags.ITEMS], page)


async def search_items(call: Call[ItemSearch]) -> Response:
    query = call.query
    connection = chosen_connection(call, Operation.SEARCH_ITEMS)
    q = query.q
    if not q:
        raise BadRequest("q is required", details=[FieldError("q", "a search term")])
    customer = _customer(query.customer_id, connection)
    adapter = connection.adapter

    async def hits() -> dict[str, Any]:
        found = await adapter.search_items(q, customer)
        return whole(found, connection.name, adapter.item_search_limit)

    return await cached_read(call, connection, [tags.ITEMS], hits)


async def list_pending_changes(call: Call[PendingChanges]) -> Response:
    connection, remote_id = resolve_id(call, "id", Operation.LIST_PENDING_CHANGES)
    status = call.query.status

    async def changes() -> dict[str, Any]:
        found = await connection.adapter.list_pending_changes(remote_id, status)
        return whole(found, connection.name)

    return await cached_read(call, connection, [tags.item(remote_id)], changes)


async def list_documents(call: Call) -> Response:
    connection, remote_id = resolve_id(call, "id", Operation.LIST_DOCUMENTS)

    async def documents() -> dict[str, Any]:
        return whole(await connection.adapter.list_documents(remote_id), connection.name)

    return await cached_read(call, connection, [tags.item(remote_id)], documents)


def _item_and_list(remote_id: str) -> list[str]:
    return [tags.ITEMS, tags.item(remote_id)]


READ, WRITE = "items:read", "items:write"
ONE = "/v1/items/{id}"
endpoints = [
    Endpoint(
        "GET",
        "/v1/items",
        list_items,
        "List items",
        "items",
        READ,
        query=ItemList,
        answer=Page[Item],
        cached=True,
    ),
    write(
        "POST",
        "/v1/items",
        Operation.CREATE_ITEM,
        "Create an item",
        "items",
        WRITE,
        on="collection",
        invalidates=lambda: [tags.ITEMS],
        body=ItemCreate,
        answer=Item,
        status=201,
        location="/v1/items/{id}",
    ),
    Endpoint(
        "GET",
        "/v1/items/search",
        search_items,
        "Type-ahead search (at most 20)",
        "items",
        READ,
        query=ItemSearch,
        answer=Page[Item],
        cached=True,
    ),
    Endpoint(
        "GET",
        ONE,
        read_one(Operation.GET_ITEM, tags.item),
        "One item, with documents and pending changes",
        "items",
        READ,
        query=Read,
        answer=Item,
        cached=True,
    ),
    write(
        "PATCH",
        ONE,
        Operation.UPDATE_ITEM,
        "Update an item (merge patch)",
        "items",
        WRITE,
        on="resource",
        invalidates=_item_and_list,
        body=ItemPatch,
        answer=Item,
    ),
    write(
        "DELETE",
        ONE,
        Operation.DELETE_ITEM,
        "Delete an item",
        "items",
        "items:delete",
        on="resource",
        invalidates=_item_and_list,
        errors=COMMON,
    ),
    write(
        "POST",
        "/v1/items/{id}/duplicate",
        Operation.DUPLICATE_ITEM,
        "Duplicate an item",
        "items",
        WRITE,
        on="resource",
        invalidates=lambda remote_id: [tags.ITEMS],
        answer=Item,
        status=201,
        location="/v1/items/{id}",
    ),
    write(
        "POST",
        "/v1/items/{id}/verify",
        Operation.VERIFY_ITEM,
        "Mark an item verified",
        "items",
        WRITE,
        on="resource",
        invalidates=_item_and_list,
        answer=Item,
    ),
    Endpoint(
        "GET",
        "/v1/items/{id}/pending-changes",
        list_pending_changes,
        "An item's pending changes",
        "items",
        READ,
        query=PendingChanges,
        answer=Page[PendingChange],
        cached=True,
    ),
    Endpoint(
        "GET",
        "/v1/items/{id}/documents",
        list_documents,
        "An item's documents",
        "items",
        READ,
        query=OnConnection,
        answer=Page[Document],
        cached=True,
    ),
]
