"""The Inventorum simulator answers with exactly the keys its docs' examples show
(upstream-docs/inventorum-customers.txt), per answer shape: list rows and single reads
carry no ``total_sales``, which only the POST and PUT answers show. Beyond the docs, the
tenant's own fields ``loyalty`` and ``tags`` (docs/field-mapping.md) may appear."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from adapters.inventorum.simulator import InventorumSimulator
from adapters.sandbox import Credentials
from adapters.testing.answer_keys import documented, own_keys
from tests.conftest import fixture, sandbox_client

pytestmark = pytest.mark.anyio
CUSTOM = ("loyalty", "tags")  # the tenant's own fields (docs/field-mapping.md)
V9_PHONES = {"phone_number"}, {"phone_numbers"}  # v9 and earlier: a list instead


def doc(name: str) -> Any:
    return fixture("inventorum", name)


def for_version(keys: set[str], version: int) -> set[str]:
    """The docs show v10; v9 answers carry ``phone_numbers`` where v10 has ``phone_number``."""
    v10, v9 = V9_PHONES
    return keys - v10 | v9 if version <= 9 else keys


@pytest.fixture(params=[10, 9])
async def shop(request: pytest.FixtureRequest) -> AsyncIterator[httpx.AsyncClient]:
    simulator = InventorumSimulator(credentials=Credentials(token="tok"))
    async with sandbox_client(simulator.sandbox, "http://inventorum", "tok") as client:
        client.headers["X-Api-Version"] = str(request.param)
        client.version = request.param  # type: ignore[attr-defined]
        yield client


async def every_row(client: httpx.AsyncClient, path: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for page in range(1, 10):
        body = (await client.get(path, params={"page": page})).json()
        assert set(body) == {"total", "data"}
        rows += body["data"]
        if len(rows) >= body["total"]:
            return rows
    raise AssertionError("the list did not end")


@pytest.mark.parametrize(
    ("path", "example"), [("/customers/", "list_customers"), ("/customers/favourites/", None)]
)
async def test_list_rows_carry_the_docs_row_keys(
    shop: httpx.AsyncClient, path: str, example: str | None
) -> None:
    version: int = shop.version  # type: ignore[attr-defined]
    [row] = doc("list_customers")["data"]
    rows = await every_row(shop, path)
    assert rows
    for each in rows:
        assert own_keys(each, CUSTOM) == for_version(set(row), version), each["id"]
    if example is not None and version == 10:
        [docs_own] = [r for r in rows if r["id"] == row["id"]]  # the docs' own record
        assert documented(docs_own, row) == set()


async def test_single_reads_carry_the_docs_keys(shop: httpx.AsyncClient) -> None:
    version: int = shop.version  # type: ignore[attr-defined]
    wrapped = doc("get_customer_wrapped")
    [example] = wrapped["data"]
    for customer_id in (196906, 553910, 196907, 196920):
        body = (await shop.get(f"/customers/{customer_id}/")).json()
        assert set(body) == set(wrapped) and len(body["data"]) == 1
        assert own_keys(body["data"][0], CUSTOM) == for_version(set(example), version)
    if version == 10:
        answer = (await shop.get(f"/customers/{example['id']}/")).json()
        assert documented(answer, wrapped) == set()


async def test_write_answers_carry_the_docs_keys_with_total_sales(
    shop: httpx.AsyncClient,
) -> None:
    version: int = shop.version  # type: ignore[attr-defined]
    created = await shop.post(
        "/customers", json=_for_version(doc("create_customer_request"), version)
    )
    assert created.status_code == 201
    expected = doc("create_customer_response")
    assert own_keys(created.json(), CUSTOM) == for_version(set(expected), version)
    updated = await shop.put(
        "/customers/553910", json=_for_version(doc("update_customer_request"), version)
    )
    assert updated.status_code == 200
    assert own_keys(updated.json(), CUSTOM) == for_version(set(expected), version)
    assert "total_sales" in updated.json() and "total_sales" in created.json()
    if version == 10:
        assert documented(created.json(), expected, CUSTOM) == set()
        assert documented(updated.json(), doc("update_customer_response")) == set()


def _for_version(body: dict[str, Any], version: int) -> dict[str, Any]:
    if version > 9 or "phone_number" not in body:
        return body
    phone = body["phone_number"]
    rest = {k: v for k, v in body.items() if k != "phone_number"}
    return {**rest, "phone_numbers": [{"national_number": phone, "type": "mobile"}]}
