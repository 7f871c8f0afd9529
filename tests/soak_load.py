"""The soak's clients (tests/soak.py): steady mixed load through the balancer, an event
consumer following its cursor, a webhook receiver; and what each of them saw.

Every answer is kept with the time it came (``Answer``), so the soak can tell which
fault window it fell in. A write with an ``Idempotency-Key`` is sent again, with the
same key and body, until it has a definite answer (2xx, or a 4xx: 409 when its outcome
is unknown), as a careful client would; a write without one is sent once.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from standardwebhooks.webhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.servers import free_port

DEMO = {"Authorization": "Bearer demo-key"}
PAUSE = 0.02  # seconds each client waits between two requests
GIVE_UP = 60.0  # seconds a keyed write is tried again before the client gives up
CONNECTION_ERROR = 0  # the status kept for an answer that never came


@dataclass(frozen=True, slots=True)
class Answer:
    at: float  # wall-clock seconds
    status: int
    kind: str


@dataclass
class Write:
    """One customer the load asked for, by its unique code."""

    code: str
    at: float
    keyed: bool
    final: int = CONNECTION_ERROR  # the last answer's status
    resource_id: str | None = None
    # the upstream refused the code as taken: the write reached it a second time (the
    # BorderBolt simulator keeps codes unique, so a second write shows this way)
    written_again: bool = False


@dataclass
class Seen:
    """What the clients saw over the whole run."""

    answers: list[Answer] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)  # in the consumer's order
    deliveries: list[tuple[str, str]] = field(default_factory=list)  # (webhook-id, event id)
    refused_signatures: int = 0


def new_body() -> dict[str, Any]:
    code = f"S{uuid.uuid4().hex[:10].upper()}"
    return {"code": code, "name": f"Soak {code} B.V."}


class Load:
    """The clients, all in one event loop. ``direct()`` gives the URLs of the gateways
    running now (for concurrent duplicates sent to two different instances)."""

    def __init__(self, balancer: str, direct: Callable[[], list[str]], clients: int) -> None:
        self.balancer, self.direct, self.clients = balancer, direct, clients
        self.seen = Seen()
        self.stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._cursor: str | None = None  # the consumer's, kept across its runs
        self._client = httpx.AsyncClient(headers=DEMO, timeout=15)

    def start(self) -> None:
        loops = [self._reads, self._keyed_writes, self._plain_writes, self._duplicates]
        for n in range(self.clients):
            self._tasks.append(asyncio.create_task(loops[n % len(loops)]()))
        self._tasks.append(asyncio.create_task(self._consume_events()))

    async def stop(self) -> None:
        self.stopping.set()
        await asyncio.gather(*self._tasks)

    async def follow_events(self, until: float) -> None:
        """Keep following the feed (after the load stopped) until ``until`` (monotonic)."""
        self.stopping.clear()
        task = asyncio.create_task(self._consume_events())
        await asyncio.sleep(max(0.0, until - time.monotonic()))
        self.stopping.set()
        await task

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _send(self, kind: str, method: str, url: str, counted: bool = True, **kw: Any) -> Any:
        try:
            answer = await self._client.request(method, url, **kw)
            status = answer.status_code
        except httpx.HTTPError:
            answer, status = None, CONNECTION_ERROR
        if counted:
            self.seen.answers.append(Answer(time.time(), status, kind))
        return answer

    async def _reads(self) -> None:
        paths = ["/v1/customers/bb:501", "/v1/customers?limit=5", "/v1/customers/bb:502"]
        while not self.stopping.is_set():
            headers = {"Cache-Control": "no-cache"} if random.random() < 0.5 else {}
            await self._send("read", "GET", self.balancer + random.choice(paths), headers=headers)
            await asyncio.sleep(PAUSE)

    async def _keyed_writes(self) -> None:
        while not self.stopping.is_set():
            await self._keyed(self.balancer, new_body(), uuid.uuid4().hex)
            await asyncio.sleep(PAUSE)

    async def _keyed(self, origin: str, body: dict[str, Any], key: str) -> Write:
        write = Write(body["code"], time.time(), keyed=True)
        self.seen.writes.append(write)
        deadline = time.monotonic() + GIVE_UP
        while True:
            direct = origin != self.balancer
            answer = await self._send(
                "keyed write",
                "POST",
                origin + "/v1/customers",
                counted=not direct,
                json=body,
                headers={"Idempotency-Key": key},
            )
            write.final = CONNECTION_ERROR if answer is None else answer.status_code
            if answer is not None and "already been taken" in answer.text:
                write.written_again = True  # 409 naming the code (adapters/borderbolt)
            if answer is not None and answer.status_code < 500:
                if answer.status_code in (200, 201):
                    write.resource_id = answer.json()["id"]
                return write
            if time.monotonic() > deadline:
                return write
            origin = self.balancer  # the instance may be gone: try again through the balancer
            await asyncio.sleep(0.2)

    async def _plain_writes(self) -> None:
        while not self.stopping.is_set():
            body = new_body()
            write = Write(body["code"], time.time(), keyed=False)
            self.seen.writes.append(write)
            answer = await self._send(
                "plain write", "POST", self.balancer + "/v1/customers", json=body
            )
            if answer is not None:
                write.final = answer.status_code
                if answer.status_code == 201:
                    write.resource_id = answer.json()["id"]
            await asyncio.sleep(PAUSE)

    async def _duplicates(self) -> None:
        """One key sent at once to two different instances, each retried until definite."""
        while not self.stopping.is_set():
            running = self.direct()
            if len(running) >= 2:
                first, second = random.sample(running, 2)
                body, key = new_body(), uuid.uuid4().hex
                await asyncio.gather(self._keyed(first, body, key), self._keyed(second, body, key))
            await asyncio.sleep(PAUSE)

    async def _consume_events(self) -> None:
        while True:
            cursor = self._cursor
            params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            answer = await self._send("events", "GET", self.balancer + "/v1/events", params=params)
            if answer is not None and answer.status_code == 200:
                page = answer.json()
                self.seen.events += page["data"]
                self._cursor = page["meta"]["next_cursor"] or cursor
                if page["data"]:
                    continue
            if self.stopping.is_set():
                return
            await asyncio.sleep(0.2)


async def every_event(balancer: str) -> list[dict[str, Any]]:
    """The whole feed from its oldest event (what the consumer should have seen)."""
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    async with httpx.AsyncClient(headers=DEMO, timeout=15) as client:
        while True:
            params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            page = (await client.get(balancer + "/v1/events", params=params)).json()
            found += page["data"]
            cursor = page["meta"]["next_cursor"]
            if not page["data"]:
                return found


class Receiver:
    """The webhook receiver: checks each signature, keeps (webhook-id, event id)."""

    def __init__(self, secret: str, seen: Seen) -> None:
        self.webhook, self.seen = Webhook(secret), seen
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook"

    async def hook(self, request: Request) -> Response:
        body = await request.body()
        try:
            event = self.webhook.verify(body, dict(request.headers))
        except Exception:
            self.seen.refused_signatures += 1
            return Response(status_code=401)
        self.seen.deliveries.append((request.headers["webhook-id"], event["id"]))
        return Response(status_code=204)

    @contextlib.asynccontextmanager
    async def serving(self) -> Any:
        app = Starlette(routes=[Route("/hook", self.hook, methods=["POST"])])
        config = uvicorn.Config(app, port=self.port, log_level="warning", lifespan="off")
        server = uvicorn.Server(config)
        task = asyncio.get_running_loop().create_task(server.serve())
        while not server.started:  # noqa: ASYNC110 - uvicorn sets a flag, no event
            await asyncio.sleep(0.01)
        try:
            yield self
        finally:
            server.should_exit = True
            await task


def repeated(events: list[dict[str, Any]]) -> list[str]:
    """Event ids the consumer was given more than once."""
    return [i for i, n in Counter(e["id"] for e in events).items() if n > 1]
