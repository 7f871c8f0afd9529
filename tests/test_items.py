"""Items end to end: /v1/items against the BorderBolt sandbox; other connections 501."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from adapters.sandbox import Sandbox
from tests.conftest import client_for

pytestmark = pytest.mark.anyio


async def test_list_pages_through_all_items(client: httpx.AsyncClient) -> None:
    ids, cursor = [], None
    while True:
        page = (
            await client.get(
                "/v1/items",
                params={"limit": 100, "sort": "code", **({"cursor": cursor} if cursor else {})},
            )
        ).json()
        ids += [i["id"] for i in page["data"]]
        if not (cursor := page["meta"]["next_cursor"]):
            break
    assert len(ids) == len(set(ids)) == 342 and ids[0] == "borderbolt:801"
    assert page["meta"]["total"] == 342


async def test_filters_and_sort_are_native(client: httpx.AsyncClient, sim: Sandbox) -> None:
    sim.calls.clear()
    page = (
        await client.get(
            "/v1/items",
            params={
                "q": "bearings",
                "status": "active",
                "customer_id": "borderbolt:502",
                "sort": "-code",
            },
        )
    ).json()
    assert page["data"] and all(
        i["customer_id"] == "borderbolt:502" and i["status"] == "active" for i in page["data"]
    )
    query = sim.calls[-1].query
    for part in (
        "search=bearings",
        "status=active",
        "customer_id=502",
        "sort_by=item_code",
        "sort_order=desc",
    ):
        assert part in query


@pytest.mark.parametrize(
    "params",
    [
        {"customer_id": "crm:cust_456"},
        {"customer_id": "borderbolt:.."},
        {"status": "gone"},
        {"sort": "weight"},
        {"q": ""},
    ],
)
async def test_bad_item_filters_are_400(client: httpx.AsyncClient, params: dict) -> None:
    assert (await client.get("/v1/items", params=params)).status_code == 400


async def test_search_is_capped_at_20(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/items/search", params={"q": "e"})).json()
    assert len(body["data"]) == 20 and body["meta"]["limit"] == 20
    assert (await client.get("/v1/items/search")).status_code == 400


async def test_get_with_documents_and_pending_changes(client: httpx.AsyncClient) -> None:
    item = (await client.get("/v1/items/borderbolt:801")).json()
    assert item["documents"][0]["id"] == "borderbolt:5001" and item["pending_changes"] == []
    with_change = (await client.get("/v1/items/borderbolt:805")).json()
    assert with_change["pending_changes"][0]["item_id"] == "borderbolt:805"


async def test_create_rereads_and_duplicate_code_is_409(client: httpx.AsyncClient) -> None:
    body = {
        "code": "PROD-900",
        "description": "Ball Bearings",
        "hs_code": "84821090",
        "country_of_origin": "de",
        "net_weight": 0.15,
        "customer_id": "borderbolt:501",
    }
    created = await client.post("/v1/items", json=body)
    assert created.status_code == 201
    item = created.json()
    assert item["country_of_origin"] == "DE" and item["net_weight"] == 0.15
    assert item["customer_id"] == "borderbolt:501" and item["documents"] == []
    assert created.headers["location"] == f"/v1/items/{item['id']}"
    again = await client.post("/v1/items", json=body)
    assert again.status_code == 409
    assert again.json()["error"]["details"][0]["field"] == "code"


@pytest.mark.parametrize(
    "body",
    [
        {"code": "X"},
        {"code": "X", "description": "d", "colour": 1},
        {"code": "X", "description": "d", "net_weight": -1},
        {"code": "X", "description": "d", "unit_currency": "euro"},
        {"code": "X", "description": "d", "customer_id": "crm:cust_1"},
    ],
)
async def test_invalid_item_bodies_are_422(client: httpx.AsyncClient, body: dict) -> None:
    assert (await client.post("/v1/items", json=body)).status_code == 422


async def test_patch_delete(client: httpx.AsyncClient) -> None:
    patched = await client.patch(
        "/v1/items/borderbolt:802", json={"unit_value": 6.0, "status": "inactive", "notes": None}
    )
    assert patched.status_code == 200
    assert (patched.json()["unit_value"], patched.json()["status"], patched.json()["notes"]) == (
        6.0,
        "inactive",
        None,
    )
    assert (await client.delete("/v1/items/borderbolt:802")).status_code == 204
    assert (await client.get("/v1/items/borderbolt:802")).status_code == 404


async def test_duplicate_and_verify(client: httpx.AsyncClient) -> None:
    copy = await client.post("/v1/items/borderbolt:801/duplicate")
    assert copy.status_code == 201
    assert copy.json()["code"] == "PROD-001_COPY" and copy.json()["verified_at"] is None
    assert copy.json()["hs_code"] == "85423190"  # the full re-read, not the partial answer
    verified = await client.post(f"/v1/items/{copy.json()['id']}/verify")
    assert verified.status_code == 200 and verified.json()["verified_at"].endswith("Z")


async def test_pending_changes_by_status_and_documents(client: httpx.AsyncClient) -> None:
    statuses = {}
    for status in ("pending", "approved", "rejected"):
        body = (
            await client.get("/v1/items/borderbolt:805/pending-changes", params={"status": status})
        ).json()
        statuses[status] = len(body["data"])
    assert sum(statuses.values()) == 1
    default = (await client.get("/v1/items/borderbolt:805/pending-changes")).json()
    assert len(default["data"]) == statuses["pending"]
    assert (
        await client.get("/v1/items/borderbolt:805/pending-changes", params={"status": "x"})
    ).status_code == 400
    docs = (await client.get("/v1/items/borderbolt:801/documents")).json()
    assert docs["data"][0]["filename"] == "COO-PROD-001.pdf"


async def test_items_need_item_scopes(app: Starlette) -> None:
    async with client_for(app, key="reader-key") as reader:
        assert (await reader.get("/v1/items")).status_code == 403
        assert (await reader.post("/v1/items/borderbolt:801/verify")).status_code == 403


async def test_only_borderbolt_has_items(client: httpx.AsyncClient, crm_sim: Sandbox) -> None:
    crm_sim.calls.clear()
    for response in (
        await client.get("/v1/items", params={"connection": "crm"}),
        await client.get("/v1/items/crm:item_1"),
        await client.post(
            "/v1/items", json={"code": "A", "description": "d"}, headers={"X-Connection": "shop"}
        ),
    ):
        assert response.status_code == 501
        assert response.json()["error"]["code"] == "unsupported_operation"
    assert list(crm_sim.calls) == []
