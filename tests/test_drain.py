"""Graceful shutdown (API.md section 13), with real processes: on SIGTERM /readyz is 503
at once, requests in flight finish within server.shutdown_grace, the poller lease and
claimed webhook deliveries go to another instance at once, the audit is flushed, one
log line tells what was drained, and a real HAProxy in front takes the instance out
without a failed request."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import signal
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis as redis_sync
from starlette.requests import Request
from starlette.responses import Response

from gateway.config.model import ConfigError
from gateway.config.text import parse_config
from tests.balancer import HAProxy
from tests.servers import Process, RedisServer, gateway, redis_server, simulator
from tests.site_config import borderbolt_config, write_instance_config
from tests.test_webhooks import SECRET, Receiver, serving

pytestmark = pytest.mark.anyio
TOKEN = "drain-upstream-token"
DEMO = {"Authorization": "Bearer demo-key"}


class Site:
    """A BorderBolt simulator process, gateway processes on demand, Redis if asked."""

    def __init__(self, folder: Path, redis: RedisServer | None = None) -> None:
        self.folder, self.redis = folder, redis
        self.prefix = f"d{uuid.uuid4().hex[:6]}:"
        self.sim = simulator("borderbolt", TOKEN, folder).start()
        self.running: list[Process] = []

    def config(self, name: str, grace: float = 10, poll: bool = False, hook: str = "") -> Path:
        if self.redis is None:
            state = "{backend: local, path: state.db}"
        else:
            state = f"{{backend: redis, url: '{self.redis.url}', prefix: '{self.prefix}'}}"
        connection = ["timeout: {connect: 1, read: 30, total: 30}"]
        if poll:
            connection.append("changes: {poll_every: 0.5, resources: [customers]}")
        webhooks = ""
        if hook:
            webhooks = (
                f'webhooks:\n  - {{name: erp, url: "{hook}", events: ["customer.*"], '
                f'secret: "{SECRET}", timeout: 20}}\n'
            )
        text = borderbolt_config(
            state,
            self.sim.url,
            TOKEN,
            server=[f"shutdown_grace: {grace}", "webhooks: {first_retry: 0.1, max_retry: 0.5}"],
            connection=connection,
            log_level="info",
            tail=webhooks,
        )
        return write_instance_config(self.folder, name, text)

    def gateway(self, name: str, workers: int = 1, **options: Any) -> Process:
        process = gateway(self.config(name, **options), self.folder)
        if workers > 1:
            process.args += ["--workers", str(workers)]
        self.running.append(process.start())
        return process

    def slow(self, method: str, seconds: float, times: int = 1) -> None:
        """The simulator's next ``times`` ``method`` calls on customers take ``seconds``."""
        fault = {
            "method": method,
            "path_prefix": "/api/v1/customers",
            "latency": seconds,
            "times": times,
        }
        assert httpx.post(f"{self.sim.url}/__sandbox__/faults", json=fault).status_code == 201

    def upstream_saw(self, method: str, path: str) -> int:
        """How many ``method`` calls on ``path`` (a prefix) the simulator has received."""
        calls = httpx.get(f"{self.sim.url}/__sandbox__/calls").json()
        return sum(1 for c in calls if c["method"] == method and c["path"].startswith(path))

    async def until_upstream(self, method: str, path: str, before: int = 0) -> None:
        """Wait (bounded) until the simulator has a new ``method`` call on ``path``: the
        request is in flight upstream, however slow a loaded machine got it there."""
        end = time.monotonic() + 15
        while await asyncio.to_thread(self.upstream_saw, method, path) <= before:
            assert time.monotonic() < end, f"no {method} {path} reached the upstream in 15 s"
            await asyncio.sleep(0.02)

    def close(self) -> None:
        for process in self.running:
            process.stop(kill=True)
        self.sim.stop(kill=True)


def terminate(process: Process) -> float:
    """Send SIGTERM; the monotonic time it was sent."""
    assert process.process is not None
    process.process.send_signal(signal.SIGTERM)
    return time.monotonic()


def exited(process: Process, within: float) -> int:
    assert process.process is not None
    code = process.process.wait(within)
    process.process = None
    return code


def drained_lines(process: Process) -> list[dict[str, Any]]:
    """The ``drained`` log lines (workers share one log: two lines may run together)."""
    text = process.log.read_text()
    return [json.loads(m) for m in re.findall(r'\{[^{}]*"event": "drained"[^{}]*\}', text)]


async def readiness(process: Process) -> tuple[int, Any]:
    async with httpx.AsyncClient(timeout=2) as client:
        answer = await client.get(process.url + "/readyz")
        return answer.status_code, answer.json()


