"""GET /v1/connections: what each connection the key may use can do."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.base import FilterSupport, Operation
from gateway.connections import Connection
from gateway.filters import CUSTOMER_FILTERS
from gateway.routes.admin import health
from gateway.web import check_params, gateway, respond


def describe(connection: Connection) -> dict[str, Any]:
    adapter = connection.adapter
    return {
        "name": connection.name,
        "adapter": adapter.name,
        "api_version": connection.config.api_version,
        "sandbox": connection.config.is_sandbox,
        "health": health(connection.adapter.upstream.breaker.state.value),
        "operations": {
            op.value: ("supported" if op in adapter.capabilities else "unsupported")
            for op in Operation
        },
        "alternatives": {op.value: hint for op, hint in adapter.alternatives.items()},
        "customer_filters": {
            name: adapter.customer_filters.get(name, FilterSupport.UNSUPPORTED).value
            for name in CUSTOMER_FILTERS
        },
        "customer_sorts": sorted(adapter.customer_sorts),
        "max_scan_pages": connection.config.max_scan_pages,
    }


async def list_connections(request: Request) -> Response:
    state = gateway(request)
    identity = state.keys.authenticate(request.headers.get("authorization"))
    request.state.key_name = identity.name
    check_params(request, [])
    visible = [c for c in state.connections.values() if identity.may_use(c.name)]
    return respond(
        {
            "data": [describe(c) for c in visible],
            "meta": {"default_connection": state.config.server.default_connection},
        }
    )


routes = [Route("/v1/connections", list_connections, methods=["GET"])]
