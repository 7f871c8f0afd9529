"""/admin/ui/config: the Config & versions page of the console.

The running config in an editor: an edit is checked first, showing every problem with
its path and line, or the diff against the running config; only then can it be
applied, and applying is ``PUT /admin/config`` itself, with the ``If-Match`` of the
config the page loaded (so a change made meanwhile is refused, not overwritten) and its
audit record. Below it every accepted config version (``GET /admin/config/versions``):
one chosen shows what going back to it would change, and its button is ``POST
/admin/config/rollback`` itself, with the same ``If-Match``, audited as
``config.rollback``.
"""

from __future__ import annotations

import dataclasses
import difflib
from typing import Any, Literal

from pydantic import Field
from starlette.responses import Response

from gateway.http import console_session as session
from gateway.http.edge import Call
from gateway.http.queries import Query, choice
from gateway.routes.admin import ConfigInvalid, get_config, put_config, validate_config
from gateway.routes.console_kit import as_api, back_to, form, page_endpoint, render, require
from gateway.routes.console_kit import signed_page as signed
from gateway.routes.history import Rollback, rollback
from gateway.store import StoreDown
from kernel.errors import GatewayError
from kernel.numbers import ascii_int

PATH = f"{session.PATH}/config"
NOTICES = {
    "applied": {"kind": "ok", "text": "Applied: the gateway runs on the new config."},
    "rolled_back": {"kind": "ok", "text": "Rolled back: the gateway runs on that version."},
}


class ConfigPageQuery(Query):
    notice: choice(Literal["applied", "rolled_back"], "what the page says first") = None  # type: ignore[valid-type]
    version: int | None = Field(None, ge=1, lt=2**63, description="a version to compare")


def not_applied(error: GatewayError) -> dict[str, str]:
    """What a refused change says, in the words of the page (not of the API)."""
    if error.status == 412:
        text = (
            "Not applied: the config was changed since you read it on this page, by "
            "someone else or in another tab. Reload to see their change, then make yours again."
        )
    elif error.status == 428:
        text = "Not applied: this page did not say which config it edited. Reload and try again."
    else:
        text = f"Not applied: {error.message}."
    return {"kind": "error", "text": text}


@signed
async def config_page(call: Call[ConfigPageQuery]) -> Response:
    query = call.query
    return await _page(call, notice=NOTICES.get(query.notice or ""), chosen=query.version)


async def _page(
    call: Call,
    status: int = 200,
    *,
    diffed: str | None = None,
    chosen: int | None = None,
    **shown_values: Any,
) -> Response:
    """The page; ``diffed`` is a checked edit, shown as its diff against the running
    config (the masked YAML the editor loads); ``chosen`` a version to compare."""
    current = await get_config(as_api(call, accept="application/yaml"))
    text = bytes(current.body).decode("utf-8")
    if diffed is not None:
        shown_values["diff"] = _diff(text, diffed, "edited")
    values: dict[str, Any] = {
        "who": call.key.name,
        "page": PATH,
        "text": text,
        "etag": current.headers["etag"],
        "problems": [],
        "diff": None,
        **await _history(call, text, chosen),
        **shown_values,
    }
    return render("config.html", status, **values)


async def _history(call: Call, running: str, chosen: int | None) -> dict[str, Any]:
    """The versions, the one chosen with its diff, and the config changes' audit
    records; none while the state store is down (the editor works without it)."""
    store = call.runtime.store
    try:
        versions = await store.config_versions()
        picked = await store.config_version(chosen) if chosen else None
        await call.host.audit.flush()
        recent = await store.audit_page({}, 50, None)
    except (StoreDown, GatewayError):
        return {"versions": [], "chosen": None, "audit": [], "history_down": True}
    chosen_view = None
    if picked is not None:
        diff = _diff(running, picked.kept.skeleton, f"version {picked.id}")
        chosen_view = {"id": picked.id, "at": picked.at, "actor": picked.actor, "diff": diff}
    audit = [a for a in recent if str(a.get("action", "")).startswith("config.")][:10]
    return {
        "versions": versions,
        "running_etag": call.host.etag,
        "chosen": chosen_view,
        "missing": chosen if chosen and picked is None else None,
        "audit": audit,
    }


