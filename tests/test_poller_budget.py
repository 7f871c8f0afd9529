"""The poller under a tight upstream budget (API.md sections 8 and 9): a scan is
background work, so it queues for slots instead of failing, never exceeds the budget,
and leaves callers their share; in one process and across two gateway processes."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from gateway.app import create_app, shutdown
from gateway.config.text import parse_config
from tests.conftest import client_for, sandbox_of
from tests.servers import Process, gateway, redis_server, simulator
from tests.site_config import READ_KEY, borderbolt_config, redis_state, write_instance_config
from tests.test_poller import polled_config, scan
from tests.test_quotas import most_in_any_window

pytestmark = pytest.mark.anyio


def budgeted(budget: str, extra: str = "") -> Starlette:
    line = (
        "changes: {poll_every: 3600, resources: [customers, items]}\n"
        f"    rate_limit: {budget}{extra}"
    )
    return create_app(parse_config(polled_config({"borderbolt": line})))


async def test_a_scan_queues_for_slots_instead_of_failing() -> None:
    """Issue 28 #14: with max_wait 0.1 every scan failed 'at its upstream budget' and
    change detection stopped. Its calls also wait longer than the per-call deadline
    (timeout.total), which bounds a caller's call, not a scan's wait for a slot."""
    app = budgeted("{requests: 3, per: 1, max_wait: 0.1}", "\n    timeout: {total: 0.5}")
    sim = sandbox_of(app)
    sim.calls.clear()
    try:
        assert await scan(app) is True
        stamps = [c.at for c in sim.calls]
        assert len(stamps) == 6  # two pages of customers, four of items
        assert most_in_any_window(stamps, 1.0) <= 3
        assert stamps[-1] - stamps[0] > 1.0  # it did wait for slots
    finally:
        await shutdown(app)


async def test_callers_are_served_while_a_scan_waits_for_slots() -> None:
    app = budgeted("{requests: 3, per: 1, max_wait: 1.5}")
    sim = sandbox_of(app)
    await scan(app)  # the baseline
    sim.calls.clear()

    async def calls() -> list[int]:
        statuses = []
        async with client_for(app) as client:
            for n in range(4):
                await asyncio.sleep(0.35)
                answer = await client.get(
                    f"/v1/customers/borderbolt:{501 + n}", headers={"Cache-Control": "no-cache"}
                )
                statuses.append(answer.status_code)
        return statuses

    try:
        scanned, statuses = await asyncio.gather(scan(app), calls())
        assert scanned is True and statuses == [200, 200, 200, 200]
        assert most_in_any_window([c.at for c in sim.calls], 1.0) <= 3
    finally:
        await shutdown(app)


BUDGET = (
    "rate_limit: {requests: 4, per: 1, max_wait: 0.3}",
    "changes: {poll_every: 0.2, resources: [customers]}",
)


async def test_two_instances_share_the_budget_between_scans_and_callers(tmp_path: Path) -> None:
    """One instance scans (it holds the poll lease), both serve callers: every scan
    succeeds, every caller is served, and the upstream never receives more than the
    budget in any second."""
    with redis_server() as redis:
        sim = simulator("borderbolt", "budget-token", tmp_path).start()
        prefix = f"b{uuid.uuid4().hex[:6]}:"
        state = redis_state(redis.url, prefix, timeout=1.0)
        text = borderbolt_config(state, sim.url, "budget-token", keys=[READ_KEY], connection=BUDGET)
        instances: list[Process] = []
        try:
            for name in ("a", "b"):
                path = write_instance_config(tmp_path, name, text)
                instances.append(gateway(path, tmp_path).start())
            await _check(redis.url, prefix, sim, instances)
        finally:
            for instance in instances:
                instance.stop()
            sim.stop()


async def _check(redis_url: str, prefix: str, sim: Process, instances: list[Process]) -> None:
    import redis as redis_sync

    store = redis_sync.Redis.from_url(redis_url)

    def schedule() -> dict[str, Any] | None:
        raw = store.get(prefix + "val:poll:bb")
        return None if raw is None else dict(json.loads(raw))

    end = time.monotonic() + 20
    while schedule() is None:  # the baseline scan
        assert time.monotonic() < end, "no baseline scan within 20 s"
        await asyncio.sleep(0.1)
    started = time.time()
    statuses = []
    async with httpx.AsyncClient(headers={"Authorization": "Bearer demo-key"}) as client:
        for n in range(6):
            answer = await client.get(
                f"{instances[n % 2].url}/v1/customers/bb:{501 + n}",
                headers={"Cache-Control": "no-cache"},
            )
            statuses.append(answer.status_code)
            await asyncio.sleep(1.0)
    assert statuses == [200] * 6
    async with httpx.AsyncClient() as client:
        logged = (await client.get(f"{sim.url}/__sandbox__/calls")).json()
    calls = [c for c in logged if c["at"] >= started]
    assert most_in_any_window([c["at"] for c in calls], 1.0) <= 4
    scans = sum(1 for c in calls if c["path"] == "/api/v1/customers" and "page=2" in c["query"])
    assert scans >= 2  # whole scans (two pages each) completed meanwhile
    found = schedule()
    assert found is not None and found["failures"] == 0 and found["ok"] is True
    store.close()
