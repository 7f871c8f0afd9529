"""/openapi.json and /docs: the document, and Swagger UI reading it (no CDN, no key).

Swagger UI is vendored, unmodified, from npm's swagger-ui-dist (gateway/static/
swagger-ui/VERSION says which; ``make vendor-swagger-ui`` refreshes it), and served
with the page's own two small files from ``/docs/assets/``: the page loads nothing
from elsewhere, and its CSP allows scripts from this origin only.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from importlib.resources import files
from typing import Any

from starlette.responses import HTMLResponse, JSONResponse, Response

from adapters.field_mapping import Kind
from gateway.http.edge import Call
from gateway.http.endpoint import Endpoint
from gateway.http.openapi import spec
from gateway.http.openapi_deployment import for_deployment
from gateway.upstreams.connections import Connection
from kernel.errors import NotFound

STATIC = files("gateway").joinpath("static")
PAGE = STATIC.joinpath("docs.html").read_text(encoding="utf-8")
# Swagger UI sets inline styles and shows its icons as data: images.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
)
ASSETS = {
    "swagger-ui-bundle.js": ("swagger-ui/swagger-ui-bundle.js", "text/javascript"),
    "swagger-ui.css": ("swagger-ui/swagger-ui.css", "text/css"),
    "docs.js": ("docs.js", "text/javascript"),
    "docs.css": ("docs.css", "text/css"),
}


async def openapi(call: Call) -> Response:
    connections = call.runtime.connections.values()
    document = for_deployment(spec(call.host.endpoints), connections)
    return JSONResponse(with_mapped_extras(document, connections))


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


@functools.cache
def _read(path: str) -> tuple[bytes, str]:
    """A packaged static file and its ETag, read once."""
    content = STATIC.joinpath(path).read_bytes()
    return content, '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def static_file(call: Call, path: str, media_type: str) -> Response:
    """A file of gateway/static/, with its ETag (304 when the client has it)."""
    content, etag = _read(path)
    headers = {"ETag": etag, "Cache-Control": "public, max-age=3600"}
    if call.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(content, media_type=media_type, headers=headers)


async def asset(call: Call) -> Response:
    name = call.path_params["name"]
    if name not in ASSETS:
        raise NotFound(f"no docs asset named {name[:64]!r}")
    return static_file(call, *ASSETS[name])


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
    Endpoint(
        "GET",
        "/docs/assets/{name}",
        asset,
        "A file of the documentation page (Swagger UI, vendored)",
        "operations",
        None,
        answer="*/*",
        errors=(404,),
    ),
]
