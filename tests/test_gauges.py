"""gateway/observability/gauges.py: the state store's, budgets' and webhook backlog's
gauges, read from shared state at scrape time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette

from gateway.app import create_app, shutdown
from gateway.changes.feed import new_delivery
from gateway.config.model import Config
from gateway.config.text import parse_config
from tests.conftest import CONFIG, client_for
from tests.servers import RedisServer

pytestmark = pytest.mark.anyio
BUDGET = "    auth: {type: bearer, token: bb-upstream-token}\n"


def gauges(text: str) -> dict[tuple[str, tuple[str, ...]], float]:
    return {
        (sample.name, tuple(sample.labels.values())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.fixture
def config() -> Config:
    budgeted = BUDGET + "    rate_limit: {requests: 50, per: 60}\n"
    return parse_config(CONFIG.replace(BUDGET, budgeted, 1), env={})


async def test_budget_use_and_the_webhook_backlog_are_read_at_scrape(app: Starlette) -> None:
    async with client_for(app) as client:
        empty = gauges((await client.get("/metrics")).text)
        assert empty[("gateway_webhook_backlog", ())] == 0
        assert empty[("gateway_webhook_backlog_age_seconds", ())] == 0
        assert empty[("gateway_state_up", ())] == 1
        for id_ in (501, 502):
            assert (await client.get(f"/v1/customers/borderbolt:{id_}")).status_code == 200
        delivery = new_delivery("hook", {"id": "1", "occurred_at": "now"})
        delivery["created"] = time.time() - 30
        await app.state.runtime.store.delivery_put(delivery, retention=3600)
        found = gauges((await client.get("/metrics")).text)
    assert found[("gateway_budget_used", ("borderbolt",))] == 2
    assert found[("gateway_budget_limit", ("borderbolt",))] == 50
    assert ("gateway_budget_used", ("crm",)) not in found  # no budget, no gauge
    assert found[("gateway_webhook_backlog", ())] == 1
    assert 30 <= found[("gateway_webhook_backlog_age_seconds", ())] < 60


@pytest.fixture
async def down_app() -> AsyncIterator[tuple[Starlette, RedisServer]]:
    later = RedisServer()
    state = f"  state: {{backend: redis, url: '{later.url}', timeout: 0.2}}\n"
    app = create_app(parse_config(CONFIG.replace("server:\n", "server:\n" + state, 1), env={}))
    yield app, later
    await shutdown(app)
    later.stop()


async def test_the_store_is_down_then_up(down_app: tuple[Starlette, RedisServer]) -> None:
    app, later = down_app
    async with client_for(app) as client:
        await client.get("/v1/customers/borderbolt:501")  # the store found down
        down = gauges((await client.get("/metrics")).text)
        assert down[("gateway_state_up", ())] == 0
        assert ("gateway_webhook_backlog", ()) not in down  # not known while it is down
        later.start()
        await asyncio.sleep(1.1)  # past the fail-fast window after the last failure
        assert (await client.get("/readyz")).json()["state"] == "ok"
        up = gauges((await client.get("/metrics")).text)
    assert up[("gateway_state_up", ())] == 1
    assert up[("gateway_webhook_backlog", ())] == 0
