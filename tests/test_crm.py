"""The CRM connection end to end: the ASGI app against the CRM sandbox."""

from __future__ import annotations

import httpx
import pytest

from adapters.sandbox import Sandbox
from tests.conftest import fixture, list_pages

pytestmark = pytest.mark.anyio
CRM = {"X-Connection": "crm"}


async def test_list_pages_with_has_more(client: httpx.AsyncClient, crm_sim: Sandbox) -> None:
    ids: list[str] = []
    cursor = None
    while True:
        params = {"limit": 40, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/v1/customers", params=params, headers=CRM)).json()
        ids += [c["id"] for c in page["data"]]
        cursor = page["meta"]["next_cursor"]
        if cursor is None:
            break
    assert len(ids) == len(set(ids)) == 150
    assert ids[0] == "crm:cust_400"
    assert page["meta"]["total"] == 150


async def test_native_filters_are_sent_upstream(
    client: httpx.AsyncClient, crm_sim: Sandbox
) -> None:
    crm_sim.calls.clear()
    page = (
        await client.get(
            "/v1/customers", params={"q": "customerxyz", "is_active": "true"}, headers=CRM
        )
    ).json()
    assert [c["id"] for c in page["data"]] == ["crm:cust_456"]
    assert page["meta"]["emulated"] == []
    assert (
        "search=customerxyz" in crm_sim.calls[-1].query
        and "is_active=true" in crm_sim.calls[-1].query
    )


async def test_emulated_filters_scan_and_say_so(client: httpx.AsyncClient) -> None:
    page = (
        await client.get("/v1/customers", params={"country": "CA", "limit": 100}, headers=CRM)
    ).json()
    assert page["meta"]["emulated"] == ["country"]
    assert page["data"] and all(c["billing_address"]["country"] == "CA" for c in page["data"])
    by_email = (
        await client.get("/v1/customers", params={"email": "customerxyz.com"}, headers=CRM)
    ).json()
    assert [c["id"] for c in by_email["data"]] == ["crm:cust_456"]


async def test_filters_the_crm_cannot_do_are_400(client: httpx.AsyncClient) -> None:
    for params in (
        {"code": "X"},
        {"eori_number": "NL1"},
        {"portal_access": "true"},
        {"sort": "name"},
    ):
        response = await client.get("/v1/customers", params=params, headers=CRM)
        assert response.status_code == 400, params


async def test_get_with_contacts_and_extras(client: httpx.AsyncClient) -> None:
    customer = (await client.get("/v1/customers/crm:cust_456")).json()
    assert customer["name"] == "Customer XYZ"
    assert customer["contacts"][0]["id"] == "crm:cont_101"
    assert customer["extra"]["total_orders"] == 75
    assert customer["extra"]["credit_limit"] == 10000.0


async def test_create_rereads_the_partial_answer(client: httpx.AsyncClient) -> None:
    body = {
        "name": "New Customer Corp",
        "email": "orders@newcustomer.com",
        "website": "https://newcustomer.com",
        "tax_id": "12-9876543",
        "shipping_addresses": [{"line1": "456 Warehouse Ave", "country": "US"}],
        "extra": {"payment_terms": "net_30", "credit_limit": 5000.0},
    }
    response = await client.post("/v1/customers", json=body, headers=CRM)
    assert response.status_code == 201
    created = response.json()
    assert created["id"].startswith("crm:cust_")
    # Not in the CRM's create answer; present after the re-read.
    assert created["website"] == "https://newcustomer.com" and created["tax_id"] == "12-9876543"
    assert created["shipping_addresses"][0]["line1"] == "456 Warehouse Ave"
    assert created["extra"]["payment_terms"] == "net_30"
    assert created["is_active"] is True


async def test_patch_merges_the_billing_address(client: httpx.AsyncClient) -> None:
    response = await client.patch(
        "/v1/customers/crm:cust_456",
        json={
            "billing_address": {"line2": None, "city": "Albany"},
            "is_active": False,
            "extra": {"credit_limit": 15000.0},
        },
    )
    assert response.status_code == 200
    customer = response.json()
    assert customer["billing_address"] == {
        "line1": "456 Customer Blvd",
        "line2": None,
        "house_number": None,
        "postal_code": "10001",
        "city": "Albany",
        "state": "NY",
        "country": "US",
    }
    assert customer["is_active"] is False and customer["extra"]["credit_limit"] == 15000.0


async def test_upstream_validation_is_mapped(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/customers", json={"name": "X", "email": "not-an-email"}, headers=CRM
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["upstream_status"] == 422 and error["details"] == [
        {"field": "email", "message": "must be a valid email address"}
    ]


async def test_contacts_come_from_the_customer_read(
    client: httpx.AsyncClient, crm_sim: Sandbox
) -> None:
    crm_sim.calls.clear()
    page = (await client.get("/v1/customers/crm:cust_456/contacts")).json()
    assert [c["name"] for c in page["data"]] == ["Alice Johnson"]
    assert [c.path for c in crm_sim.calls] == ["/api/customers/cust_456"]


async def test_contact_lifecycle(client: httpx.AsyncClient, crm_sim: Sandbox) -> None:
    created = await client.post(
        "/v1/customers/crm:cust_456/contacts",
        json={
            "name": "Sarah Davis",
            "title": "Finance Manager",
            "email": "sarah.davis@customer.com",
        },
    )
    assert created.status_code == 201
    contact = created.json()
    assert contact["customer_id"] == "crm:cust_456" and contact["created_at"]
    url = f"/v1/customers/crm:cust_456/contacts/{contact['id']}"
    patched = (
        await client.patch(url, json={"title": "Senior Finance Manager", "is_primary": True})
    ).json()
    assert patched["title"] == "Senior Finance Manager" and patched["is_primary"] is True
    assert any(
        c.method == "PUT" and c.path.endswith(contact["id"].split(":")[1]) for c in crm_sim.calls
    )
    assert (await client.delete(url)).status_code == 204
    assert (await client.get(url)).status_code == 404
    foreign = await client.patch(
        "/v1/customers/crm:cust_400/contacts/crm:cont_101", json={"name": "x"}
    )
    assert foreign.status_code == 404


async def test_orders_page_by_cursor_with_native_filters(client: httpx.AsyncClient) -> None:
    first, rest = await list_pages(client, "/v1/customers/crm:cust_456/orders", {"limit": 50})
    assert len(first["data"]) == 50 and first["meta"]["total"] == 75
    assert len(rest["data"]) == 25 and rest["meta"]["next_cursor"] is None
    ids = [o["id"] for o in first["data"] + rest["data"]]
    assert len(set(ids)) == 75 and all(i.startswith("crm:so_") for i in ids)
    delivered = (
        await client.get(
            "/v1/customers/crm:cust_456/orders", params={"status": "delivered", "limit": 100}
        )
    ).json()
    assert delivered["data"] and all(o["status"] == "delivered" for o in delivered["data"])
    other = await client.get(
        "/v1/customers/crm:cust_456/orders",
        params={"status": "shipped", "cursor": first["meta"]["next_cursor"]},
    )
    assert other.json()["error"]["code"] == "invalid_cursor"
    bad = await client.get("/v1/customers/crm:cust_456/orders", params={"date_from": "yesterday"})
    assert bad.status_code == 400


async def test_analytics_by_period(client: httpx.AsyncClient) -> None:
    every = (
        await client.get("/v1/customers/crm:cust_456/analytics", params={"period": "all"})
    ).json()
    month = (
        await client.get("/v1/customers/crm:cust_456/analytics", params={"period": "30d"})
    ).json()
    assert every["customer_id"] == "crm:cust_456" and every["period"] == "all"
    assert every["overview"]["total_orders"] == 75
    assert (
        month["financial_summary"]["total_revenue"] <= every["financial_summary"]["total_revenue"]
    )
    assert sum(m["orders"] for m in month["order_history"]) < sum(
        m["orders"] for m in every["order_history"]
    )
    assert (
        await client.get("/v1/customers/crm:cust_456/analytics", params={"period": "2w"})
    ).status_code == 400


async def test_credit_check_is_a_write(client: httpx.AsyncClient, app) -> None:
    from tests.conftest import client_for

    check = await client.post("/v1/customers/crm:cust_456/credit-check")
    assert check.status_code == 200
    assert check.json()["current_credit_limit"] == 10000.0 and check.json()["checked_at"].endswith(
        "Z"
    )
    assert (
        await client.post("/v1/customers/crm:cust_456/credit-check", json={})
    ).status_code == 200
    assert (
        await client.post("/v1/customers/crm:cust_456/credit-check", json={"x": 1})
    ).status_code == 422
    async with client_for(app, key="reader-key") as reader:
        assert (await reader.post("/v1/customers/crm:cust_456/credit-check")).status_code == 403


async def test_crm_extras_on_borderbolt_are_501(client: httpx.AsyncClient) -> None:
    for method, path in (("GET", "orders"), ("GET", "analytics"), ("POST", "credit-check")):
        response = await client.request(method, f"/v1/customers/borderbolt:501/{path}")
        assert response.status_code == 501, path


@pytest.mark.parametrize(
    "path",
    [
        "/v1/customers/crm:cust%2F456",
        "/v1/customers/crm:cust.456",
        "/v1/customers/crm:..",
        "/v1/customers/crm:a%20b",
    ],
)
async def test_crm_ids_are_validated(
    client: httpx.AsyncClient, crm_sim: Sandbox, path: str
) -> None:
    crm_sim.calls.clear()
    assert (await client.get(path)).status_code == 404
    assert list(crm_sim.calls) == []


# -- what a real CRM might send that the sandbox does not (respx) ----------------------

CRM_API = "https://crm.example.test/api/customers"
REMOTE = {"X-Connection": "crmremote"}


async def test_paging_without_has_more_falls_back_to_total(
    upstream_mock, client: httpx.AsyncClient
) -> None:
    page = fixture("crm", "list_customers")
    del page["meta"]["hasMore"]
    page["meta"]["total"] = 1
    upstream_mock.get(CRM_API).respond(json=page)
    body = (await client.get("/v1/customers", params={"limit": 1}, headers=REMOTE)).json()
    assert body["meta"]["next_cursor"] is None and body["meta"]["total"] == 1


async def test_400_with_laravel_style_errors_is_422_with_canonical_fields(
    upstream_mock,
    client: httpx.AsyncClient,
) -> None:
    upstream_mock.post(CRM_API).respond(
        400, json={"message": "Invalid", "errors": {"shipping_address.city": ["required"]}}
    )
    response = await client.post("/v1/customers", json={"name": "A"}, headers=REMOTE)
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": "shipping_addresses.0.city", "message": "required"}
    ]
    assert response.json()["error"]["message"] == "Invalid"


async def test_an_unusable_upstream_id_is_never_spliced_into_a_path(
    upstream_mock,
    client: httpx.AsyncClient,
) -> None:
    upstream_mock.post(CRM_API).respond(201, json={"data": {"id": "../../admin", "name": "A"}})
    reread = upstream_mock.get(url__startswith="https://crm.example.test/").respond(json={})
    response = await client.post("/v1/customers", json={"name": "A"}, headers=REMOTE)
    assert response.status_code == 502
    assert not reread.called


async def test_html_error_pages(upstream_mock, client: httpx.AsyncClient) -> None:
    upstream_mock.get(f"{CRM_API}/cust_1").respond(404, text="<html>Not Found</html>")
    upstream_mock.get(f"{CRM_API}/cust_2").respond(502, text="<html>Bad Gateway</html>")
    assert (await client.get("/v1/customers/crmremote:cust_1")).status_code == 404
    failed = await client.get("/v1/customers/crmremote:cust_2")
    assert failed.status_code == 502 and failed.json()["error"]["upstream_status"] == 502
