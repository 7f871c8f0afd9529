"""The gateway on each state backend: restarts keep promises; a store that is down degrades."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

from gateway.app import create_app, shutdown
from gateway.config.text import parse_config
from tests.conftest import CONFIG, SHARED, client_for, sandbox_of, shared_state_text
from tests.servers import RedisServer

pytestmark = pytest.mark.anyio
CONTACTS = "/v1/customers/borderbolt:501/contacts"
Apps = Callable[[], Starlette]


def with_state(state: str) -> str:
    return CONFIG.replace("  cursor_secret: test-cursor-secret\n", f"  state: {state}\n")


@pytest.fixture(params=["local", *SHARED])
async def apps(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Apps]:
    """Make gateways that share one state location: the same SQLite file (a restart) or
    the same Redis, standalone, behind Sentinel or a Cluster (a restart, or another
    instance)."""
    if request.param == "local":
        state = f"{{backend: local, path: {tmp_path / 'state.db'}}}"
    else:
        state = shared_state_text(request, request.param, f"t{uuid.uuid4().hex[:8]}:")
    made: list[Starlette] = []

    def make() -> Starlette:
        app = create_app(parse_config(with_state(state), env={}))
        made.append(app)
        return app

    yield make
    for app in made:
        await shutdown(app)


async def test_a_restart_keeps_idempotency_replays(apps: Apps) -> None:
    first = apps()
    headers = {"Idempotency-Key": "survives-restart"}
    async with client_for(first) as client:
        made = await client.post(CONTACTS, json={"name": "Kept"}, headers=headers)
    assert made.status_code == 201
    await shutdown(first)
    second = apps()
    sandbox_of(second).calls.clear()
    async with client_for(second) as client:
        again = await client.post(CONTACTS, json={"name": "Kept"}, headers=headers)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == made.json()["id"]
    assert not [c for c in sandbox_of(second).calls if c.method == "POST"]


async def test_a_cursor_from_one_gateway_works_on_the_next(apps: Apps) -> None:
    first = apps()
    async with client_for(first) as client:
        page = (await client.get("/v1/customers", params={"limit": 2})).json()
    async with client_for(apps()) as client:
        rest = await client.get(
            "/v1/customers", params={"limit": 2, "cursor": page["meta"]["next_cursor"]}
        )
    assert rest.status_code == 200
    assert rest.json()["data"][0]["id"] not in {c["id"] for c in page["data"]}


@pytest.fixture
async def down_app(redis: Any) -> AsyncIterator[tuple[Starlette, RedisServer]]:
    """A gateway on a Redis that is not running yet (a RedisServer not started)."""
    later = RedisServer()
    state = f"{{backend: redis, url: '{later.url}', timeout: 0.2}}"
    app = create_app(parse_config(with_state(state), env={}))
    yield app, later
    await shutdown(app)
    later.stop()


async def test_a_store_that_is_down_degrades_and_recovers(
    down_app: tuple[Starlette, RedisServer],
) -> None:
    app, later = down_app
    async with client_for(app) as client:
        read = await client.get("/v1/customers/borderbolt:501")
        assert read.status_code == 200 and read.headers["x-cache"] == "BYPASS"
        keyed = await client.post(CONTACTS, json={"name": "A"}, headers={"Idempotency-Key": "k1"})
        assert keyed.status_code == 503
        assert keyed.json()["error"]["code"] == "state_unavailable"
        assert not [c for c in sandbox_of(app).calls if c.method == "POST"]
        plain = await client.post(CONTACTS, json={"name": "B"})
        assert plain.status_code == 201
        ready = (await client.get("/readyz")).json()
        assert ready["state"] == "down" and ready["status"] == "ready"
        metrics = (await client.get("/metrics")).text
        errors = [line for line in metrics.splitlines() if line.startswith("gateway_state_errors")]
        assert errors and any(float(line.rsplit(" ", 1)[1]) > 0 for line in errors)

        later.start()
        await asyncio.sleep(1.1)  # past the fail-fast window after the last failure
        keyed = await client.post(CONTACTS, json={"name": "A"}, headers={"Idempotency-Key": "k1"})
        assert keyed.status_code == 201
        assert (await client.get("/readyz")).json()["state"] == "ok"
        await client.get("/v1/customers/borderbolt:502")
        cached = await client.get("/v1/customers/borderbolt:502")
        assert cached.headers["x-cache"] == "HIT"


async def test_requests_do_not_each_agree_on_the_cursor_secret(redis: Any) -> None:
    """The cursor secret is agreed when the store is loaded, then on the follower's tick
    (gateway/store/redis.py ``ready``), not by every request: counted on the real Redis
    with MONITOR, 30 requests run the agreement script once, not 30 times (its first
    EVALSHA is answered NOSCRIPT, then redis-py loads it and sends it again)."""
    from redis.asyncio import Redis

    prefix = f"t{uuid.uuid4().hex[:8]}:"
    app = create_app(
        parse_config(
            with_state(f"{{backend: redis, url: '{redis.url}', prefix: '{prefix}'}}"), env={}
        )
    )
    watcher, done = Redis.from_url(redis.url), f"done-{prefix}"
    agreements: list[str] = []

    async def watch() -> None:
        async with watcher.monitor() as monitor:
            started.set()
            while True:
                command = (await monitor.next_command())["command"]
                if command == f"ECHO {done}":
                    return
                if command.startswith("EVALSHA") and f"{prefix}cursor_secret" in command:
                    agreements.append(command)

    started = asyncio.Event()
    watching = asyncio.create_task(watch())
    await started.wait()
    try:
        async with client_for(app) as client:
            for _ in range(30):
                assert (await client.get("/v1/customers", params={"limit": 2})).status_code == 200
        await watcher.echo(done)
        await asyncio.wait_for(watching, 10)
    finally:
        watching.cancel()
        await watcher.aclose()
        await shutdown(app)
    assert len(agreements) <= 2
