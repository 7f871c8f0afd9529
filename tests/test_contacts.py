"""Contacts end to end: nested canonical routes over BorderBolt's nested and flat ones."""

from __future__ import annotations

import httpx
import pytest

from adapters.sandbox import Sandbox
from tests.conftest import list_pages

pytestmark = pytest.mark.anyio


async def test_list_contacts(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/customers/borderbolt:501/contacts")
    assert response.status_code == 200
    body = response.json()
    assert body["meta"]["total"] == 1
    [john] = body["data"]
    assert john["id"] == "borderbolt:1001"
    assert john["customer_id"] == "borderbolt:501"
    assert john["title"] == "Logistics Manager"
    assert john["created_at"] == "2025-01-15T10:00:00Z"


async def test_contacts_of_a_missing_customer_are_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/customers/borderbolt:999999/contacts")
    assert response.status_code == 404


async def test_add_contact_sends_role_and_answers_the_full_contact(
    client: httpx.AsyncClient, sim: Sandbox
) -> None:
    response = await client.post(
        "/v1/customers/borderbolt:501/contacts",
        json={
            "name": "Jane Smith",
            "email": "jane.smith@example.nl",
            "phone": "+31 20 7654321",
            "title": "Customs Coordinator",
            "is_primary": False,
        },
    )
    assert response.status_code == 201
    contact = response.json()
    # BorderBolt's create answer has no position; the gateway re-read the contact.
    assert contact["title"] == "Customs Coordinator"
    assert contact["customer_id"] == "borderbolt:501"
    assert response.headers["location"] == f"/v1/customers/borderbolt:501/contacts/{contact['id']}"
    [post] = [c for c in sim.calls if c.method == "POST"]
    assert post.path == "/api/v1/customers/501/contacts"
    listed = (await client.get("/v1/customers/borderbolt:501/contacts")).json()["data"]
    assert contact in listed


async def test_add_contact_refuses_fields_borderbolt_only_takes_on_update(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/v1/customers/borderbolt:501/contacts", json={"name": "A", "department": "Sales"}
    )
    assert response.status_code == 422
    [detail] = response.json()["error"]["details"]
    assert detail["field"] == "department"
    assert "PATCH" in detail["message"]


async def test_add_contact_without_name_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/customers/borderbolt:501/contacts", json={"email": "a@b.c"})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "name"


async def test_get_patch_delete_one_contact(client: httpx.AsyncClient, sim: Sandbox) -> None:
    url = "/v1/customers/borderbolt:501/contacts/borderbolt:1001"
    assert (await client.get(url)).json()["name"] == "John Doe"
    patched = await client.patch(
        url, json={"email": "john.new@example.nl", "title": "Director", "department": None}
    )
    assert patched.status_code == 200
    assert patched.json()["email"] == "john.new@example.nl"
    assert patched.json()["title"] == "Director"
    assert patched.json()["department"] is None
    assert patched.json()["language"] == "nl"  # untouched
    assert [c.path for c in sim.calls if c.method == "PUT"] == ["/api/v1/contacts/1001"]
    assert (await client.delete(url)).status_code == 204
    assert [c.path for c in sim.calls if c.method == "DELETE"] == ["/api/v1/contacts/1001"]
    assert (await client.get(url)).status_code == 404


async def test_a_contact_of_another_customer_is_404_and_untouched(
    client: httpx.AsyncClient, sim: Sandbox
) -> None:
    url = "/v1/customers/borderbolt:502/contacts/borderbolt:1001"  # 1001 is 501's
    sim.calls.clear()
    assert (await client.get(url)).status_code == 404
    assert (await client.patch(url, json={"name": "Hijack"})).status_code == 404
    assert (await client.delete(url)).status_code == 404
    assert not [c for c in sim.calls if c.method in ("PUT", "DELETE")]
    assert (await client.get("/v1/customers/borderbolt:501/contacts/borderbolt:1001")).json()[
        "name"
    ] == "John Doe"


async def test_contact_id_of_another_connection_is_404(client: httpx.AsyncClient) -> None:
    url = "/v1/customers/borderbolt:501/contacts/tenant2:1001"
    assert (await client.get(url)).status_code == 404


async def test_contacts_paginate_with_a_cursor(client: httpx.AsyncClient) -> None:
    for n in range(3):
        await client.post("/v1/customers/borderbolt:501/contacts", json={"name": f"P{n}"})
    first, rest = await list_pages(client, "/v1/customers/borderbolt:501/contacts", {"limit": 3})
    assert len(first["data"]) == 3 and first["meta"]["total"] == 4
    assert [c["name"] for c in rest["data"]] == ["P2"]
    assert rest["meta"]["next_cursor"] is None
    wrong = await client.get(
        "/v1/customers/borderbolt:502/contacts", params={"cursor": first["meta"]["next_cursor"]}
    )
    assert wrong.json()["error"]["code"] == "invalid_cursor"
