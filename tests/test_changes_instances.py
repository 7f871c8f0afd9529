"""Two gateway processes on one Redis polling one upstream (a simulator process): one
poller runs, each change is one event, seen alike on both instances and delivered
once; when the poller's instance stops, the other takes over (API.md section 9)."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis as redis_sync
from standardwebhooks.webhooks import Webhook

from tests.servers import Process, RedisServer, gateway, redis_server, simulator
from tests.site_config import borderbolt_config, redis_state, write_instance_config
from tests.test_webhooks import SECRET, Receiver, serving

pytestmark = pytest.mark.anyio
TOKEN = "changes-upstream-token"
DEMO = {"Authorization": "Bearer demo-key"}


class Deployment:
    def __init__(self, redis: RedisServer, sim: Process, folder: Path, hook: str) -> None:
        self.redis, self.sim, self.prefix = redis, sim, f"c{uuid.uuid4().hex[:6]}:"
        text = borderbolt_config(
            redis_state(redis.url, self.prefix, timeout=1.0),
            sim.url,
            TOKEN,
            server=["webhooks: {first_retry: 0.1, max_retry: 0.5}"],
            connection=["changes: {poll_every: 0.5, resources: [customers]}"],
            tail=f'webhooks:\n  - {{name: erp, url: "{hook}", events: ["customer.*"], '
            f'secret: "{SECRET}"}}\n',
        )
        self.a = gateway(write_instance_config(folder, "a", text), folder).start()
        self.b = gateway(write_instance_config(folder, "b", text), folder).start()

    def value(self, name: str) -> bytes | None:
        found: bytes | None = redis_sync.Redis.from_url(self.redis.url).get(self.prefix + name)
        return found

    def edit_behind_the_back(self, remote: int, fields: dict[str, Any]) -> None:
        answer = httpx.patch(f"{self.sim.url}/__sandbox__/console/customer/{remote}", json=fields)
        assert answer.status_code == 200, answer.text

    def list_scans_since(self, since: float) -> int:
        calls = httpx.get(f"{self.sim.url}/__sandbox__/calls").json()
        return sum(
            1
            for c in calls
            if c["path"] == "/api/v1/customers"
            and "page=1&" in c["query"] + "&"
            and c["at"] >= since
        )


async def events_on(instance: Process, cursor: str | None = None) -> tuple[list[Any], str]:
    found: list[Any] = []
    async with httpx.AsyncClient(base_url=instance.url, headers=DEMO) as client:
        while True:
            params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            page = (await client.get("/v1/events", params=params)).json()
            found += page["data"]
            cursor = page["meta"]["next_cursor"]
            if not page["data"]:
                assert cursor is not None
                return found, cursor


async def until(check: Any, what: str, deadline: float = 15.0) -> Any:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        await asyncio.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {deadline} s")


async def test_one_poller_across_instances_reports_each_change_once(tmp_path: Path) -> None:
    receiver = Receiver()
    with redis_server() as redis:
        sim = simulator("borderbolt", TOKEN, tmp_path).start()
        async with serving(receiver):
            deployment = Deployment(redis, sim, tmp_path, receiver.url)
            try:
                await _check(deployment, receiver)
            finally:
                deployment.a.stop()
                deployment.b.stop()
                sim.stop()


async def _check(deployment: Deployment, receiver: Receiver) -> None:
    await until(lambda: deployment.value("val:poll:bb"), "the baseline scan")
    deployment.edit_behind_the_back(501, {"customer_name": "Edited In BorderBolt B.V."})
    found = await until(lambda: _events(deployment.a), "the poll event on instance a")
    # a few more polls by whichever instance holds the lease: still one event
    since = time.time()
    await asyncio.sleep(2.0)
    scans = deployment.list_scans_since(since)
    assert 2 <= scans <= 6, scans  # every 0.5 s by one poller; two would make about 8
    on_a, cursor = await events_on(deployment.a)
    on_b, _ = await events_on(deployment.b)
    assert on_a == on_b == found
    [event] = on_a
    assert (event["type"], event["resource_id"], event["source"]) == (
        "customer.updated",
        "bb:501",
        "poll",
    )
    assert event["changed_fields"] == ["name"]
    await until(lambda: len(receiver.seen) >= 1, "the webhook delivery")
    await asyncio.sleep(0.5)
    assert len(receiver.seen) == 1  # delivered once, by one of the two workers
    headers, body = receiver.seen[0]
    assert Webhook(SECRET).verify(body, headers)["id"] == event["id"]
    # a cursor from instance a polls on instance b
    more, _ = await events_on(deployment.b, cursor)
    assert more == []
    # the instance holding the lease stops: the other takes over the polling
    holder = deployment.value("lease:poll:bb")
    assert holder is not None
    deployment.a.stop()
    deployment.edit_behind_the_back(502, {"customer_name": "Edited Once More B.V."})
    later = await until(
        lambda: _events(deployment.b, cursor), "the next poll event, from instance b", 20
    )
    assert [(e["resource_id"], e["changed_fields"]) for e in later] == [("bb:502", ["name"])]


async def _events(instance: Process, cursor: str | None = None) -> list[Any]:
    found, _ = await events_on(instance, cursor)
    return found
