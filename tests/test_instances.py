"""Two gateway processes on one Redis, in front of simulators served as their own process:
the promises of API.md section 7 hold across instances, a restart and a Redis outage."""

from __future__ import annotations

import asyncio
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
    simulator,
)
from tests.site_config import (
    ADMIN_KEY,
    DEMO_KEY,
    borderbolt_config,
    dead_connection,
    redis_state,
    write_instance_config,
)

pytestmark = pytest.mark.anyio
TOKEN = "instances-upstream-token"
DEMO = {"Authorization": "Bearer demo-key"}
ADMIN = {"Authorization": "Bearer admin-key"}
OTHER_KEY = "{name: other, key: other-key, scopes: [customers:read]}"
METERED = """\
  metered:
    adapter: borderbolt
    base_url: "{metered}"
    auth: {{type: bearer, token: {token}}}
    rate_limit: {{requests: 4, per: 1, max_wait: 3}}
"""


class Deployment:
    def __init__(self, redis: RedisServer, sim: Process, metered: Process, folder: Path) -> None:
        self.redis, self.sim, self.metered, self.folder = redis, sim, metered, folder
        text = borderbolt_config(
            redis_state(redis.url, f"i{uuid.uuid4().hex[:6]}:", timeout=1.0),
            sim.url,
            TOKEN,
            keys=(DEMO_KEY, OTHER_KEY, ADMIN_KEY),
            connection=["timeout: {connect: 1, read: 5}"],
            tail=METERED.format(metered=metered.url, token=TOKEN)
            + dead_connection(free_port(), TOKEN),
        )
        # one file per instance, as on two hosts
        self.configs = [write_instance_config(folder, name, text) for name in ("a", "b")]
        self.a = gateway(self.configs[0], folder).start()
        self.b = gateway(self.configs[1], folder).start()

    def upstream_records(self, code: str) -> int:
        return borderbolt_records(self.sim, TOKEN, code)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    folder = tmp_path_factory.mktemp("instances")
    with redis_server() as redis:
        sim = simulator("borderbolt", TOKEN, folder).start()
        metered = simulator("borderbolt", TOKEN, folder).start()
        try:
            deployment = Deployment(redis, sim, metered, folder)
            try:
                yield deployment
            finally:
                deployment.a.stop()
                deployment.b.stop()
        finally:
            sim.stop()
            metered.stop()


def new_customer() -> dict[str, Any]:
    code = f"I{uuid.uuid4().hex[:8].upper()}"
    return {"code": code, "name": f"Instance Test {code} B.V."}


def keyed_customer(key_prefix: str) -> tuple[dict[str, Any], dict[str, str]]:
    """A new customer, and the demo key's headers with an Idempotency-Key made for it."""
    body = new_customer()
    return body, {**DEMO, "Idempotency-Key": f"{key_prefix}-{body['code']}"}


async def test_concurrent_duplicates_across_instances_make_one_write(
    deployment: Deployment,
) -> None:
    body, headers = keyed_customer("dup")
    async with httpx.AsyncClient(timeout=30) as client:
        answers = await asyncio.gather(
            *(
                client.post(
                    f"{(deployment.a, deployment.b)[i % 2].url}/v1/customers",
                    json=body,
                    headers=headers,
                )
                for i in range(20)
            )
        )
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 19
    assert deployment.upstream_records(body["code"]) == 1


async def test_two_instances_never_send_more_than_the_budget(deployment: Deployment) -> None:
    from tests.test_quotas import most_in_any_window

    keys = [DEMO, {"Authorization": "Bearer other-key"}]
    async with httpx.AsyncClient(timeout=30) as client:
        answers = await asyncio.gather(
            *(
                client.get(
                    f"{(deployment.a, deployment.b)[i % 2].url}/v1/customers/metered:{501 + i}",
                    headers={**keys[i % 2], "Cache-Control": "no-cache"},
                )
                for i in range(16)
            )
        )
        calls = (await client.get(deployment.metered.url + "/__sandbox__/calls")).json()
    arrivals = [c["at"] for c in calls if c["path"].startswith("/api/v1/customers/")]
    assert len(arrivals) == sum(a.status_code == 200 for a in answers) >= 12
    assert most_in_any_window(arrivals, 1.0) <= 4, [round(t - arrivals[0], 3) for t in arrivals]
    assert {a.status_code for a in answers} <= {200, 429}


async def test_a_write_on_one_instance_is_seen_by_the_next_read_on_the_other(
    deployment: Deployment,
) -> None:
    one = "/v1/customers/bb:503"
    async with httpx.AsyncClient(headers=DEMO) as client:
        await client.get(deployment.b.url + one)
        cached = await client.get(deployment.b.url + one)
        assert cached.headers["x-cache"] == "HIT"
        renamed = f"Renamed {uuid.uuid4().hex[:6]}"
        patched = await client.patch(deployment.a.url + one, json={"name": renamed})
        assert patched.status_code == 200
        fresh = await client.get(deployment.b.url + one)
    assert fresh.headers["x-cache"] == "MISS" and fresh.json()["name"] == renamed


async def test_a_cursor_from_one_instance_works_on_the_other(deployment: Deployment) -> None:
    async with httpx.AsyncClient(headers=DEMO) as client:
        page = (await client.get(deployment.a.url + "/v1/customers?limit=3")).json()
        rest = await client.get(
            deployment.b.url + "/v1/customers",
            params={"limit": 3, "cursor": page["meta"]["next_cursor"]},
        )
    assert rest.status_code == 200
    assert rest.json()["data"][0]["id"] not in {c["id"] for c in page["data"]}


