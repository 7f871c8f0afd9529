"""Quotas: per-key rate limits and per-connection upstream budgets, sliding windows,
on both state backends (two gateways sharing one Redis count together)."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from starlette.applications import Starlette

from gateway.app import create_app, shutdown
from gateway.config.model import BudgetLimit
from gateway.config.text import parse_config
from gateway.guarantees.quotas import Quotas, background_work
from gateway.store.redis import RedisStore
from kernel.errors import RateLimited
from tests.conftest import (
    CONFIG,
    SHARED,
    StoreFactory,
    client_for,
    sandbox_of,
    shared_state_text,
)

pytestmark = pytest.mark.anyio
Apps = Callable[..., Starlette]
LIMITED_KEY = "  - {name: limited, key: limited-key, scopes: [customers:read, customers:write],"


def quota_config(state: str, key_limit: str, budget: str) -> str:
    text = CONFIG.replace("  cursor_secret: test-cursor-secret\n", f"  state: {state}\n")
    text = text.replace(
        "api_keys:\n",
        f"api_keys:\n{LIMITED_KEY}\n      rate_limit: {key_limit}}}\n",
    )
    return text.replace(
        "    auth: {type: bearer, token: bb-upstream-token}\n",
        f"    auth: {{type: bearer, token: bb-upstream-token}}\n    rate_limit: {budget}\n",
        1,
    )


@pytest.fixture
async def apps(state_backend: tuple[str, str]) -> AsyncIterator[Apps]:
    _, state = state_backend
    made: list[Starlette] = []

    def make(
        key_limit: str = "{requests: 3, per: 60}",
        budget: str = "{requests: 1000, per: 1}",
    ) -> Starlette:
        app = create_app(parse_config(quota_config(state, key_limit, budget), env={}))
        made.append(app)
        return app

    yield make
    for app in made:
        await shutdown(app)


def most_in_any_window(times: list[float], per: float) -> int:
    """The most calls that fall in any span of ``per`` seconds."""
    times = sorted(times)
    best = start = 0
    for end, moment in enumerate(times):
        while moment - times[start] >= per:
            start += 1
        best = max(best, end - start + 1)
    return best


async def test_a_key_gets_exactly_its_limit_with_headers(apps: Apps) -> None:
    app = apps()
    async with client_for(app, key="limited-key") as client:
        answers = [await client.get("/v1/customers/borderbolt:501") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["ratelimit-remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert all(a.headers["ratelimit-limit"] == "3" for a in answers)
    refused = answers[-1]
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert 0 < int(refused.headers["ratelimit-reset"]) <= 60
    async with client_for(app) as unlimited:  # another key is not limited, nor told of it
        other = await unlimited.get("/v1/customers/borderbolt:501")
    assert other.status_code == 200 and "ratelimit-limit" not in other.headers
    async with client_for(app, key="admin-key") as admin:
        metrics = (await admin.get("/metrics")).text
    assert 'gateway_rate_limited_total{connection="",key="limited"} 1.0' in metrics


@pytest.mark.parametrize("backend", SHARED)
async def test_two_gateways_on_one_redis_share_a_keys_limit(
    backend: str, request: pytest.FixtureRequest
) -> None:
    """On a standalone Redis, behind Sentinel or on a Cluster (``limits``' own storage
    of each, with the store's passwords)."""
    state = shared_state_text(request, backend, f"k{uuid.uuid4().hex[:8]}:")
    text = quota_config(state, "{requests: 3, per: 60}", "{requests: 1000, per: 1}")
    first, second = (create_app(parse_config(text, env={})) for _ in range(2))
    answers = []
    for app in (first, second, first, second):
        async with client_for(app, key="limited-key") as client:
            answers.append((await client.get("/v1/customers/borderbolt:501")).status_code)
    for app in (first, second):
        await shutdown(app)
    assert answers == [200, 200, 200, 429]


async def test_the_budget_is_never_exceeded_under_a_burst(apps: Apps) -> None:
    app = apps(key_limit="{requests: 1000, per: 60}", budget="{requests: 5, per: 1, max_wait: 2}")
    sim = sandbox_of(app)
    sim.calls.clear()
    keys = ["demo-key", "writer2-key", "limited-key"]

    async def one(i: int) -> int:
        async with client_for(app, key=keys[i % 3]) as client:
            answer = await client.get(
                f"/v1/customers/borderbolt:{501 + i}", headers={"Cache-Control": "no-cache"}
            )
        return answer.status_code

    statuses = await asyncio.gather(*(one(i) for i in range(16)))
    arrivals = [c.at for c in sim.calls]
    assert most_in_any_window(arrivals, 1.0) <= 5, [round(t - arrivals[0], 3) for t in arrivals]
    assert statuses.count(200) >= 10  # waited for slots: up to 2 s x 5/s + the first 5
    assert set(statuses) <= {200, 429}
    refused = [s for s in statuses if s == 429]
    if refused:
        async with client_for(app) as client:
            over = await client.get(
                "/v1/customers/borderbolt:501", headers={"Cache-Control": "no-cache"}
            )
        assert over.status_code in (200, 429)


async def test_over_budget_without_waiting_is_429_naming_the_connection(apps: Apps) -> None:
    app = apps(budget="{requests: 2, per: 60, max_wait: 0}")
    async with client_for(app) as client:
        first = await client.get("/v1/customers/borderbolt:501")
        second = await client.get("/v1/customers/borderbolt:502")
        third = await client.get("/v1/customers/borderbolt:503")
        figures = None
        async with client_for(app, key="admin-key") as admin:
            figures = (await admin.get("/admin/connections")).json()["data"]
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 429)
    error = third.json()["error"]
    assert error["code"] == "rate_limited" and error["connection"] == "borderbolt"
    assert int(third.headers["retry-after"]) >= 1
    budget = next(c for c in figures if c["name"] == "borderbolt")["rate_limit"]
    assert budget == {"requests": 2, "per": 60, "max_wait": 0.0, "used": 2}


