"""Connection health on two gateway processes over one Redis, in front of one upstream
(a simulator process) given faults: refused credentials, slow answers, a 5xx storm.
Both instances see each fault; each transition is one event, not one per instance."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.servers import Process, gateway, redis_server, simulator
from tests.test_changes_instances import until

pytestmark = pytest.mark.anyio
TOKEN = "health-upstream-token"
DEMO = {"Authorization": "Bearer demo-key"}
ADMIN = {"Authorization": "Bearer admin-key"}
WINDOW = 3.0  # connections.bb.health.window
CONFIG = """\
server:
  default_connection: bb
  state: {{backend: redis, url: "{redis}", prefix: "{prefix}", timeout: 1.0}}
  log_level: warning
  access_log: {{enabled: false}}
api_keys:
  - {{name: demo, key: demo-key, scopes: [customers:read]}}
  - {{name: admin, key: admin-key, scopes: [admin]}}
connections:
  bb:
    adapter: borderbolt
    base_url: "{bb}"
    auth: {{type: bearer, token: {token}}}
    retry: {{attempts: 1}}
    cache: {{ttl: 0}}
    circuit_breaker: {{failures: 5, reset_after: 60}}
    health: {{window: {window}, min_calls: 4, p95: 0.2}}
"""


def fault(sim: Process, **given: Any) -> None:
    assert httpx.post(f"{sim.url}/__sandbox__/faults", json=given).status_code == 201


async def reads(instance: Process, count: int) -> list[int]:
    async with httpx.AsyncClient(base_url=instance.url, headers=DEMO, timeout=10) as client:
        return [(await client.get("/v1/customers/bb:501")).status_code for _ in range(count)]


async def on_both(a: Process, b: Process, count_a: int, count_b: int) -> list[int]:
    first, second = await asyncio.gather(reads(a, count_a), reads(b, count_b))
    return first + second


async def events(instance: Process) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=instance.url, headers=ADMIN) as client:
        page = await client.get("/v1/events", params={"type": "connection.health_changed"})
    assert page.status_code == 200, page.text
    found: list[dict[str, Any]] = page.json()["data"]
    return found


async def transitions(instance: Process) -> list[tuple[str, str]]:
    return [(e["data"]["previous"], e["data"]["state"]) for e in await events(instance)]


async def shown(instance: Process) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=instance.url, headers=ADMIN) as client:
        [bb] = (await client.get("/admin/connections")).json()["data"]
    return dict(bb)


async def test_each_transition_is_one_event_across_two_instances(tmp_path: Path) -> None:
    with redis_server() as redis:
        sim = simulator("borderbolt", TOKEN, tmp_path).start()
        prefix = f"h{uuid.uuid4().hex[:6]}:"
        text = CONFIG.format(redis=redis.url, prefix=prefix, bb=sim.url, token=TOKEN, window=WINDOW)
        instances = []
        for name in ("a", "b"):
            path = tmp_path / name / "config.yaml"
            path.parent.mkdir()
            path.write_text(text)
            instances.append(gateway(path, tmp_path).start())
        a, b = instances
        try:
            await _faults_in_turn(sim, a, b)
        finally:
            a.stop()
            b.stop()
            sim.stop()


async def _faults_in_turn(sim: Process, a: Process, b: Process) -> None:
    expected: list[tuple[str, str]] = []

    async def settled(*steps: tuple[str, str]) -> None:
        expected.extend(steps)
        await until(lambda: _has(a, expected), f"the events {steps}")
        await asyncio.sleep(2.5)  # two more looks by each instance: still one event each
        assert await transitions(a) == await transitions(b) == expected
        state = steps[-1][1]
        assert (await shown(a))["health"] == (await shown(b))["health"] == state

    assert await on_both(a, b, 2, 2) == [200] * 4
    await asyncio.sleep(1.5)
    assert await transitions(a) == []  # healthy from the start: no event

    fault(sim, status=401, times=4)  # the upstream refuses the gateway's token
    assert await on_both(a, b, 2, 2) == [502] * 4
    await settled(("ok", "auth_failed"))
    since = (await shown(a))["health_since"]
    assert since and since == (await shown(b))["health_since"]
    assert "HTTP 401" in (await shown(b))["last_error"]

    assert await on_both(a, b, 1, 1) == [200, 200]  # relinked: answers again
    await settled(("auth_failed", "ok"))

    fault(sim, latency=0.3, times=8)  # slow answers: p95 over 0.2 s, 4 calls a side
    assert await on_both(a, b, 4, 4) == [200] * 8
    # degraded, then ok again once the slow calls leave the window (no traffic since)
    await settled(("ok", "degraded"), ("degraded", "ok"))
    degraded = [e for e in await events(b) if e["data"]["state"] == "degraded"]
    assert len(degraded) == 1 and "p95" in degraded[0]["data"]["last_error"]

    fault(sim, status=500, times=5)  # a 5xx storm: 3 + 2 failures open the shared breaker
    started = time.monotonic()
    assert await on_both(a, b, 3, 2) == [502] * 5
    assert time.monotonic() - started < WINDOW
    assert await reads(a, 1) == [503]  # the breaker is open for both
    await settled(("ok", "unavailable"))


async def _has(instance: Process, expected: list[tuple[str, str]]) -> bool:
    return len(await transitions(instance)) >= len(expected)
