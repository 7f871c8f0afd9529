"""/openapi.json and /docs: the document, and a page that reads it (no CDN, no key)."""

from __future__ import annotations

from collections.abc import Iterable
from importlib.resources import files
from typing import Any

from starlette.responses import HTMLResponse, JSONResponse, Response

from adapters.field_mapping import Kind
from gateway.connections import Connection
from gateway.edge import Call
from gateway.endpoint import Endpoint
from gateway.openapi import spec

PAGE = files("gateway").joinpath("static/docs.html").read_text(encoding="utf-8")
CSP = "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"


async def openapi(call: Call) -> Response:
    document = spec(call.host.endpoints)
    return JSONResponse(with_mapped_extras(document, call.runtime.connections.values()))


SCHEMAS: dict[Kind, str] = {"customer": "Customer", "contact": "Contact", "item": "Item"}


def with_mapped_extras(
    document: dict[str, Any], connections: Iterable[Connection]
) -> dict[str, Any]:
    """The document with each resource's ``extra`` describing the keys the connections'
    field mappings add (API.md §10); the cached document itself is left untouched."""
    mapped: dict[str, list[str]] = {}
    for connection in connections:
        for kind, name in SCHEMAS.items():
            targets = connection.adapter.field_mapping.targets(kind)
            keys = [t.removeprefix("extra.") for t in targets if t.startswith("extra.")]
            if keys:
                mapped.setdefault(name, []).append(f"{connection.name}: {', '.join(keys)}")
    if not mapped:
        return document
    schemas = dict(document["components"]["schemas"])
    for name, lines in mapped.items():
        if name not in schemas or "extra" not in schemas[name].get("properties", {}):
            continue
        properties = dict(schemas[name]["properties"])
        text = "Upstream fields without a canonical name. Mapped by connection: " + "; ".join(lines)
        properties["extra"] = {**properties["extra"], "description": text}
        schemas[name] = {**schemas[name], "properties": properties}
    return {**document, "components": {**document["components"], "schemas": schemas}}


async def docs(call: Call) -> Response:
    return HTMLResponse(PAGE, headers={"Content-Security-Policy": CSP})


endpoints = [
    Endpoint(
        "GET", "/openapi.json", openapi, "This document", "operations", None, answer={}, errors=()
    ),
    Endpoint(
        "GET",
        "/docs",
        docs,
        "Documentation page",
        "operations",
        None,
        answer="text/html",
        errors=(),
    ),
]
