"""Admin: webhook deliveries (API.md section 9; gateway/changes/webhooks.py)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field
from starlette.responses import JSONResponse, Response

from gateway.changes.webhooks import DeliveryWorker, shown
from gateway.config.secrets import mask_url
from gateway.http.edge import Call
from gateway.http.queries import Limit, Query, choice
from gateway.lists.cursor import binding
from gateway.routes.history import admin_endpoint
from gateway.store import StoreDown
from gateway.store.base import DeliveryHeld
from kernel.errors import Conflict, InvalidCursor, NotFound, StateUnavailable

DeliveryStatus = Literal["pending", "delivered", "failed"]


class DeliveryQuery(Query):
    status: choice(DeliveryStatus, "only deliveries in this state") | None = None  # type: ignore[valid-type]
    limit: Limit = Field(25, description="deliveries per page, 1..100")
    cursor: str | None = Field(None, description="meta.next_cursor of the previous page")


async def list_deliveries(call: Call[DeliveryQuery]) -> Response:
    query = call.query
    bound = binding(route="deliveries", status=query.status)
    before = None
    if query.cursor:
        before = call.runtime.cursors.decode(query.cursor, bound).get("b")
        if not isinstance(before, int):
            raise InvalidCursor("the cursor is not one this gateway issued")
    try:
        rows = await call.runtime.store.deliveries_page(query.status, query.limit + 1, before)
    except StoreDown as exc:
        raise StateUnavailable("the delivery store is unavailable; try again shortly") from exc
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    cursor = call.runtime.cursors.encode(bound, {"b": rows[-1]["seq"]}) if more else None
    data = [shown(row) for row in rows]
    return JSONResponse({"data": data, "meta": {"next_cursor": cursor, "limit": query.limit}})


async def retry_delivery(call: Call) -> Response:
    """Send a delivery again now; 409 while an attempt of it is in flight anywhere (a
    second one would run beside it)."""
    delivery_id = call.path_params["id"]
    worker: DeliveryWorker = call.host.deliveries
    try:
        delivery = await call.runtime.store.delivery_get(delivery_id)
        if delivery is None:
            raise NotFound("no such delivery; see GET /admin/webhooks/deliveries")
        hooks = call.runtime.config.webhooks
        hook = next((h for h in hooks if h.name == delivery["webhook"]), None)
        if hook is None:
            raise Conflict(f"the webhook {delivery['webhook']!r} is no longer configured")
        done = await worker.retry(hook, delivery_id)
    except StoreDown as exc:
        raise StateUnavailable("the delivery store is unavailable; try again shortly") from exc
    except DeliveryHeld as exc:
        raise Conflict(
            "an attempt of this delivery is in flight right now; its outcome shows in "
            "GET /admin/webhooks/deliveries within the webhook's timeout, then retry if needed"
        ) from exc
    if done is None:
        raise NotFound("no such delivery; see GET /admin/webhooks/deliveries")
    return JSONResponse(shown(done))


async def list_webhooks(call: Call) -> Response:
    data: list[dict[str, Any]] = [
        {
            **hook.model_dump(mode="json", exclude={"secret"}),
            "url": mask_url(hook.url),
            "secret": "***",
        }
        for hook in call.runtime.config.webhooks
    ]
    return JSONResponse({"data": data})


endpoints = [
    admin_endpoint(
        "GET", "/admin/webhooks", list_webhooks, "Webhooks (secrets masked)", errors=(401, 403)
    ),
    admin_endpoint(
        "GET",
        "/admin/webhooks/deliveries",
        list_deliveries,
        "Webhook deliveries, newest first",
        query=DeliveryQuery,
        errors=(400, 401, 403, 503),
    ),
    admin_endpoint(
        "POST",
        "/admin/webhooks/deliveries/{id}/retry",
        retry_delivery,
        "Send a delivery again now (same webhook-id); 409 while one is in flight",
        errors=(401, 403, 404, 409, 503),
        action="webhook.retry",
    ),
]
