"""/v1/customers: list (one connection or a fan-out), read, read by code, and writes."""

from __future__ import annotations

import re
from typing import Any

from starlette.responses import Response

from adapters.base import Operation
from gateway.caching import tags
from gateway.caching.reads import cached_read
from gateway.http.edge import Call, chosen_connection
from gateway.http.endpoint import COMMON, Endpoint
from gateway.http.handlers import read_one, write
from gateway.http.queries import CUSTOMER_LIST, CustomerList, Read
from gateway.lists.fanout import fan_out_customers, is_fan_out, reject_sort, targets
from gateway.lists.listing import Listing
from kernel.errors import NotFound
from schemas import Customer, CustomerCreate, CustomerPatch, Page

# What may stand in an upstream path segment after percent-encoding: no separators,
# no dot-segments, no control characters.
CODE = re.compile(r"(?!\.{1,2}$)[^/\\\x00-\x1f\x7f]{1,100}")


async def list_customers(call: Call[CustomerList]) -> Response:
    query = call.query
    if is_fan_out(call.named_connection):
        return await _fan_out(call, query)
    connection = chosen_connection(call, Operation.LIST_CUSTOMERS)
    filters = query.filters()
    native, emulated = connection.adapter.plan_filters(filters, query.sort)
    listing = Listing.of(call, "customers", connection.name, filters=filters, sort=query.sort)
    wanted = listing.query(native, sort=query.sort, include_remote_data=query.include_remote_data)

    async def page() -> dict[str, Any]:
        max_pages = connection.config.max_scan_pages
        window = await connection.adapter.find_customers(wanted, emulated, max_pages)
        return listing.page(window, emulated=emulating)

    emulating = sorted(emulated) + (
        ["sort"] if connection.adapter.sort_is_emulated(query.sort) else []
    )

    return await cached_read(call, connection, [tags.CUSTOMERS], page)


async def _fan_out(call: Call, query: CustomerList) -> Response:
    connections = targets(
        call.runtime, call.key, call.named_connection or "", Operation.LIST_CUSTOMERS
    )
    call.note_connection(",".join(c.name for c in connections))
    reject_sort(query.sort)

    async def page() -> dict[str, Any]:
        return await fan_out_customers(
            call.runtime.cursors,
            connections,
            query.filters(),
            limit=query.limit,
            cursor=query.cursor,
            partial=query.partial,
            include_remote_data=query.include_remote_data,
        )

    return await cached_read(call, None, [tags.CUSTOMERS], page)


async def get_customer_by_code(call: Call[Read]) -> Response:
    connection = chosen_connection(call, Operation.GET_CUSTOMER_BY_CODE)
    code = call.path_params["code"]
    if not CODE.fullmatch(code):
        raise NotFound("no customer with that code", connection=connection.name)
    include = call.query.include_remote_data
    return await cached_read(
        call,
        connection,
        [tags.CUSTOMERS],
        lambda: connection.adapter.get_customer_by_code(code, include_remote_data=include),
    )


def _customer_and_list(remote_id: str) -> list[str]:
    return [tags.CUSTOMERS, tags.customer(remote_id)]


READ, WRITE, DELETE = "customers:read", "customers:write", "customers:delete"
endpoints = [
    Endpoint(
        "GET",
        "/v1/customers",
        list_customers,
        "List customers",
        "customers",
        READ,
        query=CUSTOMER_LIST,
        answer=Page[Customer],
        cached=True,
    ),
    write(
        "POST",
        "/v1/customers",
        Operation.CREATE_CUSTOMER,
        "Create a customer",
        "customers",
        WRITE,
        on="collection",
        invalidates=lambda: [tags.CUSTOMERS],
        body=CustomerCreate,
        answer=Customer,
        status=201,
        location="/v1/customers/{id}",
    ),
    Endpoint(
        "GET",
        "/v1/customers/by-code/{code}",
        get_customer_by_code,
        "A customer by its code",
        "customers",
        READ,
        query=Read,
        answer=Customer,
        cached=True,
    ),
    Endpoint(
        "GET",
        "/v1/customers/{id}",
        read_one(Operation.GET_CUSTOMER, tags.customer),
        "One customer, with contacts",
        "customers",
        READ,
        query=Read,
        answer=Customer,
        cached=True,
    ),
    write(
        "PATCH",
        "/v1/customers/{id}",
        Operation.UPDATE_CUSTOMER,
        "Update a customer (merge patch)",
        "customers",
        WRITE,
        on="resource",
        invalidates=_customer_and_list,
        body=CustomerPatch,
        answer=Customer,
    ),
    write(
        "DELETE",
        "/v1/customers/{id}",
        Operation.DELETE_CUSTOMER,
        "Delete a customer",
        "customers",
        DELETE,
        on="resource",
        invalidates=_customer_and_list,
        errors=(*COMMON, 409),
    ),
]
