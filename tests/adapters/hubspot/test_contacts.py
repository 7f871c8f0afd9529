"""HubSpot contacts as a customer's contacts (by association), end to end through the
ASGI app against the sandbox."""

from __future__ import annotations

import httpx
import pytest

from adapters.hubspot.simulator import HubSpotSimulator

pytestmark = pytest.mark.anyio
JANE = "/v1/customers/hubspot:123456/contacts/hubspot:101"


def company_with_contacts(served: HubSpotSimulator, count: int) -> str:
    kind = served.account.companies.kind
    return next(
        i for i in served.account.companies if len(served.account.associated(kind, i)) == count
    )


async def test_a_customers_contacts_come_by_association(
    api: httpx.AsyncClient, served: HubSpotSimulator
) -> None:
    company = company_with_contacts(served, 3)
    expected = served.account.associated(served.account.companies.kind, company)
    served.sandbox.calls.clear()
    listed = (await api.get(f"/v1/customers/hubspot:{company}/contacts")).json()["data"]
    assert [(c["id"], c["is_primary"]) for c in listed] == [
        (f"hubspot:{i}", primary) for i, primary in expected
    ]
    assert [c.path for c in served.sandbox.calls] == [
        f"/crm/v4/objects/companies/{company}/associations/contacts",
        "/crm/v3/objects/contacts/batch/read",
    ]
    lonely = company_with_contacts(served, 0)
    assert (await api.get(f"/v1/customers/hubspot:{lonely}/contacts")).json()["data"] == []
    nobody = await api.get("/v1/customers/hubspot:424242/contacts")
    assert nobody.status_code == 404


async def test_one_contact_only_of_its_own_customer(api: httpx.AsyncClient) -> None:
    jane = (await api.get(JANE)).json()
    assert (jane["name"], jane["email"], jane["is_primary"]) == (
        "Jane Doe",
        "example@hubspot.com",
        True,
    )
    assert jane["extra"]["lifecyclestage"] == "marketingqualifiedlead"
    foreign = await api.get("/v1/customers/hubspot:9001/contacts/hubspot:101")
    assert foreign.status_code == 404
    assert (await api.get("/v1/customers/hubspot:123456/contacts/hubspot:77")).status_code == 404


async def test_contact_lifecycle(api: httpx.AsyncClient, served: HubSpotSimulator) -> None:
    created = await api.post(
        "/v1/customers/hubspot:9001/contacts",
        json={"name": "Grace Hopper", "title": "CTO", "email": "grace@9001.example.com"},
    )
    assert created.status_code == 201
    grace = created.json()
    assert (grace["customer_id"], grace["title"], grace["is_primary"]) == (
        "hubspot:9001",
        "CTO",
        False,
    )
    remote = grace["id"].split(":")[1]
    stored = served.account.contacts[remote]
    assert (stored["firstname"], stored["lastname"], stored["jobtitle"]) == (
        "Grace",
        "Hopper",
        "CTO",
    )
    url = f"/v1/customers/hubspot:9001/contacts/{grace['id']}"
    patched = (await api.patch(url, json={"title": "CEO", "is_primary": True})).json()
    assert (patched["title"], patched["is_primary"]) == ("CEO", True)
    assert served.account.primary[remote] == "9001"  # labelled Primary in HubSpot
    unprimary = await api.patch(url, json={"is_primary": False})
    assert unprimary.status_code == 422
    assert unprimary.json()["error"]["details"][0]["field"] == "is_primary"
    assert (await api.delete(url)).status_code == 204
    assert (await api.get(url)).status_code == 404
    listed = (await api.get("/v1/customers/hubspot:9001/contacts")).json()["data"]
    assert grace["id"] not in [c["id"] for c in listed]


async def test_contact_errors_by_canonical_field(
    api: httpx.AsyncClient, served: HubSpotSimulator
) -> None:
    taken = await api.post(
        "/v1/customers/hubspot:9001/contacts", json={"name": "Jane", "email": "EXAMPLE@hubspot.com"}
    )
    assert taken.status_code == 409
    error = taken.json()["error"]
    assert error["code"] == "conflict" and error["upstream_status"] == 409
    assert [d["field"] for d in error["details"]] == ["email"]
    invalid = await api.patch(JANE, json={"email": "not an email", "title": "Buyer"})
    assert invalid.status_code == 422
    assert invalid.json()["error"]["details"] == [
        {"field": "email", "message": "Email address not an email is invalid"}
    ]
    served.sandbox.calls.clear()
    unheld = await api.post(
        "/v1/customers/hubspot:9001/contacts", json={"name": "A B", "department": "Sales"}
    )
    assert unheld.status_code == 422 and list(served.sandbox.calls) == []  # no call made
    assert unheld.json()["error"]["details"][0]["field"] == "department"
    nobody = await api.post("/v1/customers/hubspot:424242/contacts", json={"name": "A B"})
    assert nobody.status_code == 404
