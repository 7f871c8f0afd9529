"""What every console page and form shares (gateway/routes/console*.py): rendering a page
with its navigation, the session check, the same-origin check of forms, and calling the
admin API's own handlers as the signed-in key (so a console action is exactly the API
action: same checks, same audit).

The console's routes are for browsers, not API clients: each is declared through
``page_endpoint``, the one place to keep them out of the public OpenAPI document once
``Endpoint`` has a flag for it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs, urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.responses import HTMLResponse, RedirectResponse, Response

from gateway.http import console_session as session
from gateway.http.edge import Call
from gateway.http.endpoint import Endpoint
from gateway.store import StoreDown
from kernel.errors import Forbidden, StateUnavailable, Unauthorized

PAGES = Environment(
    loader=PackageLoader("gateway", "templates"), autoescape=select_autoescape(["html"])
)


def _latency(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def _share(part: float | None) -> str:
    return "-" if part is None else f"{part * 100:.1f} %"


def _span(seconds: float) -> str:
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def link(path: str, **query: str | None) -> str:
    """``path`` with the query parameters that have a value (a page's links and its
    redirects carry the filters set, not empty ones)."""
    kept = urlencode({k: v for k, v in query.items() if v})
    return f"{path}?{kept}" if kept else path


PAGES.filters.update(latency=_latency, share=_share, span=_span)
PAGES.globals["link"] = link
CSP = (
    "default-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'"
)
NO_STORE = {"Cache-Control": "no-store", "Content-Security-Policy": CSP}
# The navigation: (path, label), in order.
NAVIGATION = (
    ("/admin/ui", "Overview"),
    ("/admin/ui/connections", "Connections"),
    ("/admin/ui/keys", "Keys & quotas"),
    ("/admin/ui/config", "Config & versions"),
    ("/admin/ui/changes", "Changes & webhooks"),
    ("/admin/ui/audit", "Audit"),
)
STORE_DOWN = {
    "kind": "error",
    "text": (
        "The state store is unavailable, and console sessions are kept there: "
        "signing in is not possible until it is back."
    ),
}


def render(name: str, status: int = 200, **values: Any) -> HTMLResponse:
    text = PAGES.get_template(name).render(navigation=NAVIGATION, **values)
    return HTMLResponse(text, status_code=status, headers=NO_STORE)


def form(call: Call) -> dict[str, str]:
    fields = parse_qs(call.raw_body.decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[0] for name, values in fields.items()}


async def signed_in(call: Call) -> Call | None:
    """The call as the session's admin key makes it, or None without a valid session
    (``StoreDown`` when the sessions cannot be read)."""
    identity = await session.identity_of(call.runtime, call.headers)
    if identity is None:
        return None
    call.trace["key_name"] = identity.name  # the access log and the audit name the key
    return dataclasses.replace(call, identity=identity)


def as_api(call: Call, body: str = "", **headers: str) -> Call:
    """``call`` as an admin API request with this body and these headers."""
    merged = {**{k.lower(): v for k, v in call.headers.items()}, **headers}
    return dataclasses.replace(call, headers=merged, raw_body=body.encode("utf-8"))


def refuse_other_origins(call: Call) -> None:
    if not session.same_origin(call.headers):
        raise Forbidden("the console takes forms from its own pages only")


async def require(call: Call) -> Call:
    """The signed-in call of a form post, else 401 (403 from another origin)."""
    refuse_other_origins(call)
    try:
        admin = await signed_in(call)
    except StoreDown as exc:
        raise StateUnavailable(
            "the state store is unavailable, and console sessions are kept there; "
            "try again when it is back"
        ) from exc
    if admin is None:
        raise Unauthorized("sign in at /admin/ui first (the session ended)")
    return admin


Page = Callable[[Call], Awaitable[Response]]


def signed_page(handler: Page) -> Page:
    """A page shown to a signed-in admin; the sign-in page otherwise. A refresh that
    htmx makes is told to load the sign-in page whole (``HX-Redirect``), not to paste
    it into the part it refreshes."""

    async def page(call: Call) -> Response:
        try:
            admin = await signed_in(call)
        except StoreDown:
            return render("login.html", 503, notice=STORE_DOWN)
        if admin is None:
            if call.headers.get("hx-request"):
                return Response(status_code=204, headers={"HX-Redirect": session.PATH})
            return render("login.html")
        return await handler(admin)

    return page


def back_to(path: str, **query: str | None) -> RedirectResponse:
    """Post/redirect/get: the page a form came from, with what it should say."""
    return RedirectResponse(link(path, **query), status_code=303, headers=NO_STORE)


def page_endpoint(method: str, path: str, handler: Any, summary: str, **flags: Any) -> Endpoint:
    """A console page: no API key (the session cookie), HTML, a form body when posted.
    Every console route is made here, and none is in the public OpenAPI document: its
    forms are the console's, not an API."""
    answer = flags.pop("answer", "text/html")
    # 503: the state store, which keeps the sessions, is down (static files need none)
    errors: tuple[int, ...] = (400, 401, 403, 404, 409, 412, 413, 422, 428, 429, 503)
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
