"""Operations endpoints, no API key: where to start, liveness, readiness, Prometheus metrics.

- ``/``: what this is and where to go next (the docs, the OpenAPI document, the
  connections), for a newcomer's first curl or browser visit.

- ``/healthz``: the process answers (200).
- ``/readyz``: 200 while at least one connection's circuit is not open (the gateway
  can serve something), else 503; lists each connection's circuit state, and the
  state store's (``"state": "ok"`` or ``"down"``, then with ``"state_reason"``: what
  failed, and the addresses asked). A store that is down does not make the gateway
  unready: reads still answer (API.md section 7). From SIGTERM on, 503
  ``{"status": "draining"}``, so a balancer takes the process out (gateway/serving/drain.py).
- ``/metrics``: Prometheus text format (gateway/observability/metrics.py): with several workers, the
  sum over all of them, whichever answers. It names connections and routes, never keys
  or secrets.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.responses import JSONResponse, Response

from gateway.http.edge import Call
from gateway.http.endpoint import Endpoint


async def index(call: Call) -> Response:
    return JSONResponse(
        {
            "name": "Customer Gateway",
            "about": "One REST API for customers, contacts and items over several upstreams.",
            "links": {
                "docs": "/docs",
                "guide": "/docs/guide/",
                "openapi": "/openapi.json",
                "connections": "/v1/connections",
                "customers": "/v1/customers",
                "health": "/healthz",
            },
            "auth": "Authorization: Bearer <API key> on /v1 and /admin; none here or on /docs",
        }
    )


async def healthz(call: Call) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(call: Call) -> Response:
    drain = getattr(call.host.state, "drain", None)
    if drain is not None and drain.draining:
        return JSONResponse({"status": "draining"}, status_code=503)
    circuits = {
        name: c.adapter.upstream.breaker.state.value for name, c in call.runtime.connections.items()
    }
    ready = any(value != "open" for value in circuits.values())
    store = call.runtime.store
    state = "ok" if await store.ping() else "down"
    body = {
        "status": "ready" if ready else "unavailable",
        "circuits": circuits,
        "state": state,
        "state_backend": store.backend,
    }
    if state == "down":
        body["state_reason"] = store.reason or "the state store does not answer"
    return JSONResponse(body, status_code=200 if ready else 503)


async def metrics(call: Call) -> Response:
    return Response(await call.runtime.metrics.scrape(), media_type=CONTENT_TYPE_LATEST)


endpoints = [
    Endpoint("GET", "/", index, "Where to start", "operations", None, answer={}, errors=()),
    Endpoint("GET", "/healthz", healthz, "Liveness", "operations", None, answer={}, errors=()),
    Endpoint(
        "GET",
        "/readyz",
        readyz,
        "Readiness: 503 when every circuit is open, or the process drains",
        "operations",
        None,
        answer={},
        errors=(503,),
    ),
    Endpoint(
        "GET",
        "/metrics",
        metrics,
        "Prometheus metrics",
        "operations",
        None,
        answer="text/plain",
        errors=(),
    ),
]