async def test_an_emulated_scan_never_overruns_the_budget(apps: Apps) -> None:
    app = apps(budget="{requests: 1, per: 60, max_wait: 0}")
    sim = sandbox_of(app)
    sim.calls.clear()
    async with client_for(app) as client:
        scan = await client.get(
            "/v1/customers", params={"q": "no such customer anywhere", "limit": 5}
        )
    assert scan.status_code == 429  # the scan needed a second upstream page
    assert len(sim.calls) == 1


async def test_a_refused_request_is_not_kept_by_idempotency_key(apps: Apps) -> None:
    app = apps(key_limit="{requests: 1, per: 1}")
    contacts = "/v1/customers/borderbolt:501/contacts"
    headers = {"Idempotency-Key": f"quota-{uuid.uuid4().hex[:6]}"}
    async with client_for(app, key="limited-key") as client:
        assert (await client.get("/v1/customers/borderbolt:501")).status_code == 200
        refused = await client.post(contacts, json={"name": "Later"}, headers=headers)
        assert refused.status_code == 429
        await asyncio.sleep(1.1)
        made = await client.post(contacts, json={"name": "Later"}, headers=headers)
    assert made.status_code == 201 and "idempotent-replayed" not in made.headers


async def test_a_refusal_after_the_write_was_sent_is_not_a_harmless_429(apps: Apps) -> None:
    """Creating a BorderBolt contact is a POST and then a re-read; a budget refusing the
    re-read must not tell the client that nothing happened (it would write again)."""
    app = apps(budget="{requests: 1, per: 60, max_wait: 0}")
    headers = {"Idempotency-Key": f"half-{uuid.uuid4().hex[:6]}"}
    async with client_for(app) as client:
        answer = await client.post(
            "/v1/customers/borderbolt:501/contacts", json={"name": "Half"}, headers=headers
        )
        again = await client.post(
            "/v1/customers/borderbolt:501/contacts", json={"name": "Half"}, headers=headers
        )
    assert answer.status_code == 502
    assert "reached the upstream" in answer.json()["error"]["message"]
    assert again.headers["idempotent-replayed"] == "true"  # kept: no second write
    assert len([c for c in sandbox_of(app).calls if c.method == "POST"]) == 1


