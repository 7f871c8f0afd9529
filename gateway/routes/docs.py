"""/openapi.json and /docs: the document, and a page that reads it (no CDN, no key)."""

from __future__ import annotations

from importlib.resources import files

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from gateway.openapi import spec

PAGE = files("gateway").joinpath("static/docs.html").read_text(encoding="utf-8")
CSP = "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"


async def openapi(request: Request) -> Response:
    return JSONResponse(spec())


async def docs(request: Request) -> Response:
    return HTMLResponse(PAGE, headers={"Content-Security-Policy": CSP})


routes = [
    Route("/openapi.json", openapi, methods=["GET"]),
    Route("/docs", docs, methods=["GET"]),
]
