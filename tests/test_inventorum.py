"""Inventorum end to end, v10 and v9, against the sandbox (OAuth2 client credentials)."""

from __future__ import annotations

import httpx
import pytest

from adapters.inventorum.simulator import InventorumSimulator
from adapters.sandbox import Credentials, Sandbox

pytestmark = pytest.mark.anyio
SHOP, SHOP9 = {"X-Connection": "shop"}, {"X-Connection": "shop9"}


@pytest.fixture
def shop(app) -> Sandbox:
    return app.state.runtime.connections["shop"].sandbox


async def test_a_page_of_100_reads_several_upstream_pages_of_30(
    client: httpx.AsyncClient, shop: Sandbox
) -> None:
    shop.calls.clear()
    page = (await client.get("/v1/customers", params={"limit": 100}, headers=SHOP)).json()
    assert (
        len(page["data"]) == 39
        and page["meta"]["total"] == 39
        and page["meta"]["next_cursor"] is None
    )
    reads = [c for c in shop.calls if c.path == "/customers/"]
    assert [c.query for c in reads] == ["page=1&limit=30", "page=2&limit=30"]
    assert all(c.headers["x-api-version"] == "10" for c in reads)


async def test_favourites_are_native_and_their_complement_emulated(
    client: httpx.AsyncClient, shop: Sandbox
) -> None:
    shop.calls.clear()
    favourites = (
        await client.get(
            "/v1/customers", params={"is_favourite": "true", "limit": 100}, headers=SHOP
        )
    ).json()
    assert favourites["meta"]["emulated"] == []
    assert {c.path for c in shop.calls if c.path.startswith("/customers")} == {
        "/customers/favourites/"
    }
    others = (
        await client.get(
            "/v1/customers", params={"is_favourite": "false", "limit": 100}, headers=SHOP
        )
    ).json()
    assert others["meta"]["emulated"] == ["is_favourite"]
    assert len(favourites["data"]) == 11 and len(others["data"]) == 28
    assert all(c["extra"]["is_favourite"] for c in favourites["data"])
    assert not any(c["extra"]["is_favourite"] for c in others["data"])


async def test_emulated_q_and_country(client: httpx.AsyncClient) -> None:
    found = (await client.get("/v1/customers", params={"q": "inventorum"}, headers=SHOP)).json()
    assert [c["id"] for c in found["data"]] == ["shop:553910"] and found["meta"]["emulated"] == [
        "q"
    ]
    austrians = (
        await client.get("/v1/customers", params={"country": "AT", "limit": 100}, headers=SHOP)
    ).json()
    assert austrians["data"] and all(
        c["billing_address"]["country"] == "AT" for c in austrians["data"]
    )
    # Some are stored upstream as "Österreich": the canonical answer is still AT.
    assert (
        await client.get("/v1/customers", params={"code": "X"}, headers=SHOP)
    ).status_code == 400


async def test_single_read_wrapped_or_bare(client: httpx.AsyncClient, shop: Sandbox) -> None:
    wrapped = (await client.get("/v1/customers/shop:553910")).json()
    assert (
        wrapped["name"] == "Inventorum" and wrapped["extra"]["birthday"] == "1985-04-30T10:49:52Z"
    )
    # Same sandbox (auth, tokens), behind it a simulator that answers the bare object.
    shop.app = InventorumSimulator(credentials=Credentials(), wrap_single=False).sandbox.app
    shop.calls.clear()
    bare = (
        await client.get("/v1/customers/shop:553910", headers={"Cache-Control": "no-cache"})
    ).json()
    assert bare == wrapped
    assert [c.path for c in shop.calls] == ["/customers/553910/"]


async def test_create_person_by_name_and_read_back(
    client: httpx.AsyncClient, shop: Sandbox
) -> None:
    response = await client.post(
        "/v1/customers",
        headers=SHOP,
        json={
            "name": "Lena Vogel",
            "is_company": False,
            "phone": "0301112223",
            "email": "lena@example.de",
            "billing_address": {
                "line1": "Hauptstraße 1",
                "postal_code": "10115",
                "city": "Berlin",
                "country": "DE",
            },
            "extra": {"is_favourite": True, "birthday": "1990-02-03T04:05:06+01:00"},
        },
    )
    assert response.status_code == 201
    created = response.json()
    assert (
        created["first_name"],
        created["last_name"],
        created["name"],
        created["is_company"],
    ) == ("Lena", "Vogel", "Lena Vogel", False)
    assert (
        created["phone"] == "0301112223" and created["extra"]["birthday"] == "1990-02-03T03:05:06Z"
    )
    [post] = [c for c in shop.calls if c.method == "POST" and c.path == "/customers"]
    assert post.headers["x-api-version"] == "10"
    assert (await client.get(f"/v1/customers/{created['id']}")).json()["email"] == "lena@example.de"


async def test_v9_sends_and_reads_phone_numbers(client: httpx.AsyncClient, app) -> None:
    sim = app.state.runtime.connections["shop9"].sandbox
    created = (
        await client.post(
            "/v1/customers", headers=SHOP9, json={"name": "Kiosk Eck", "phone": "0409998877"}
        )
    ).json()
    assert created["phone"] == "0409998877" and created["is_company"] is True
    assert created["extra"]["phone_numbers"][0]["national_number"] == "0409998877"
    assert sim.calls[-1].headers["x-api-version"] == "9"
    patched = (await client.patch(f"/v1/customers/{created['id']}", json={"phone": "0401"})).json()
    assert patched["phone"] == "0401"


async def test_patch_and_delete(client: httpx.AsyncClient) -> None:
    patched = await client.patch(
        "/v1/customers/shop:553910",
        json={
            "name": "Inventorum GmbH",
            "vat_number": None,
            "billing_address": {"city": "Potsdam"},
        },
    )
    assert patched.status_code == 200
    body = patched.json()
    assert body["name"] == "Inventorum GmbH" and body["vat_number"] is None
    assert (
        body["billing_address"]["city"] == "Potsdam"
        and body["billing_address"]["line1"] == "Voltastrasse"
    )
    assert (await client.delete("/v1/customers/shop:553910")).status_code == 204
    assert (await client.get("/v1/customers/shop:553910")).status_code == 404


async def test_upstream_400_maps_fields(client: httpx.AsyncClient) -> None:
    response = await client.patch("/v1/customers/shop:553910", json={"extra": {"title": "Dr."}})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["upstream_status"] == 400 and error["details"] == [
        {"field": "extra.title", "message": '"Dr." is not a valid choice.'}
    ]
