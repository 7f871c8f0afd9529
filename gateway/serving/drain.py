"""Graceful shutdown (API.md section 13): what happens between SIGTERM and exit.

A balancer takes an instance out in this order: its health check fails, it stops
sending new requests there, then the instance's connections close. So on SIGTERM (or
SIGINT) each process (each worker of ``--workers N``: the supervisor passes the signal
on) drains in four steps:

1. at once, in the signal handler: ``/readyz`` answers 503 ``{"status": "draining"}``;
   then the ``on_signal`` work runs (the app releases its poller leases and stops
   claiming webhook deliveries, so another instance takes both over at once);
2. the process keeps accepting while a balancer may still send it requests: until no
   request other than a probe (``PROBES``) has begun for ``QUIET`` seconds, counted from
   the signal at the earliest, and at most half of ``server.shutdown_grace``;
3. then it stops accepting: the server's own shutdown (uvicorn closes its listener and
   the idle connections), and requests in flight finish within what is left of
   ``server.shutdown_grace`` from the signal; requests still running then are cut off;
4. the app's end (gateway/app.py): webhook attempts still in flight when the grace ends
   are cancelled and their holds released, queued audit records are written, and one
   log line ``drained`` says what was drained.

A second SIGTERM or SIGINT during step 2 goes to step 3 at once. The signal handler
wraps the one the server installed (uvicorn's), and hands the signal on to it in step
3; when that server is uvicorn, its ``timeout_graceful_shutdown`` is set to the grace
left. Run without a server's handler (an ASGI app in tests), nothing is installed.
"""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from collections.abc import Callable, Coroutine
from types import FrameType
from typing import Any

import structlog
from starlette.types import ASGIApp, Receive, Scope, Send

log = structlog.get_logger("gateway.drain")
SIGNALS = (signal.SIGTERM, signal.SIGINT)
PROBES = frozenset({"/readyz", "/healthz", "/metrics"})
QUIET = 1.0  # seconds without a new request after which a balancer has taken us out
TICK = 0.05

Handler = Callable[[int, FrameType | None], Any]


class Drain:
    """One process's drain (module docstring): the requests it has in flight, and
    whether and since when it drains. ``grace`` gives ``server.shutdown_grace``."""

    def __init__(self, grace: Callable[[], float]) -> None:
        self.grace = grace
        self.since: float | None = None  # monotonic time of the signal
        self.signal: int | None = None
        self.in_flight = 0
        self.finished = 0  # requests that ended after the signal
        self.cut_off = 0  # requests cancelled when the grace ran out
        self.last_request = 0.0  # monotonic time the last request (not a probe) began
        self._grace = 0.0  # the grace read at the signal
        self._previous: dict[int, Handler] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._on_signal: Callable[[], Coroutine[Any, Any, None]] | None = None
        self._task: asyncio.Task[None] | None = None
        self._handed_on = False

    @property
    def draining(self) -> bool:
        return self.since is not None

    def left(self) -> float:
        """Seconds of the grace left (the whole grace before a signal)."""
        if self.since is None:
            return self.grace()
        return max(0.0, self._grace - (time.monotonic() - self.since))

    # The signal -------------------------------------------------------------------------

    def install(self, on_signal: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Wrap the server's SIGTERM and SIGINT handlers (in the app's startup, which a
        server runs after installing its own); ``on_signal`` runs once, at the signal."""
        if threading.current_thread() is not threading.main_thread():
            return
        self._loop = asyncio.get_running_loop()
        self._on_signal = on_signal
        for sig in SIGNALS:
            previous = signal.getsignal(sig)
            if callable(previous):  # a server's own handler to hand the signal on to
                self._previous[sig] = previous
                signal.signal(sig, self._signalled)

    def uninstall(self) -> None:
        """Put the server's handlers back (in the app's shutdown)."""
        for sig, previous in self._previous.items():
            if signal.getsignal(sig) == self._signalled:
                signal.signal(sig, previous)
        self._previous.clear()

    def _signalled(self, sig: int, frame: FrameType | None) -> None:
        # Runs in the main thread between two bytecodes of the event loop's thread:
        # it sets plain attributes and schedules the rest on the loop.
        assert self._loop is not None
        if self.since is not None:
            self._loop.call_soon_threadsafe(self._hand_on)  # a second signal: stop now
            return
        self.since, self.signal = time.monotonic(), sig  # /readyz is 503 from here on
        self._loop.call_soon_threadsafe(self._begin)

    def _begin(self) -> None:
        self._grace = self.grace()
        log.info("draining", signal=signal.Signals(self.signal or 0).name, grace=self._grace)
        assert self._loop is not None
        self._task = self._loop.create_task(self._drain())

    async def _drain(self) -> None:
        assert self.since is not None and self._on_signal is not None
        signalled = asyncio.get_running_loop().create_task(self._on_signal())
        cap = self.since + self._grace / 2
        while not self._handed_on:
            now = time.monotonic()
            quiet_since = max(self.since, self.last_request)
            if now >= cap or now - quiet_since >= QUIET:
                break
            await asyncio.sleep(TICK)
        self._hand_on()
        await signalled

    def _hand_on(self) -> None:
        """Step 3: the server's own shutdown, with the grace that is left."""
        if self._handed_on:
            return
        self._handed_on = True
        sig = self.signal if self.signal is not None else signal.SIGTERM
        handler = self._previous.get(sig) or self._previous.get(signal.SIGTERM)
        if handler is None:
            return
        server_config: Any = getattr(getattr(handler, "__self__", None), "config", None)
        if hasattr(server_config, "timeout_graceful_shutdown"):  # uvicorn's Server
            server_config.timeout_graceful_shutdown = max(0.1, self.left())
        handler(sig, None)

    async def aclose(self) -> None:
        """Stop the drain's own task (the app's shutdown)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.wait([self._task], timeout=1.0)

    # Requests ---------------------------------------------------------------------------

    def began(self) -> None:
        self.last_request = time.monotonic()
        self.in_flight += 1

    def ended(self, cut_off: bool) -> None:
        self.in_flight -= 1
        if cut_off:
            self.cut_off += 1
        elif self.since is not None:
            self.finished += 1

    def report(self, **drained: int) -> None:
        """The one log line of what was drained (step 4)."""
        seconds = None if self.since is None else round(time.monotonic() - self.since, 3)
        log.info(
            "drained",
            signal=None if self.signal is None else signal.Signals(self.signal).name,
            seconds=seconds,
            requests_finished=self.finished,
            requests_cut_off=self.cut_off + self.in_flight,
            **drained,
        )


class Tracking:
    """The outermost ASGI layer: counts the requests of a ``Drain`` (probes aside)."""

    def __init__(self, app: ASGIApp, drain: Drain) -> None:
        self.app, self.drain = app, drain

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PROBES:
            return await self.app(scope, receive, send)
        self.drain.began()
        cut_off = False
        try:
            await self.app(scope, receive, send)
        except asyncio.CancelledError:
            cut_off = True
            raise
        finally:  # gateway/http/middleware.py answers a cut-off request and marks it so
            self.drain.ended(cut_off or bool(scope.get("state", {}).get("cut_off")))
