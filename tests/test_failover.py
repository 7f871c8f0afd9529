"""A Redis master lost while gateways serve (API.md section 12): Sentinel promotes the
replica, or a cluster shard's replica takes over. Two gateway processes in front of a
simulator process, on the session's real Sentinel setup and Cluster, under steady
keyed POSTs (each key sent to both instances at once), plain POSTs and cached reads
while the master is killed.

During the failover keyed POSTs are 503 ``state_unavailable`` and nothing reaches the
upstream for them, plain POSTs go through, reads answer ``X-Cache: BYPASS``; service
recovers by itself, and no Idempotency-Key is ever written twice."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.ha_servers import Daemon
from tests.servers import Process, gateway, simulator
from tests.site_config import borderbolt_config, write_instance_config

pytestmark = pytest.mark.anyio
TOKEN = "failover-upstream-token"
DEMO = {"Authorization": "Bearer demo-key"}
TIMEOUT = "timeout: {connect: 1, read: 5}"
RECOVERED = 5  # keyed POSTs in a row answered 201 after the fault: service is back


@dataclass
class Seen:
    keyed: list[tuple[float, str, int, str]] = field(default_factory=list)  # at, key, status, code
    plain: list[int] = field(default_factory=list)
    reads: list[tuple[float, int, str]] = field(default_factory=list)  # at, status, x-cache

    def recovered_after(self, at: float) -> bool:
        after = [status for when, _, status, _ in self.keyed if when > at]
        return len(after) >= RECOVERED and set(after[-RECOVERED:]) == {201}

    def answers(self) -> dict[str, list[int]]:
        """Each key's statuses, from both instances."""
        found: dict[str, list[int]] = {}
        for _, key, status, _ in self.keyed:
            found.setdefault(key, []).append(status)
        return found


def customer() -> dict[str, Any]:
    code = f"F{uuid.uuid4().hex[:8].upper()}"
    return {"code": code, "name": f"Failover {code} B.V."}


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Process]:
    sim = simulator("borderbolt", TOKEN, tmp_path_factory.mktemp("failover")).start()
    try:
        yield sim
    finally:
        sim.stop()


def served(setup: Any, sim: Process, folder: Path, prefix: str) -> list[Process]:
    """Two gateway instances on the topology, each with its own config file."""
    state = setup.state(prefix, timeout=0.5)
    instances = []
    for name in ("a", "b"):
        text = borderbolt_config(state, sim.url, TOKEN, connection=[TIMEOUT])
        instances.append(gateway(write_instance_config(folder, name, text), folder))
    for instance in instances:
        instance.start()
    return instances


async def writes(clients: list[httpx.AsyncClient], seen: Seen, codes: dict[str, str]) -> None:
    """A keyed POST with a new key, sent to both instances at once (a client retrying
    on another instance, or a duplicate through the balancer)."""
    key, body = f"fo-{uuid.uuid4().hex[:12]}", customer()
    codes[key] = body["code"]

    async def one(client: httpx.AsyncClient) -> None:
        answer = await client.post("/v1/customers", json=body, headers={"Idempotency-Key": key})
        code = answer.json()["error"]["code"] if answer.status_code >= 400 else ""
        seen.keyed.append((time.monotonic(), key, answer.status_code, code))

    await asyncio.gather(*(one(client) for client in clients))


async def reads(clients: list[httpx.AsyncClient], seen: Seen, codes: dict[str, str]) -> None:
    """A cached read, and now and then a plain POST, on one instance or the other."""
    client = clients[len(seen.reads) % len(clients)]
    read = await client.get("/v1/customers/bb:504")
    seen.reads.append((time.monotonic(), read.status_code, read.headers["x-cache"]))
    if len(seen.reads) % 4 == 0:
        seen.plain.append((await client.post("/v1/customers", json=customer())).status_code)


async def load(urls: list[str], seen: Seen, codes: dict[str, str], stop: asyncio.Event) -> None:
    """A keyed POST and a read (now and then a plain POST) started every 50 ms, whether
    the earlier ones answered or not, until ``stop``: requests keep arriving while the
    master is gone, as they would from many clients."""
    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=url, headers=DEMO, timeout=15)
            )
            for url in urls
        ]
        started = []
        while not stop.is_set():
            for step in (writes, reads):
                started.append(asyncio.get_running_loop().create_task(step(clients, seen, codes)))
            await asyncio.sleep(0.05)
        await asyncio.gather(*started)


