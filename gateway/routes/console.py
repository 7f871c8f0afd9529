"""/admin/ui: the admin console, pages rendered on the server (Jinja2, no script).

It shows what the admin API answers, for people: each connection's health, circuit,
cache and budget figures (``GET /admin/connections``), what each can do (``GET
/v1/connections``), the config with an editor, the latest audit records and webhook
deliveries. An edit is checked first, showing every problem with its path and line,
or the diff against the running config; only then can it be applied, and applying
is ``PUT /admin/config`` itself, with the ``If-Match`` of the config the editor
loaded (so a change made meanwhile is refused, not overwritten) and its audit record.
Sign-in and its cookie: gateway/http/console_session.py.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from typing import Any, Literal
from urllib.parse import parse_qs

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.responses import HTMLResponse, RedirectResponse, Response

from adapters.base import Operation
from gateway.changes.webhooks import shown
from gateway.config.model import RateLimit
from gateway.http import console_session as session
from gateway.http.auth import Identity
from gateway.http.edge import Call
from gateway.http.endpoint import Endpoint
from gateway.http.queries import CUSTOMER_FILTERS, Query, choice
from gateway.routes.admin import (
    ConfigInvalid,
    admin_connections,
    get_config,
    put_config,
    validate_config,
)
from gateway.routes.connections import describe
from gateway.routes.docs import static_file
from gateway.store import StoreDown
from kernel.errors import Forbidden, GatewayError, StateUnavailable, Unauthorized

PAGES = Environment(
    loader=PackageLoader("gateway", "templates"), autoescape=select_autoescape(["html"])
)
CSP = (
    "default-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'"
)
NO_STORE = {"Cache-Control": "no-store", "Content-Security-Policy": CSP}
RECENT = 10
# Sign-in attempts per client address, counted across instances, so a key cannot be
# guessed at speed (behind a proxy the address is the proxy's: its clients share it).
SIGN_INS = RateLimit(requests=10, per=60)


def _page(name: str, status: int = 200, **values: Any) -> HTMLResponse:
    text = PAGES.get_template(name).render(**values)
    return HTMLResponse(text, status_code=status, headers=NO_STORE)


def _form(call: Call) -> dict[str, str]:
    fields = parse_qs(call.raw_body.decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[0] for name, values in fields.items()}


async def _signed_in(call: Call) -> Call | None:
    """The call as the session's admin key makes it, or None without a valid session
    (``StoreDown`` when the sessions cannot be read)."""
    identity = await session.identity_of(call.runtime, call.headers)
    if identity is None:
        return None
    call.trace["key_name"] = identity.name  # the access log and the audit name the key
    return dataclasses.replace(call, identity=identity)


def _as(call: Call, body: str = "", **headers: str) -> Call:
    """``call`` as an admin API request with this body and these headers."""
    merged = {**{k.lower(): v for k, v in call.headers.items()}, **headers}
    return dataclasses.replace(call, headers=merged, raw_body=body.encode("utf-8"))


def _refuse_other_origins(call: Call) -> None:
    if not session.same_origin(call.headers):
        raise Forbidden("the console takes forms from its own pages only")


class ConsoleQuery(Query):
    notice: choice(Literal["applied"], "what the page says first") = None  # type: ignore[valid-type]


NOTICES = {"applied": {"kind": "ok", "text": "Applied: the gateway runs on the new config."}}
STORE_DOWN = {
    "kind": "error",
    "text": (
        "The state store is unavailable, and console sessions are kept there: "
        "signing in is not possible until it is back."
    ),
}


async def console(call: Call[ConsoleQuery]) -> Response:
    try:
        admin = await _signed_in(call)
    except StoreDown:
        return _page("login.html", 503, notice=STORE_DOWN)
    if admin is None:
        return _page("login.html")
    query = call.query
    return await _console(admin, notice=NOTICES.get(query.notice or ""))


async def _console(
    call: Call, status: int = 200, *, diffed: str | None = None, **shown_values: Any
) -> Response:
    """The page; ``diffed`` is a checked edit, shown as its diff against the running
    config (the masked YAML the editor loads)."""
    current = await get_config(_as(call, accept="application/yaml"))
    text = bytes(current.body).decode("utf-8")
    if diffed is not None:
        shown_values["diff"] = _diff(text, diffed)
    figures = json.loads(bytes((await admin_connections(call)).body))["data"]
    described = {name: describe(c) for name, c in call.runtime.connections.items()}
    audit, deliveries = await _recent(call)
    values: dict[str, Any] = {
        "who": call.key.name,
        "connections": figures,
        "operations": [op.value for op in Operation],
        "capabilities": {n: d["operations"] for n, d in described.items()},
        "filters": CUSTOMER_FILTERS,
        "customer_filters": {n: d["customer_filters"] for n, d in described.items()},
        "text": text,
        "etag": current.headers["etag"],
        "audit": audit,
        "deliveries": deliveries,
        "webhooks": call.runtime.config.webhooks,
        "problems": [],
        "diff": None,
        **shown_values,
    }
    return _page("console.html", status, **values)


async def _recent(call: Call) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The latest audit records and deliveries; none while the state store is down (the
    rest of the page, and the config editor, work without it)."""
    store = call.runtime.store
    try:
        await call.host.audit.flush()
        audit = await store.audit_page({}, RECENT, None)
        deliveries = [shown(d) for d in await store.deliveries_page(None, RECENT, None)]
    except (StoreDown, GatewayError):
        return [], []
    return audit, deliveries


