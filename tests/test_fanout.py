"""Fan-out lists over several connections: order, compound cursor, failures, rules."""

from __future__ import annotations

import httpx
import pytest

from adapters.sandbox import Fault, Sandbox
from gateway.app import create_app
from gateway.config.text import parse_config
from tests.conftest import client_for, list_pages

pytestmark = pytest.mark.anyio
BOTH = {"connection": "borderbolt,crm"}


async def collect(client: httpx.AsyncClient, params: dict) -> tuple[list[dict], dict]:
    pages = await list_pages(client, "/v1/customers", params, most=20)
    return [row for page in pages for row in page["data"]], pages[-1]["meta"]


async def test_connections_in_config_order_across_pages(client: httpx.AsyncClient) -> None:
    first = (await client.get("/v1/customers", params={**BOTH, "limit": 100})).json()
    assert first["meta"]["connections"] == ["borderbolt", "crm"]
    # Only BorderBolt was read for this page: the CRM's count is not known, so no total.
    assert first["meta"]["total"] is None and first["meta"]["errors"] == []
    whole = (
        await client.get(
            "/v1/customers",
            params={"connection": "borderbolt,crm", "q": "customerxyz", "limit": 100},
        )
    ).json()
    assert whole["meta"]["next_cursor"] is None
    rows, _ = await collect(client, {**BOTH, "limit": 100})
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) == 306
    assert all(i.startswith("borderbolt:") for i in ids[:156]) and all(
        i.startswith("crm:") for i in ids[156:]
    )
    # The same rows as asking each connection alone, in each one's own order.
    alone = [
        r["id"]
        for c in ("borderbolt", "crm")
        for r in (await collect(client, {"connection": c, "limit": 100}))[0]
    ]
    assert ids == alone


async def test_the_listed_order_does_not_matter(client: httpx.AsyncClient) -> None:
    page = (
        await client.get("/v1/customers", params={"connection": "crm,borderbolt", "limit": 1})
    ).json()
    assert (
        page["meta"]["connections"] == ["borderbolt", "crm"]
        and page["data"][0]["connection"] == "borderbolt"
    )


async def test_a_failing_connection_is_reported_not_fatal(
    client: httpx.AsyncClient, crm_sim: Sandbox
) -> None:
    crm_sim.faults.add(Fault(status=503, times=10))
    rows, meta = await collect(client, {**BOTH, "limit": 100})
    assert len(rows) == 156 and {r["connection"] for r in rows} == {"borderbolt"}
    [error] = meta["errors"]
    assert (error["connection"], error["code"], error["upstream_status"]) == (
        "crm",
        "upstream_error",
        503,
    )
    assert meta["total"] is None


async def test_partial_false_fails_the_request(client: httpx.AsyncClient, crm_sim: Sandbox) -> None:
    crm_sim.faults.add(Fault(status=503, times=10))
    response = await client.get("/v1/customers", params={**BOTH, "partial": "false", "limit": 100})
    # The first page is all BorderBolt and succeeds; the second reaches the CRM.
    assert response.status_code == 200
    second = await client.get(
        "/v1/customers",
        params={
            **BOTH,
            "partial": "false",
            "limit": 100,
            "cursor": response.json()["meta"]["next_cursor"],
        },
    )
    assert second.status_code == 502 and second.json()["error"]["connection"] == "crm"


async def test_filters_per_connection_and_emulation(client: httpx.AsyncClient) -> None:
    page = (
        await client.get("/v1/customers", params={**BOTH, "q": "customerxyz", "limit": 100})
    ).json()
    assert [r["id"] for r in page["data"]] == ["crm:cust_456"]
    assert page["meta"]["emulated"] == ["q"]  # emulated on BorderBolt, native on the CRM
    refused = await client.get("/v1/customers", params={**BOTH, "portal_access": "true"})
    assert refused.status_code == 400 and refused.json()["error"]["connection"] == "crm"


async def test_sort_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/customers", params={**BOTH, "sort": "name"})
    assert response.status_code == 400 and response.json()["error"]["details"][0]["field"] == "sort"


async def test_cursor_is_bound_to_the_fan_out(client: httpx.AsyncClient) -> None:
    cursor = (await client.get("/v1/customers", params={**BOTH, "limit": 5})).json()["meta"][
        "next_cursor"
    ]
    for params in (
        {"connection": "borderbolt"},
        {"connection": "borderbolt,tenant2"},
        {**BOTH, "q": "x"},
    ):
        response = await client.get("/v1/customers", params={**params, "cursor": cursor})
        assert response.json()["error"]["code"] == "invalid_cursor"


async def test_star_takes_what_the_key_may_use(app) -> None:
    async with client_for(app, key="t2-key") as client:
        star = (
            await client.get("/v1/customers", headers={"X-Connection": "*"}, params={"limit": 1})
        ).json()
        assert star["meta"]["connections"] == ["tenant2"]
        refused = await client.get("/v1/customers", params={"connection": "borderbolt,tenant2"})
        assert refused.status_code == 403


async def test_star_over_sandboxes_only() -> None:
    config = parse_config(
        """
api_keys: [{name: k, key: demo-key, scopes: [customers:read]}]
connections:
  bb: {adapter: borderbolt, base_url: "sandbox:", auth: {type: bearer, token: a}}
  crm: {adapter: crm, base_url: "sandbox:", auth: {type: bearer, token: b}}
  pos:
    adapter: inventorum
    api_version: 10
    base_url: "sandbox:"
    auth: {type: oauth2_client_credentials, token_url: /oauth/token, client_id: c, client_secret: s}
""",
        env={},
    )
    app = create_app(config)
    async with client_for(app) as client:
        rows, meta = await collect(client, {"connection": "*", "limit": 100})
    await app.state.runtime.aclose()
    assert meta["connections"] == ["bb", "crm", "pos"]
    assert len(rows) == 156 + 150 + 39 and meta["errors"] == []


async def test_a_page_that_spans_every_connection_has_a_total(client: httpx.AsyncClient) -> None:
    page = (
        await client.get("/v1/customers", params={"connection": "shop,shop9", "limit": 100})
    ).json()
    assert (
        len(page["data"]) == 78
        and page["meta"]["total"] == 78
        and page["meta"]["next_cursor"] is None
    )
    assert [r["connection"] for r in page["data"]][38:40] == ["shop", "shop9"]
