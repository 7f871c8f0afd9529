"""The ASGI app: routes, error rendering and the gateway's lifetime."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import Scope

from gateway.changes.feed import ChangeFeed
from gateway.changes.health_board import HealthBoard
from gateway.changes.poller import Pollers
from gateway.changes.webhooks import DeliveryWorker
from gateway.config.model import Config
from gateway.config.sealing import Sealer, keys_from_env
from gateway.config.sync import ConfigFollower
from gateway.guarantees.audit import AuditLog
from gateway.guarantees.quotas import Quotas
from gateway.http.edge import error_response
from gateway.http.middleware import RequestContext
from gateway.observability.metrics import Metrics
from gateway.routes import ENDPOINTS
from gateway.runtime import Host, Runtime
from gateway.serving.drain import Drain, Tracking
from gateway.store import open_store
from kernel.errors import GatewayError, NotFound
from kernel.wording import did_you_mean, in_words


async def render_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        if exc.status_code == 404:
            exc = NotFound(_no_endpoint(request))
        else:
            headers = dict(exc.headers or {})
            message = exc.detail
            if exc.status_code == 405:
                allowed = allowed_methods(request)
                headers["Allow"] = ", ".join(allowed)
                message = (
                    f"{request.method} is not a method of {request.url.path[:200]}; "
                    f"it takes {in_words(allowed)}"
                )
            error = GatewayError(message, headers=headers)
            error.status, error.code = exc.status_code, _http_code(exc.status_code)
            exc = error
    assert isinstance(exc, GatewayError)
    return error_response(exc)


def allowed_methods(request: Request) -> list[str]:
    """The methods served at the path the request matched: its first matching route's
    template, which several routes (one per method) may share."""
    first = _first_route(request, request.scope)
    if first is None:
        return []
    routes = [r for r in request.app.routes if isinstance(r, Route)]
    return sorted({m for r in routes if r.path == first.path for m in r.methods or ()})


def _first_route(request: Request, scope: Scope) -> Route | None:
    """The first route whose path matches ``scope``'s, whatever its method."""
    routes = (r for r in request.app.routes if isinstance(r, Route))
    return next((r for r in routes if r.matches(scope)[0] is not Match.NONE), None)


def _no_endpoint(request: Request) -> str:
    """404 for a path no route serves; a trailing slash is named, not redirected (an
    empty 307 teaches nothing, and a client that follows it re-sends a body)."""
    path = request.url.path
    stripped = path.rstrip("/")
    scope = {**request.scope, "path": stripped}
    if stripped and stripped != path and _first_route(request, scope) is not None:
        return f"no such endpoint; did you mean {stripped}? (paths end without a slash)"
    near = near_path(stripped, [r.path for r in request.app.routes if isinstance(r, Route)])
    if near is not None:
        return f"no such endpoint; did you mean {near}? (the API reference is at /docs)"
    return "no such endpoint (the API reference is at /docs)"


def near_path(path: str, templates: list[str]) -> str | None:
    """``path`` with one fixed segment of a route template put right (``/v1/customer``
    -> ``/v1/customers``, ``/v1/item/a:1`` -> ``/v1/items/a:1``),
    when exactly one such template is close; ``None`` otherwise."""
    parts = path.split("/")
    found: set[str] = set()
    if len(path) > 200:  # nothing this long is a typo of a route
        return None
    for template in templates:
        segments = template.split("/")
        if len(segments) != len(parts) or "{path:path}" in template:
            continue
        wrong = [
            n
            for n, (segment, part) in enumerate(zip(segments, parts, strict=True))
            if not segment.startswith("{") and segment != part
        ]
        if len(wrong) == 1 and did_you_mean(parts[wrong[0]], [segments[wrong[0]]]):
            fixed = list(parts)
            fixed[wrong[0]] = segments[wrong[0]]
            found.add("/".join(fixed))
    return found.pop() if len(found) == 1 else None


def _http_code(status: int) -> str:
    return {405: "method_not_allowed"}.get(status, "bad_request")


async def shutdown(app: Starlette) -> None:
    """Write what the audit log still holds, then close the connections, the quota
    storage and the state store (the app's lifespan end; tests without one call it)."""
    await app.state.host.audit.aclose()
    runtime = app.state.runtime
    await runtime.aclose()
    await runtime.quotas.aclose()
    await runtime.store.aclose()


def create_app(config: Config, *, config_path: Path | None = None) -> Starlette:
    """The gateway as an ASGI app; ``config_path`` is the file the admin API edits."""
    Sealer(keys_from_env(), b"")  # a GATEWAY_SECRETS_KEY that is no key: KeyProblem now
    metrics = Metrics()
    store = open_store(config, config_path, on_error=metrics.state_error)
    runtime = Runtime(config, store=store, quotas=Quotas(store, metrics.limited), metrics=metrics)

    drain = Drain(lambda: app.state.runtime.config.server.shutdown_grace)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        host: Host = app.state.host
        follower = ConfigFollower(host)
        await follower.start()
        await host.pollers.start()
        await host.deliveries.start()
        host.health.start()
        metrics.recent.start()
        audited = 0

        async def on_signal() -> None:  # another instance takes these over at once
            nonlocal audited
            audited = host.audit.written
            await host.pollers.stop()
            await host.deliveries.pause()

        drain.install(on_signal)
        try:
            yield
        finally:
            if not drain.draining:
                audited = host.audit.written
            drain.uninstall()
            await drain.aclose()
            await host.pollers.stop()
            await host.health.stop()
            await metrics.recent.stop()
            await host.deliveries.stop(within=drain.left() if drain.draining else 0.0)
            await follower.stop()
            await shutdown(app)
            drain.report(
                deliveries_released=host.deliveries.released,
                leases_released=host.pollers.released + host.deliveries.recovery.released,
                audit_records_written=host.audit.written - audited,
            )

    app = Starlette(
        routes=[endpoint.route() for endpoint in ENDPOINTS],
        middleware=[Middleware(Tracking, drain=drain), Middleware(RequestContext)],
        exception_handlers={GatewayError: render_error, HTTPException: render_error},
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False  # a trailing slash is a 404 that says so
    app.state.runtime = runtime
    app.state.metrics = metrics
    app.state.drain = drain
    feed = ChangeFeed(store, lambda: app.state.runtime.config, metrics)
    app.state.host = Host(
        app.state,
        config_path,
        asyncio.Lock(),
        audit=AuditLog(store, metrics, lambda: app.state.runtime.config.server.audit.retention),
        changes=feed,
        pollers=Pollers(lambda: app.state.runtime, feed),
        deliveries=DeliveryWorker(feed, lambda: app.state.runtime.config),
        health=HealthBoard(lambda: app.state.runtime, feed),
        endpoints=ENDPOINTS,
    )
    if config_path is not None:  # the text the admin API edits (the follower reads it again)
        app.state.host.read_file()
    metrics.watch(lambda: app.state.runtime)
    return app
