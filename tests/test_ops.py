"""Operations endpoints: liveness, readiness, Prometheus metrics; health in /v1/connections."""

from __future__ import annotations

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette

from adapters.sandbox import Fault, Sandbox
from tests.conftest import client_for

pytestmark = pytest.mark.anyio


def sample(found: dict[tuple[str, frozenset], float], name: str, **labels: str) -> float:
    """The value of the sample ``name`` with exactly these labels."""
    return found[(name, frozenset(labels.items()))]


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_healthz_and_readyz_need_no_key(app: Starlette) -> None:
    async with client_for(app, key=None) as anon:
        assert (await anon.get("/healthz")).json() == {"status": "ok"}
        ready = await anon.get("/readyz")
        assert ready.status_code == 200 and ready.json()["circuits"]["borderbolt"] == "closed"


async def test_readyz_is_503_when_every_circuit_is_open(app: Starlette) -> None:
    for connection in app.state.runtime.connections.values():
        for _ in range(connection.config.circuit_breaker.failures):
            connection.adapter.upstream.breaker.record_failure()
    async with client_for(app, key=None) as anon:
        response = await anon.get("/readyz")
    assert response.status_code == 503 and response.json()["status"] == "unavailable"


async def test_metrics(app: Starlette, client: httpx.AsyncClient, sim: Sandbox) -> None:
    await client.get("/v1/customers/borderbolt:501")
    await client.get("/v1/customers/borderbolt:501")
    await client.get("/v1/customers/borderbolt:999999")
    sim.faults.add(Fault(status=500, times=3))
    await client.get("/v1/customers/borderbolt:502")
    for _ in range(5):
        app.state.runtime.connections["crm"].adapter.upstream.breaker.record_failure()
    async with client_for(app, key=None) as anon:
        response = await anon.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    found = samples(response.text)
    route = "/v1/customers/{id}"
    requests = {"route": route, "method": "GET", "connection": "borderbolt"}
    assert sample(found, "gateway_requests_total", **requests, status="200") == 2
    assert sample(found, "gateway_requests_total", **requests, status="502") == 1
    upstream = {"connection": "borderbolt", "method": "GET"}
    assert sample(found, "gateway_upstream_requests_total", **upstream, outcome="500") == 3
    # 1 + 0 (hit) + 1 (404) + 3 (retries)
    assert sample(found, "gateway_upstream_duration_seconds_count", **upstream) == 5
    hits = {"connection": "borderbolt", "result": "HIT"}
    assert sample(found, "gateway_cache_events_total", **hits) == 1
    assert found[("gateway_circuit_state", frozenset({("connection", "crm")}))] == 2
    assert found[("gateway_circuit_state", frozenset({("connection", "borderbolt")}))] == 0
    assert "demo-key" not in response.text and "bb-upstream-token" not in response.text


async def test_connections_show_health(app: Starlette, client: httpx.AsyncClient) -> None:
    for _ in range(5):
        app.state.runtime.connections["crm"].adapter.upstream.breaker.record_failure()
    health = {c["name"]: c["health"] for c in (await client.get("/v1/connections")).json()["data"]}
    assert health["crm"] == "unavailable" and health["borderbolt"] == "ok"
