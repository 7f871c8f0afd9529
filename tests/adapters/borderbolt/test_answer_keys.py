"""The BorderBolt simulator answers with exactly the keys its docs' examples show
(upstream-docs/borderbolt-customers.txt, borderbolt-item-master.txt), per answer shape:
list rows, single reads, and the partial objects writes answer with. Beyond the docs,
the tenant's own fields may appear: customers ``internal_reference`` and ``settings``,
contacts ``extension``, items ``attributes`` (docs/field-mapping.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from adapters.borderbolt.simulator import BorderBoltSimulator
from adapters.testing.answer_keys import documented, own_keys
from tests.conftest import fixture, sandbox_client

pytestmark = pytest.mark.anyio
CUSTOMER_CUSTOM = ("internal_reference", "settings")
CONTACT_CUSTOM = ("extension",)
ITEM_CUSTOM = ("attributes",)
# The item master's field table names ``customer_id`` (create and update take it) and
# "Get Item" is "a single item with all details", though its example leaves it out;
# the single read carries it, and the gateway reads an item's customer from it.
ITEM_DETAIL_BEYOND_EXAMPLE = {"customer_id"}


def doc(name: str) -> Any:
    return fixture("borderbolt", name)


@pytest.fixture
async def bb() -> AsyncIterator[httpx.AsyncClient]:
    simulator = BorderBoltSimulator(token="tok")
    async with sandbox_client(simulator.sandbox, "http://bb/api/v1", "tok") as client:
        client.simulator = simulator  # type: ignore[attr-defined]
        yield client


async def every_row(client: httpx.AsyncClient, path: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for page in range(1, 20):
        body = (await client.get(path, params={"page": page, "per_page": 100})).json()
        rows += body["data"]
        if len(rows) >= body["meta"]["total"]:
            return rows
    raise AssertionError("the list did not end")


async def list_rows_are_the_docs(
    bb: httpx.AsyncClient, example: str, path: str, custom: tuple[str, ...]
) -> None:
    """The list at ``path`` answers the documented example's keys, every row of it the
    example row's own keys (``custom`` aside), the example's row its documented keys."""
    listed = doc(example)
    [row] = listed["data"]
    first = (await bb.get(path)).json()
    assert set(first) == set(listed) and set(first["meta"]) == set(listed["meta"])
    rows = await every_row(bb, path)
    assert all(own_keys(r, custom) == set(row) for r in rows)
    assert documented(next(r for r in rows if r["id"] == row["id"]), row) == set()


async def test_customer_list_rows_and_single_reads(bb: httpx.AsyncClient) -> None:
    await list_rows_are_the_docs(bb, "list_customers", "/customers", CUSTOMER_CUSTOM)
    single = doc("get_customer")
    assert documented((await bb.get("/customers/501")).json(), single) == set()
    for customer_id in list(bb.simulator.customers)[:30]:  # type: ignore[attr-defined]
        read = (await bb.get(f"/customers/{customer_id}")).json()
        assert set(read) == {"data"}
        assert own_keys(read["data"], CUSTOMER_CUSTOM) == set(single["data"])
        assert all(set(c) == set(single["data"]["contacts"][0]) for c in read["data"]["contacts"])


async def test_customer_write_answers(bb: httpx.AsyncClient) -> None:
    request = doc("create_customer_request") | {"customer_code": "CUST900"}
    created = await bb.post("/customers", json=request)
    assert documented(created.json(), doc("create_customer_response")) == set()
    updated = await bb.put("/customers/502", json=doc("update_customer_request"))
    assert documented(updated.json(), doc("update_customer_response")) == set()


async def test_contact_list_rows_and_write_answers(bb: httpx.AsyncClient) -> None:
    listed = doc("list_contacts")
    answer = (await bb.get("/customers/501/contacts")).json()
    assert documented(answer, listed) == set()
    [row] = listed["data"]
    for customer_id in list(bb.simulator.customers)[:30]:  # type: ignore[attr-defined]
        rows = (await bb.get(f"/customers/{customer_id}/contacts")).json()["data"]
        assert all(own_keys(r, CONTACT_CUSTOM) == set(row) for r in rows)
    added = await bb.post("/customers/501/contacts", json=doc("add_contact_request"))
    assert documented(added.json(), doc("add_contact_response")) == set()
    contact = added.json()["data"]["id"]
    updated = await bb.put(f"/contacts/{contact}", json=doc("update_contact_request"))
    assert documented(updated.json(), doc("update_contact_response")) == set()


async def test_item_list_rows_single_reads_and_search(bb: httpx.AsyncClient) -> None:
    await list_rows_are_the_docs(bb, "item_list", "/item-master", ITEM_CUSTOM)
    single = doc("item_get")
    detail = set(single["data"]) | ITEM_DETAIL_BEYOND_EXAMPLE
    read = (await bb.get("/item-master/801")).json()
    assert documented(read, single) == {f"data.{k}" for k in ITEM_DETAIL_BEYOND_EXAMPLE}
    for item_id in range(801, 841):
        read = (await bb.get(f"/item-master/{item_id}")).json()
        assert set(read) == {"data"} and own_keys(read["data"], ITEM_CUSTOM) == detail
    found = (await bb.get("/item-master/search", params={"q": "integrated"})).json()
    assert documented(found, doc("item_search")) == set()


async def test_item_write_answers(bb: httpx.AsyncClient) -> None:
    created = await bb.post("/item-master", json=doc("item_create_request"))
    assert documented(created.json(), doc("item_create_response")) == set()
    item = created.json()["data"]["id"]
    copied = await bb.post("/item-master/801/duplicate")
    assert documented(copied.json(), doc("item_duplicate_response")) == set()
    verified = await bb.post(f"/item-master/{item}/verify")
    assert documented(verified.json(), doc("item_verify_response")) == set()
