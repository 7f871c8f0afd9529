"""Extras on a customer that some upstreams offer: orders (cursor), analytics (period),
credit check; any other connection answers 501."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from adapters.base import Operation
from gateway.caching import tags
from gateway.caching.reads import cached_read
from gateway.http.edge import Call, resolve_id
from gateway.http.endpoint import Endpoint
from gateway.http.handlers import write
from gateway.http.queries import Analytics, OrderList
from gateway.lists.listing import Listing
from kernel.errors import UnsupportedFilter
from schemas import CreditCheck, CustomerAnalytics, Order, Page
from schemas.base import Input


class NoBody(Input):
    """A POST that takes no fields: an empty object, or no body at all."""


async def list_orders(call: Call[OrderList]) -> Response:
    query = call.query
    connection, customer_id = resolve_id(call, "id", Operation.LIST_ORDERS)
    filters = query.filters()
    unsupported = sorted(set(filters) - connection.adapter.order_filters)
    if unsupported:
        raise UnsupportedFilter(
            f"connection {connection.name!r} cannot filter orders by {unsupported}",
            connection=connection.name,
        )
    listing = Listing.of(call, "orders", connection.name, customer=customer_id, filters=filters)
    wanted = listing.query(filters, include_remote_data=query.include_remote_data)

    async def page() -> dict[str, Any]:
        return listing.page(await connection.adapter.list_orders(customer_id, wanted))

    return await cached_read(call, connection, [tags.customer(customer_id)], page)


async def get_analytics(call: Call[Analytics]) -> Response:
    connection, customer_id = resolve_id(call, "id", Operation.GET_ANALYTICS)
    period = call.query.period
    return await cached_read(
        call,
        connection,
        [tags.customer(customer_id)],
        lambda: connection.adapter.get_analytics(customer_id, period),
    )


endpoints = [
    Endpoint(
        "GET",
        "/v1/customers/{id}/orders",
        list_orders,
        "A customer's orders (connections that keep orders)",
        "insights",
        "customers:read",
        query=OrderList,
        answer=Page[Order],
        cached=True,
    ),
    Endpoint(
        "GET",
        "/v1/customers/{id}/analytics",
        get_analytics,
        "A customer's analytics (connections that compute them)",
        "insights",
        "customers:read",
        query=Analytics,
        answer=CustomerAnalytics,
        cached=True,
    ),
    write(
        "POST",
        "/v1/customers/{id}/credit-check",
        Operation.CREDIT_CHECK,
        "Run a credit check (connections that offer one)",
        "insights",
        "customers:write",
        on="resource",
        invalidates=lambda customer_id: [tags.customer(customer_id)],
        body=NoBody,
        optional_body=True,
        answer=CreditCheck,
    ),
]
