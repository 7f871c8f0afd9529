"""/admin: the config (read, validate, replace, reload) and the connections' figures.

Every route needs the ``admin`` scope. ``PUT /admin/config`` needs ``If-Match`` with
the ETag of ``GET /admin/config`` (428 without, 412 when stale), validates, writes the
file atomically and applies it live; a request already running finishes on the
configuration it started with.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from starlette.responses import JSONResponse, Response

from gateway.changes.health_board import shown
from gateway.config import change as change
from gateway.config import file as live
from gateway.config.diff import config_changes
from gateway.config.model import BudgetLimit, Config, ConfigError
from gateway.config.secrets import mask_text
from gateway.http.edge import Call
from gateway.http.endpoint import Endpoint
from gateway.runtime import Runtime
from gateway.store import StaleConfig, StoreDown
from kernel.errors import (
    BadRequest,
    Conflict,
    FieldError,
    GatewayError,
    StateUnavailable,
    ValidationFailed,
)

T = TypeVar("T")


class PreconditionRequired(GatewayError):
    status, code = 428, "precondition_required"


class PreconditionFailed(GatewayError):
    status, code = 412, "precondition_failed"


PARSE_SECONDS = 5.0  # bound on reading and validating one config, off the event loop


async def _read(path: Path) -> str:
    try:
        return await asyncio.to_thread(path.read_text, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigInvalid(ConfigError([("", f"{path.name} is not UTF-8 text")])) from exc


async def _off_loop(work: Callable[[], T]) -> T:
    """Parse or validate YAML in a worker thread, bounded in time (gateway/config/text.py
    already bounds what could make it slow: aliases, depth, size)."""
    try:
        return await asyncio.wait_for(asyncio.to_thread(work), PARSE_SECONDS)
    except TimeoutError as exc:
        raise ValidationFailed(f"the config took longer than {PARSE_SECONDS:g} s to read") from exc


def _running(call: Call) -> str:
    """The config text live now (published in the store, written to the file)."""
    if call.host.config_path is None or call.host.text is None:
        raise Conflict("this gateway was started without a config file to edit")
    return call.host.text


class ConfigInvalid(ValidationFailed):
    """422 for a config: each problem's message ends with its line and column, which
    ``located`` also keeps as values (the admin console shows them in its own columns)."""

    def __init__(self, error: ConfigError) -> None:
        self.located = error.located()
        super().__init__(
            "the config is not valid",
            details=[
                FieldError(
                    where or None, message + (f" (line {at[0]}, column {at[1]})" if at else "")
                )
                for where, message, at in self.located
            ],
        )


def _shown(call: Call, text: str) -> Response:
    """The config ``text`` with its secrets masked where they are written, as YAML (as
    written, comments and all) or JSON; its ETag is of ``text`` itself."""
    headers = {"ETag": live.etag_of(text), "Cache-Control": "no-store"}
    shown = mask_text(text)
    if "yaml" in call.headers.get("accept", ""):
        return Response(shown, media_type="application/yaml", headers=headers)
    return JSONResponse(live.as_json(live.load(shown)), headers=headers)


def _body_text(call: Call) -> str:
    """The body as YAML text (JSON as the YAML it stands for, so the file stays YAML)."""
    if not call.raw_body.strip():
        raise BadRequest("send the config as the body (YAML or JSON)")
    try:
        text = call.raw_body.decode("utf-8")
        if "json" in call.headers.get("content-type", ""):
            text = live.dump(json.loads(text))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationFailed(f"the body is not YAML or JSON: {exc}") from exc
    return text


def _body_document(text: str, current: Any) -> Any:
    """The config ``text`` sends, with its masked secrets restored from ``current``."""
    document = _loaded(text)
    if problems := live.restore_secrets(document, current):
        raise ConfigInvalid(ConfigError(problems))
    return document


def validated_config(text: str, sent: str | None = None) -> Config:
    try:
        return change.validated(text, sent)
    except ConfigError as exc:
        raise ConfigInvalid(exc) from exc


def _loaded(text: str) -> Any:
    try:
        return live.load(text)
    except ConfigError as exc:
        raise ConfigInvalid(exc) from exc


async def get_config(call: Call) -> Response:
    text = _running(call)
    return await _off_loop(lambda: _shown(call, text))


async def validate_config(call: Call) -> Response:
    current, sent = _running(call), _body_text(call)

    def check() -> Config:
        document = _body_document(sent, _loaded(current))
        return validated_config(change.render(current, document), sent)

    config = await _off_loop(check)
    return JSONResponse({"valid": True, "connections": list(config.connections)})


async def put_config(call: Call) -> Response:
    sent = _body_text(call)

    def proposed(current: str) -> tuple[str, Config]:
        text = change.render(current, _body_document(sent, _loaded(current)))
        return text, validated_config(text, sent)

    return await replace_config(call, proposed)


Proposal = Callable[[str], tuple[str, Config]]


async def replace_config(call: Call, proposed: Proposal) -> Response:
    """Replace the config as ``PUT /admin/config`` does: ``If-Match`` (428, 412), the
    text ``proposed`` makes of the running one, committed (gateway/config/change.py:
    published by compare-and-set, written, applied) and audited with its changed
    paths and the diff (secrets masked)."""
    if_match = call.headers.get("if-match")
    if if_match is None:
        raise PreconditionRequired("send If-Match with the ETag of GET /admin/config")
    async with call.host.lock:
        current = _running(call)
        if if_match.strip() != live.etag_of(current):
            raise PreconditionFailed(STALE)
        text, config = await _off_loop(lambda: proposed(current))
        await _commit(call, text, config, expected=if_match.strip())
    return await _off_loop(lambda: _shown(call, text))


STALE = "the config changed since you read it; read it again (GET /admin/config) and redo the edit"


async def _commit(call: Call, text: str, config: Config, expected: str | None) -> None:
    """``change.commit`` as an admin request: stale is 412, a store down 503; the audit
    record names what changed."""
    before = call.host.text or ""
    try:
        await change.commit(call.host, text, config, call.key.name, expected)
    except StaleConfig as exc:
        raise PreconditionFailed(STALE) from exc
    except ConfigError as exc:
        raise ConfigInvalid(exc) from exc
    except StoreDown as exc:
        raise StateUnavailable(
            "the state store did not take the change, so it cannot reach every instance; "
            "it was not applied here. If the store answered too late it may still have "
            "it: read GET /admin/config in a few seconds before trying again",
            headers={"Retry-After": "1"},
        ) from exc
    fields, diff = await asyncio.to_thread(config_changes, before, text)
    call.trace["audit"] = {"changed_fields": fields, "diff": diff}


async def reload_config(call: Call) -> Response:
    path = _path(call)
    async with call.host.lock:
        text = await _read(path)
        config = await _off_loop(lambda: validated_config(text))
        try:
            await _commit(call, text, config, expected=call.host.etag)
        except PreconditionFailed as exc:
            raise Conflict(
                "the config changed on another instance meanwhile; this instance follows it "
                "within 2 s: edit the file again from it, then reload"
            ) from exc
    return JSONResponse(
        {"reloaded": True, "connections": list(config.connections)},
        headers={"ETag": live.etag_of(text)},
    )


def _path(call: Call) -> Path:
    path: Path | None = call.host.config_path
    if path is None:
        raise Conflict("this gateway was started without a config file to edit")
    return path


async def admin_connections(call: Call) -> Response:
    state = call.runtime
    upstream = _upstream_figures(state)
    data = []
    for name, connection in state.connections.items():
        breaker = connection.adapter.upstream.breaker
        cache = connection.cache
        data.append(
            {
                "name": name,
                "adapter": connection.adapter.name,
                "api_version": connection.config.api_version,
                "sandbox": connection.config.is_sandbox,
                **shown(await call.host.health.entry(name), breaker.state.value),
                "circuit": {"state": breaker.state.value, "consecutive_failures": breaker.failures},
                "cache": {
                    "entries": cache.entries,
                    "shared": cache.shared,
                    "ttl": cache.ttl,
                    "hits": cache.hits,
                    "misses": cache.misses,
                    "stale": cache.stale,
                },
                "upstream": upstream.get(name, {"attempts": 0, "by_outcome": {}}),
                "rate_limit": await _budget(state, name, connection.config.rate_limit),
            }
        )
    return JSONResponse({"data": data})


async def _budget(state: Runtime, name: str, limit: BudgetLimit | None) -> dict[str, Any] | None:
    if limit is None:
        return None
    used = await state.quotas.used(name, limit)
    return {"requests": limit.requests, "per": limit.per, "max_wait": limit.max_wait, "used": used}


def _upstream_figures(state: Runtime) -> dict[str, dict[str, Any]]:
    figures: dict[str, dict[str, Any]] = {}
    for family in state.metrics.upstream.collect():
        for sample in family.samples:
            if not sample.name.endswith("_total"):
                continue
            entry = figures.setdefault(
                sample.labels["connection"], {"attempts": 0, "by_outcome": {}}
            )
            outcome = sample.labels["outcome"]
            entry["attempts"] += int(sample.value)
            entry["by_outcome"][outcome] = entry["by_outcome"].get(outcome, 0) + int(sample.value)
    return figures


FREE = {"type": "object"}
# The config as YAML text (comments kept) or as a JSON object; YAML is bytes to a
# generator (format: binary), which keeps the operation and sends the text as it is.
CONFIG_BODY = {
    "application/yaml": {"schema": {"type": "string", "format": "binary"}},
    "application/json": {"schema": FREE},
}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "schema": {"type": "string"},
    "description": "the ETag of GET /admin/config: the change applies only to the config you read",
}


def _admin(
    method: str, path: str, handler: Any, summary: str, errors: tuple[int, ...], **flags: Any
) -> Endpoint:
    return Endpoint(
        method, path, handler, summary, "admin", "admin", answer=FREE, errors=errors, **flags
    )


endpoints = [
    _admin(
        "GET", "/admin/config", get_config, "The config, secrets masked (ETag)", (401, 403, 409)
    ),
    _admin(
        "PUT",
        "/admin/config",
        put_config,
        "Replace the config (If-Match), applied live",
        (401, 403, 409, 412, 413, 422, 428, 503),
        raw_body=True,
        raw_content=CONFIG_BODY,
        headers=(IF_MATCH,),
        action="config.put",
    ),
    _admin(
        "POST",
        "/admin/config/validate",
        validate_config,
        "Validate a config (dry run)",
        (401, 403, 409, 413, 422),
        raw_body=True,
        raw_content=CONFIG_BODY,
    ),
    _admin(
        "POST",
        "/admin/reload",
        reload_config,
        "Re-read the config file",
        (401, 403, 409, 422, 503),
        action="config.reload",
    ),
    _admin(
        "GET",
        "/admin/connections",
        admin_connections,
        "Health, circuit, cache and upstream figures",
        (401, 403),
    ),
]
