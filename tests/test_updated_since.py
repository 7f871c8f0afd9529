"""``updated_since`` and ``sort=updated_at`` on customer and item lists (API.md section 9):
native where the upstream sorts that way, emulated elsewhere (``meta.emulated``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from gateway.app import create_app
from gateway.config.text import parse_config
from tests.conftest import CONFIG, client_for, list_pages, sandbox_of

pytestmark = pytest.mark.anyio


def moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def every_row(client: httpx.AsyncClient, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every row of a list, following ``next_cursor`` page by page."""
    return [row for page in await list_pages(client, path, params) for row in page["data"]]


@pytest.mark.parametrize("connection", ["borderbolt", "crm"])
async def test_updated_since_keeps_rows_at_or_after_the_instant(
    client: httpx.AsyncClient, connection: str
) -> None:
    everything = await every_row(client, "/v1/customers", connection=connection, limit=100)
    stamps = sorted(moment(c["updated_at"]) for c in everything if c["updated_at"])
    since = stamps[len(stamps) // 2]  # a row's own instant: "at or after" keeps it
    expected = [c["id"] for c in everything if c["updated_at"] and moment(c["updated_at"]) >= since]
    wire = since.isoformat().replace("+00:00", "Z")
    found = await every_row(
        client, "/v1/customers", connection=connection, updated_since=wire, limit=7
    )
    assert [c["id"] for c in found] == expected and 0 < len(expected) < len(everything)
    page = await client.get(f"/v1/customers?connection={connection}&updated_since={wire}")
    assert page.json()["meta"]["emulated"] == ["updated_since"]


async def test_updated_since_takes_a_date_or_an_offset_and_refuses_the_rest(
    client: httpx.AsyncClient,
) -> None:
    everything = await every_row(client, "/v1/customers", connection="crm", limit=100)
    by_offset = await every_row(
        client, "/v1/customers", connection="crm", updated_since="2026-09-01T02:00:00+02:00"
    )
    expected = [
        c["id"] for c in everything if moment(c["updated_at"]) >= moment("2026-09-01T00:00:00Z")
    ]
    assert [c["id"] for c in by_offset] == expected
    by_date = await every_row(client, "/v1/customers", connection="crm", updated_since="2026-09-01")
    assert [c["id"] for c in by_date] == expected
    for bad in ("yesterday", "2026-13-01", "2026-09-01T25:00:00Z"):
        response = await client.get(f"/v1/customers?updated_since={bad}")
        assert response.status_code == 400, bad
        error = response.json()["error"]
        assert error["details"][0]["field"] == "updated_since"
        assert "ISO 8601" in error["message"]


@pytest.mark.parametrize("direction", ["", "-"])
async def test_sort_by_updated_at_is_emulated_where_the_upstream_cannot(
    client: httpx.AsyncClient, direction: str
) -> None:
    rows = await every_row(
        client, "/v1/customers", connection="crm", sort=f"{direction}updated_at", limit=40
    )
    assert len(rows) == len({r["id"] for r in rows}) == 150
    keys = [(moment(r["updated_at"]), r["id"]) for r in rows]
    assert keys == sorted(keys, reverse=direction == "-")
    page = (await client.get(f"/v1/customers?connection=crm&sort={direction}updated_at")).json()
    assert page["meta"]["emulated"] == ["sort"] and page["meta"]["total"] == 150


async def test_emulated_sort_combines_with_emulated_filters(client: httpx.AsyncClient) -> None:
    rows = await every_row(
        client, "/v1/customers", connection="crm", sort="-updated_at", country="CA", limit=10
    )
    assert rows and all(r["billing_address"]["country"] == "CA" for r in rows)
    stamps = [moment(r["updated_at"]) for r in rows]
    assert stamps == sorted(stamps, reverse=True)
    meta = (await client.get("/v1/customers?connection=crm&sort=-updated_at&country=CA")).json()
    assert meta["meta"]["emulated"] == ["country", "sort"]


async def test_emulated_sort_is_refused_beyond_the_scan_budget() -> None:
    config = parse_config(
        CONFIG.replace(
            "    auth: {type: bearer, token: crm-upstream-token}",
            "    auth: {type: bearer, token: crm-upstream-token}\n    max_scan_pages: 1",
        )
    )
    app: Starlette = create_app(config)
    try:
        async with client_for(app) as client:
            response = await client.get("/v1/customers?connection=crm&sort=updated_at")
            # 150 customers, one scan page of 100: a sort over part of them would be wrong
            assert response.status_code == 400
            error = response.json()["error"]
            assert error["connection"] == "crm" and error["details"][0]["field"] == "sort"
            assert "max_scan_pages 1" in error["message"]
            native = await client.get("/v1/customers?connection=borderbolt&sort=name")
            assert native.status_code == 200 and native.json()["meta"]["emulated"] == []
    finally:
        await app.state.runtime.aclose()


async def test_items_updated_since_stops_at_the_first_older_row(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    newest = (await client.get("/v1/items?sort=-updated_at&limit=5")).json()["data"]
    since = newest[2]["updated_at"]
    sim = sandbox_of(app)
    sim.calls.clear()
    page = (await client.get("/v1/items", params={"updated_since": since})).json()
    assert [i["id"] for i in page["data"]] == [i["id"] for i in newest[:3]]
    assert page["meta"]["emulated"] == [] and page["meta"]["next_cursor"] is None
    item_pages = [c for c in sim.calls if c.path.endswith("/item-master")]
    assert len(item_pages) == 1 and "sort_by=updated_at" in item_pages[0].query


async def test_items_updated_since_with_another_sort_is_emulated(client: httpx.AsyncClient) -> None:
    everything = await every_row(client, "/v1/items", sort="code", limit=100)
    since = sorted(moment(i["updated_at"]) for i in everything)[-10]
    wire = since.isoformat().replace("+00:00", "Z")
    found = await every_row(client, "/v1/items", sort="code", updated_since=wire, limit=4)
    assert [i["id"] for i in found] == [
        i["id"] for i in everything if moment(i["updated_at"]) >= since
    ]
    page = (await client.get("/v1/items", params={"sort": "code", "updated_since": wire})).json()
    assert page["meta"]["emulated"] == ["updated_since"]


async def test_a_connection_without_timestamps_refuses_updated_since_and_the_sort(
    client: httpx.AsyncClient,
) -> None:
    since = await client.get("/v1/customers?connection=shop&updated_since=2026-01-01")
    assert since.status_code == 400 and since.json()["error"]["connection"] == "shop"
    assert since.json()["error"]["details"][0]["field"] == "updated_since"
    sort = await client.get("/v1/customers?connection=shop&sort=updated_at")
    assert sort.status_code == 400 and sort.json()["error"]["details"][0]["field"] == "sort"
    matrix = (await client.get("/v1/connections")).json()["data"]
    shop = next(c for c in matrix if c["name"] == "shop")
    assert shop["customer_filters"]["updated_since"] == "unsupported"
    assert shop["customer_sorts"] == {}


async def test_updated_since_in_a_fan_out(client: httpx.AsyncClient) -> None:
    since = "2026-01-01T00:00:00Z"
    rows = await every_row(
        client, "/v1/customers", connection="borderbolt,crm", updated_since=since
    )
    assert rows and all(moment(r["updated_at"]) >= moment(since) for r in rows)
    assert {r["id"].split(":")[0] for r in rows} == {"borderbolt", "crm"}
