"""Events from writes through the gateway, and GET /v1/events (API.md section 9)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from gateway.app import create_app
from gateway.config.text import parse_config
from tests.conftest import CONFIG, client_for

pytestmark = pytest.mark.anyio
KEYS = """  - {name: items-only, key: items-key, scopes: [items:read]}
  - {name: admin, key: admin-key, scopes: [admin]}"""


def events_config() -> str:
    return CONFIG.replace("  - {name: admin, key: admin-key, scopes: [admin]}", KEYS)


@pytest.fixture
async def app() -> AsyncIterator[Starlette]:
    app = create_app(parse_config(events_config()))
    yield app
    await app.state.runtime.aclose()


async def every_event(client: httpx.AsyncClient, **params: Any) -> tuple[list[Any], str]:
    """Every event the key sees now, following the cursor; and the cursor to poll with."""
    found: list[Any] = []
    cursor = params.pop("cursor", None)
    while True:
        sent = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get("/v1/events", params=sent)
        assert response.status_code == 200, response.text
        page = response.json()
        found += page["data"]
        cursor = page["meta"]["next_cursor"]
        assert cursor
        if not page["data"]:
            return found, cursor


async def test_writes_through_the_gateway_are_events_with_changed_fields(
    client: httpx.AsyncClient,
) -> None:
    created = await client.post("/v1/customers", json={"code": "EVT1", "name": "Event B.V."})
    assert created.status_code == 201
    customer = created.json()
    patched = await client.patch(
        f"/v1/customers/{customer['id']}",
        json={"name": "Event Two B.V.", "vat_number": "NL999999999B01"},
    )
    assert patched.status_code == 200
    assert (await client.delete(f"/v1/customers/{customer['id']}")).status_code == 204
    events, _ = await every_event(client)
    assert [e["type"] for e in events] == [
        "customer.created",
        "customer.updated",
        "customer.deleted",
    ]
    made, changed, gone = events
    assert made["data"] == customer and made["changed_fields"] is None
    assert changed["data"] == patched.json() and changed["changed_fields"] == ["name", "vat_number"]
    assert gone["data"] is None and gone["resource_id"] == customer["id"]
    assert {e["source"] for e in events} == {"gateway"}
    assert {e["connection"] for e in events} == {"borderbolt"}
    assert len({e["id"] for e in events}) == 3
    assert all(e["occurred_at"].endswith("Z") for e in events)


async def test_contact_and_item_writes_are_events_of_their_kind(client: httpx.AsyncClient) -> None:
    contact = await client.post(
        "/v1/customers/borderbolt:501/contacts", json={"name": "Eve Event", "email": "e@x.nl"}
    )
    assert contact.status_code == 201, contact.text
    contact_id = contact.json()["id"]
    await client.patch(
        f"/v1/customers/borderbolt:501/contacts/{contact_id}", json={"title": "Buyer"}
    )
    verified = await client.post("/v1/items/borderbolt:801/verify")
    assert verified.status_code == 200, verified.text
    copy = await client.post("/v1/items/borderbolt:801/duplicate")
    assert copy.status_code == 201, copy.text
    events, _ = await every_event(client)
    kinds = [(e["type"], e["resource_id"]) for e in events]
    assert kinds == [
        ("contact.created", contact_id),
        ("contact.updated", contact_id),
        ("item.updated", "borderbolt:801"),
        ("item.created", copy.json()["id"]),
    ]
    assert events[1]["changed_fields"] == ["title"]
    assert "verified_at" in events[2]["changed_fields"]


async def test_a_failed_write_is_no_event(client: httpx.AsyncClient) -> None:
    refused = await client.patch("/v1/customers/borderbolt:999999", json={"name": "Nobody"})
    assert refused.status_code == 404
    invalid = await client.post("/v1/customers", json={"name": "No code"})
    assert invalid.status_code in (400, 422)
    events, _ = await every_event(client)
    assert events == []


async def test_a_client_polling_with_the_cursor_gets_each_event_once_in_order(
    client: httpx.AsyncClient,
) -> None:
    first, cursor = await every_event(client)
    assert first == []
    seen: list[str] = []
    for round_ in range(3):
        for n in range(4):
            await client.patch("/v1/customers/borderbolt:501", json={"name": f"r{round_}n{n}"})
        page = await client.get("/v1/events", params={"cursor": cursor, "limit": 3})
        events, cursor = await every_event(client, cursor=cursor, limit=3)
        # the first page alone was at most 3; the rest follow from the cursor
        assert len(page.json()["data"]) == 3
        seen += [e["data"]["name"] for e in events]
    assert seen == [f"r{r}n{n}" for r in range(3) for n in range(4)]


async def test_filters_type_connection_and_resource(app: Starlette) -> None:
    async with client_for(app) as client:
        await client.patch("/v1/customers/borderbolt:501", json={"name": "a"})
        await client.patch("/v1/customers/borderbolt:502", json={"name": "b"})
        await client.patch("/v1/customers/tenant2:501", json={"name": "c"})
        await client.post("/v1/items/borderbolt:801/verify")
        one, _ = await every_event(client, resource_id="borderbolt:502")
        assert [e["data"]["name"] for e in one] == ["b"]
        tenant, _ = await every_event(client, connection="tenant2")
        assert [e["data"]["name"] for e in tenant] == ["c"]
        items, _ = await every_event(client, type="item.updated,item.created")
        assert [e["resource_id"] for e in items] == ["borderbolt:801"]
        bad = await client.get("/v1/events?type=customer.renamed")
        assert bad.status_code == 400 and bad.json()["error"]["details"][0]["field"] == "type"
        moved = await client.get("/v1/events?connection=crm")
        cursor = moved.json()["meta"]["next_cursor"]
        other = await client.get("/v1/events", params={"cursor": cursor})
        assert other.status_code == 400
        assert other.json()["error"]["code"] == "invalid_cursor"
        forged = await client.get("/v1/events", params={"cursor": cursor[:-2] + "xx"})
        assert forged.status_code == 400


async def test_a_key_sees_only_what_it_may_read(app: Starlette) -> None:
    async with client_for(app) as client:
        await client.patch("/v1/customers/borderbolt:501", json={"name": "a"})
        await client.patch("/v1/customers/tenant2:501", json={"name": "b"})
        await client.post("/v1/items/borderbolt:801/verify")
    async with client_for(app, key="items-key") as items_only:
        events, _ = await every_event(items_only)
        assert [e["type"] for e in events] == ["item.updated"]
        refused = await items_only.get("/v1/events?type=customer.updated")
        assert refused.status_code == 403 and "customers:read" in refused.json()["error"]["message"]
    async with client_for(app, key="t2-key") as tenant_only:
        events, _ = await every_event(tenant_only)
        assert [e["resource_id"] for e in events] == ["tenant2:501"]
        other = await tenant_only.get("/v1/events?connection=borderbolt")
        assert other.status_code == 403
    async with client_for(app, key="raw-key") as no_reads:
        refused = await no_reads.get("/v1/events")
        assert refused.status_code == 403


async def test_the_cursor_survives_a_restart(tmp_path: Path) -> None:
    text = events_config().replace(
        "  cursor_secret: test-cursor-secret\n",
        f'  state: {{backend: local, path: "{tmp_path / "state.db"}"}}\n',
    )
    first = create_app(parse_config(text))
    async with client_for(first) as client:
        await client.patch("/v1/customers/borderbolt:501", json={"name": "before"})
        events, cursor = await every_event(client)
        assert [e["data"]["name"] for e in events] == ["before"]
    await first.state.runtime.aclose()
    await first.state.runtime.store.aclose()
    second = create_app(parse_config(text))
    try:
        async with client_for(second) as client:
            await client.patch("/v1/customers/borderbolt:501", json={"name": "after"})
            events, _ = await every_event(client, cursor=cursor)
            assert [e["data"]["name"] for e in events] == ["after"]
    finally:
        await second.state.runtime.aclose()
        await second.state.runtime.store.aclose()


async def test_events_expire_after_the_retention(tmp_path: Path) -> None:
    text = events_config().replace(
        "  max_body_bytes: 2048\n", "  max_body_bytes: 2048\n  events: {retention: 0.2}\n"
    )
    app = create_app(parse_config(text))
    try:
        async with client_for(app) as client:
            await client.patch("/v1/customers/borderbolt:501", json={"name": "old"})
            await asyncio.sleep(0.3)
            await client.patch("/v1/customers/borderbolt:501", json={"name": "new"})
            events, _ = await every_event(client)
            assert [e["data"]["name"] for e in events] == ["new"]
    finally:
        await app.state.runtime.aclose()
