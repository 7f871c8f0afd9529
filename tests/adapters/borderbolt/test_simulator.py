"""The BorderBolt sandbox, spoken to directly as the adapter would."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.borderbolt.simulator import BorderBoltSimulator
from adapters.sandbox import Fault
from tests.conftest import sandbox_client

pytestmark = pytest.mark.anyio


@pytest.fixture
async def bb() -> AsyncIterator[httpx.AsyncClient]:
    sandbox = BorderBoltSimulator(token="tok").sandbox
    async with sandbox_client(sandbox, "http://bb/api/v1", "tok") as client:
        client.sandbox = sandbox  # type: ignore[attr-defined]
        yield client


def test_seed_is_deterministic() -> None:
    a, b = BorderBoltSimulator(token="x"), BorderBoltSimulator(token="y")
    assert a.customers == b.customers and a.contacts == b.contacts
    assert len(a.customers) == 156
    assert len({c["customer_code"] for c in a.customers.values()}) == 156


async def test_first_customer_is_the_docs_example(bb: httpx.AsyncClient) -> None:
    from tests.conftest import fixture

    assert (await bb.get("/customers/501")).json() == fixture("borderbolt", "get_customer")


async def test_list_meta_and_page_cap(bb: httpx.AsyncClient) -> None:
    body = (await bb.get("/customers", params={"per_page": 500, "page": 2})).json()
    assert body["meta"] == {"current_page": 2, "last_page": 2, "per_page": 100, "total": 156}
    assert len(body["data"]) == 56
    assert "contacts" not in body["data"][0] and "poa_valid_until" not in body["data"][0]


async def test_list_validation(bb: httpx.AsyncClient) -> None:
    response = await bb.get("/customers", params={"sort": "colour", "per_page": "x"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"sort", "per_page"}


async def test_auth_is_required(bb: httpx.AsyncClient) -> None:
    response = await bb.get("/customers", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthenticated."}


async def test_create_is_partial_and_duplicate_code_is_422(bb: httpx.AsyncClient) -> None:
    from tests.conftest import fixture

    request = fixture("borderbolt", "create_customer_request") | {"customer_code": "CUST900"}
    created = await bb.post("/customers", json=request)
    assert created.status_code == 201
    assert set(created.json()["data"]) == set(
        fixture("borderbolt", "create_customer_response")["data"]
    )
    assert created.json()["message"] == "Customer created successfully."
    again = await bb.post("/customers", json=request)
    assert again.status_code == 422
    assert again.json()["errors"] == {
        "customer_code": ["The customer code has already been taken."]
    }


async def test_update_is_partial_and_code_immutable(bb: httpx.AsyncClient) -> None:
    from tests.conftest import fixture

    updated = await bb.put("/customers/502", json=fixture("borderbolt", "update_customer_request"))
    assert set(updated.json()["data"]) == set(
        fixture("borderbolt", "update_customer_response")["data"]
    )
    refused = await bb.put("/customers/502", json={"customer_code": "NEW"})
    assert refused.status_code == 422 and "customer_code" in refused.json()["errors"]


async def test_delete_refused_for_linked_declarations(bb: httpx.AsyncClient) -> None:
    assert (await bb.delete("/customers/506")).status_code == 409
    assert (await bb.delete("/customers/502")).json() == {
        "message": "Customer deleted successfully."
    }
    assert (await bb.get("/customers/502")).json() == {
        "error": "not_found",
        "message": "Customer not found.",
    }


async def test_contacts_nested_list_and_flat_update(bb: httpx.AsyncClient) -> None:
    from tests.conftest import fixture

    assert (await bb.get("/customers/501/contacts")).json() == fixture(
        "borderbolt", "list_contacts"
    )
    added = await bb.post(
        "/customers/501/contacts", json=fixture("borderbolt", "add_contact_request")
    )
    assert added.status_code == 201
    assert set(added.json()["data"]) == set(fixture("borderbolt", "add_contact_response")["data"])
    contact_id = added.json()["data"]["id"]
    updated = await bb.put(
        f"/contacts/{contact_id}", json=fixture("borderbolt", "update_contact_request")
    )
    assert set(updated.json()["data"]) == set(
        fixture("borderbolt", "update_contact_response")["data"]
    )
    listed = (await bb.get("/customers/501/contacts")).json()["data"]
    assert [c["position"] for c in listed if c["id"] == contact_id] == ["Customs Coordinator"]
    assert (await bb.delete(f"/contacts/{contact_id}")).status_code == 200
    assert (await bb.delete(f"/contacts/{contact_id}")).status_code == 404


async def test_faults(bb: httpx.AsyncClient) -> None:
    sandbox = bb.sandbox  # type: ignore[attr-defined]
    sandbox.faults.add(Fault(status=500, times=2, path_prefix="/api/v1/customers/501"))
    assert (await bb.get("/customers/502")).status_code == 200
    assert (await bb.get("/customers/501")).status_code == 500
    assert (await bb.get("/customers/501")).status_code == 500
    assert (await bb.get("/customers/501")).status_code == 200
    sandbox.faults.add(Fault(drop=True))
    with pytest.raises(httpx.RemoteProtocolError):
        await bb.get("/customers/501")
    sandbox.faults.add(Fault(latency=0.2))
    with pytest.raises(httpx.ReadTimeout):
        await bb.get("/customers/501", timeout=0.05)