def test_rate_limits_are_validated_in_config() -> None:
    from gateway.config.model import ConfigError

    bad = quota_config("{backend: local}", "{requests: 0, per: 60}", "{requests: 5, per: 1}")
    with pytest.raises(ConfigError) as caught:
        parse_config(bad, env={})
    assert any(p[0] == "api_keys.0.rate_limit.requests" for p in caught.value.problems)
    bad = quota_config(
        "{backend: local}", "{requests: 1, per: 1}", "{requests: 5, per: 1, max_wait: -1}"
    )
    with pytest.raises(ConfigError) as caught:
        parse_config(bad, env={})
    assert any(p[0] == "connections.borderbolt.rate_limit.max_wait" for p in caught.value.problems)


async def test_token_fetches_count_against_the_budget(tmp_path: Path) -> None:
    text = CONFIG.replace(
        "            client_secret: shop-client-secret}\n",
        "            client_secret: shop-client-secret}\n"
        "    rate_limit: {requests: 1, per: 60, max_wait: 0}\n",
    )
    assert "rate_limit" in text
    app = create_app(parse_config(text, env={}))
    async with client_for(app) as client:
        answer = await client.get("/v1/customers/shop:553910")
    await shutdown(app)
    assert answer.status_code == 429  # the token fetch took the one slot
    assert answer.json()["error"]["connection"] == "shop"


async def test_background_work_waits_and_leaves_the_last_free_slot_to_callers(
    stores: StoreFactory,
) -> None:
    """A scan queues for slots (no max_wait refusal) but never takes the last free one,
    so a caller is never left waiting by it; across instances on redis."""
    one = stores()
    shared = isinstance(one, RedisStore)
    scanner = Quotas(one)
    callers = Quotas(stores()) if shared else scanner  # local windows are per process
    limit = BudgetLimit(requests=3, per=60, max_wait=0)
    with background_work():
        await scanner.take_budget("up", limit)
        await scanner.take_budget("up", limit)
        queued = asyncio.create_task(scanner.take_budget("up", limit))  # background too
    await asyncio.sleep(0.3)
    assert not queued.done()  # waiting, not refused: max_wait is 0
    await callers.take_budget("up", limit)  # the last slot was left free
    with pytest.raises(RateLimited):
        await callers.take_budget("up", limit)  # full: three in the window, never more
    assert await callers.used("up", limit) == 3
    queued.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await queued
    for quotas in {scanner, callers}:
        await quotas.aclose()


async def test_background_work_on_a_budget_of_one_waits_for_it(stores: StoreFactory) -> None:
    quotas = Quotas(stores())
    limit = BudgetLimit(requests=1, per=1, max_wait=0)
    ticket = await quotas.take_budget("up", limit)
    await quotas.call_done("up", ticket)
    started = time.monotonic()
    with background_work():
        await quotas.take_budget("up", limit)  # no slot to leave free: it waits its turn
    assert 0.8 < time.monotonic() - started < 3
    await quotas.aclose()


async def test_refused_calls_use_none_of_the_keys_rate_limit() -> None:
    key = "  - {name: t2-limited, key: t2-limited-key, scopes: [customers:read],"
    text = CONFIG.replace(
        "api_keys:\n",
        f"api_keys:\n{key}\n      connections: [tenant2], rate_limit: {{requests: 2, per: 60}}}}\n",
    )
    app = create_app(parse_config(text, env={}))
    try:
        async with client_for(app, key="t2-limited-key") as client:
            refused = [
                await client.get("/v1/customers"),  # the default connection, borderbolt
                await client.get("/v1/customers", params={"connection": "crm"}),
                await client.get("/v1/customers/borderbolt:501"),
                await client.get("/v1/customers/crm:cust_456/contacts"),
                await client.post("/v1/customers", json={"name": "x"}),  # no write scope
            ]
            allowed = [
                await client.get("/v1/customers", params={"connection": "tenant2"})
                for _ in range(3)
            ]
    finally:
        await shutdown(app)
    assert [r.status_code for r in refused] == [403] * 5
    assert [r.status_code for r in allowed] == [200, 200, 429]
    assert [r.headers["ratelimit-remaining"] for r in allowed] == ["1", "0", "0"]
