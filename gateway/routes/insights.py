"""CRM extras on a customer: orders (cursor), analytics (period), credit check."""

from __future__ import annotations

import re
from typing import Any, get_args

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.base import ListQuery, Operation
from gateway.errors import BadRequest, FieldError, UnsupportedFilter
from gateway.listing import Listing
from gateway.reads import cached_read, invalidating
from gateway.web import (
    authorize,
    check_params,
    idempotent,
    query_bool,
    read_body,
    resolve_id,
    respond,
)
from schemas import Period
from schemas.base import Input

ORDER_FILTERS = ("status", "date_from", "date_to")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?")
PERIODS: tuple[str, ...] = get_args(Period)


class NoBody(Input):
    """A POST that takes no fields: an empty object, or no body at all."""


async def list_orders(request: Request) -> Response:
    identity = authorize(request, "customers:read")
    check_params(request, ["limit", "cursor", "connection", "include_remote_data", *ORDER_FILTERS])
    connection, customer_id = resolve_id(request, identity, "id", Operation.LIST_ORDERS)
    filters = {k: v for k in ORDER_FILTERS if (v := request.query_params.get(k)) is not None}
    for name in ("date_from", "date_to"):
        if name in filters and not DATE.fullmatch(filters[name]):
            raise BadRequest(
                f"{name} must be an ISO 8601 date", details=[FieldError(name, "YYYY-MM-DD")]
            )
    unsupported = sorted(set(filters) - connection.adapter.order_filters)
    if unsupported:
        raise UnsupportedFilter(
            f"connection {connection.name!r} cannot filter orders by {unsupported}",
            connection=connection.name,
        )
    listing = Listing(request, "orders", connection, customer=customer_id, filters=filters)
    query = ListQuery(
        offset=listing.offset,
        limit=listing.limit,
        filters=filters,
        include_remote_data=query_bool(request, "include_remote_data"),
    )

    async def page() -> dict[str, Any]:
        return listing.page(await connection.adapter.list_orders(customer_id, query))

    return await cached_read(request, identity, connection, [f"customer:{customer_id}"], page)


async def get_analytics(request: Request) -> Response:
    identity = authorize(request, "customers:read")
    check_params(request, ["period", "connection"])
    connection, customer_id = resolve_id(request, identity, "id", Operation.GET_ANALYTICS)
    period = request.query_params.get("period", "all")
    if period not in PERIODS:
        raise BadRequest(
            f"period must be one of {list(PERIODS)}",
            details=[FieldError("period", f"one of {list(PERIODS)}")],
        )
    return await cached_read(
        request,
        identity,
        connection,
        [f"customer:{customer_id}"],
        lambda: connection.adapter.get_analytics(customer_id, period),  # type: ignore[arg-type]
    )


@idempotent
async def credit_check(request: Request) -> Response:
    identity = authorize(request, "customers:write")
    check_params(request, ["connection"])
    connection, customer_id = resolve_id(request, identity, "id", Operation.CREDIT_CHECK)
    if request.headers.get("content-length", "0") != "0" or "transfer-encoding" in request.headers:
        await read_body(request, NoBody)
    with invalidating(connection, f"customer:{customer_id}"):
        check = await connection.adapter.credit_check(customer_id)
    return respond(check)


routes = [
    Route("/v1/customers/{id}/orders", list_orders, methods=["GET"]),
    Route("/v1/customers/{id}/analytics", get_analytics, methods=["GET"]),
    Route("/v1/customers/{id}/credit-check", credit_check, methods=["POST"]),
]