async def readiness_after_signal(process: Process) -> tuple[int, Any]:
    """``/readyz`` once the process has handled the signal just sent: on a loaded machine
    the signal handler may run some time after ``send_signal`` returns, so a 200 from
    before it ran is not the answer asked about (bounded: 5 s)."""
    end = time.monotonic() + 5
    found = await readiness(process)
    for _ in range(250):
        if found[0] != 200 or time.monotonic() > end:
            break
        await asyncio.sleep(0.02)
        found = await readiness(process)
    return found


def new_customer() -> dict[str, Any]:
    code = f"D{uuid.uuid4().hex[:8].upper()}"
    return {"code": code, "name": f"Drain Test {code} B.V."}


@pytest.fixture
def site(tmp_path: Path) -> Any:
    made = Site(tmp_path)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def shared_site(tmp_path: Path) -> Any:
    with redis_server() as redis:
        made = Site(tmp_path, redis)
        try:
            yield made
        finally:
            made.close()


async def test_sigterm_answers_draining_finishes_the_write_in_flight_and_flushes_its_audit(
    site: Site,
) -> None:
    gw = site.gateway("a", grace=10)
    site.slow("POST", 4.0)  # in flight while /readyz is asked
    async with httpx.AsyncClient(base_url=gw.url, headers=DEMO, timeout=20) as client:
        write = asyncio.create_task(client.post("/v1/customers", json=new_customer()))
        await site.until_upstream("POST", "/api/v1/customers")  # the write is upstream now
        sent = terminate(gw)
        status, body = await readiness_after_signal(gw)
        assert (status, body) == (503, {"status": "draining"})
        answer = await write
    assert answer.status_code == 201, answer.text
    assert exited(gw, 10) in (0, -signal.SIGTERM)
    assert time.monotonic() - sent < 10
    [line] = drained_lines(gw)
    assert line["signal"] == "SIGTERM"
    assert line["requests_finished"] == 1
    assert line["requests_cut_off"] == 0
    assert line["audit_records_written"] == 1  # the write's record, queued after its answer


async def test_a_request_still_running_when_the_grace_ends_is_cut_off(site: Site) -> None:
    gw = site.gateway("a", grace=1.5)
    site.slow("GET", 15.0)
    async with httpx.AsyncClient(base_url=gw.url, headers=DEMO, timeout=20) as client:
        read = asyncio.create_task(client.get("/v1/customers/bb:501"))
        await site.until_upstream("GET", "/api/v1/customers")  # the read is in flight
        sent = terminate(gw)
        answer = await read
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "shutting_down"
    assert "shutdown_grace" in answer.json()["error"]["message"]
    exited(gw, 10)
    assert time.monotonic() - sent < 4  # the grace, and the app's own shutdown
    [line] = drained_lines(gw)
    assert (line["requests_finished"], line["requests_cut_off"]) == (0, 1)


async def test_each_worker_drains(shared_site: Site) -> None:
    gw = shared_site.gateway("a", workers=2, grace=10)
    shared_site.slow("GET", 4.0, times=6)
    async with httpx.AsyncClient(base_url=gw.url, headers=DEMO, timeout=20) as client:
        reads = [  # six customers: no read is answered from another's flight or cache
            asyncio.create_task(
                client.get(f"/v1/customers/bb:{n}", headers={"Connection": "close"})
            )
            for n in range(501, 507)
        ]
        await shared_site.until_upstream("GET", "/api/v1/customers/50", before=5)  # all 6
        terminate(gw)
        assert (await readiness_after_signal(gw)) == (503, {"status": "draining"})
        answers = await asyncio.gather(*reads)
    assert [a.status_code for a in answers] == [200] * 6
    exited(gw, 15)
    lines = drained_lines(gw)
    assert len(lines) == 2  # one per worker
    assert sum(line["requests_finished"] for line in lines) == 6


async def test_the_poller_lease_goes_to_another_instance_at_once(shared_site: Site) -> None:
    site = shared_site
    assert site.redis is not None
    store = redis_sync.Redis.from_url(site.redis.url)
    lease = site.prefix + "lease:poll:bb"
    a = site.gateway("a", poll=True)
    held_by_a = await until(lambda: store.get(lease), "instance a's lease")
    b = site.gateway("b", poll=True)
    assert store.get(lease) == held_by_a
    site.slow("GET", 4.0)  # a request in flight keeps a alive for 4 s more
    async with httpx.AsyncClient(base_url=a.url, headers=DEMO, timeout=20) as client:
        read = asyncio.create_task(client.get("/v1/customers/bb:501"))
        await site.until_upstream("GET", "/api/v1/customers/501")  # in flight
        sent = terminate(a)
        await until(lambda: store.get(lease) not in (None, held_by_a), "b taking the lease")
        took = time.monotonic() - sent
        assert (await read).status_code == 200
    assert took < 1.5, took  # the lease lasts 5 s; a released it at the signal
    exited(a, 10)
    [line] = drained_lines(a)
    assert line["leases_released"] == 1
    assert b.process is not None and b.process.poll() is None
    store.close()


