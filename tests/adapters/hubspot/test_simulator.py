"""The HubSpot simulator, spoken to directly: the seed, list paging, property selection,
writes and their errors, associations, archiving, the console and the rate limits."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from adapters.hubspot.simulator import HubSpotSimulator
from adapters.hubspot.simulator.seed import COMPANY_COUNT
from tests.adapters.hubspot.conftest import doc

pytestmark = pytest.mark.anyio
COMPANIES = "/crm/v3/objects/companies"
CONTACTS = "/crm/v3/objects/contacts"


async def every_page(client: httpx.AsyncClient, limit: int, **params: Any) -> list[str]:
    ids: list[str] = []
    after = None
    while True:
        sent = {"limit": limit, **params, **({"after": after} if after else {})}
        body = (await client.get(COMPANIES, params=sent)).json()
        ids += [row["id"] for row in body["results"]]
        if "paging" not in body:
            return ids
        after = body["paging"]["next"]["after"]


def test_the_seed_is_deterministic_and_holds_the_docs_examples() -> None:
    a, b = HubSpotSimulator(token="x"), HubSpotSimulator(token="y")
    assert a.account.companies.every == b.account.companies.every
    assert len(a.account.companies) == COMPANY_COUNT + 1
    company, contact = a.account.companies["123456"], a.account.contacts["101"]
    assert {k: company[k] for k in doc("create_company_request")["properties"]} == doc(
        "create_company_request"
    )["properties"]
    assert contact["email"] == doc("create_contact_request")["properties"]["email"]
    assert a.account.associated(a.account.companies.kind, "123456") == [("101", True)]


async def test_a_list_pages_by_id_tokens_like_the_docs(hubspot: httpx.AsyncClient) -> None:
    first = (await hubspot.get(COMPANIES, params={"limit": 2})).json()
    after = first["paging"]["next"]["after"]
    # the docs' token NTI1Cg%3D%3D is "525\n" in base64, percent-encoded: the next ID
    assert base64.b64decode(unquote(after)).decode() == "9003\n"
    assert first["paging"]["next"]["link"] == f"?after={after}"
    everything = await every_page(hubspot, 7)
    assert everything == sorted(everything, key=int) and len(set(everything)) == COMPANY_COUNT + 1
    assert await every_page(hubspot, 100) == everything


async def test_a_list_page_holds_at_most_100(
    hubspot: httpx.AsyncClient, simulator: HubSpotSimulator
) -> None:
    for n in range(45):
        simulator.console.create("customer", {"name": f"Made {n}"})
    many = (await hubspot.get(COMPANIES, params={"limit": 1000})).json()
    assert len(many["results"]) == 100 and "paging" in many
    assert (await hubspot.get(COMPANIES, params={"after": "not-a-token"})).status_code == 400


async def test_a_row_deleted_between_pages_leaves_no_gap(
    hubspot: httpx.AsyncClient, simulator: HubSpotSimulator
) -> None:
    first = (await hubspot.get(COMPANIES, params={"limit": 3})).json()
    next_id = unquote(first["paging"]["next"]["after"])
    simulator.console.delete("customer", base64.b64decode(next_id).decode().strip())
    rest = await hubspot.get(
        COMPANIES, params={"limit": 3, "after": first["paging"]["next"]["after"]}
    )
    assert [r["id"] for r in rest.json()["results"]] == ["9005", "9006", "9007"]


async def test_reads_return_the_properties_named_else_the_defaults(
    hubspot: httpx.AsyncClient,
) -> None:
    default = (await hubspot.get(f"{COMPANIES}/123456")).json()
    assert set(default["properties"]) == {
        "createdate",
        "domain",
        "hs_lastmodifieddate",
        "hs_object_id",
        "name",
    }
    named = await hubspot.get(
        f"{COMPANIES}/123456", params={"properties": ["city,zip", "nosuchproperty"]}
    )
    properties = named.json()["properties"]
    assert properties["city"] == "Cambridge" and properties["zip"] is None
    assert "nosuchproperty" not in properties and properties["hs_object_id"] == "123456"
    contact = (await hubspot.get(f"{CONTACTS}/101")).json()["properties"]
    assert set(contact) == {
        "createdate",
        "email",
        "firstname",
        "hs_object_id",
        "lastmodifieddate",
        "lastname",
    }


async def test_writes_and_the_errors_they_meet(hubspot: httpx.AsyncClient) -> None:
    created = await hubspot.post(COMPANIES, json=doc("create_company_request"))
    assert created.status_code == 201
    company = created.json()
    assert company["properties"]["name"] == "HubSpot" and company["archived"] is False
    refused = (
        await hubspot.post(
            COMPANIES,
            json={"properties": {"name": "X", "numberofemployees": "many", "colour": "red"}},
        )
    ).json()
    assert refused["category"] == "VALIDATION_ERROR"
    assert refused["message"].startswith("Property values were not valid: [")
    assert [(e["code"], e["context"]["propertyName"]) for e in refused["errors"]] == [
        ("INVALID_INTEGER", ["numberofemployees"]),
        ("PROPERTY_DOESNT_EXIST", ["colour"]),
    ]
    read_only = await hubspot.patch(
        f"{COMPANIES}/{company['id']}", json={"properties": {"hs_object_id": "1"}}
    )
    assert read_only.json()["errors"][0]["code"] == "READ_ONLY_VALUE"
    patched = await hubspot.patch(
        f"{COMPANIES}/{company['id']}", json={"properties": {"city": "Boston", "state": ""}}
    )
    assert patched.json()["properties"]["city"] == "Boston"
    assert patched.json()["updatedAt"] >= company["updatedAt"]
    again = await hubspot.post(CONTACTS, json={"properties": {"email": "EXAMPLE@hubspot.com"}})
    assert again.status_code == 409 and again.json()["message"].endswith("Existing ID: 101")
    bad = await hubspot.post(CONTACTS, json={"properties": {"email": "not an email"}})
    assert bad.json()["errors"][0]["code"] == "INVALID_EMAIL"
    assert (await hubspot.patch(f"{COMPANIES}/999", json={"properties": {}})).status_code == 404


async def test_archiving(hubspot: httpx.AsyncClient) -> None:
    assert (await hubspot.delete(f"{COMPANIES}/9002")).status_code == 204
    assert (await hubspot.delete(f"{COMPANIES}/9002")).status_code == 204  # as HubSpot's does
    assert (await hubspot.delete(f"{COMPANIES}/424242")).status_code == 204
    assert (await hubspot.get(f"{COMPANIES}/9002")).status_code == 404
    archived = (await hubspot.get(f"{COMPANIES}/9002", params={"archived": "true"})).json()
    assert archived["archived"] is True and archived["archivedAt"]
    listed = (await hubspot.get(COMPANIES, params={"archived": "true"})).json()["results"]
    assert [r["id"] for r in listed] == ["9002"]
    assert "9002" not in await every_page(hubspot, 100)


async def test_associations_both_ways_and_the_primary_label(hubspot: httpx.AsyncClient) -> None:
    created = await hubspot.post(CONTACTS, json=doc("create_contact_request"))
    assert created.status_code == 409  # the seed holds the docs' contact already
    body = {**doc("create_contact_request"), "properties": {"email": "second@hubspot.com"}}
    contact = (await hubspot.post(CONTACTS, json=body)).json()
    from_company = (
        await hubspot.get("/crm/v4/objects/companies/123456/associations/contacts")
    ).json()
    types = {r["toObjectId"]: r["associationTypes"] for r in from_company["results"]}
    assert types[101][-1] == {"category": "HUBSPOT_DEFINED", "typeId": 2, "label": "Primary"}
    assert types[int(contact["id"])] == [
        {"category": "HUBSPOT_DEFINED", "typeId": 280, "label": None}
    ]
    labelled = await hubspot.put(
        f"/crm/v4/objects/contacts/{contact['id']}/associations/companies/123456",
        json=[{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}],
    )
    assert labelled.status_code == 201 and labelled.json()["labels"] == ["Primary"]
    read = await hubspot.get(f"{CONTACTS}/{contact['id']}", params={"associations": "companies"})
    assert read.json()["associations"]["companies"]["results"] == [
        {"id": "123456", "type": "contact_to_company"},
        {"id": "123456", "type": "contact_to_company_unlabeled"},
    ]
    nowhere = await hubspot.post(
        CONTACTS,
        json={
            "properties": {"email": "third@hubspot.com"},
            "associations": [{"to": {"id": "1"}, "types": [{"associationTypeId": 279}]}],
        },
    )
    assert nowhere.status_code == 400


async def test_a_batch_read_names_what_it_did_not_find(hubspot: httpx.AsyncClient) -> None:
    answer = await hubspot.post(
        f"{CONTACTS}/batch/read",
        json={"properties": ["email"], "inputs": [{"id": "101"}, {"id": "5"}]},
    )
    assert answer.status_code == 207
    assert [r["id"] for r in answer.json()["results"]] == ["101"]
    assert answer.json()["errors"][0]["context"] == {"ids": ["5"]}


async def test_the_console_edits_as_hubspots_ui_does(
    hubspot: httpx.AsyncClient, simulator: HubSpotSimulator
) -> None:
    before = (await hubspot.get(f"{COMPANIES}/9003")).json()
    simulator.console.update("customer", "9003", {"name": "Renamed in HubSpot"})
    after = (await hubspot.get(f"{COMPANIES}/9003")).json()
    assert after["properties"]["name"] == "Renamed in HubSpot"
    assert after["updatedAt"] > before["updatedAt"]
    assert after["properties"]["hs_lastmodifieddate"] == after["updatedAt"]
    made = simulator.console.create("customer", {"name": "Made in HubSpot"})
    assert (await hubspot.get(f"{COMPANIES}/{made}")).json()["properties"][
        "name"
    ] == "Made in HubSpot"
    simulator.console.delete("customer", made)
    assert (
        await hubspot.get(f"{COMPANIES}/{made}", params={"archived": "true"})
    ).status_code == 200


async def test_rate_limits_answer_as_the_usage_guidelines_show(
    hubspot: httpx.AsyncClient, simulator: HubSpotSimulator
) -> None:
    read = await hubspot.get(COMPANIES)
    assert read.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    assert int(read.headers["X-HubSpot-RateLimit-Remaining"]) < 190
    searched = await hubspot.post(f"{COMPANIES}/search", json={})
    assert "X-HubSpot-RateLimit-Max" not in searched.headers  # not on search answers
    simulator.limits.enforced = True
    simulator.limits.rolling.max = 1
    simulator.limits.rolling.hits.clear()
    assert (await hubspot.get(COMPANIES)).status_code == 200
    limited = await hubspot.get(COMPANIES)
    assert limited.status_code == 429 and "Retry-After" not in limited.headers
    assert limited.headers["X-HubSpot-RateLimit-Remaining"] == "0"
    assert limited.json()["policyName"] == "TEN_SECONDLY_ROLLING"
    simulator.limits.search.max = 1
    simulator.limits.search.hits.clear()
    assert (await hubspot.post(f"{COMPANIES}/search", json={})).status_code == 200
    too_fast = await hubspot.post(f"{COMPANIES}/search", json={})
    assert too_fast.status_code == 429
    assert too_fast.json()["message"] == "You have reached your secondly limit."


async def test_a_wrong_token_is_refused(simulator: HubSpotSimulator) -> None:
    from tests.conftest import sandbox_client

    async with sandbox_client(simulator.sandbox, "https://api.hubapi.com", "pat-wrong") as client:
        refused = await client.get(COMPANIES)
    assert refused.status_code == 401 and refused.json()["category"] == "INVALID_AUTHENTICATION"