async def test_a_console_session_from_one_instance_works_on_the_other_until_sign_out(
    deployment: Deployment,
) -> None:
    """Behind a load balancer the sign-in and the next page may reach different
    instances; signing out on one ends the session on every one, also for a copy of
    the cookie, and a restart keeps the sessions."""
    async with httpx.AsyncClient() as client:
        signed = await client.post(deployment.a.url + "/admin/ui/login", data={"key": "admin-key"})
        assert signed.status_code == 303
        cookie = {"Cookie": signed.headers["set-cookie"].split(";", 1)[0]}
        page = await client.get(deployment.b.url + "/admin/ui", headers=cookie)
        assert page.status_code == 200 and "signed in as admin" in page.text
        deployment.b.stop(kill=True)
        deployment.b.start()
        page = await client.get(deployment.b.url + "/admin/ui", headers=cookie)
        assert "signed in as admin" in page.text
        out = await client.post(deployment.b.url + "/admin/ui/logout", headers=cookie)
        assert out.status_code == 303
        ended = await client.get(deployment.a.url + "/admin/ui", headers=cookie)
    assert ended.status_code == 200 and 'action="/admin/ui/login"' in ended.text


async def test_a_breaker_opened_on_one_instance_is_open_on_the_other(
    deployment: Deployment,
) -> None:
    async with httpx.AsyncClient(headers=DEMO) as client:
        for _ in range(2):
            failed = await client.get(deployment.a.url + "/v1/customers?connection=dead")
            assert failed.status_code == 502
        fast = await client.get(deployment.b.url + "/v1/customers?connection=dead")
        metrics = (await client.get(deployment.b.url + "/metrics")).text
    assert fast.status_code == 503 and fast.json()["error"]["code"] == "upstream_unavailable"
    assert 'gateway_upstream_requests_total{connection="dead"' not in metrics


async def test_an_admin_change_on_one_instance_reaches_the_other_within_2_s(
    deployment: Deployment,
) -> None:
    async with httpx.AsyncClient(headers=ADMIN) as client:
        current = await client.get(deployment.a.url + "/admin/config")
        text = deployment.configs[0].read_text().replace("read: 5}", "read: 6}")
        put = await client.put(
            deployment.a.url + "/admin/config",
            content=text,
            headers={"If-Match": current.headers["etag"], "Content-Type": "application/yaml"},
        )
        assert put.status_code == 200
        wanted, started = put.headers["etag"], time.monotonic()
        seen = None
        while time.monotonic() - started < 2.0:
            seen = (await client.get(deployment.b.url + "/admin/config")).headers["etag"]
            if seen == wanted:
                break
            await asyncio.sleep(0.1)
    assert seen == wanted
    assert "read: 6}" in deployment.configs[1].read_text()


async def test_a_restarted_instance_still_replays_idempotent_posts(
    deployment: Deployment,
) -> None:
    body, headers = keyed_customer("restart")
    async with httpx.AsyncClient(timeout=30) as client:
        made = await client.post(deployment.a.url + "/v1/customers", json=body, headers=headers)
        deployment.a.stop(kill=True)
        deployment.a.start()
        again = await client.post(deployment.a.url + "/v1/customers", json=body, headers=headers)
    assert made.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert deployment.upstream_records(body["code"]) == 1


async def test_redis_stopped_mid_run_degrades_then_recovers(deployment: Deployment) -> None:
    one = deployment.b.url + "/v1/customers/bb:504"
    async with httpx.AsyncClient(headers=DEMO, timeout=30) as client:
        deployment.redis.stop()
        try:
            read = await client.get(one)
            assert read.status_code == 200 and read.headers["x-cache"] == "BYPASS"
            keyed = await client.post(
                deployment.b.url + "/v1/customers",
                json=new_customer(),
                headers={"Idempotency-Key": "while-down"},
            )
            assert keyed.status_code == 503
            assert keyed.json()["error"]["code"] == "state_unavailable"
            plain = await client.post(deployment.b.url + "/v1/customers", json=new_customer())
            assert plain.status_code == 201
            assert (await client.get(deployment.b.url + "/readyz")).json()["state"] == "down"
        finally:
            deployment.redis.start()
        body = new_customer()
        started = time.monotonic()
        while True:
            keyed = await client.post(
                deployment.b.url + "/v1/customers",
                json=body,
                headers={"Idempotency-Key": f"after-{body['code']}"},
            )
            if keyed.status_code == 201 or time.monotonic() - started > 5:
                break
            await asyncio.sleep(0.2)
    assert keyed.status_code == 201


def test_two_workers_on_redis_share_one_simulator_process(
    deployment: Deployment, tmp_path: Path
) -> None:
    """``--workers 2`` on redis, the simulator served once: new IDs never collide."""
    import subprocess
    import sys

    port = free_port()
    config = tmp_path / "config.yaml"
    config.write_text(deployment.configs[1].read_text())
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gateway",
            "serve",
            "--config",
            str(config),
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1/customers"
    try:
        from tests.servers import wait_until

        wait_until(lambda: httpx.get(url, headers=DEMO, timeout=1).status_code == 200, 30)
        ids = [
            httpx.post(url, json=new_customer(), headers=DEMO, timeout=10).json()["id"]
            for _ in range(12)
        ]
    finally:
        process.terminate()
        process.wait(10)
    assert len(set(ids)) == 12
