"""/admin/ui: the admin console, pages rendered on the server (Jinja2), refreshed in place
by htmx (vendored, gateway/static/htmx/) where the figures move.

This module: signing in and out, the Overview and Connections pages, and the console's
static files. The Config & versions page is gateway/routes/console_config.py; Keys &
quotas, Changes & webhooks and Audit are gateway/routes/console_ops.py; what they share
is gateway/routes/console_kit.py. Each page shows what the admin API answers (and each
action is the admin API's own handler, with its checks and audit), for people. Sign-in
and its cookie: gateway/http/console_session.py.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from starlette.responses import RedirectResponse, Response

from adapters.base import Operation
from gateway.config.model import RateLimit
from gateway.http import console_session as session
from gateway.http.auth import Identity
from gateway.http.edge import Call
from gateway.http.queries import CUSTOMER_FILTERS, Query, choice
from gateway.routes.admin import admin_connections
from gateway.routes.connections import describe
from gateway.routes.console_kit import (
    NO_STORE,
    STORE_DOWN,
    form,
    page_endpoint,
    refuse_other_origins,
    render,
    signed_page,
)
from gateway.routes.docs import static_file
from gateway.store import StoreDown
from kernel.errors import Forbidden, GatewayError, StateUnavailable, Unauthorized

RECENT = 10
# Sign-in attempts per client address, counted across instances, so a key cannot be
# guessed at speed (behind a proxy the address is the proxy's: its clients share it).
SIGN_INS = RateLimit(requests=10, per=60)


class ConsoleQuery(Query):
    notice: choice(Literal["applied"], "what the page says first") = None  # type: ignore[valid-type]


NOTICES = {"applied": {"kind": "ok", "text": "Applied: the gateway runs on the new config."}}


async def connection_rows(call: Call) -> dict[str, Any]:
    """Each connection as ``GET /admin/connections`` shows it, with its traffic over the
    last minutes (gateway/observability/window.py) under ``traffic``."""
    rows = json.loads(bytes((await admin_connections(call)).body))["data"]
    recent = await call.runtime.metrics.recent.current([row["name"] for row in rows])
    for row in rows:
        row["traffic"] = recent["connections"][row["name"]]
    return {"connections": rows, "window": recent["seconds"]}


@signed_page
async def overview(call: Call[ConsoleQuery]) -> Response:
    store = call.runtime.store
    audit: list[dict[str, Any]] = []
    failing = None
    try:
        await call.host.audit.flush()
        audit = await store.audit_page({}, RECENT, None)
        failing = len(await store.deliveries_page("failed", 100, None))
    except (StoreDown, GatewayError):
        pass  # the rest of the page works without the store
    return render(
        "overview.html",
        who=call.key.name,
        page="/admin/ui",
        notice=NOTICES.get(call.query.notice or ""),
        audit=audit,
        failing=failing,
        webhooks=call.runtime.config.webhooks,
        keys=call.runtime.config.api_keys,
        etag=call.host.etag,
        **await connection_rows(call),
    )


@signed_page
async def connections(call: Call) -> Response:
    described = {name: describe(c) for name, c in call.runtime.connections.items()}
    return render(
        "connections.html",
        who=call.key.name,
        page="/admin/ui/connections",
        operations=[op.value for op in Operation],
        capabilities={n: d["operations"] for n, d in described.items()},
        filters=CUSTOMER_FILTERS,
        customer_filters={n: d["customer_filters"] for n, d in described.items()},
        **await connection_rows(call),
    )


async def login(call: Call) -> Response:
    refuse_other_origins(call)
    decision = await call.runtime.quotas.check_sign_in(call.client or "unknown", SIGN_INS)
    if not decision.allowed:
        wait = max(1, decision.reset)
        notice = {"kind": "error", "text": f"Too many sign-in attempts; try again in {wait} s."}
        response = render("login.html", 429, notice=notice)
        response.headers.update({"Retry-After": str(wait), **NO_STORE})
        return response
    key = form(call).get("key", "").strip()
    try:
        identity: Identity = call.runtime.keys.authenticate(f"Bearer {key}")
        identity.require_scope("admin")
    except (Unauthorized, Forbidden):
        notice = {"kind": "error", "text": "That key is unknown or lacks the admin scope."}
        return render("login.html", 401, notice=notice)
    call.trace["key_name"] = identity.name
    try:
        session_id = await session.begin(call.runtime, identity)
    except StoreDown:
        return render("login.html", 503, notice=STORE_DOWN)
    secure = call.forwarded_https or call.headers.get("x-forwarded-proto") == "https"
    headers = {"Set-Cookie": session.cookie(session_id, secure), **NO_STORE}
    return RedirectResponse(session.PATH, status_code=303, headers=headers)


async def logout(call: Call) -> Response:
    """Ends the session on every instance (module gateway/http/console_session.py)."""
    refuse_other_origins(call)
    try:
        await session.end(call.runtime, call.headers)
    except StoreDown as exc:
        raise StateUnavailable(
            "not signed out: the state store is unavailable, so the session cannot be "
            "ended on every instance; sign out again when it is back"
        ) from exc
    headers = {"Set-Cookie": session.cleared(), **NO_STORE}
    return RedirectResponse(session.PATH, status_code=303, headers=headers)


async def stylesheet(call: Call) -> Response:
    return static_file(call, "console.css", "text/css")


async def htmx(call: Call) -> Response:
    return static_file(call, "htmx/htmx.min.js", "text/javascript")


endpoints = [
    page_endpoint(
        "GET", "/admin/ui", overview, "The admin console (signs in first)", query=ConsoleQuery
    ),
    page_endpoint("GET", "/admin/ui/connections", connections, "Console: connections"),
    page_endpoint("POST", "/admin/ui/login", login, "Sign in with an admin key", raw_body=True),
    page_endpoint("POST", "/admin/ui/logout", logout, "Sign out", raw_body=True),
    page_endpoint(
        "GET", "/admin/ui/console.css", stylesheet, "The console's stylesheet", answer="text/css"
    ),
    page_endpoint(
        "GET", "/admin/ui/htmx.min.js", htmx, "htmx, the console's script", answer="text/javascript"
    ),
]
