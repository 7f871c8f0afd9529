"""Field mapping per connection (API.md §10), end to end on the three sandboxes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from adapters.field_mapping import Path as DotPath
from gateway.app import create_app
from gateway.config.model import ConfigError
from gateway.config.text import parse_config
from tests.conftest import app_on_file, client_for, config_file_in, sandbox_of

pytestmark = pytest.mark.anyio

CONFIG = """
api_keys:
  - {name: app, key: app-key, scopes: [customers:read, customers:write, items:read, items:write]}
  - {name: admin, key: admin-key, scopes: [admin]}
connections:
  crm:
    adapter: crm
    base_url: "sandbox:"
    auth: {type: bearer, token: crm-token}
    field_mapping:
      customer:
        extra.segment: custom_fields.segment
        notes: custom_fields.account_manager
      contact: {extra.linkedin: social.linkedin}
  bb:
    adapter: borderbolt
    base_url: "sandbox:"
    auth: {type: bearer, token: bb-token}
    field_mapping:
      customer: {extra.incoterm: settings.incoterm, extra.reference: internal_reference}
      contact: {extra.extension: extension}
      item: {extra.brand: attributes.brand}
  pos:
    adapter: inventorum
    api_version: 10
    base_url: "sandbox:"
    auth: {type: oauth2_client_credentials, token_url: /oauth/token, client_id: pos,
           client_secret: pos-secret}
    field_mapping:
      customer:
        extra.tier: loyalty.tier
        extra.first_tag: tags.0
        extra.referrer: loyalty.referral.code
