"""Choosing a connection, and operations a connection cannot do (501 before any call)."""

from __future__ import annotations

import pytest

from adapters.base import Operation
from gateway.app import create_app
from gateway.config.text import parse_config
from tests.conftest import CONFIG, client_for

pytestmark = pytest.mark.anyio


async def test_without_a_default_several_connections_need_a_name() -> None:
    app = create_app(parse_config(CONFIG.replace("default_connection: borderbolt", ""), env={}))
    async with client_for(app) as client:
        response = await client.get("/v1/customers")
        named = await client.get("/v1/customers", params={"connection": "tenant2"})
        by_id = await client.get("/v1/customers/borderbolt:501")
    await app.state.runtime.aclose()
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "connection_required"
    assert named.status_code == 200 and by_id.status_code == 200


async def test_a_single_connection_needs_no_name() -> None:
    text = (
        CONFIG.replace("default_connection: borderbolt", "")
        .replace("[tenant2]", '["*"]')
        .replace("[borderbolt, shop]", '["*"]')
    )
    text = text[: text.index("  tenant2:")]
    app = create_app(parse_config(text, env={}))
    async with client_for(app) as client:
        response = await client.get("/v1/customers", params={"limit": 1})
    await app.state.runtime.aclose()
    assert response.json()["meta"]["connections"] == ["borderbolt"]


async def test_an_operation_the_connection_lacks_is_501_with_no_upstream_call(app, sim) -> None:
    adapter = app.state.runtime.connections["borderbolt"].adapter
    adapter.capabilities = adapter.capabilities - {Operation.DELETE_CUSTOMER}
    adapter.alternatives = {Operation.DELETE_CUSTOMER: "PATCH extra.portal_access_enabled=false"}
    sim.calls.clear()
    async with client_for(app) as client:
        response = await client.delete("/v1/customers/borderbolt:502")
    assert response.status_code == 501
    error = response.json()["error"]
    assert error["code"] == "unsupported_operation"
    assert error["connection"] == "borderbolt"
    assert "PATCH extra.portal_access_enabled=false" in error["message"]
    assert list(sim.calls) == []


async def test_connections_show_the_capability_matrix(client, app) -> None:
    body = (await client.get("/v1/connections")).json()
    assert [c["name"] for c in body["data"]] == list(app.state.runtime.config.connections)
    bb = body["data"][0]
    assert bb["adapter"] == "borderbolt" and bb["sandbox"] is True
    assert bb["customer_filters"] == {
        "q": "emulated",
        "name": "native",
        "code": "native",
        "email": "unsupported",
        "country": "native",
        "is_active": "unsupported",
        "eori_number": "native",
        "is_favourite": "unsupported",
        "portal_access": "native",
        "industry": "unsupported",  # HubSpot's own filter (adapters/hubspot)
        "updated_since": "emulated",
    }
    assert bb["customer_sorts"] == {
        "code": "native",
        "country": "native",
        "created_at": "native",
        "name": "native",
        "updated_at": "emulated",
    }
    assert bb["item_filters"] == {"updated_since": "native"}
    assert "updated_at" in bb["item_sorts"]
    crm = next(c for c in body["data"] if c["adapter"] == "crm")
    assert crm["customer_sorts"] == {"updated_at": "emulated"}
    assert crm["item_filters"] == {} and crm["item_sorts"] == []
    assert bb["operations"]["delete_customer"] == "supported"
    assert body["meta"]["default_connection"] == "borderbolt"


async def test_connections_list_only_what_the_key_may_use(app) -> None:
    async with client_for(app, key="t2-key") as client:
        body = (await client.get("/v1/connections")).json()
    assert [c["name"] for c in body["data"]] == ["tenant2"]
    async with client_for(app, key=None) as client:
        assert (await client.get("/v1/connections")).status_code == 401
