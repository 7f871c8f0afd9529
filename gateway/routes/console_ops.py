"""The console's Keys & quotas, Changes & webhooks and Audit pages (/admin/ui/keys,
/admin/ui/changes, /admin/ui/audit).

- Keys: each API key's scopes, connections and rate limit, with its use of the limit
  now (the sliding window every instance shares on Redis) and the requests its limit
  refused (the gateway's own ``gateway_rate_limited_total``). Never a key or its digest.
- Changes: the webhooks and their deliveries, filtered by state and webhook, a page at
  a time, each with a retry button that is ``POST
  /admin/webhooks/deliveries/{id}/retry`` itself (audited as ``webhook.retry``).
- Audit: the records, filtered by actor, action and connection, a page at a time
  (``GET /admin/audit``'s own cursors).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import Field
from starlette.responses import Response

from gateway.changes.webhooks import shown
from gateway.config.secrets import mask_url
from gateway.http import console_session as session
from gateway.http.edge import Call
from gateway.http.queries import Query, choice
from gateway.lists.cursor import binding
from gateway.routes.console_kit import back_to, form, page_endpoint, render, require, signed_page
from gateway.routes.history import AuditQuery, list_audit
from gateway.routes.webhooks import retry_delivery
from gateway.store import StoreDown
from kernel.errors import Conflict, GatewayError, InvalidCursor, NotFound

if TYPE_CHECKING:
    from gateway.observability.metrics import Metrics

T = TypeVar("T")
STATES = ("pending", "delivered", "failed")
PER_PAGE = 25
SCAN = 10  # store pages of deliveries read at most to fill one filtered page
UNREADABLE = {
    "kind": "error",
    "text": "The state store is unavailable: this list shows again once it is back.",
}


def _refused(error: GatewayError, lead: str = "") -> dict[str, str]:
    """What a refusal says, in the words of the page (not of the API)."""
    if isinstance(error, InvalidCursor):
        text = "That page link no longer fits the filters shown: start again from the newest."
    elif isinstance(error, NotFound):
        text = "there is no such delivery (any more)."
    elif isinstance(error, Conflict) and "in flight" in error.message:
        text = "an attempt of it is under way right now; its outcome shows here shortly."
    else:
        text = f"{error.message}."
    return {"kind": "error", "text": lead + text}


def refused_per_key(metrics: Metrics) -> dict[str, float]:
    """Requests refused by each key's rate limit, every worker's: a read of every
    worker's metrics files, made in a thread (``keys``) so the event loop never waits."""
    refused: dict[str, float] = {}
    for family in metrics.families():
        for sample in family.samples:
            if sample.name == "gateway_rate_limited_total" and sample.labels.get("key"):
                name = sample.labels["key"]
                refused[name] = refused.get(name, 0.0) + sample.value
    return refused


@signed_page
async def keys(call: Call) -> Response:
    refused = await asyncio.to_thread(refused_per_key, call.runtime.metrics)
    rows = []
    for key in call.runtime.config.api_keys:
        use = None
        if key.rate_limit is not None:
            use = await call.runtime.quotas.key_use(key.name, key.rate_limit)
        rows.append(
            {
                "name": key.name,
                "scopes": key.scopes,
                "connections": key.connections,
                "hashed": key.key_sha256 is not None,
                "limit": key.rate_limit,
                "use": use,
                "refused": int(refused.get(key.name, 0)),
            }
        )
    return render("keys.html", who=call.key.name, page=f"{session.PATH}/keys", keys=rows)


class ChangesQuery(Query):
    status: choice(Literal["pending", "delivered", "failed", ""], "deliveries in this state") = None  # type: ignore[valid-type]
    webhook: str | None = Field(None, max_length=200, description="one webhook's deliveries")
    cursor: str | None = Field(None, description="the next page's cursor")
    notice: choice(Literal["retried"], "what the page says first") = None  # type: ignore[valid-type]


@signed_page
async def changes(call: Call[ChangesQuery]) -> Response:
    query = call.query
    notice = None
    if query.notice == "retried":
        notice = {"kind": "ok", "text": "Sent again: the attempt's outcome shows below."}
    return await _changes(call, query, notice)


async def _changes(
    call: Call, query: ChangesQuery, notice: dict[str, str] | None, status: int = 200
) -> Response:
    hooks = [
        {
            **hook.model_dump(mode="json", include={"name", "events", "connections"}),
            "url": mask_url(hook.url),
        }
        for hook in call.runtime.config.webhooks
    ]
    listed, problem, refused = await _listing(
        _deliveries(call, query.status or None, query.webhook or None, query)
    )
    rows, cursor = listed or ([], None)
    notice, status = notice or problem, refused or status
    return render(
        "changes.html",
        status,
        who=call.key.name,
        page=f"{session.PATH}/changes",
        notice=notice,
        webhooks=hooks,
        deliveries=rows,
        filters={"status": query.status or "", "webhook": query.webhook or ""},
        this_cursor=query.cursor,
        next_cursor=cursor,
    )