"""


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    return config_file_in(tmp_path, CONFIG)


@pytest.fixture
async def app(config_file: Path) -> AsyncIterator[Starlette]:
    async with app_on_file(config_file) as app:
        yield app


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app, key="app-key") as c:
        yield c


def stored(app: Starlette, connection: str, kind: str = "customers") -> dict[Any, Any]:
    """What the simulated upstream keeps, as its own UI would show it."""
    simulator = sandbox_of(app, connection).simulator
    if kind == "items":
        simulator = getattr(simulator, "item_master")
    found: dict[Any, Any] = getattr(simulator, kind)
    return found


# Reads ---------------------------------------------------------------------------------


async def test_reads_place_mapped_values_on_every_upstream(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    crm = stored(app, "crm")["cust_400"]
    body = (await client.get("/v1/customers/crm:cust_400")).json()
    assert body["extra"]["segment"] == crm["custom_fields"]["segment"]
    assert body["notes"] == crm["custom_fields"]["account_manager"]  # overrides `notes`

    bb = stored(app, "bb")[502]
    body = (await client.get("/v1/customers/bb:502")).json()
    assert body["extra"]["incoterm"] == bb["settings"]["incoterm"]
    assert body["extra"]["reference"] == bb["internal_reference"]

    pos = stored(app, "pos")[196907]
    body = (await client.get("/v1/customers/pos:196907")).json()
    assert body["extra"]["tier"] == pos["loyalty"]["tier"]
    assert body["extra"]["first_tag"] == pos["tags"][0]
    assert body["extra"]["referrer"] is None  # an absent path reads as null


async def test_lists_place_mapped_values(app: Starlette, client: httpx.AsyncClient) -> None:
    for connection, key in (("crm", "segment"), ("bb", "incoterm"), ("pos", "tier")):
        rows = (await client.get(f"/v1/customers?connection={connection}&limit=5")).json()["data"]
        assert len(rows) == 5 and all(key in row["extra"] for row in rows)
    raw = stored(app, "crm")
    rows = (await client.get("/v1/customers?connection=crm&limit=5")).json()["data"]
    assert [r["extra"]["segment"] for r in rows] == [
        raw[r["remote_id"]]["custom_fields"]["segment"] for r in rows
    ]
    items = (await client.get("/v1/items?connection=bb&limit=5")).json()["data"]
    raw_items = stored(app, "bb", "items")
    assert [i["extra"]["brand"] for i in items] == [
        raw_items[int(i["id"].split(":")[1])]["attributes"]["brand"] for i in items
    ]


async def test_contacts_read_mapped_fields(app: Starlette, client: httpx.AsyncClient) -> None:
    contacts = (await client.get("/v1/customers/bb:502/contacts")).json()["data"]
    raw = stored(app, "bb", "contacts")
    assert contacts and all(
        c["extra"]["extension"] == raw[int(c["id"].split(":")[1])]["extension"] for c in contacts
    )


# Writes --------------------------------------------------------------------------------


async def test_create_writes_mapped_fields_at_their_paths(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    created = await client.post(
        "/v1/customers?connection=crm",
        json={"name": "Mapped Ltd", "notes": "Dana Reyes", "extra": {"segment": "enterprise"}},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["extra"]["segment"] == "enterprise" and body["notes"] == "Dana Reyes"
    record = stored(app, "crm")[body["remote_id"]]
    assert record["custom_fields"] == {"segment": "enterprise", "account_manager": "Dana Reyes"}
    assert record["notes"] is None  # the overridden field is not also written to `notes`

    contact = await client.post(
        f"/v1/customers/{body['id']}/contacts",
        json={"name": "Ann Lee", "extra": {"linkedin": "https://linkedin.example/ann"}},
    )
    assert contact.status_code == 201, contact.text
    assert contact.json()["extra"]["linkedin"] == "https://linkedin.example/ann"
    assert stored(app, "crm")[body["remote_id"]]["contacts"][0]["social"] == {
        "linkedin": "https://linkedin.example/ann"
    }

    item = await client.post(
        "/v1/items?connection=bb",
        json={"code": "MAP-1", "description": "Mapped", "extra": {"brand": "Noordkust"}},
    )
    assert item.status_code == 201, item.text
    assert item.json()["extra"]["brand"] == "Noordkust"
    item_id = int(item.json()["id"].split(":")[1])
    assert stored(app, "bb", "items")[item_id]["attributes"] == {"brand": "Noordkust"}


async def test_patch_merges_into_the_current_object(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    before = dict(stored(app, "crm")["cust_401"]["custom_fields"])
    patched = await client.patch("/v1/customers/crm:cust_401", json={"extra": {"segment": "smb"}})
    assert patched.status_code == 200, patched.text
    assert patched.json()["extra"]["segment"] == "smb"
    # The CRM replaces custom_fields whole: the siblings were sent along, unchanged.
    assert stored(app, "crm")["cust_401"]["custom_fields"] == {**before, "segment": "smb"}

    bb_before = dict(stored(app, "bb")[503]["settings"])
    patched = await client.patch("/v1/customers/bb:503", json={"extra": {"incoterm": "DDP"}})
    assert patched.status_code == 200, patched.text
    assert stored(app, "bb")[503]["settings"] == {**bb_before, "incoterm": "DDP"}


async def test_null_clears_at_the_path(app: Starlette, client: httpx.AsyncClient) -> None:
    patched = await client.patch("/v1/customers/pos:196907", json={"extra": {"tier": None}})
    assert patched.status_code == 200, patched.text
    assert patched.json()["extra"]["tier"] is None
    record = stored(app, "pos")[196907]
    assert "tier" in record["loyalty"] and record["loyalty"]["tier"] is None
    assert record["loyalty"]["points"] is not None  # siblings kept


async def test_an_absent_nested_path_is_created_on_write(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    patched = await client.patch(
        "/v1/customers/pos:196920", json={"extra": {"referrer": "SPRING24", "first_tag": "vip"}}
    )
    assert patched.status_code == 200, patched.text
    extra = patched.json()["extra"]
    assert (extra["referrer"], extra["first_tag"]) == ("SPRING24", "vip")
    record = stored(app, "pos")[196920]
    assert record["loyalty"]["referral"] == {"code": "SPRING24"} and record["tags"][0] == "vip"


async def test_unmapped_extra_keys_are_still_refused(client: httpx.AsyncClient) -> None:
    response = await client.patch("/v1/customers/crm:cust_400", json={"extra": {"mood": "x"}})
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["extra.mood"]


async def test_connections_show_each_mapping(client: httpx.AsyncClient) -> None:
    described = (await client.get("/v1/connections")).json()["data"]
    crm = next(c for c in described if c["name"] == "crm")
    assert crm["field_mapping"]["customer"] == {
        "extra.segment": "custom_fields.segment",
        "notes": "custom_fields.account_manager",
    }
    assert crm["field_mapping"]["contact"] == {"extra.linkedin": "social.linkedin"}
    pos = next(c for c in described if c["name"] == "pos")
    assert "contact" not in pos["field_mapping"]


async def test_openapi_describes_mapped_extra_keys(client: httpx.AsyncClient) -> None:
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    text = schemas["Customer"]["properties"]["extra"]["description"]
    assert "crm: segment" in text and "bb: incoterm, reference" in text and "pos: tier" in text
    assert "bb: brand" in schemas["Item"]["properties"]["extra"]["description"]


# Live change and validation ------------------------------------------------------------


async def test_a_mapping_change_applies_live(app: Starlette, client: httpx.AsyncClient) -> None:
    assert "segment" in (await client.get("/v1/customers/crm:cust_400")).json()["extra"]
    async with client_for(app, key="admin-key") as admin:
        etag = (await admin.get("/admin/config")).headers["etag"]
        changed = CONFIG.replace(
            "extra.segment: custom_fields.segment", "extra.nps: custom_fields.nps_score"
        )
        response = await admin.put(
            "/admin/config",
            content=changed.encode(),
            headers={"If-Match": etag, "Content-Type": "application/yaml"},
        )
        assert response.status_code == 200, response.text
    body = (await client.get("/v1/customers/crm:cust_400")).json()
    assert "segment" not in body["extra"]
    assert body["extra"]["nps"] == stored(app, "crm")["cust_400"]["custom_fields"]["nps_score"]


def problems_of(mapping: str, adapter: str = "crm") -> list[tuple[str, str]]:
    text = f"""
