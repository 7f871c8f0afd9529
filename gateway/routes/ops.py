"""Operations endpoints, no API key: liveness, readiness, Prometheus metrics.

- ``/healthz``: the process answers (200).
- ``/readyz``: 200 while at least one connection's circuit is not open (the gateway
  can serve something), else 503; lists each connection's circuit state.
- ``/metrics``: Prometheus text format (gateway/metrics.py). It names connections and
  routes, never keys or secrets.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.web import gateway


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    state = gateway(request)
    circuits = {
        name: c.adapter.upstream.breaker.state.value for name, c in state.connections.items()
    }
    ready = any(value != "open" for value in circuits.values())
    return JSONResponse(
        {"status": "ready" if ready else "unavailable", "circuits": circuits},
        status_code=200 if ready else 503,
    )


async def metrics(request: Request) -> Response:
    return Response(gateway(request).metrics.render(), media_type=CONTENT_TYPE_LATEST)


routes = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
    Route("/metrics", metrics, methods=["GET"]),
]
