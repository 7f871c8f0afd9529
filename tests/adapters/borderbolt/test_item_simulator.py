"""The BorderBolt item master sandbox, spoken to directly."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.borderbolt.simulator import BorderBoltSimulator
from tests.conftest import fixture, sandbox_client

pytestmark = pytest.mark.anyio


@pytest.fixture
async def bb() -> AsyncIterator[httpx.AsyncClient]:
    sandbox = BorderBoltSimulator(token="tok").sandbox
    async with sandbox_client(sandbox, "http://bb/api/v1", "tok") as client:
        yield client


def test_seeded_changes_are_reviewed_once_decided() -> None:
    changes = [c for cs in BorderBoltSimulator(token="x").item_master.changes.values() for c in cs]
    assert {c["status"] for c in changes} == {"pending", "approved", "rejected"}
    for change in changes:
        assert (change["reviewed_at"] is None) == (change["status"] == "pending"), change


def test_seed() -> None:
    a, b = BorderBoltSimulator(token="x").item_master, BorderBoltSimulator(token="y").item_master
    assert a.items == b.items and len(a.items) == 342
    assert min(a.items) == 801 and max(a.items) == 1142


async def test_doc_item(bb: httpx.AsyncClient) -> None:
    ours = (await bb.get("/item-master/801")).json()["data"]
    documented = fixture("borderbolt", "item_get")["data"]
    assert {k: ours[k] for k in documented} == documented
    assert ours["customer_id"] is None  # a create field; the doc's example leaves it out


async def test_list_defaults_and_cap(bb: httpx.AsyncClient) -> None:
    body = (await bb.get("/item-master")).json()
    assert body["meta"] == {"current_page": 1, "per_page": 15, "total": 342}
    documented = set(fixture("borderbolt", "item_list")["data"][0])
    assert set(body["data"][0]) == documented | {"attributes"}  # the tenant's own field
    stamps = [row["updated_at"] for row in body["data"]]
    assert stamps == sorted(stamps, reverse=True)
    assert (await bb.get("/item-master", params={"per_page": 1000})).json()["meta"][
        "per_page"
    ] == 100


async def test_search_rules(bb: httpx.AsyncClient) -> None:
    assert (await bb.get("/item-master/search")).status_code == 422
    hits = (await bb.get("/item-master/search", params={"q": "e"})).json()["data"]
    assert len(hits) == 20 and set(hits[0]) == set(fixture("borderbolt", "item_search")["data"][0])
    pending = (await bb.get("/item-master", params={"status": "pending", "per_page": 1})).json()[
        "data"
    ][0]
    assert not (await bb.get("/item-master/search", params={"q": pending["item_code"]})).json()[
        "data"
    ]


async def test_create_duplicate_verify(bb: httpx.AsyncClient) -> None:
    created = await bb.post("/item-master", json=fixture("borderbolt", "item_create_request"))
    assert created.status_code == 201
    assert set(created.json()["data"]) == set(fixture("borderbolt", "item_create_response")["data"])
    again = await bb.post("/item-master", json=fixture("borderbolt", "item_create_request"))
    assert again.status_code == 422 and "item_code" in again.json()["errors"]
    other_customer = {**fixture("borderbolt", "item_create_request"), "customer_id": 501}
    assert (
        await bb.post("/item-master", json=other_customer)
    ).status_code == 201  # unique per customer
    copy = await bb.post("/item-master/801/duplicate")
    assert copy.status_code == 201
    assert (
        copy.json()["data"]["item_code"] == "PROD-001_COPY"
        and copy.json()["data"]["verified_at"] is None
    )
    verified = await bb.post(f"/item-master/{copy.json()['data']['id']}/verify")
    assert set(verified.json()["data"]) == set(
        fixture("borderbolt", "item_verify_response")["data"]
    )
    assert verified.json()["data"]["verified_at"]


async def test_pending_changes_and_documents(bb: httpx.AsyncClient) -> None:
    assert (
        await bb.get("/item-master/805/pending-changes", params={"status": "bogus"})
    ).status_code == 422
    by_status = {
        s: (await bb.get("/item-master/805/pending-changes", params={"status": s})).json()["data"]
        for s in ("pending", "approved", "rejected")
    }
    assert sum(len(v) for v in by_status.values()) == 1
    assert (await bb.get("/item-master/801/documents")).json()["data"][0]["id"] == 5001
    assert (await bb.get("/item-master/99999/documents")).status_code == 404
