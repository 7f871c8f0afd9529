"""/openapi.json and /docs: the document, and a page that reads it (no CDN, no key)."""

from __future__ import annotations

from importlib.resources import files

from starlette.responses import HTMLResponse, JSONResponse, Response

from gateway.edge import Call
from gateway.endpoint import Endpoint
from gateway.openapi import spec

PAGE = files("gateway").joinpath("static/docs.html").read_text(encoding="utf-8")
CSP = "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"


async def openapi(call: Call) -> Response:
    return JSONResponse(spec(call.host.endpoints))


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
