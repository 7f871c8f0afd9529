"""/admin: the config (read, validate, replace, reload) and the connections' figures.

Every route needs the ``admin`` scope. ``PUT /admin/config`` needs ``If-Match`` with
the ETag of ``GET /admin/config`` (428 without, 412 when stale), validates, writes the
file atomically and applies it live; a request already running finishes on the
configuration it started with.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway import live
from gateway.config import ConfigError
from gateway.errors import Conflict, FieldError, GatewayError, ValidationFailed
from gateway.state import Gateway
from gateway.web import authorize, check_params, gateway, raw_body


class PreconditionRequired(GatewayError):
    status, code = 428, "precondition_required"


class PreconditionFailed(GatewayError):
    status, code = 412, "precondition_failed"


async def _read(path: Path) -> str:
    return await asyncio.to_thread(path.read_text, encoding="utf-8")


def _path(request: Request) -> Path:
    path: Path | None = request.app.state.config_path
    if path is None:
        raise Conflict("this gateway was started without a config file to edit")
    return path


def _invalid(error: ConfigError) -> ValidationFailed:
    return ValidationFailed(
        "the config is not valid",
        details=[FieldError(where or None, message) for where, message in error.problems],
    )


def _shown(request: Request, document: Any, text: str) -> Response:
    headers = {"ETag": live.etag_of(text), "Cache-Control": "no-store"}
    shown = live.masked(document)
    if "yaml" in request.headers.get("accept", ""):
        return Response(live.dump(shown), media_type="application/yaml", headers=headers)
    return JSONResponse(live.as_json(shown), headers=headers)


async def _body_document(request: Request, current: Any) -> Any:
    raw = await raw_body(request)
    try:
        text = raw.decode("utf-8")
        if "json" in request.headers.get("content-type", ""):
            text = live.dump(json.loads(text))  # JSON in, but merged and kept as YAML
        document = live.load(text)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationFailed(f"the body is not YAML or JSON: {exc}") from exc
    except ConfigError as exc:
        raise _invalid(exc) from exc
    if problems := live.restore_secrets(document, current):
        raise _invalid(ConfigError(problems))
    return document


def _apply(request: Request, config: Any) -> Gateway:
    app = request.app
    previous: Gateway = app.state.gateway
    successor = Gateway(config, previous=previous)
    app.state.gateway = successor
    previous.retire(successor)
    return successor


async def get_config(request: Request) -> Response:
    authorize(request, "admin")
    check_params(request, [])
    text = await _read(_path(request))
    return _shown(request, live.load(text), text)


async def validate_config(request: Request) -> Response:
    authorize(request, "admin")
    check_params(request, [])
    current = live.load(await _read(_path(request)))
    document = await _body_document(request, current)
    try:
        config = live.validate(document)
    except ConfigError as exc:
        raise _invalid(exc) from exc
    return JSONResponse({"valid": True, "connections": list(config.connections)})


async def put_config(request: Request) -> Response:
    authorize(request, "admin")
    check_params(request, [])
    path = _path(request)
    if_match = request.headers.get("if-match")
    if if_match is None:
        raise PreconditionRequired("send If-Match with the ETag of GET /admin/config")
    async with request.app.state.admin_lock:
        text = await _read(path)
        if if_match.strip() != live.etag_of(text):
            raise PreconditionFailed("the config changed since you read it; GET it again")
        current = live.load(text)
        document = live.merge(live.load(text), await _body_document(request, current))
        try:
            config = live.validate(document)
        except ConfigError as exc:
            raise _invalid(exc) from exc
        written = live.dump(document)
        await asyncio.to_thread(live.write_atomically, path, written)
        _apply(request, config)
    return _shown(request, live.load(written), written)


async def reload_config(request: Request) -> Response:
    authorize(request, "admin")
    check_params(request, [])
    path = _path(request)
    async with request.app.state.admin_lock:
        text = await _read(path)
        try:
            config = live.validate(live.load(text))
        except ConfigError as exc:
            raise _invalid(exc) from exc
        _apply(request, config)
    return JSONResponse(
        {"reloaded": True, "connections": list(config.connections)},
        headers={"ETag": live.etag_of(text)},
    )


async def admin_connections(request: Request) -> Response:
    authorize(request, "admin")
    check_params(request, [])
    state = gateway(request)
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
                "health": health(breaker.state.value),
                "circuit": {"state": breaker.state.value, "consecutive_failures": breaker.failures},
                "cache": {
                    "entries": len(cache),
                    "ttl": cache.ttl,
                    "hits": cache.hits,
                    "misses": cache.misses,
                    "stale": cache.stale,
                },
                "upstream": upstream.get(name, {"attempts": 0, "by_outcome": {}}),
            }
        )
    return JSONResponse({"data": data})


def health(circuit: str) -> str:
    return {"closed": "ok", "half_open": "recovering", "open": "down"}[circuit]


def _upstream_figures(state: Gateway) -> dict[str, dict[str, Any]]:
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


routes = [
    Route("/admin/config", get_config, methods=["GET"]),
    Route("/admin/config", put_config, methods=["PUT"]),
    Route("/admin/config/validate", validate_config, methods=["POST"]),
    Route("/admin/reload", reload_config, methods=["POST"]),
    Route("/admin/connections", admin_connections, methods=["GET"]),
]
