"""Serving the app with uvicorn, with limits that keep slow or idle clients from
exhausting the server (``server.limits``).

uvicorn bounds idle keep-alive connections but not the wait for a request's headers:
a connection that never sends a byte, or sends its headers a byte at a time
(slowloris), would stay open for ever. ``HeaderTimeoutProtocol`` makes uvicorn's
HTTP protocol close a connection whose request line and headers have not all arrived
within ``header_timeout`` seconds of the connection opening, or of the request's first
byte on a kept-alive connection; the timer is not reset by a trickle of bytes.
``max_connections`` is uvicorn's ``limit_concurrency``: past it, new requests are
answered 503 at once. ``grace`` (``server.shutdown_grace``) is uvicorn's
``timeout_graceful_shutdown``: the app's drain (gateway/serving/drain.py) shortens it by the
time it kept accepting after SIGTERM.
"""

from __future__ import annotations

import asyncio
import math
import socket
import sys
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from gateway.config.model import Limits

_limits = Limits()
TIMER_SLACK = 0.002  # s: a timer may fire this much before its time


def use_limits(limits: Limits) -> None:
    """The limits this process serves with (each worker sets them from its config)."""
    global _limits
    _limits = limits


def serve(
    target: Any,
    host: str,
    port: int,
    limits: Limits,
    announce: str,
    workers: int = 1,
    grace: float = 20.0,
) -> int:
    """Serve ``target`` (an app, or ``"module:factory"`` for workers); ``announce`` is
    printed once to stderr when the gateway really listens (stdout stays JSON logs)."""
    config = uvicorn.Config(
        target,
        factory=isinstance(target, str),
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level="warning",
        # server.trusted_proxies is the one rule for X-Forwarded-* (gateway/http/forwarded.py):
        # uvicorn's own would believe them from 127.0.0.1 before the gateway decides.
        proxy_headers=False,
        timeout_graceful_shutdown=math.ceil(grace),
        **uvicorn_options(limits),
    )
    if workers > 1:
        from gateway.serving.workers import Supervisor, metrics_directory

        sock = config.bind_socket()  # exits with uvicorn's message when the port is taken
        with metrics_directory() as directory:  # every worker counts there (workers.py)
            print(announce, file=sys.stderr, flush=True)
            Supervisor(config, sockets=[sock], directory=directory).run()
        return 0
    server = _Announcing(config, announce)
    server.run()
    return 0 if server.started else 1


class _Announcing(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, announce: str) -> None:
        super().__init__(config)
        self.announce = announce

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:  # the app started and the socket is bound
            print(self.announce, file=sys.stderr, flush=True)


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """The header timeout (module docstring) with no timer made per request: a request
    notes when its headers are due (a clock read), and the connection's one timer,
    when it fires, closes it if headers are still awaited and due, re-arms itself for
    a later due time, or lapses until the next request. On a kept-alive connection that
    answers request after request, the timer fires at most once per ``header_timeout``
    instead of a timer being made and cancelled for every request (~1.4 µs each on
    uvloop, measured alone)."""

    _header_timer: asyncio.TimerHandle | None = None
    _headers_due: float | None = None  # None: no request is waiting for its headers

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_headers()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._headers_due is None:  # the first request keeps the connection's due time
            self._await_headers()

    def on_headers_complete(self) -> None:
        self._headers_due = None
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._headers_due = None
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        super().connection_lost(exc)

    def _await_headers(self) -> None:
        self._headers_due = self.loop.time() + _limits.header_timeout
        if self._header_timer is None:
            self._header_timer = self.loop.call_at(self._headers_due, self._due)

    def _due(self) -> None:
        self._header_timer = None
        due = self._headers_due
        if due is None:
            return  # headers complete: the next request arms the timer again
        if self.loop.time() + TIMER_SLACK < due:  # a later request's: wait for it
            self._header_timer = self.loop.call_at(due, self._due)
        elif not self.transport.is_closing():
            self.transport.close()


def uvicorn_options(limits: Limits) -> dict[str, Any]:
    """The uvicorn settings ``server.limits`` stands for (picklable, for workers)."""
    use_limits(limits)
    return {
        "http": "gateway.serving.server:HeaderTimeoutProtocol",
        "timeout_keep_alive": limits.keep_alive,
        "limit_concurrency": limits.max_connections,
        "backlog": limits.backlog,
    }
