"""GET /v1/connections: what each connection the key may use can do."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from adapters.base import Operation
from gateway.changes.health_board import shown
from gateway.http.edge import Call, respond
from gateway.http.endpoint import ANY_KEY, Endpoint
from gateway.http.queries import CUSTOMER_FILTERS
from gateway.upstreams.connections import Connection


def describe(connection: Connection) -> dict[str, Any]:
    adapter = connection.adapter
    return {
        "name": connection.name,
        "adapter": adapter.name,
        "api_version": connection.config.api_version,
        "sandbox": connection.config.is_sandbox,
        "operations": {
            op.value: ("supported" if op in adapter.capabilities else "unsupported")
            for op in Operation
        },
        "alternatives": {op.value: hint for op, hint in adapter.alternatives.items()},
        "customer_filters": {name: adapter.filter_mode(name).value for name in CUSTOMER_FILTERS},
        "customer_sorts": adapter.sort_modes(),
        "item_sorts": sorted(adapter.item_sorts),
        "item_filters": (
            {"updated_since": adapter.item_since_mode(None).value}
            if Operation.LIST_ITEMS in adapter.capabilities
            else {}
        ),
        "field_mapping": {
            kind: adapter.field_mapping.targets(kind) for kind in adapter.mapping_kinds()
        },
        "max_scan_pages": connection.config.max_scan_pages,
    }


async def list_connections(call: Call) -> Response:
    runtime = call.runtime
    visible = [c for c in runtime.connections.values() if call.key.may_use(c.name)]
    return respond(
        {
            "data": [
                {
                    **describe(c),
                    **shown(
                        await call.host.health.entry(c.name), c.adapter.upstream.breaker.state.value
                    ),
                }
                for c in visible
            ],
            "meta": {"default_connection": runtime.config.server.default_connection},
        }
    )


CONNECTIONS_ANSWER = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {"type": "array", "items": {"type": "object"}},
        "meta": {"type": "object"},
    },
}
endpoints = [
    Endpoint(
        "GET",
        "/v1/connections",
        list_connections,
        "Connections and what each can do",
        "operations",
        ANY_KEY,
        answer=CONNECTIONS_ANSWER,
        errors=(400, 401),
    ),
]
