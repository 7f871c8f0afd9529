"""The CRM sandbox, spoken to directly as the adapter would."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.crm.simulator import CrmSimulator
from tests.conftest import fixture, sandbox_client

pytestmark = pytest.mark.anyio


@pytest.fixture
async def crm() -> AsyncIterator[httpx.AsyncClient]:
    sandbox = CrmSimulator(token="tok").sandbox
    async with sandbox_client(sandbox, "http://crm/api", "tok") as client:
        yield client


def test_seed_is_deterministic_and_orders_do_not_depend_on_access_order() -> None:
    a, b = CrmSimulator(token="x"), CrmSimulator(token="y")
    a.orders("cust_401")
    assert a.customers == b.customers
    assert a.orders("cust_456") == b.orders("cust_456")
    assert len(a.customers) == 150 and len(a.orders("cust_456")) == 75


async def test_doc_customer(crm: httpx.AsyncClient) -> None:
    data = (await crm.get("/customers/cust_456")).json()["data"]
    expected = fixture("crm", "get_customer")["data"]
    assert {k: data[k] for k in expected} == expected


async def test_list_meta_and_row_shape(crm: httpx.AsyncClient) -> None:
    body = (await crm.get("/customers", params={"page": 8, "limit": 20})).json()
    assert body["meta"] == {"total": 150, "page": 8, "limit": 20, "hasMore": False}
    assert len(body["data"]) == 10
    # The doc's row, and the tenant's custom fields (API.md §10 maps them).
    documented = set(fixture("crm", "list_customers")["data"][0])
    assert set(body["data"][0]) == documented | {"custom_fields"}
    assert (await crm.get("/customers", params={"limit": 1000})).json()["meta"]["limit"] == 100


async def test_no_delete_and_no_contact_list(crm: httpx.AsyncClient) -> None:
    assert (await crm.delete("/customers/cust_456")).status_code == 405
    assert (await crm.get("/customers/cust_456/contacts")).status_code == 405


async def test_create_and_update_answer_partially(crm: httpx.AsyncClient) -> None:
    created = await crm.post("/customers", json=fixture("crm", "create_customer_request"))
    assert created.status_code == 201
    assert set(created.json()["data"]) == set(fixture("crm", "create_customer_response")["data"])
    assert created.json()["data"]["contacts"][0]["name"] == "Bob Wilson"
    updated = await crm.put("/customers/cust_456", json=fixture("crm", "update_customer_request"))
    # The doc's answer shows the fields that changed (is_active was already true).
    assert set(fixture("crm", "update_customer_response")["data"]) == set(updated.json()["data"])
    assert "tax_id" not in updated.json()["data"]


async def test_contacts_and_their_answers(crm: httpx.AsyncClient) -> None:
    added = await crm.post(
        "/customers/cust_456/contacts", json=fixture("crm", "add_contact_request")
    )
    documented = set(fixture("crm", "add_contact_response")["data"])
    assert set(added.json()["data"]) == documented | {"social"}  # the tenant's own field
    cid = added.json()["data"]["id"]
    assert (
        await crm.put(f"/customers/cust_400/contacts/{cid}", json={"name": "x"})
    ).status_code == 404
    removed = await crm.delete(f"/customers/cust_456/contacts/{cid}")
    assert removed.json() == fixture("crm", "delete_contact_response")


async def test_orders_analytics_credit_shapes(crm: httpx.AsyncClient) -> None:
    orders = (await crm.get("/customers/cust_456/orders", params={"limit": 20})).json()
    assert orders["meta"] == {"total": 75, "page": 1, "limit": 20, "hasMore": True}
    assert set(orders["data"][0]) == set(fixture("crm", "list_orders")["data"][0])
    analytics = (await crm.get("/customers/cust_456/analytics", params={"period": "1y"})).json()[
        "data"
    ]
    assert set(analytics) == set(fixture("crm", "analytics")["data"])
    assert (
        await crm.get("/customers/cust_456/analytics", params={"period": "2w"})
    ).status_code == 422
    check = (await crm.post("/customers/cust_456/credit-check")).json()["data"]
    assert set(check) == set(fixture("crm", "credit_check")["data"])


async def test_the_doc_customers_orders_are_plausible(crm: httpx.AsyncClient) -> None:
    """75 orders averaging 600.00 (the doc's figures), but each its own amount, shipped to
    an address with its country; analytics differ by period."""
    orders = (await crm.get("/customers/cust_456/orders", params={"limit": 100})).json()
    amounts = [o["total_amount"] for o in orders["data"]]
    assert orders["meta"]["total"] == 75 and len(amounts) == 75
    assert len(set(amounts)) > 60 and round(sum(amounts), 2) == 45000.0
    assert all(o["shipping_address"]["country"] == "US" for o in orders["data"])
    overviews = {
        period: (await crm.get("/customers/cust_456/analytics", params={"period": period})).json()[
            "data"
        ]
        for period in ("30d", "90d", "1y", "all")
    }
    assert overviews["all"]["overview"]["avg_order_value"] == 600.0
    assert overviews["all"]["overview"]["lifetime_value"] == 45000.0
    revenues = {p: o["financial_summary"]["total_revenue"] for p, o in overviews.items()}
    averages = {p: o["overview"]["avg_order_value"] for p, o in overviews.items()}
    assert len(set(revenues.values())) == 4 and len(set(averages.values())) > 1


async def test_error_shapes(crm: httpx.AsyncClient) -> None:
    assert (await crm.get("/customers/nope")).json() == {
        "error": {"code": "not_found", "message": "Customer not found"}
    }
    invalid = await crm.post("/customers", json={"email": "x"})
    assert invalid.status_code == 422
    assert [d["field"] for d in invalid.json()["error"]["details"]] == ["name", "email"]
    assert (await crm.get("/customers", headers={"Authorization": "Bearer no"})).status_code == 401