connections:
  c:
    adapter: {adapter}
    base_url: "sandbox:"
    auth: {{type: bearer, token: t}}
    field_mapping:
{mapping}
"""
    with pytest.raises(ConfigError) as caught:
        parse_config(text, env={})
    return caught.value.problems


def test_unknown_targets_name_their_config_path() -> None:
    problems = problems_of("      customer: {colour: a, id: b, extra.bad-name: c}")
    paths = [p for p, _ in problems]
    assert paths == [
        "connections.c.field_mapping.customer.colour",
        "connections.c.field_mapping.customer.id",
        "connections.c.field_mapping.customer.extra.bad-name",
    ]
    assert "identifies the record" in problems[1][1]
    assert problems_of("      item: {extra.x: a}")[0] == (
        "connections.c.field_mapping.item",
        "this adapter has no item records; it maps customer, contact",
    )


def test_malformed_paths_are_refused() -> None:
    for bad in ("a..b", ".a", "a.", "a b", "0.a"):
        problems = problems_of(f"      customer: {{extra.x: '{bad}'}}")
        assert problems[0][0] == "connections.c.field_mapping.customer.extra.x", bad


def test_a_source_mapped_twice_or_inside_another_is_refused() -> None:
    twice = problems_of("      customer: {extra.a: custom_fields.x, extra.b: custom_fields.x}")
    assert twice == [
        (
            "connections.c.field_mapping.customer.extra.b",
            "'custom_fields.x' is already the source of extra.a",
        )
    ]
    inside = problems_of("      customer: {extra.a: custom_fields, extra.b: custom_fields.x}")
    assert inside[0][0] == "connections.c.field_mapping.customer.extra.b"
    duplicate = problems_of("      customer:\n        extra.a: x\n        extra.a: y")
    assert duplicate == [
        (
            "connections.c.field_mapping.customer.extra.a",
            "'extra.a' is written twice in this mapping (first on line 9); keep one",
        )
    ]


def test_a_path_the_adapter_writes_is_refused_unless_that_field_is_mapped_too() -> None:
    problems = problems_of("      customer: {extra.street: customer_address}", "borderbolt")
    assert problems == [
        (
            "connections.c.field_mapping.customer.extra.street",
            "'customer_address' is where the adapter writes billing_address; "
            "map that field too, or choose another path",
        )
    ]
    parse_config(  # `notes` mapped elsewhere frees the upstream's `notes` key
        CONFIG.replace("notes: custom_fields.account_manager", "notes: x\n        extra.n: notes"),
        env={},
    )


def test_paths_read_and_write_as_documented() -> None:
    path = DotPath.parse("a.1.b")
    assert path.get({"a": [{}, {"b": 7}]}) == 7
    body: dict[str, Any] = {}
    path.put(body, "v")
    assert body == {"a": [None, {"b": "v"}]}


async def test_filters_and_sorts_on_an_overridden_field_do_not_reach_the_upstream() -> None:
    text = CONFIG.replace(
        "extra.reference: internal_reference}",
        "extra.reference: internal_reference, name: settings.invoice_language}",
    )
    app = create_app(parse_config(text, env={}))
    try:
        async with client_for(app, key="app-key") as client:
            found = await client.get("/v1/customers?connection=bb&name=nl&limit=5")
            assert found.status_code == 200, found.text
            body = found.json()
            assert "name" in body["meta"]["emulated"]
            assert body["data"] and all(row["name"] == "nl" for row in body["data"])
            sorted_ = await client.get("/v1/customers?connection=bb&sort=name")
            assert sorted_.status_code == 400
            described = (await client.get("/v1/connections")).json()["data"]
            bb = next(c for c in described if c["name"] == "bb")
            assert (
                bb["customer_filters"]["name"] == "emulated" and "name" not in bb["customer_sorts"]
            )
    finally:
        await app.state.runtime.aclose()
