"""Every endpoint the gateway serves, one declaration each (gateway/http/endpoint.py)."""

from __future__ import annotations

from gateway.http.endpoint import Endpoint
from gateway.routes import (
    admin,
    connections,
    console,
    console_config,
    console_ops,
    contacts,
    customers,
    docs,
    events,
    guide,
    history,
    insights,
    items,
    ops,
    passthrough,
    webhooks,
)

ENDPOINTS: tuple[Endpoint, ...] = (
    *customers.endpoints,
    *contacts.endpoints,
    *insights.endpoints,
    *items.endpoints,
    *connections.endpoints,
    *events.endpoints,
    *admin.endpoints,
    *console.endpoints,
    *console_config.endpoints,
    *console_ops.endpoints,
    *history.endpoints,
    *webhooks.endpoints,
    *ops.endpoints,
    *passthrough.endpoints,
    *docs.endpoints,
    *guide.endpoints,
)
