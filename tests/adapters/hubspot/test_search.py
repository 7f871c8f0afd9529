"""The simulated CRM search: filter groups and operators, one sort, offset paging with
a total, and the documented limits (200 a page, 10,000 in all, 5 groups)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from adapters.hubspot.simulator import HubSpotSimulator

pytestmark = pytest.mark.anyio
SEARCH = "/crm/v3/objects/companies/search"


def where(*filters: dict[str, Any]) -> dict[str, Any]:
    return {"filterGroups": [{"filters": list(filters)}], "limit": 200}


async def names(hubspot: httpx.AsyncClient, body: dict[str, Any]) -> list[str]:
    answer = await hubspot.post(SEARCH, json={**body, "properties": ["name"]})
    assert answer.status_code == 200, answer.json()
    return [r["properties"]["name"] for r in answer.json()["results"]]


async def test_operators(hubspot: httpx.AsyncClient, simulator: HubSpotSimulator) -> None:
    companies = simulator.account.companies.values()
    hooli = sorted((c["name"] for c in companies if "hooli" in c["name"].lower()), key=str)
    token = {"propertyName": "name", "operator": "CONTAINS_TOKEN"}
    assert sorted(await names(hubspot, where({**token, "value": "*OOL*"}))) == hooli
    assert sorted(await names(hubspot, where({**token, "value": "hooli"}))) == hooli  # a token
    assert await names(hubspot, where({**token, "value": "ooli"})) == []  # not without *
    assert await names(hubspot, where({**token, "value": "*li lab*"})) == []  # within a token
    eq = {"propertyName": "industry", "operator": "EQ", "value": "technology"}
    assert await names(hubspot, where(eq)) == ["HubSpot"]  # text compares in any case
    since = {"propertyName": "hs_lastmodifieddate", "operator": "GTE"}
    cut = sorted(c["updated_at"] for c in companies)[-5]
    later = await names(hubspot, where({**since, "value": cut}))
    assert len(later) == 5
    from adapters.hubspot.simulator.shapes import millis

    assert await names(hubspot, where({**since, "value": str(millis(cut))})) == later
    present = {"propertyName": "address", "operator": "NOT_HAS_PROPERTY"}
    assert set(await names(hubspot, where(present))) == {
        c["name"] for c in companies if not c.get("address")
    }
    within = {"propertyName": "country", "operator": "IN", "values": ["deutschland", "france"]}
    found = await names(hubspot, where(within))
    assert found and set(found) == {
        c["name"] for c in companies if c.get("country") in ("Deutschland", "France")
    }
    either = {
        "filterGroups": [
            {"filters": [{**token, "value": "hubspot"}]},
            {"filters": [{"propertyName": "hs_object_id", "operator": "EQ", "value": "9001"}]},
        ]
    }
    assert len(await names(hubspot, either)) == 2  # groups are ORed


async def test_sort_total_and_offset_paging(hubspot: httpx.AsyncClient) -> None:
    body = {"sorts": [{"propertyName": "createdate", "direction": "DESCENDING"}], "limit": 25}
    first = (await hubspot.post(SEARCH, json=body)).json()
    assert first["total"] == 60 and first["paging"]["next"]["after"] == "25"
    rest = (await hubspot.post(SEARCH, json={**body, "after": "25", "limit": 50})).json()
    assert "paging" not in rest and len(rest["results"]) == 35
    stamps = [r["createdAt"] for r in first["results"] + rest["results"]]
    assert stamps == sorted(stamps, reverse=True)
    by_name = (await hubspot.post(SEARCH, json={"sorts": ["name"], "limit": 200})).json()
    assert [r["properties"]["name"] for r in by_name["results"]] == sorted(
        (r["properties"]["name"] for r in by_name["results"]), key=str.casefold
    )


@pytest.mark.parametrize(
    "body",
    [
        {"limit": 201},
        {"after": "9990", "limit": 20},
        {"filterGroups": [{"filters": []}] * 6},
        {"sorts": ["name", "createdate"]},
        {"filterGroups": [{"filters": [{"propertyName": "colour", "operator": "EQ"}]}]},
        {"filterGroups": [{"filters": [{"propertyName": "name", "operator": "LIKE"}]}]},
        {"unknown": 1},
    ],
)
async def test_documented_limits_are_400(hubspot: httpx.AsyncClient, body: dict[str, Any]) -> None:
    refused = await hubspot.post(SEARCH, json=body)
    assert refused.status_code == 400 and refused.json()["category"] == "VALIDATION_ERROR"