def upstream_codes(sim: Process) -> Counter[str]:
    """How many customers the simulator holds per code (a write made twice counts 2)."""
    found: Counter[str] = Counter()
    page = 1
    while True:
        answer = httpx.get(
            f"{sim.url}/api/v1/customers",
            params={"page": page, "per_page": 100},
            headers={"Authorization": f"Bearer {TOKEN}"},
        ).json()
        found.update(row["customer_code"] for row in answer["data"])
        if page >= answer["meta"]["last_page"]:
            return found
        page += 1


async def retry_all(url: str, seen: Seen, codes: dict[str, str]) -> dict[str, int]:
    """Every keyed POST sent again with its key and body: its status now, per key."""
    turns = asyncio.Semaphore(8)

    async def again(client: httpx.AsyncClient, key: str) -> tuple[str, int]:
        body = {"code": codes[key], "name": f"Failover {codes[key]} B.V."}
        async with turns:
            answer = await client.post("/v1/customers", json=body, headers={"Idempotency-Key": key})
        return key, answer.status_code

    async with httpx.AsyncClient(base_url=url, headers=DEMO, timeout=15) as client:
        done = await asyncio.gather(*(again(client, key) for key in seen.answers()))
    return dict(done)


def master_to_stop(setup: Any, kind: str, prefix: str) -> Daemon:
    """Sentinel: the master. Cluster: the master of the shard holding the connection's
    cache generations, so reads lose their cache too."""
    if kind == "redis-sentinel":
        master: Daemon = setup.current_master()
    else:
        master = setup.master_of(prefix + "{conn:bb}:gen:*")
    return master


@pytest.mark.parametrize("kind", ["redis-sentinel", "redis-cluster"])
async def test_a_master_lost_mid_traffic_fails_over_with_no_write_twice(
    kind: str, request: pytest.FixtureRequest, upstream: Process, tmp_path: Path
) -> None:
    setup = request.getfixturevalue("sentinel" if kind == "redis-sentinel" else "cluster")
    prefix = f"fo{uuid.uuid4().hex[:6]}:"
    instances = served(setup, upstream, tmp_path, prefix)
    urls = [instance.url for instance in instances]
    seen, codes, stop = Seen(), {}, asyncio.Event()
    master = master_to_stop(setup, kind, prefix)
    try:
        running = asyncio.get_running_loop().create_task(load(urls, seen, codes, stop))
        await asyncio.sleep(0.5)
        fault = time.monotonic()
        await asyncio.to_thread(master.stop, True)  # kill -9: a crash
        for _ in range(150):  # up to 30 s
            if seen.recovered_after(fault):
                break
            await asyncio.sleep(0.2)
        stop.set()
        await running
        recovered = time.monotonic()
        before = await asyncio.to_thread(upstream_codes, upstream)
        await asyncio.sleep(1.5)  # claims whose answer was lost are taken back meanwhile
        # every key refused during the failover runs now, once; a kept one replays
        retried = await retry_all(urls[0], seen, codes)
        after = await asyncio.to_thread(upstream_codes, upstream)
        ready = [(await asyncio.to_thread(httpx.get, url + "/readyz")).json() for url in urls]
    finally:
        if master.process is None:  # first: later tests need the topology whole
            await asyncio.to_thread(setup.restore, master)
        for instance in instances:
            instance.stop()

    assert seen.recovered_after(fault), f"not recovered within 30 s: {seen.keyed[-10:]}"
    refused = [(at, key) for at, key, status, _ in seen.keyed if status == 503]
    timeline = [(round(at - fault, 2), status) for at, _, status, _ in seen.keyed]
    reads = [(round(at - fault, 2), cache) for at, _, cache in seen.reads]
    assert refused, f"no keyed POST refused: the store never looked down: {timeline} {reads}"
    assert {code for _, _, s, code in seen.keyed if s == 503} == {"state_unavailable"}
    # a duplicate waits for the first's answer, or is told its outcome is unknown (409)
    assert {status for _, _, status, _ in seen.keyed} <= {201, 409, 503}, timeline
    assert {status for _, status, _ in seen.reads} == {200}
    assert any(cache == "BYPASS" for at, _, cache in seen.reads if at > fault)
    assert set(seen.plain) == {201}
    for key, statuses in seen.answers().items():
        # one of the two ran and wrote once, or neither sent anything
        code, ran = codes[key], 201 in statuses
        assert before[code] == (1 if ran else 0), (key, statuses, before[code])
        assert retried[key] in (201, 409), (key, statuses, retried[key])
        expected = 1 if ran or retried[key] == 201 else 0
        assert after[code] == expected, f"{key} ({statuses}, then {retried[key]}): {after[code]}"
    assert [answer["state"] for answer in ready] == ["ok", "ok"]
    window = max(at for at, _ in refused) - min(at for at, _ in refused)
    assert window < 15, f"keyed POSTs refused for {window:.1f} s"
    assert recovered - fault < 20
