"""What every sandbox simulator shares: bearer auth, a call log and fault injection.

A simulator is an ASGI app wrapped in ``Sandbox``, which before the app sees a request
records it in ``calls``, applies the first matching queued ``Fault`` (latency, a status
with a body, a non-JSON body, a dropped connection) and checks the bearer token.
Tests queue faults with ``sandbox.faults.add(Fault(...))`` (or, on a simulator served
as its own process, ``POST /__sandbox__/faults``); each fault fires ``times`` times.
They change records behind the gateway's back through ``sandbox.console``
(adapters/sandbox/console.py), also over HTTP. A dropped connection raises
``httpx.RemoteProtocolError`` inside the app, which ``httpx.ASGITransport`` hands to
the client exactly as a real dropped connection would.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.sandbox.console import CONSOLE_PATH, Console
from adapters.sandbox.helpers import query_int

__all__ = ["Call", "Credentials", "Fault", "Faults", "Sandbox", "SandboxTransport", "query_int"]

log = structlog.get_logger("gateway.sandbox")
CALLS_PATH = "/__sandbox__/calls"  # the call log as JSON, for tests of a served simulator
FAULTS_PATH = "/__sandbox__/faults"  # POST a fault (JSON of ``Fault``) to a served one


@dataclass
class Fault:
    status: int | None = None
    body: bytes | dict[str, object] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    latency: float = 0.0
    drop: bool = False
    # seconds between handling the request (the write is done) and sending the answer:
    # a client that gives up, or dies, meanwhile never learns the outcome
    answer_after: float = 0.0
    times: int = 1
    method: str | None = None
    path_prefix: str = ""

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and path.startswith(self.path_prefix)


class Faults:
    def __init__(self) -> None:
        self._queue: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        self._queue.append(fault)
        return fault

    def clear(self) -> None:
        self._queue.clear()

    def take(self, method: str, path: str) -> Fault | None:
        for fault in self._queue:
            if fault.matches(method, path):
                fault.times -= 1
                if fault.times <= 0:
                    self._queue.remove(fault)
                return fault
        return None


@dataclass(frozen=True, slots=True)
class Credentials:
    """What the gateway's connection will present: a bearer token, or OAuth2 client
    credentials for a simulator that issues tokens."""

    token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None


@dataclass(frozen=True, slots=True)
class Call:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    at: float = field(default_factory=time.time)  # when it arrived (wall clock)


class Sandbox:
    """ASGI wrapper of one simulator: auth, call log, faults."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        authorized: Callable[[str], bool],
        unauthorized: bytes,
        public_paths: tuple[str, ...] = (),
        simulator: object = None,
    ) -> None:
        self.app = app
        self.simulator = simulator  # the state behind the app, for tests and tooling
        self.authorized = authorized
        self.unauthorized = unauthorized
        self.public_paths = public_paths
        self.latency = 0.0  # seconds added to every request, like a distant upstream
        self.faults = Faults()
        self.calls: deque[Call] = deque(maxlen=1000)
        # the upstream's own UI, where the simulator has one (adapters/sandbox/console.py)
        self.console: Console | None = getattr(simulator, "console", None)

    @classmethod
    def bearer(cls, app: ASGIApp, simulator: object, token: str, unauthorized: bytes) -> Sandbox:
        """The sandbox of an upstream whose one valid credential is the bearer ``token``;
        any other is answered ``unauthorized`` (the upstream's own 401 body)."""
        return cls(
            app,
            simulator=simulator,
            authorized=lambda presented: presented == token,
            unauthorized=unauthorized,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        method, path = scope["method"], scope["path"]
        if path == CALLS_PATH:
            return await self._send_calls(send)
        if path == FAULTS_PATH and method == "POST":
            return await self._add_fault(receive, send)
        if path.startswith(CONSOLE_PATH) and self.console is not None:
            status, text = self.console.answer(method, path, await _read_body(receive))
            return await _send(send, status, text, {})
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        self.calls.append(Call(method, path, scope["query_string"].decode(), headers))
        if self.latency:
            await asyncio.sleep(self.latency)
        fault = self.faults.take(method, path)
        answer_after = fault.answer_after if fault is not None else 0.0
        if fault is not None:
            if fault.latency:
                await asyncio.sleep(fault.latency)
            if fault.drop:
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
            if fault.status is not None:
                body = fault.body if isinstance(fault.body, bytes) else json.dumps(fault.body or {})
                return await _send(send, fault.status, body, fault.headers)
        auth = headers.get("authorization", "")
        public = path in self.public_paths
        if not public and (not auth.startswith("Bearer ") or not self.authorized(auth[7:])):
            return await _send(send, 401, self.unauthorized, {})
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start" and answer_after:
                await asyncio.sleep(answer_after)
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            # A real server answers 500 when it breaks; so does the simulator.
            log.exception("sandbox_error", path=path)
            if not started:
                await _send(send, 500, b'{"message": "Server Error"}', {})

    async def _add_fault(self, receive: Receive, send: Send) -> None:
        """``POST /__sandbox__/faults`` with a ``Fault`` as JSON (no body bytes)."""
        try:
            given = json.loads(await _read_body(receive))
            fault = self.faults.add(Fault(**given))
        except (ValueError, TypeError) as exc:
            return await _send(send, 400, json.dumps({"message": str(exc)}), {})
        return await _send(send, 201, json.dumps({"queued": fault.method or "*"}), {})

    async def _send_calls(self, send: Send) -> None:
        calls = [
            {"method": c.method, "path": c.path, "query": c.query, "at": c.at} for c in self.calls
        ]
        await _send(send, 200, json.dumps(calls), {})


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _send(send: Send, status: int, body: bytes | str, headers: dict[str, str]) -> None:
    raw = body.encode() if isinstance(body, str) else body
    header_list = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(raw)).encode()),
    ]
    header_list += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": header_list})
    await send({"type": "http.response.body", "body": raw})


class SandboxTransport(httpx.ASGITransport):
    """``ASGITransport`` into a sandbox that honours the request's read timeout.

    In process there is no socket, so httpx's own timeouts never fire; a simulator made
    slow by a latency fault must still time out as a slow server would.
    """

    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__(app=sandbox)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        read_timeout = request.extensions.get("timeout", {}).get("read")
        try:
            return await asyncio.wait_for(super().handle_async_request(request), read_timeout)
        except TimeoutError as exc:
            raise httpx.ReadTimeout("sandbox did not answer in time", request=request) from exc
