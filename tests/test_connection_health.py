"""Connection health (API.md section 15): each state from what the gateway sees of its
upstream, shown in the connection views; the opinion rules on their own."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette

from adapters.sandbox import Credentials, Fault
from gateway.config.model import Config
from gateway.config.observability import HealthConfig
from gateway.config.text import parse_config
from gateway.upstreams.health import SNAPSHOT, Signals, opinion
from tests.conftest import CONFIG, client_for, sandbox_of

pytestmark = pytest.mark.anyio
HEALTH = "    health: {p95: 0.05, min_calls: 3, window: 30}\n"
CRM = "    auth: {type: bearer, token: crm-upstream-token}\n"


@pytest.fixture
def config() -> Config:
    return parse_config(CONFIG.replace(CRM, CRM + HEALTH, 1), env={})


async def views(app: Starlette, name: str) -> tuple[dict[str, object], dict[str, object]]:
    """The connection as GET /admin/connections and GET /v1/connections show it, once
    the board has looked at what the gateway saw."""
    await app.state.host.health.settle()
    async with client_for(app, "admin-key") as admin, client_for(app) as client:
        figures = (await admin.get("/admin/connections")).json()["data"]
        listed = (await client.get("/v1/connections")).json()["data"]
    return (
        next(c for c in figures if c["name"] == name),
        next(c for c in listed if c["name"] == name),
    )


async def test_a_new_connection_is_ok_with_no_error(app: Starlette) -> None:
    admin, listed = await views(app, "borderbolt")
    for shown in (admin, listed):
        assert shown["health"] == "ok" and shown["last_error"] is None


async def test_refused_credentials_are_auth_failed_until_an_answer_is_not(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    sim = sandbox_of(app)
    kept = sim.authorized
    sim.authorized = lambda token: token == "rotated-upstream-token"  # the gateway's is wrong
    assert (await client.get("/v1/customers/borderbolt:501")).status_code == 502
    admin, listed = await views(app, "borderbolt")
    assert admin["health"] == listed["health"] == "auth_failed"
    assert "refused the gateway's credentials (HTTP 401)" in str(admin["last_error"])
    assert admin["health_since"] and admin["health_since"] == listed["health_since"]
    sim.authorized = kept
    assert (await client.get("/v1/customers/borderbolt:502")).status_code == 200
    admin, _ = await views(app, "borderbolt")
    assert (admin["health"], admin["last_error"]) == ("ok", None)


async def test_a_token_endpoint_refusing_is_auth_failed(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    shop = sandbox_of(app, "shop").simulator
    shop.credentials = Credentials(client_id="shop-client", client_secret="rotated")
    assert (await client.get("/v1/customers/shop:553910")).status_code == 502
    admin, _ = await views(app, "shop")
    assert admin["health"] == "auth_failed"
    assert "token endpoint refused" in str(admin["last_error"])
    assert "shop-client-secret" not in str(admin)


async def test_an_open_breaker_is_unavailable(app: Starlette, client: httpx.AsyncClient) -> None:
    sandbox_of(app).faults.add(Fault(status=503, times=100))
    for _ in range(3):
        assert (await client.get("/v1/customers/borderbolt:501")).status_code in (502, 503)
    assert (
        app.state.runtime.connections["borderbolt"].adapter.upstream.breaker.state.value == "open"
    )
    admin, _ = await views(app, "borderbolt")
    assert admin["health"] == "unavailable" and "circuit" in str(admin["last_error"])


async def test_a_429_is_throttled(app: Starlette, client: httpx.AsyncClient) -> None:
    sandbox_of(app).faults.add(Fault(status=429, headers={"Retry-After": "0"}, times=10))
    assert (await client.get("/v1/customers/borderbolt:501")).status_code == 429
    admin, _ = await views(app, "borderbolt")
    assert admin["health"] == "throttled" and "429" in str(admin["last_error"])


async def test_slow_answers_over_the_window_are_degraded(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    crm = sandbox_of(app, "crm")
    crm.faults.add(Fault(latency=0.08, times=3))
    for limit in (1, 2, 3):  # three reads the cache cannot answer
        assert (await client.get(f"/v1/customers?connection=crm&limit={limit}")).status_code == 200
    admin, _ = await views(app, "crm")
    assert admin["health"] == "degraded" and "p95" in str(admin["last_error"])


def test_the_first_state_that_applies_wins_and_silence_is_no_opinion() -> None:
    config = HealthConfig(min_calls=2, window=60, error_ratio=0.5)
    signals = Signals()
    assert opinion(signals, "closed", config, now=100.0) is None  # saw nothing
    signals.observe("500", 0.1, now=100.0)
    signals.observe("401", 0.1, now=100.0)
    assert opinion(signals, "open", config, now=101.0) == (
        "auth_failed",
        "the upstream refused the gateway's credentials (HTTP 401)",
    )
    signals.observe("429", 0.1, now=102.0)
    assert opinion(signals, "open", config, now=102.0)[0] == "unavailable"  # type: ignore[index]
    assert opinion(signals, "closed", config, now=102.0)[0] == "throttled"  # type: ignore[index]
    signals.observe("200", 0.1, now=103.0)
    assert opinion(signals, "closed", config, now=103.0)[0] == "ok"  # type: ignore[index]
    for _ in range(4):
        signals.observe("timeout", 1.0, now=104.0)
    assert opinion(signals, "closed", config, now=104.0)[0] == "degraded"  # type: ignore[index]
    assert opinion(signals, "closed", config, now=170.0) is None  # the window emptied


SECRET = "whsec_" + base64.b64encode(b"a-webhook-secret-of-32-bytes!!!!").decode()
HOOKS = (
    "webhooks:\n"
    f'  - {{name: health, url: "http://127.0.0.1:9/h", secret: "{SECRET}",'
    " events: [connection.health_changed]}\n"
    f'  - {{name: records, url: "http://127.0.0.1:9/r", secret: "{SECRET}"}}\n'
)


@pytest.mark.parametrize("config", [parse_config(CONFIG + HOOKS, env={})])
async def test_each_transition_is_one_event_for_admins_and_the_webhooks_naming_it(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    sim = sandbox_of(app)
    kept = sim.authorized
    sim.authorized = lambda token: False
    await client.get("/v1/customers/borderbolt:501")
    await views(app, "borderbolt")
    await app.state.host.health.settle()  # looking again changes nothing
    sim.authorized = kept
    assert (await client.get("/v1/customers/borderbolt:502")).status_code == 200
    await views(app, "borderbolt")
    async with client_for(app, "admin-key") as admin:
        page = await admin.get("/v1/events?type=connection.health_changed")
    events = page.json()["data"]
    assert [(e["data"]["previous"], e["data"]["state"]) for e in events] == [
        ("ok", "auth_failed"),
        ("auth_failed", "ok"),
    ]
    first = events[0]
    assert first["connection"] == "borderbolt" and first["resource_id"] is None
    assert (first["source"], first["changed_fields"]) == ("gateway", ["state"])
    assert "HTTP 401" in first["data"]["last_error"] and events[1]["data"]["last_error"] is None
    refused = await client.get("/v1/events?type=connection.health_changed")
    assert refused.status_code == 403 and "admin" in refused.json()["error"]["message"]
    assert not [
        e for e in (await client.get("/v1/events")).json()["data"] if e["resource_id"] is None
    ]
    deliveries = await app.state.runtime.store.deliveries_page(None, 10, None)
    assert sorted(d["webhook"] for d in deliveries) == ["health", "health"]


async def test_the_metric_shows_each_connections_shared_state(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    sandbox_of(app).authorized = lambda token: False
    await client.get("/v1/customers/borderbolt:501")
    await app.state.host.health.settle()
    scrape = (await client.get("/metrics")).text
    found = {
        tuple(sample.labels.values()): sample.value
        for family in text_string_to_metric_families(scrape)
        if family.name == "gateway_connection_health"
        for sample in family.samples
    }
    assert found[("borderbolt", "auth_failed")] == 1 and found[("borderbolt", "ok")] == 0
    assert found[("crm", "ok")] == 1 and found[("crm", "auth_failed")] == 0
    assert sum(value for (name, _), value in found.items() if name == "borderbolt") == 1


async def test_a_state_another_instance_wrote_is_overruled_by_what_this_one_sees(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    """Another instance saw the credentials refused; this one's calls answer: ok again."""
    store = app.state.runtime.store
    await store.snapshot_save(SNAPSHOT, {}, {})
    elsewhere = {"state": "auth_failed", "since": "2026-01-01T00:00:00Z", "last_error": "401"}
    assert await store.snapshot_swap(SNAPSHOT, "borderbolt", None, json.dumps(elsewhere))
    assert (await client.get("/v1/customers/borderbolt:501")).status_code == 200
    admin, _ = await views(app, "borderbolt")
    assert (admin["health"], admin["last_error"]) == ("ok", None)
