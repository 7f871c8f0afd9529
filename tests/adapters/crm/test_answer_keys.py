"""The CRM simulator answers with exactly the keys its docs' examples show
(upstream-docs/crm-customers.txt), per answer shape: list rows, single reads, and the
partial objects writes answer with (an update shows the fields it changed). Beyond the
docs, the tenant's own fields may appear: customers ``custom_fields``, contacts
``social`` (docs/field-mapping.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from adapters.crm.simulator import CrmSimulator
from adapters.testing.answer_keys import documented, own_keys
from tests.conftest import fixture, sandbox_client

pytestmark = pytest.mark.anyio
CUSTOMER_CUSTOM = ("custom_fields",)
CONTACT_CUSTOM = ("social",)


def doc(name: str) -> Any:
    return fixture("crm", name)


@pytest.fixture
async def crm() -> AsyncIterator[httpx.AsyncClient]:
    simulator = CrmSimulator(token="tok")
    async with sandbox_client(simulator.sandbox, "http://crm/api", "tok") as client:
        client.simulator = simulator  # type: ignore[attr-defined]
        yield client


async def test_list_rows_and_single_reads(crm: httpx.AsyncClient) -> None:
    listed = doc("list_customers")
    [row] = listed["data"]
    rows: list[dict[str, Any]] = []
    for page in (1, 2):
        body = (await crm.get("/customers", params={"page": page, "limit": 100})).json()
        assert set(body) == set(listed) and set(body["meta"]) == set(listed["meta"])
        rows += body["data"]
    assert len(rows) == 150
    assert all(own_keys(r, CUSTOMER_CUSTOM) == set(row) for r in rows)
    docs_own = next(r for r in rows if r["id"] == row["id"])
    assert documented(docs_own, row, CUSTOMER_CUSTOM) == set()
    single = doc("get_customer")
    assert documented((await crm.get("/customers/cust_456")).json(), single) == set()
    contact_keys = set(single["data"]["contacts"][0])
    for customer_id in list(crm.simulator.customers)[:30]:  # type: ignore[attr-defined]
        read = (await crm.get(f"/customers/{customer_id}")).json()
        assert set(read) == {"data"}
        assert own_keys(read["data"], CUSTOMER_CUSTOM) == set(single["data"])
        assert all(own_keys(c, CONTACT_CUSTOM) == contact_keys for c in read["data"]["contacts"])


async def test_write_answers(crm: httpx.AsyncClient) -> None:
    created = await crm.post("/customers", json=doc("create_customer_request"))
    assert created.status_code == 201
    expected = doc("create_customer_response")
    assert documented(created.json(), expected, CONTACT_CUSTOM, "data.contacts[].") == set()
    # The docs' update sends is_active: true to a customer already active, and the
    # answer shows only what changed: id, the changed fields, updated_at.
    updated = await crm.put("/customers/cust_456", json=doc("update_customer_request"))
    assert documented(updated.json(), doc("update_customer_response")) == set()
    added = await crm.post("/customers/cust_456/contacts", json=doc("add_contact_request"))
    assert documented(added.json(), doc("add_contact_response"), CONTACT_CUSTOM, "data.") == set()
