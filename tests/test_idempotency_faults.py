"""Idempotency and shared state under faults, with real processes: a gateway killed
after the upstream write, a burst on a busy instance, a second process on one SQLite
file, a Redis that lost its data (API.md sections 5, 7 and 12)."""

from __future__ import annotations

import asyncio
import re
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.servers import (
    Process,
    RedisServer,
    borderbolt_records,
    free_port,
    gateway,
    redis_server,
    refused_gateway,
    simulator,
)
from tests.site_config import ADMIN_KEY, DEMO_KEY, borderbolt_config

pytestmark = pytest.mark.anyio
TOKEN = "faults-upstream-token"
DEMO = {"Authorization": "Bearer demo-key"}
TIMEOUT = "timeout: {connect: 1, read: 60, total: 60}"


def write_config(path: Path, state: str, bb: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    keys = (DEMO_KEY, ADMIN_KEY)
    path.write_text(borderbolt_config(state, bb, TOKEN, keys=keys, connection=[TIMEOUT]))
    return path


class Site:
    """One Redis, one BorderBolt simulator process, gateway processes on demand."""

    def __init__(self, redis: RedisServer, sim: Process, folder: Path) -> None:
        self.redis, self.sim, self.folder = redis, sim, folder
        prefix = f"f{uuid.uuid4().hex[:6]}:"
        self.state = f"{{backend: redis, url: '{redis.url}', prefix: '{prefix}'}}"
        self.running: list[Process] = []

    def gateway(self, name: str) -> Process:
        config = write_config(self.folder / name / "config.yaml", self.state, self.sim.url)
        process = gateway(config, self.folder).start()
        self.running.append(process)
        return process

    def upstream_records(self, code: str) -> int:
        return borderbolt_records(self.sim, TOKEN, code)

    def upstream_saw(self, method: str, path: str) -> int:
        calls = httpx.get(f"{self.sim.url}/__sandbox__/calls").json()
        return sum(1 for c in calls if c["method"] == method and c["path"] == path)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with redis_server() as redis:
        sim = simulator("borderbolt", TOKEN, tmp_path).start()
        made = Site(redis, sim, tmp_path)
        try:
            yield made
        finally:
            for process in made.running:
                process.stop(kill=True)
            sim.stop(kill=True)  # it may hold an answer back for a minute


def new_customer() -> dict[str, Any]:
    code = f"F{uuid.uuid4().hex[:8].upper()}"
    return {"code": code, "name": f"Fault Test {code} B.V."}


def test_a_retry_after_a_crash_past_the_upstream_write_is_409_never_a_second_write(
    site: Site,
) -> None:
    a, b = site.gateway("a"), site.gateway("b")
    body = new_customer()
    headers = {**DEMO, "Idempotency-Key": f"crash-{body['code']}"}
    fault = {"method": "POST", "path_prefix": "/api/v1/customers", "answer_after": 60}
    assert httpx.post(f"{site.sim.url}/__sandbox__/faults", json=fault).status_code == 201
    posts_before = site.upstream_saw("POST", "/api/v1/customers")

    def first() -> None:
        with pytest.raises(httpx.HTTPError):
            httpx.post(f"{a.url}/v1/customers", json=body, headers=headers, timeout=30)

    sender = threading.Thread(target=first)
    sender.start()
    deadline = time.monotonic() + 15
    while site.upstream_records(body["code"]) == 0:  # the upstream has written it
        assert time.monotonic() < deadline, "the first write never reached the upstream"
        time.sleep(0.05)
    a.stop(kill=True)  # kill -9 after the upstream write, before its answer
    sender.join(10)

    started = time.monotonic()
    retry = httpx.post(f"{b.url}/v1/customers", json=body, headers=headers, timeout=30)
    assert retry.status_code == 409, retry.text
    assert "outcome is unknown" in retry.json()["error"]["message"]
    assert time.monotonic() - started < 10  # at once, once the claim is no longer renewed
    again = httpx.post(f"{b.url}/v1/customers", json=body, headers=headers, timeout=30)
    assert again.status_code == 409
    assert site.upstream_records(body["code"]) == 1
    assert site.upstream_saw("POST", "/api/v1/customers") == posts_before + 1


async def test_a_burst_of_keyed_posts_on_a_healthy_store_is_never_503(site: Site) -> None:
    one = site.gateway("burst")
    bodies = [new_customer() for _ in range(400)]
    limits = httpx.Limits(max_connections=400)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        answers = await asyncio.gather(
            *(
                client.post(
                    f"{one.url}/v1/customers",
                    json=body,
                    headers={**DEMO, "Idempotency-Key": f"burst-{body['code']}"},
                )
                for body in bodies
            ),
        )
    async with httpx.AsyncClient() as fresh:  # the burst's kept-alive connections may be closing
        metrics = (await fresh.get(f"{one.url}/metrics")).text
    statuses = [a.status_code for a in answers]
    errors = [
        line for line in metrics.splitlines() if line.startswith("gateway_state_errors_total")
    ]
    assert statuses.count(503) == 0, ({s: statuses.count(s) for s in set(statuses)}, errors)
    assert set(statuses) == {201}
    assert "idempotent-kept" not in {k.lower() for a in answers for k in a.headers}
    lost = re.search(r"^gateway_audit_failures_total (\S+)$", metrics, re.M)
    assert lost is None or float(lost.group(1)) == 0


async def test_copies_of_keyed_posts_across_two_instances_are_never_503(site: Site) -> None:
    """100 keys sent 4 times at once, 2 copies to each of 2 instances (tests/chaos/burst.py's
    second round): each write waits for the other instance's near-cache acknowledgement,
    and 200 acknowledgements sent at once once exhausted the store's connection pool
    ("Too many connections": the store judged down, keyed POSTs 503)."""
    a, b = site.gateway("copies-a"), site.gateway("copies-b")
    bodies = [new_customer() for _ in range(100)]
    limits = httpx.Limits(max_connections=400)
    async with httpx.AsyncClient(timeout=120, limits=limits, headers=DEMO) as client:
        answers = await asyncio.gather(
            *(
                client.post(
                    f"{gw.url}/v1/customers",
                    json=body,
                    headers={"Idempotency-Key": f"copies-{body['code']}"},
                )
                for body in bodies
                for gw in (a, b, a, b)
            ),
        )
    statuses = [x.status_code for x in answers]
    assert statuses.count(503) == 0, {s: statuses.count(s) for s in set(statuses)}
    assert set(statuses) <= {201, 409}
    ran = [x for x in answers if x.status_code == 201 and "idempotent-replayed" not in x.headers]
    assert len(ran) == len(bodies)
    for body in bodies[:5]:
        assert site.upstream_records(body["code"]) == 1


def test_a_second_process_on_one_state_file_is_refused_naming_it(tmp_path: Path) -> None:
    port = free_port()
    sim_url = f"http://127.0.0.1:{port}"  # never called: the gateway only starts
    config = write_config(tmp_path / "config.yaml", "{backend: local}", sim_url)
    first = gateway(config, tmp_path).start()
    try:
        assert first.process is not None
        second = refused_gateway(config, 0)
        assert second.returncode == 2
        state = tmp_path / ".gateway" / "state.db"
        assert str(state) in second.stderr and f"PID {first.process.pid}" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        first.stop()
    assert oct((tmp_path / ".gateway" / "state.db").stat().st_mode & 0o777) == "0o600"


def test_cursors_keep_working_across_instances_after_redis_loses_its_data(site: Site) -> None:
    a = site.gateway("a")
    page = httpx.get(f"{a.url}/v1/customers", params={"limit": 2}, headers=DEMO).json()
    from_a = page["meta"]["next_cursor"]
    site.redis.stop()  # no persistence: it comes back empty
    site.redis.start()
    c = site.gateway("c")  # a new instance, started on the empty store
    deadline = time.monotonic() + 10
    while True:
        on_c = httpx.get(
            f"{c.url}/v1/customers", params={"limit": 2, "cursor": from_a}, headers=DEMO
        )
        if on_c.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert on_c.status_code == 200, on_c.text
    from_c = httpx.get(f"{c.url}/v1/customers", params={"limit": 2}, headers=DEMO).json()
    on_a = httpx.get(
        f"{a.url}/v1/customers",
        params={"limit": 2, "cursor": from_c["meta"]["next_cursor"]},
        headers=DEMO,
    )
    assert on_a.status_code == 200, on_a.text
