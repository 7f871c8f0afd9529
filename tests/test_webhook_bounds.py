"""Webhook deliveries bounded whatever a receiver does (API.md section 9): no more than
64 KiB of an answer is read, the webhook's ``timeout`` bounds an attempt as a whole,
at most one attempt of a delivery is in flight anywhere, and attempts are counted as
they start.

The receivers are real servers in the test's loop: one answers 200 with a 400 MB body
(streamed from one 1 MiB chunk, never allocated whole), one trickles its answer a byte
at a time. The gateways are real processes (tests/servers.py) whose memory is read
from /proc."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from gateway.changes import webhooks
from gateway.changes.feed import ChangeFeed, new_delivery
from gateway.config.text import parse_config
from gateway.store.base import DeliveryHeld, StoreDown
from gateway.store.local import LocalStore
from tests.conftest import client_for
from tests.servers import Process, RedisServer, free_port
from tests.servers import gateway as gateway_process
from tests.site_config import ADMIN_KEY, DEMO_KEY, borderbolt_config, write_instance_config
from tests.test_webhooks import (
    deliveries,
    gateway,
    hook,
    hooks_config,
    until,
    uvicorn_serving,
)

pytestmark = pytest.mark.anyio
CHUNK = b"\0" * (1 << 20)
BIG = 400  # MiB in the big receiver's answer
ADMIN = {"Authorization": "Bearer admin-key"}
DEMO = {"Authorization": "Bearer demo-key"}


@dataclass
class BigAnswer:
    """Answers every POST with 200 and a 400 MB body, streamed."""

    port: int = field(default_factory=free_port)
    requests: int = 0

    async def hook(self, request: Request) -> Response:
        self.requests += 1
        await request.body()

        async def body() -> AsyncIterator[bytes]:
            for _ in range(BIG):
                yield CHUNK

        headers = {"content-length": str(BIG * len(CHUNK))}
        return StreamingResponse(body(), headers=headers, media_type="application/octet-stream")

    @contextlib.asynccontextmanager
    async def serving(self) -> AsyncIterator[BigAnswer]:
        app = Starlette(routes=[Route("/hook", self.hook, methods=["POST"])])
        async with uvicorn_serving(app, self.port, log_level="error"):
            yield self


@dataclass
class Trickle:
    """Reads a request whole, answers ``200`` with ``Content-Length: 1000``, then sends
    one byte every ``every`` seconds until the client hangs up. Keeps each connection's
    span (monotonic start, end; end None while open) and the ``webhook-id`` it carried."""

    every: float = 0.5
    port: int = field(default_factory=free_port)
    spans: list[list[float | None]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    @property
    def open(self) -> list[list[float | None]]:
        return [span for span in self.spans if span[1] is None]

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
        fields = dict(line.split(": ", 1) for line in head.split("\r\n")[1:] if ": " in line)
        await reader.readexactly(int(fields.get("content-length", "0")))
        span: list[float | None] = [time.monotonic(), None]
        self.spans.append(span)
        self.ids.append(fields.get("webhook-id", ""))
        eof = asyncio.get_running_loop().create_task(reader.read(1))  # b"" when it hangs up
        try:
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
            while True:
                writer.write(b"x")
                await writer.drain()
                done, _ = await asyncio.wait({eof}, timeout=self.every)
                if done:
                    break
        except ConnectionError:
            pass
        finally:
            span[1] = time.monotonic()
            eof.cancel()
            writer.close()
            self._tasks.discard(task)

    @contextlib.asynccontextmanager
    async def serving(self) -> AsyncIterator[Trickle]:
        server = await asyncio.start_server(self.handle, "127.0.0.1", self.port)
        try:
            yield self
        finally:
            server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await server.wait_closed()


def rss_mb(process: Process) -> float:
    assert process.process is not None
    status = Path(f"/proc/{process.process.pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def process_config(state: str, *hooks: str, give_up: float = 86400) -> str:
    return borderbolt_config(
        state,
        "sandbox:",
        "bb-token",
        keys=(DEMO_KEY, ADMIN_KEY),
        server=[f"webhooks: {{first_retry: 0.1, max_retry: 0.3, give_up_after: {give_up}}}"],
        tail="webhooks:\n" + "".join(f"  - {h}\n" for h in hooks),
    )


@contextlib.contextmanager
def processes(folder: Path, text: str, count: int) -> Iterator[list[Process]]:
    started: list[Process] = []
    try:
        for n in range(count):
            path = write_instance_config(folder, f"gw{n}", text)
            started.append(gateway_process(path, folder).start())
        yield started
    finally:
        for process in started:
            process.stop()


async def test_a_gateway_stays_within_50_mb_of_idle_whatever_the_receivers_answer(
    tmp_path: Path,
) -> None:
    """Five events, each to a receiver answering 400 MB and to one trickling its answer:
    the gateway's resident memory never grows 50 MB past its idle level, and the big
    answers still count as delivered (only the status matters)."""
    big, trickle = BigAnswer(), Trickle()
    text = process_config(
        f'{{backend: local, path: "{tmp_path / "state.db"}"}}',
        hook("big", f"http://127.0.0.1:{big.port}/hook", timeout="10"),
        hook("trickle", trickle.url, timeout="1"),
    )
    async with big.serving(), trickle.serving():
        with processes(tmp_path, text, 1) as [gw]:
            async with httpx.AsyncClient(base_url=gw.url, headers=DEMO, timeout=10) as client:
                for _ in range(3):  # warm: the first requests load what every request uses
                    assert (await client.get("/v1/customers?limit=5")).status_code == 200
                await asyncio.sleep(0.5)
                idle = rss_mb(gw)
                for n in range(5):
                    answer = await client.patch("/v1/customers/bb:501", json={"name": f"Big {n}"})
                    assert answer.status_code == 200, answer.text
                peak, end = idle, time.monotonic() + 20
                while time.monotonic() < end:
                    peak = max(peak, rss_mb(gw))
                    if big.requests >= 5 and len(trickle.spans) >= 10 and await _big_done(gw):
                        break
                    await asyncio.sleep(0.05)
                peak = max(peak, rss_mb(gw))
            assert peak - idle < 50, f"idle {idle:.0f} MB, peak {peak:.0f} MB"
            assert big.requests >= 5 and len(trickle.spans) >= 10
            assert await _big_done(gw)


async def _big_done(gw: Process) -> bool:
    async with httpx.AsyncClient(base_url=gw.url, headers=ADMIN) as admin:
        found = (await admin.get("/admin/webhooks/deliveries?limit=100")).json()["data"]
    big = [d for d in found if d["webhook"] == "big"]
    return len(big) == 5 and all(
        d["status"] == "delivered" and d["last_status"] == 200 for d in big
    )


async def test_two_instances_never_send_one_delivery_at_once_and_count_each_attempt(
    tmp_path: Path, redis: RedisServer
) -> None:
    """Two gateways on one Redis, one delivery to a receiver that trickles forever
    (``timeout: 1``): each attempt ends within its timeout, the next starts only after
    it, an admin's retry on either instance while one is in flight is 409, and
    ``attempts`` counts the attempt in flight."""
    trickle = Trickle(every=0.3)
    state = f'{{backend: redis, url: "{redis.url}", prefix: "b{uuid.uuid4().hex[:6]}:"}}'
    text = process_config(state, hook("slow", trickle.url, timeout="1"), give_up=5)
    refused_retries: list[int] = []
    async with trickle.serving():
        with processes(tmp_path, text, 2) as gateways:
            async with (
                httpx.AsyncClient(base_url=gateways[0].url, headers=DEMO) as client,
                httpx.AsyncClient(headers=ADMIN) as admin,
            ):
                assert (await client.patch("/v1/customers/bb:501", json={"name": "T"})).is_success
                end = time.monotonic() + 20
                failed: dict[str, Any] | None = None
                while failed is None and time.monotonic() < end:
                    opened = len(trickle.spans)
                    young = [s for s in trickle.open if time.monotonic() - s[0] < 0.5]  # type: ignore[operator]
                    for gw in gateways:
                        [delivery] = (
                            await admin.get(f"{gw.url}/admin/webhooks/deliveries")
                        ).json()["data"]
                        assert delivery["attempts"] >= opened  # counted when it started
                        if young and len(refused_retries) < 4:
                            retried = await admin.post(
                                f"{gw.url}/admin/webhooks/deliveries/{delivery['id']}/retry"
                            )
                            refused_retries.append(retried.status_code)
                        if delivery["status"] == "failed":
                            failed = delivery
                    await asyncio.sleep(0.05)
    assert failed is not None, "the delivery was never given up"
    spans = sorted((s[0], s[1]) for s in trickle.spans)
    assert len(spans) >= 3 and failed["attempts"] == len(spans)
    assert len(set(trickle.ids)) == 1 and trickle.ids[0] == failed["id"]
    for (start, stop), (next_start, _) in itertools.pairwise(spans):
        assert stop is not None and next_start >= stop  # never two at once
    assert all(stop - start < 1.5 for start, stop in spans)  # type: ignore[operator]
    assert refused_retries and set(refused_retries) == {409}
    assert failed["last_error"] == "timed out" and failed["last_status"] is None


async def test_an_admin_retry_of_a_delivery_in_flight_is_refused_and_audited() -> None:
    trickle = Trickle(every=0.2)
    text = hooks_config(hook("slow", trickle.url, timeout="1"), retry="first_retry: 60")
    async with trickle.serving(), gateway(text) as app:
        async with client_for(app) as client:
            await client.patch("/v1/customers/borderbolt:501", json={"name": "Slow"})
        await until(lambda: trickle.open, "the first attempt to reach the receiver")
        [delivery] = await deliveries(app)
        assert delivery["attempts"] == 1 and delivery["status"] == "pending"
        async with client_for(app, key="admin-key") as admin:
            retry = f"/admin/webhooks/deliveries/{delivery['id']}/retry"
            busy = await admin.post(retry)
            assert busy.status_code == 409, busy.text
            assert "in flight" in busy.json()["error"]["message"]
            await until(lambda: not trickle.open, "the attempt to time out", 3)
            assert len(trickle.spans) == 1  # the refused retry sent nothing
            again = await admin.post(retry)  # nothing in flight now: sent, and timed out
            assert again.status_code == 200, again.text
            assert again.json()["last_error"] == "timed out" and again.json()["attempts"] == 2
            assert len(trickle.spans) == 2
            await until(lambda: _audited(app, 2), "both retries in the audit log")
            records = (await admin.get("/admin/audit?action=webhook.retry")).json()["data"]
    assert [(r["status"], r["resource_id"], r["actor"]) for r in records] == [
        (200, delivery["id"], "admin"),
        (409, delivery["id"], "admin"),
    ]


async def _audited(app: Starlette, count: int) -> bool:
    async with client_for(app, key="admin-key") as admin:
        found = (await admin.get("/admin/audit?action=webhook.retry")).json()["data"]
    return len(found) == count


class SlowToAnswer(LocalStore):
    """The real SQLite store, whose next ``delivery_update`` calls answer ``delays``
    seconds (one each) after they have written: a store slow to answer."""

    def __init__(self, path: Path, *delays: float) -> None:
        super().__init__(path)
        self.delays = list(delays)

    async def delivery_update(
        self, delivery: dict[str, Any], retention: float, holder: str, hold: float
    ) -> bool:
        written = await super().delivery_update(delivery, retention, holder, hold)
        if self.delays:
            await asyncio.sleep(self.delays.pop(0))
        return written


async def test_a_hold_a_slow_store_answered_late_is_renewed_before_the_attempt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attempt's hold is written for ``timeout + HOLD_MARGIN`` (here 1 + 1 s), but
    the store answers the write 1.5 s late: the hold is renewed before sending, so late
    in the attempt another claimant still finds it held."""
    monkeypatch.setattr(webhooks, "HOLD_MARGIN", 1.0)
    trickle = Trickle(every=0.2)
    config = parse_config(hooks_config(hook("slow", trickle.url, timeout="1")))
    store = SlowToAnswer(tmp_path / "state.db", 1.5)
    other = LocalStore(tmp_path / "state.db")
    delivery = new_delivery("slow", {"id": "evt_1", "type": "customer.updated"})
    await store.delivery_put(delivery, 60)
    worker = webhooks.DeliveryWorker(ChangeFeed(store, lambda: config), lambda: config)
    try:
        async with trickle.serving():
            sent = asyncio.get_running_loop().create_task(
                worker.retry(config.webhooks[0], delivery["id"])
            )
            await until(lambda: trickle.open, "the attempt")
            await asyncio.sleep(0.7)  # a hold not renewed lapsed 0.5 s after sending
            assert trickle.open
            with pytest.raises(DeliveryHeld):
                await other.delivery_claim(delivery["id"], 5, "another")
            done = await sent
        assert done is not None and done["last_error"] == "timed out" and done["attempts"] == 1
    finally:
        await worker.stop()
        await store.aclose()
        await other.aclose()


async def test_no_attempt_starts_while_the_store_is_too_slow_to_hold_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webhooks, "HOLD_MARGIN", 1.0)
    trickle = Trickle()
    config = parse_config(hooks_config(hook("slow", trickle.url, timeout="1")))
    store = SlowToAnswer(tmp_path / "state.db", 0.6, 0.6, 0.6)
    delivery = new_delivery("slow", {"id": "evt_1", "type": "customer.updated"})
    await store.delivery_put(delivery, 60)
    worker = webhooks.DeliveryWorker(ChangeFeed(store, lambda: config), lambda: config)
    try:
        async with trickle.serving():
            with pytest.raises(StoreDown):
                await worker.retry(config.webhooks[0], delivery["id"])
        assert trickle.spans == []
    finally:
        await worker.stop()
        await store.aclose()