async def _deliveries(
    call: Call, status: str | None, webhook: str | None, query: ChangesQuery
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of deliveries (newest first) in ``status`` and of ``webhook``, and the
    cursor of the next; the store filters by state, the page by webhook."""
    bound = binding(route="console-deliveries", status=status, webhook=webhook)
    before = call.runtime.cursors.decode(query.cursor, bound).get("b") if query.cursor else None
    store = call.runtime.store
    found: list[dict[str, Any]] = []
    for _ in range(SCAN):
        batch = await store.deliveries_page(status, 100, before)
        for row in batch:
            if webhook is None or row["webhook"] == webhook:
                found.append(row)
            before = row["seq"]
            if len(found) > PER_PAGE:
                break
        if len(found) > PER_PAGE or len(batch) < 100:
            break
    more = len(found) > PER_PAGE
    found = found[:PER_PAGE]
    cursor = call.runtime.cursors.encode(bound, {"b": found[-1]["seq"]}) if more else None
    return [shown(row) for row in found], cursor


async def retry(call: Call) -> Response:
    """``POST /admin/webhooks/deliveries/{id}/retry``; back to the list it came from."""
    admin = await require(call)
    fields = form(admin)
    status = fields.get("status") if fields.get("status") in STATES else None
    # the list's filters, kept only when they are ones the page can show (a form made
    # elsewhere could send anything: the page it gets back must not fail on it)
    names = {hook.name for hook in admin.runtime.config.webhooks}
    webhook = fields.get("webhook") if fields.get("webhook") in names else None
    try:
        await retry_delivery(admin)
    except GatewayError as exc:
        admin.trace.setdefault("audit", {})["status"] = exc.status
        notice = _refused(exc, "Not sent again: ")
        query = ChangesQuery(status=status or "", webhook=webhook)
        return await _changes(admin, query, notice, exc.status)
    admin.trace.setdefault("audit", {})["status"] = 200
    return back_to(f"{session.PATH}/changes", status=status, webhook=webhook, notice="retried")


async def _audit_page(call: Call[AuditQuery]) -> tuple[list[dict[str, Any]], str | None]:
    page = json.loads(bytes((await list_audit(call)).body))
    return page["data"], page["meta"]["next_cursor"]


async def _listing(pending: Awaitable[T]) -> tuple[T | None, dict[str, str] | None, int | None]:
    """A list the store gives; else what the page says instead, and its status (None:
    the page's own)."""
    try:
        return await pending, None, None
    except StoreDown:
        return None, UNREADABLE, None
    except GatewayError as exc:  # a cursor of other filters, or none of ours
        return None, _refused(exc), exc.status


class AuditPageQuery(Query):
    actor: str | None = Field(None, max_length=200, description="an API key's name")
    action: str | None = Field(None, max_length=200, description="e.g. config.put")
    connection: str | None = Field(None, max_length=200, description="a connection's name")
    cursor: str | None = Field(None, description="the next page's cursor")


@signed_page
async def audit(call: Call[AuditPageQuery]) -> Response:
    query = call.query
    filters = {k: getattr(query, k) or None for k in ("actor", "action", "connection")}
    api_query = AuditQuery(**filters, limit=PER_PAGE, cursor=query.cursor or None)
    api_call: Call[AuditQuery] = dataclasses.replace(call, query=api_query)  # type: ignore[arg-type,assignment]
    listed, notice, refused = await _listing(_audit_page(api_call))
    records, cursor = listed or ([], None)
    actions = sorted({e.action for e in call.host.endpoints if e.action})
    return render(
        "audit.html",
        refused or 200,
        who=call.key.name,
        page=f"{session.PATH}/audit",
        notice=notice,
        records=records,
        next_cursor=cursor,
        filters={k: v or "" for k, v in filters.items()},
        first_page=not query.cursor,
        choices={
            "actor": [k.name for k in call.runtime.config.api_keys],
            "action": actions,
            "connection": list(call.runtime.config.connections),
        },
    )


endpoints = [
    page_endpoint("GET", f"{session.PATH}/keys", keys, "Console: API keys and quotas"),
    page_endpoint(
        "GET", f"{session.PATH}/changes", changes, "Console: webhooks", query=ChangesQuery
    ),
    page_endpoint(
        "POST",
        f"{session.PATH}/deliveries/{{id}}/retry",
        retry,
        "Send a webhook delivery again",
        raw_body=True,
        action="webhook.retry",
    ),
    page_endpoint("GET", f"{session.PATH}/audit", audit, "Console: audit", query=AuditPageQuery),
]
