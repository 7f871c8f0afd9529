"""HubSpot companies as canonical customers, end to end through the ASGI app against the
sandbox: cursor lists, native and emulated filters and sorts, reads and writes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from adapters.base import FilterSupport
from adapters.hubspot.simulator import HubSpotSimulator

pytestmark = pytest.mark.anyio
FRESH = {"Cache-Control": "no-cache"}


async def every_row(api: httpx.AsyncClient, limit: int, **params: Any) -> list[dict[str, Any]]:
    """Every row of a list, following next_cursor to the end."""
    rows: list[dict[str, Any]] = []
    cursor = None
    while True:
        sent = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        page = (await api.get("/v1/customers", params=sent, headers=FRESH)).json()
        assert "data" in page, page
        rows += page["data"]
        cursor = page["meta"]["next_cursor"]
        if cursor is None:
            return rows


def live_ids(served: HubSpotSimulator) -> list[str]:
    return [f"hubspot:{r['id']}" for r in served.account.companies.in_order()]


@pytest.mark.parametrize("limit", [1, 7, 25, 100])
async def test_a_list_follows_hubspots_cursor_to_the_end(
    api: httpx.AsyncClient, served: HubSpotSimulator, limit: int
) -> None:
    served.sandbox.calls.clear()
    ids = [row["id"] for row in await every_row(api, limit)]
    assert ids == live_ids(served)  # each company once, none missing, HubSpot's order
    pages = -(-len(ids) // limit)
    assert len(served.sandbox.calls) == pages  # one upstream page per canonical page
    assert all("properties=name%2Cphone" in c.query for c in served.sandbox.calls)
    assert all("after=" in c.query for c in list(served.sandbox.calls)[1:])


async def test_a_list_changed_between_pages_still_has_no_gap(
    api: httpx.AsyncClient, served: HubSpotSimulator
) -> None:
    first = (await api.get("/v1/customers", params={"limit": 10})).json()
    served.console.delete("customer", "9011")  # the row the next page starts at
    rest = await every_row(api, 10, cursor=first["meta"]["next_cursor"])
    ids = [r["id"] for r in first["data"] + rest]
    assert ids == live_ids(served) and "hubspot:9011" not in ids


async def test_the_docs_company_with_its_contact(api: httpx.AsyncClient) -> None:
    customer = (await api.get("/v1/customers/hubspot:123456")).json()
    assert (customer["name"], customer["phone"]) == ("HubSpot", "555-555-555")
    assert customer["billing_address"]["city"] == "Cambridge"
    assert customer["extra"]["domain"] == "hubspot.com"
    [jane] = customer["contacts"]
    assert (jane["id"], jane["name"], jane["is_primary"]) == ("hubspot:101", "Jane Doe", True)
    raw = await api.get("/v1/customers/hubspot:123456", params={"include_remote_data": "true"})
    assert raw.json()["remote_data"]["properties"]["name"] == "HubSpot"
    missing = await api.get("/v1/customers/hubspot:424242")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert (await api.get("/v1/customers/hubspot:abc")).status_code == 404


async def test_create_patch_delete(api: httpx.AsyncClient, served: HubSpotSimulator) -> None:
    body = {
        "name": "Utrecht Trading",
        "website": "https://utrecht.example.com",
        "billing_address": {"line1": "Oudegracht 1", "city": "Utrecht", "country": "NL"},
        "extra": {"industry": "RETAIL", "numberofemployees": 12},
    }
    created = await api.post("/v1/customers", json=body)
    assert created.status_code == 201
    customer = created.json()
    assert customer["billing_address"]["country"] == "NL" and customer["contacts"] == []
    assert customer["extra"]["numberofemployees"] == "12"  # as HubSpot keeps it
    stored = served.account.companies[customer["remote_id"]]
    assert (stored["country"], stored["address"]) == ("Netherlands", "Oudegracht 1")
    url = f"/v1/customers/{customer['id']}"
    patched = await api.patch(url, json={"billing_address": {"city": "Amersfoort"}, "notes": "VIP"})
    assert patched.status_code == 200
    after = patched.json()
    assert after["billing_address"]["line1"] == "Oudegracht 1"  # only the keys sent change
    assert after["billing_address"]["city"] == "Amersfoort" and after["notes"] == "VIP"
    cleared = (await api.patch(url, json={"website": None, "billing_address": None})).json()
    assert cleared["website"] is None and cleared["billing_address"] is None
    assert (await api.delete(url)).status_code == 204
    assert (await api.get(url, headers=FRESH)).status_code == 404
    assert served.account.companies.every[customer["remote_id"]]["archived_at"]
    assert (await api.delete(url)).status_code == 404  # HubSpot would answer 204 again


async def test_deletions_stay_readable_with_archived_true(api: httpx.AsyncClient) -> None:
    assert (await api.delete("/v1/customers/hubspot:9004")).status_code == 204
    raw = await api.get("/v1/passthrough/hubspot/v3/objects/companies", params={"archived": "true"})
    assert [r["id"] for r in raw.json()["results"]] == ["9004"]


def emulating(app: Starlette, *names: str) -> None:
    """Make this connection emulate ``names`` (HubSpot would take them natively)."""
    adapter = app.state.runtime.connections["hubspot"].adapter
    adapter.customer_filters = {
        **adapter.customer_filters,
        **dict.fromkeys(names, FilterSupport.EMULATED),
    }


@pytest.mark.parametrize(
    "params",
    [
        {"name": "hooli"},
        {"q": "LABS"},
        {"updated_since": "2026-01-01T00:00:00Z"},
        {"updated_since": "2025-04-30T09:00:00.4315Z"},  # the docs' company: .431 is before
        {"name": "corp", "updated_since": "2025-06-01"},
    ],
)
async def test_native_and_emulated_filters_return_the_same_rows(
    api: httpx.AsyncClient, app: Starlette, served: HubSpotSimulator, params: dict[str, str]
) -> None:
    served.sandbox.calls.clear()
    native = await every_row(api, 10, **params)
    assert native and {c.path for c in served.sandbox.calls} == {"/crm/v3/objects/companies/search"}
    emulating(app, *params)
    served.sandbox.calls.clear()
    emulated = await every_row(api, 10, **params)
    assert {c.path for c in served.sandbox.calls} == {"/crm/v3/objects/companies"}
    assert [r["id"] for r in emulated] == [r["id"] for r in native]


async def test_what_hubspot_cannot_search_exactly_is_emulated(
    api: httpx.AsyncClient, served: HubSpotSimulator
) -> None:
    page = (await api.get("/v1/customers", params={"name": "labs 2", "limit": 100})).json()
    assert page["meta"]["emulated"] == ["name"]
    names = [c["name"] for c in served.account.companies.values()]
    assert sorted(c["name"] for c in page["data"]) == sorted(
        n for n in names if "labs 2" in n.lower()
    )
    german = (await api.get("/v1/customers", params={"country": "DE", "limit": 100})).json()
    assert german["meta"]["emulated"] == ["country"] and german["data"]
    assert all(c["billing_address"]["country"] == "DE" for c in german["data"])
    for refused in ({"email": "x"}, {"code": "x"}, {"is_active": "true"}, {"sort": "code"}):
        assert (await api.get("/v1/customers", params=refused)).status_code == 400, refused


async def test_native_sorts(api: httpx.AsyncClient) -> None:
    newest = await every_row(api, 25, sort="-updated_at")
    stamps = [c["updated_at"] for c in newest]
    assert stamps == sorted(stamps, reverse=True) and len(stamps) == 60
    by_name = [c["name"] for c in await every_row(api, 100, sort="name", name="acme")]
    assert by_name == sorted(by_name, key=str.casefold) and by_name


async def test_the_capability_matrix(api: httpx.AsyncClient) -> None:
    [hubspot] = (await api.get("/v1/connections")).json()["data"]
    assert hubspot["adapter"] == "hubspot" and hubspot["sandbox"] is True
    filters = hubspot["customer_filters"]
    assert {k: v for k, v in filters.items() if v != "unsupported"} == {
        "q": "native",
        "name": "native",
        "updated_since": "native",
        "industry": "native",
        "country": "emulated",
    }
    assert hubspot["customer_sorts"] == {
        "created_at": "native",
        "name": "native",
        "updated_at": "native",
    }
    operations = hubspot["operations"]
    assert {op for op, mode in operations.items() if mode == "supported"} == {
        "list_customers",
        "get_customer",
        "create_customer",
        "update_customer",
        "delete_customer",
        "list_contacts",
        "get_contact",
        "create_contact",
        "update_contact",
        "delete_contact",
    }
    by_code = await api.get("/v1/customers/by-code/X")
    assert by_code.status_code == 501 and "list with ?name=" in by_code.json()["error"]["message"]
