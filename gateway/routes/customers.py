"""/v1/customers: list, read, read by code, create, patch, delete."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.base import ListQuery, Operation
from gateway.auth import Identity
from gateway.emulation import scan
from gateway.errors import NotFound
from gateway.fanout import fan_out_customers, is_fan_out, reject_sort, targets
from gateway.filters import CUSTOMER_FILTERS
from gateway.listing import (
    CUSTOMER_SORTS,
    LIST_PARAMS,
    Listing,
    parse_filters,
    parse_sort,
    split_filters,
)
from gateway.reads import cached_read, invalidating
from gateway.web import (
    authorize,
    check_params,
    chosen_connection,
    gateway,
    idempotent,
    query_bool,
    read_body,
    resolve_id,
    respond,
)
from schemas import CustomerCreate, CustomerPatch

# What may stand in an upstream path segment after percent-encoding: no separators,
# no dot-segments, no control characters.
CODE = re.compile(r"(?!\.{1,2}$)[^/\\\x00-\x1f\x7f]{1,100}")


async def list_customers(request: Request) -> Response:
    identity = authorize(request, "customers:read")
    check_params(request, [*LIST_PARAMS, *CUSTOMER_FILTERS, "partial"])
    partial = query_bool(request, "partial", default=True)
    named = request.query_params.get("connection") or request.headers.get("x-connection")
    if is_fan_out(named):
        return await _fan_out(request, identity, named or "", partial)
    connection = chosen_connection(request, identity, Operation.LIST_CUSTOMERS)
    adapter = connection.adapter
    filters = parse_filters(request, CUSTOMER_FILTERS)
    sort = parse_sort(request, CUSTOMER_SORTS)
    native, emulated = split_filters(connection, filters, sort)
    listing = Listing(request, "customers", connection, filters=filters, sort=sort)
    query = ListQuery(
        offset=listing.offset,
        limit=listing.limit,
        filters=native,
        sort=sort,
        include_remote_data=query_bool(request, "include_remote_data"),
    )

    async def page() -> dict[str, Any]:
        if emulated:
            max_pages = connection.config.max_scan_pages
            window = await scan(adapter.list_customers, query, emulated, max_pages)
        else:
            window = await adapter.list_customers(query)
        return listing.page(window, emulated=sorted(emulated))

    return await cached_read(request, identity, connection, ["customers"], page)


async def _fan_out(request: Request, identity: Identity, named: str, partial: bool) -> Response:
    state = gateway(request)
    connections = targets(state, identity, named, Operation.LIST_CUSTOMERS)
    request.state.connection = ",".join(c.name for c in connections)
    filters = parse_filters(request, CUSTOMER_FILTERS)
    reject_sort(parse_sort(request, CUSTOMER_SORTS))

    async def page() -> dict[str, Any]:
        return await fan_out_customers(
            request,
            state,
            connections,
            filters,
            partial=partial,
            include_remote_data=query_bool(request, "include_remote_data"),
        )

    return await cached_read(request, identity, None, ["customers"], page)


async def get_customer(request: Request) -> Response:
    identity = authorize(request, "customers:read")
    check_params(request, ["include_remote_data", "connection"])
    connection, remote_id = resolve_id(request, identity, "id", Operation.GET_CUSTOMER)
    include = query_bool(request, "include_remote_data")
    return await cached_read(
        request,
        identity,
        connection,
        [f"customer:{remote_id}"],
        lambda: connection.adapter.get_customer(remote_id, include_remote_data=include),
    )


async def get_customer_by_code(request: Request) -> Response:
    identity = authorize(request, "customers:read")
    check_params(request, ["include_remote_data", "connection"])
    connection = chosen_connection(request, identity, Operation.GET_CUSTOMER_BY_CODE)
    code = request.path_params["code"]
    if not CODE.fullmatch(code):
        raise NotFound("no customer with that code", connection=connection.name)
    include = query_bool(request, "include_remote_data")
    return await cached_read(
        request,
        identity,
        connection,
        ["customers"],
        lambda: connection.adapter.get_customer_by_code(code, include_remote_data=include),
    )


@idempotent
async def create_customer(request: Request) -> Response:
    identity = authorize(request, "customers:write")
    check_params(request, ["connection"])
    connection = chosen_connection(request, identity, Operation.CREATE_CUSTOMER)
    body = await read_body(request, CustomerCreate)
    with invalidating(connection, "customers"):
        customer = await connection.adapter.create_customer(body)
    return respond(customer, 201, {"Location": f"/v1/customers/{customer.id}"})


async def update_customer(request: Request) -> Response:
    identity = authorize(request, "customers:write")
    check_params(request, ["connection"])
    connection, remote_id = resolve_id(request, identity, "id", Operation.UPDATE_CUSTOMER)
    patch = await read_body(request, CustomerPatch)
    with invalidating(connection, "customers", f"customer:{remote_id}"):
        customer = await connection.adapter.update_customer(remote_id, patch)
    return respond(customer)


async def delete_customer(request: Request) -> Response:
    identity = authorize(request, "customers:delete")
    check_params(request, ["connection"])
    connection, remote_id = resolve_id(request, identity, "id", Operation.DELETE_CUSTOMER)
    with invalidating(connection, "customers", f"customer:{remote_id}"):
        await connection.adapter.delete_customer(remote_id)
    return Response(status_code=204)


routes = [
    Route("/v1/customers", list_customers, methods=["GET"]),
    Route("/v1/customers", create_customer, methods=["POST"]),
    Route("/v1/customers/by-code/{code}", get_customer_by_code, methods=["GET"]),
    Route("/v1/customers/{id}", get_customer, methods=["GET"]),
    Route("/v1/customers/{id}", update_customer, methods=["PATCH"]),
    Route("/v1/customers/{id}", delete_customer, methods=["DELETE"]),
]
