"""A shared state store that cannot be used: ``gateway serve`` exits at once naming the
backend and what it tried, and ``/readyz`` says why when it fails later (API.md
section 12). Real servers: the session's Redis, Sentinel setup and Cluster."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from gateway.app import create_app, shutdown
from gateway.config.text import parse_config
from gateway.store.redis_probe import problem
from tests.conftest import client_for
from tests.ha_servers import MASTER_PASSWORD, SENTINEL_PASSWORD, SERVICE
from tests.servers import free_port, refused_gateway
from tests.test_config import MINIMAL

pytestmark = pytest.mark.anyio


def configured(state: str) -> str:
    return f"server:\n  state: {state}\n" + MINIMAL


def serve(tmp_path: Path, state: str) -> tuple[int, str, float]:
    """``gateway serve`` on ``state``: its exit code, stderr and seconds it ran."""
    path = tmp_path / "config.yaml"
    path.write_text(configured(state))
    began = time.monotonic()
    done = refused_gateway(path, 1)
    return done.returncode, done.stderr, time.monotonic() - began


def sentinel_state(sentinels: list[str], **fields: str) -> str:
    listed = ", ".join(f'"{s}"' for s in sentinels)
    extra = "".join(f', {k}: "{v}"' for k, v in fields.items())
    return f"{{backend: redis-sentinel, sentinels: [{listed}], service: {SERVICE}{extra}}}"


def test_serve_exits_when_no_sentinel_answers(tmp_path: Path) -> None:
    nobody = [f"127.0.0.1:{free_port()}" for _ in range(3)]
    code, said, took = serve(tmp_path, sentinel_state(nobody, timeout="0.5"))
    assert code == 2 and took < 10
    assert "server.state (backend redis-sentinel)" in said
    assert all(f"{a} (connection refused)" in said for a in nobody), said
    assert "Traceback" not in said


def test_serve_exits_when_the_cluster_url_is_a_plain_redis(tmp_path: Path, redis: Any) -> None:
    code, said, took = serve(tmp_path, f'{{backend: redis-cluster, url: "{redis.url}"}}')
    assert code == 2 and took < 10
    assert "server.state (backend redis-cluster)" in said
    assert f"127.0.0.1:{redis.port} is not a cluster node" in said and "backend: redis" in said
    assert "Traceback" not in said


def test_serve_exits_when_the_password_is_wrong(tmp_path: Path, sentinel: Any) -> None:
    state = sentinel_state(
        sentinel.addresses, password="not-the-password", sentinel_password=SENTINEL_PASSWORD
    )
    code, said, took = serve(tmp_path, state)
    assert code == 2 and took < 10
    master = sentinel.current_master().address
    assert f"the master {master} the sentinels name: the password" in said
    assert "not-the-password" not in said and "Traceback" not in said


async def test_each_way_a_store_cannot_be_used_is_named(
    redis: Any, sentinel: Any, cluster: Any
) -> None:
    def state(text: str) -> Any:
        return parse_config(configured(text), env={}).server.state

    assert await problem(state(sentinel.state("p:"))) is None
    assert await problem(state(cluster.state("p:"))) is None
    assert await problem(state(f'{{backend: redis, url: "{redis.url}"}}')) is None
    wrong = sentinel_state(sentinel.addresses, password=MASTER_PASSWORD, sentinel_password="x")
    said = await problem(state(wrong))
    assert said is not None and said.startswith("server.state (backend redis-sentinel): no ")
    assert f"{sentinel.addresses[0]} (the password (or username) was refused)" in said
    unknown = sentinel.state("p:").replace(SERVICE, "nosuchmaster")
    said = await problem(state(unknown))
    assert said is not None and "monitors no master named 'nosuchmaster'" in said
    none_given = sentinel_state(sentinel.addresses, sentinel_password=SENTINEL_PASSWORD)
    said = await problem(state(none_given))
    assert said is not None and "asks for a password, and none was given" in said
    gone = f'{{backend: redis-cluster, url: "redis://127.0.0.1:{free_port()}"}}'
    said = await problem(state(gone))
    assert said is not None and "connection refused" in said


@pytest.mark.parametrize("backend", ["redis-sentinel", "redis-cluster"])
async def test_readyz_says_why_the_store_is_down(backend: str) -> None:
    """A store that stops answering after start (here: never there) is ``"state":
    "down"`` on /readyz, with what failed and the addresses asked."""
    if backend == "redis-sentinel":
        addresses = [f"127.0.0.1:{free_port()}" for _ in range(2)]
        state = sentinel_state(addresses, timeout="0.3")
    else:
        addresses = [f"127.0.0.1:{free_port()}"]
        state = f'{{backend: redis-cluster, url: "redis://{addresses[0]}", timeout: 0.3}}'
    app = create_app(parse_config(configured(state), env={}))
    try:
        async with client_for(app) as client:
            ready = (await client.get("/readyz")).json()
    finally:
        await shutdown(app)
    assert ready["state"] == "down" and ready["state_backend"] == backend
    assert all(a in ready["state_reason"] for a in addresses), ready
    if backend == "redis-sentinel":
        assert ready["state_reason"].startswith(f"no sentinel names a master for '{SERVICE}'")
