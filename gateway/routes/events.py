"""GET /v1/events: the change feed (API.md section 9; gateway/changes/feed.py).

A key sees the events of the resources it may read (``customers:read``: customers
and contacts; ``items:read``: items) on the connections it may use; a key with the
``admin`` scope also sees ``connection.health_changed`` (API.md section 15). ``next_cursor``
is always there: it is where the next poll starts, also when this page was empty.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field
from starlette.responses import Response

from adapters.kinds import EVENT_TYPES, KINDS
from gateway.changes.feed import ChangeFeed
from gateway.config.changes import GATEWAY_EVENTS, HEALTH_EVENT
from gateway.http.edge import Call, respond
from gateway.http.endpoint import ANY_KEY, Endpoint
from gateway.http.queries import Limit, Query, Text
from gateway.lists.cursor import binding
from gateway.store import StoreDown
from gateway.store.event_lanes import lanes_for
from kernel.errors import BadRequest, FieldError, Forbidden, InvalidCursor, StateUnavailable

READ_SCOPE: dict[str, str] = {name: f"{kind.scope}:read" for name, kind in KINDS.items()}
READ_SCOPE[HEALTH_EVENT.partition(".")[0]] = "admin"
TYPES = (*EVENT_TYPES, *GATEWAY_EVENTS)


class EventList(Query):
    connection: Text | None = Field(None, description="only this connection's events ('a,b')")
    type: Text | None = Field(
        None, description="only these event types, comma-separated, e.g. customer.updated"
    )
    resource_id: Text | None = Field(None, description="only the events of this canonical ID")
    limit: Limit = Field(25, description="events per page, 1..100")
    cursor: str | None = Field(
        None, description="meta.next_cursor of the previous page: only newer events"
    )


def _types(call: Call, wanted: str | None) -> set[str]:
    readable = {t for t in TYPES if READ_SCOPE[t.partition(".")[0]] in call.key.scopes}
    if not readable:
        raise Forbidden(
            "this API key may read no resource, so no events: it needs customers:read, "
            "items:read or admin"
        )
    if wanted is None:
        return readable
    asked = {t.strip() for t in wanted.split(",") if t.strip()}
    if unknown := sorted(asked - set(TYPES)):
        raise BadRequest(
            f"unknown event type {', '.join(unknown)}",
            details=[FieldError("type", f"one or more of {', '.join(TYPES)}")],
        )
    if hidden := sorted(asked - readable):
        scope = READ_SCOPE[hidden[0].partition(".")[0]]
        raise Forbidden(f"reading {hidden[0]} events needs the scope {scope!r}")
    return asked


def _connections(call: Call, wanted: str | None) -> set[str] | None:
    if wanted is None:
        return None if "*" in call.key.connections else set(call.key.connections)
    asked = {c.strip() for c in wanted.split(",") if c.strip()}
    for name in sorted(asked):
        call.key.require_connection(name)
    return asked


async def list_events(call: Call[EventList]) -> Response:
    query = call.query
    types = _types(call, query.type)
    connections = _connections(call, query.connection)
    resource = query.resource_id
    bound = binding(route="events", type=query.type, connection=query.connection, id=resource)
    after: str | None = None
    if query.cursor:
        after = call.runtime.cursors.decode(query.cursor, bound).get("after")
        if after is not None and not isinstance(after, str):
            raise InvalidCursor("the cursor is not one this gateway issued")

    def wanted(event: dict[str, Any]) -> bool:
        return (
            event["type"] in types
            and (connections is None or event["connection"] in connections)
            and (resource is None or event["resource_id"] == resource)
        )

    feed: ChangeFeed = call.host.changes
    try:
        lanes = lanes_for(types, connections, resource)
        events, position = await feed.page(after, query.limit, wanted, lanes)
    except StoreDown as exc:
        raise StateUnavailable("the event store is unavailable; poll again shortly") from exc
    cursor = call.runtime.cursors.encode(bound, {"after": position})
    return respond({"data": events, "meta": {"next_cursor": cursor, "limit": query.limit}})


EVENT_SCHEMA = {
    "type": "object",
    "required": ["id", "type", "connection", "resource_id", "occurred_at", "source"],
    "properties": {
        "id": {"type": "string", "example": "evt_42"},
        "type": {"type": "string", "enum": list(TYPES)},
        "connection": {"type": "string"},
        "resource_id": {
            "type": ["string", "null"],
            "example": "erp:501",
            "description": "null for connection.health_changed",
        },
        "occurred_at": {"type": "string", "format": "date-time"},
        "source": {"type": "string", "enum": ["gateway", "poll"]},
        "data": {
            "type": ["object", "null"],
            "description": "the resource after the change; for connection.health_changed "
            "{state, previous, last_error}",
        },
        "changed_fields": {"type": ["array", "null"], "items": {"type": "string"}},
    },
}
EVENTS_ANSWER = {
    "type": "object",
    "required": ["data", "meta"],
    "properties": {
        "data": {"type": "array", "items": EVENT_SCHEMA},
        "meta": {
            "type": "object",
            "properties": {"next_cursor": {"type": "string"}, "limit": {"type": "integer"}},
        },
    },
}
endpoints = [
    Endpoint(
        "GET",
        "/v1/events",
        list_events,
        "Changes: events, oldest first",
        "events",
        ANY_KEY,
        query=EventList,
        answer=EVENTS_ANSWER,
        description=(
            "Events of the resources the key may read, on the connections it may use. "
            "Keep meta.next_cursor and poll with it to receive each newer event once."
        ),
        errors=(400, 401, 403, 503),
    ),
]