class HeldReceiver(Receiver):
    """Holds its first request until ``letting_go`` is set, answers the rest at once."""

    letting_go: asyncio.Event | None = None

    async def hook(self, request: Request) -> Response:
        self.seen.append((dict(request.headers), await request.body()))
        if len(self.seen) == 1 and self.letting_go is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.letting_go.wait(), 30)
        return Response(status_code=204)


async def test_a_delivery_in_flight_is_released_for_another_instance(shared_site: Site) -> None:
    site = shared_site
    receiver = HeldReceiver()
    receiver.letting_go = asyncio.Event()
    async with serving(receiver):
        a = site.gateway("a", grace=2, hook=receiver.url)
        async with httpx.AsyncClient(base_url=a.url, headers=DEMO, timeout=20) as client:
            created = await client.post("/v1/customers", json=new_customer())
            assert created.status_code == 201, created.text
        await until(lambda: len(receiver.seen) == 1, "a's attempt")
        site.gateway("b", grace=2, hook=receiver.url)
        sent = terminate(a)
        await until(lambda: len(receiver.seen) == 2, "b's attempt", deadline=10)
        again = time.monotonic() - sent
        receiver.letting_go.set()
    assert again < 5, again  # a's hold was 25 s: released when a's grace ended, 2 s in
    first, second = (headers["webhook-id"] for headers, _ in receiver.seen)
    assert first == second
    exited(a, 10)
    [line] = drained_lines(a)
    assert line["deliveries_released"] == 1


async def test_haproxy_takes_the_draining_instance_out_without_a_failed_request(
    shared_site: Site, tmp_path: Path
) -> None:
    site = shared_site
    a, b = site.gateway("a"), site.gateway("b")
    balancer = HAProxy({"a": a.port, "b": b.port}, tmp_path).start()
    outcomes: list[int] = []
    seen_down_while_alive = False

    async def load(client: httpx.AsyncClient, stop: asyncio.Event) -> None:
        while not stop.is_set():
            if len(outcomes) % 3:
                answer = await client.get(
                    "/v1/customers/bb:501", headers={"Cache-Control": "no-cache"}
                )
            else:
                key = {"Idempotency-Key": uuid.uuid4().hex}
                answer = await client.post("/v1/customers", json=new_customer(), headers=key)
            outcomes.append(answer.status_code)

    try:
        async with httpx.AsyncClient(base_url=balancer.url, headers=DEMO, timeout=20) as client:
            stop = asyncio.Event()
            loops = [asyncio.create_task(load(client, stop)) for _ in range(4)]
            await asyncio.sleep(1.0)
            before = len(outcomes)
            terminate(a)
            assert a.process is not None
            while a.process.poll() is None:
                status = await asyncio.to_thread(balancer.status)
                seen_down_while_alive |= status["a"].startswith("DOWN")
                await asyncio.sleep(0.05)
            await asyncio.sleep(1.0)
            stop.set()
            await asyncio.gather(*loops)
    finally:
        balancer.stop()
    assert before > 0 and len(outcomes) > before + 10
    failed = [s for s in outcomes if not 200 <= s < 300]
    assert failed == []
    assert seen_down_while_alive  # taken out on /readyz while it still listened
    a.process = None


async def until(check: Any, what: str, deadline: float = 15.0) -> Any:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        result = check()
        if result:
            return result
        await asyncio.sleep(0.02)
    raise AssertionError(f"{what} did not happen within {deadline} s")


GRACE_CONFIG = """\
server:
  {grace}
connections:
  bb: {{adapter: borderbolt, base_url: "sandbox:", auth: {{type: bearer, token: t}}}}
"""


def test_shutdown_grace_defaults_to_20_seconds_and_is_checked() -> None:
    assert parse_config(GRACE_CONFIG.format(grace="log_level: info")).server.shutdown_grace == 20
    given = parse_config(GRACE_CONFIG.format(grace="shutdown_grace: 7.5"))
    assert given.server.shutdown_grace == 7.5
    with pytest.raises(ConfigError) as refused:
        parse_config(GRACE_CONFIG.format(grace="shutdown_grace: 0"))
    [(where, message)] = refused.value.problems
    assert where == "server.shutdown_grace"
    assert "greater than 0" in message