async def check(call: Call) -> Response:
    """The edited config's problems (path, line) or its diff; nothing is applied."""
    admin = await require(call)
    fields = form(admin)
    text, etag = fields.get("config", ""), fields.get("etag", "")
    try:
        await validate_config(as_api(admin, text, **{"content-type": "application/yaml"}))
    except GatewayError as exc:
        return await _page(admin, 422, text=text, etag=etag, problems=_problems(exc))
    return await _page(admin, text=text, etag=etag, diffed=text)


async def apply(call: Call) -> Response:
    """``PUT /admin/config`` with the editor's text and the ETag it loaded."""
    admin = await require(call)
    fields = form(admin)
    text, etag = fields.get("config", ""), fields.get("etag", "")
    headers = {"content-type": "application/yaml", "if-match": etag}
    try:
        await put_config(as_api(admin, text, **headers))
    except GatewayError as exc:
        admin.trace.setdefault("audit", {})["status"] = exc.status
        # The editor keeps the edit and the ETag it was made on: applying it again is
        # refused again until the page is reloaded (never over someone else's change).
        return await _page(
            admin,
            exc.status,
            text=text,
            etag=etag,
            notice=not_applied(exc),
            problems=_problems(exc),
        )
    # Post/redirect/get: the page then shows the apply's own audit record, and a reload
    # does not post the form again. The record has the config change's status, not 303.
    admin.trace.setdefault("audit", {})["status"] = 200
    return back_to(PATH, notice="applied")


async def roll_back(call: Call) -> Response:
    """``POST /admin/config/rollback`` to the version chosen, with the page's ETag."""
    admin = await require(call)
    fields = form(admin)
    try:
        version = Rollback.model_validate({"version": ascii_int(fields.get("version", ""))})
    except ValueError:
        notice = {"kind": "error", "text": "Not rolled back: choose a version from the list."}
        return await _page(admin, 422, notice=notice)
    api = as_api(admin, **{"if-match": fields.get("etag", "")})
    try:
        await rollback(dataclasses.replace(api, body=version))
    except GatewayError as exc:
        admin.trace.setdefault("audit", {})["status"] = exc.status
        notice = not_applied(exc)
        notice["text"] = notice["text"].replace("Not applied", "Not rolled back", 1)
        if exc.status == 409:  # secrets neither GATEWAY_SECRETS_KEY nor the running config keep
            notice["text"] = (
                f"Not rolled back: version {version.version} had secrets that differ from the "
                "running config's, and this gateway cannot restore them (they are kept only "
                "encrypted with GATEWAY_SECRETS_KEY). Make the change in the editor instead."
            )
        return await _page(admin, exc.status, notice=notice, chosen=version.version)
    admin.trace.setdefault("audit", {})["status"] = 200
    return back_to(PATH, notice="rolled_back")


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
    if error.status in (412, 428):
        return []  # the notice says it all
    problems = [{"field": d.field, "message": d.message} for d in error.details]
    return problems or [{"field": None, "message": error.message}]


def _diff(running: str, other: str, name: str) -> list[str]:
    """``other`` against the running config, both as the console shows them (masked)."""
    lines = difflib.unified_diff(
        running.splitlines(), other.splitlines(), "running", name, lineterm="", n=2
    )
    return [line for line in lines if not line.startswith(("---", "+++"))]


endpoints = [
    page_endpoint(
        "GET", PATH, config_page, "Console: config and its versions", query=ConfigPageQuery
    ),
    page_endpoint("POST", f"{session.PATH}/check", check, "Check an edited config", raw_body=True),
    page_endpoint(
        "POST",
        f"{session.PATH}/apply",
        apply,
        "Apply a checked config",
        raw_body=True,
        action="config.put",
    ),
    page_endpoint(
        "POST",
        f"{session.PATH}/rollback",
        roll_back,
        "Go back to a config version",
        raw_body=True,
        action="config.rollback",
    ),
]