async def login(call: Call) -> Response:
    _refuse_other_origins(call)
    decision = await call.runtime.quotas.check_sign_in(call.client or "unknown", SIGN_INS)
    if not decision.allowed:
        wait = max(1, decision.reset)
        notice = {"kind": "error", "text": f"Too many sign-in attempts; try again in {wait} s."}
        headers = {"Retry-After": str(wait), **NO_STORE}
        response = _page("login.html", 429, notice=notice)
        response.headers.update(headers)
        return response
    key = _form(call).get("key", "").strip()
    try:
        identity: Identity = call.runtime.keys.authenticate(f"Bearer {key}")
        identity.require_scope("admin")
    except (Unauthorized, Forbidden):
        notice = {"kind": "error", "text": "That key is unknown or lacks the admin scope."}
        return _page("login.html", 401, notice=notice)
    call.trace["key_name"] = identity.name
    try:
        session_id = await session.begin(call.runtime, identity)
    except StoreDown:
        return _page("login.html", 503, notice=STORE_DOWN)
    secure = call.forwarded_https or call.headers.get("x-forwarded-proto") == "https"
    headers = {"Set-Cookie": session.cookie(session_id, secure), **NO_STORE}
    return RedirectResponse(session.PATH, status_code=303, headers=headers)


async def logout(call: Call) -> Response:
    """Ends the session on every instance (module gateway/http/console_session.py)."""
    _refuse_other_origins(call)
    try:
        await session.end(call.runtime, call.headers)
    except StoreDown as exc:
        raise StateUnavailable(
            "not signed out: the state store is unavailable, so the session cannot be "
            "ended on every instance; sign out again when it is back"
        ) from exc
    headers = {"Set-Cookie": session.cleared(), **NO_STORE}
    return RedirectResponse(session.PATH, status_code=303, headers=headers)


async def check(call: Call) -> Response:
    """The edited config's problems (path, line) or its diff; nothing is applied."""
    admin = await _require(call)
    form = _form(admin)
    text, etag = form.get("config", ""), form.get("etag", "")
    try:
        await validate_config(_as(admin, text, **{"content-type": "application/yaml"}))
    except GatewayError as exc:
        return await _console(admin, 422, text=text, etag=etag, problems=_problems(exc))
    return await _console(admin, text=text, etag=etag, diffed=text)


async def apply(call: Call) -> Response:
    """``PUT /admin/config`` with the editor's text and the ETag it loaded."""
    admin = await _require(call)
    form = _form(admin)
    text, etag = form.get("config", ""), form.get("etag", "")
    headers = {"content-type": "application/yaml", "if-match": etag}
    try:
        await put_config(_as(admin, text, **headers))
    except GatewayError as exc:
        admin.trace.setdefault("audit", {})["status"] = exc.status
        notice = {"kind": "error", "text": f"Not applied: {exc.message}."}
        return await _console(admin, exc.status, text=text, notice=notice, problems=_problems(exc))
    # Post/redirect/get: the page then shows the apply's own audit record, and a reload
    # does not post the form again. The record has the config change's status, not 303.
    admin.trace.setdefault("audit", {})["status"] = 200
    return RedirectResponse(f"{session.PATH}?notice=applied", status_code=303, headers=NO_STORE)


async def _require(call: Call) -> Call:
    _refuse_other_origins(call)
    try:
        admin = await _signed_in(call)
    except StoreDown as exc:
        raise StateUnavailable(
            "the state store is unavailable, and console sessions are kept there; "
            "try again when it is back"
        ) from exc
    if admin is None:
        raise Unauthorized("sign in at /admin/ui first (the session ended)")
    return admin


def _problems(error: GatewayError) -> list[dict[str, Any]]:
    if isinstance(error, ConfigInvalid):
        return [
            {
                "field": where or None,
                "message": message,
                "line": at and at[0],
                "column": at and at[1],
            }
            for where, message, at in error.located
        ]
    problems = [{"field": d.field, "message": d.message} for d in error.details]
    return problems or [{"field": None, "message": error.message}]


def _diff(running: str, edited: str) -> list[str]:
    """The edit against the running config, both as the console shows them (masked)."""
    lines = difflib.unified_diff(
        running.splitlines(), edited.splitlines(), "running", "edited", lineterm="", n=2
    )
    return [line for line in lines if not line.startswith(("---", "+++"))]


async def stylesheet(call: Call) -> Response:
    return static_file(call, "console.css", "text/css")


def _page_endpoint(method: str, path: str, handler: Any, summary: str, **flags: Any) -> Endpoint:
    """A console page: no API key (the session cookie), HTML, a form body when posted.
    Not in the public OpenAPI document: its forms are the console's, not an API."""
    answer = flags.pop("answer", "text/html")
    # 503: the state store, which keeps the sessions, is down (the stylesheet needs none)
    errors: tuple[int, ...] = (400, 401, 403, 412, 413, 422, 428, 429, 503)
    if method == "GET":
        errors = (400, 503) if answer == "text/html" else (400,)
    return Endpoint(
        method,
        path,
        handler,
        summary,
        "admin",
        None,
        answer=answer,
        errors=errors,
        include_in_schema=False,
        **flags,
    )


endpoints = [
    _page_endpoint(
        "GET", "/admin/ui", console, "The admin console (signs in first)", query=ConsoleQuery
    ),
    _page_endpoint("POST", "/admin/ui/login", login, "Sign in with an admin key", raw_body=True),
    _page_endpoint("POST", "/admin/ui/logout", logout, "Sign out", raw_body=True),
    _page_endpoint("POST", "/admin/ui/check", check, "Check an edited config", raw_body=True),
    _page_endpoint(
        "POST",
        "/admin/ui/apply",
        apply,
        "Apply a checked config",
        raw_body=True,
        action="config.put",
    ),
    _page_endpoint(
        "GET", "/admin/ui/console.css", stylesheet, "The console's stylesheet", answer="text/css"
    ),
]
