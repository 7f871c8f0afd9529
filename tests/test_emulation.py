"""Emulated filters: scanned upstream pages, bounded, resumable with no gaps or duplicates."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from adapters.base import ListQuery, Window
from adapters.emulation import scan
from adapters.sandbox import Sandbox
from gateway.app import create_app
from gateway.config.text import parse_config
from schemas import Customer
from tests.conftest import CONFIG, client_for, list_pages

pytestmark = pytest.mark.anyio


async def collect(client: httpx.AsyncClient, params: dict[str, Any]) -> list[dict[str, Any]]:
    pages = await list_pages(client, "/v1/customers", params, most=50)
    return [row for page in pages for row in page["data"]]


async def test_q_on_borderbolt_is_emulated_and_pages_without_gaps(
    client: httpx.AsyncClient,
) -> None:
    first = (
        await client.get("/v1/customers", params={"q": "chem", "limit": 4, "sort": "code"})
    ).json()
    assert first["meta"]["emulated"] == ["q"]
    assert first["meta"]["total"] is None
    every = [c for c in await collect(client, {"limit": 100, "sort": "code"})]
    expected = [
        c["id"] for c in every if "chem" in c["name"].lower() or "chem" in c["code"].lower()
    ]
    assert len(expected) > 8
    paged = await collect(client, {"q": "chem", "limit": 4, "sort": "code"})
    assert [c["id"] for c in paged] == expected


async def test_emulated_and_native_filters_combine(client: httpx.AsyncClient, sim: Sandbox) -> None:
    sim.calls.clear()
    rows = await collect(client, {"q": "b.v.", "country": "NL", "limit": 10})
    assert rows and all(
        r["billing_address"]["country"] == "NL" and "b.v." in r["name"].lower() for r in rows
    )
    assert all("country=NL" in call.query and "q=" not in call.query for call in sim.calls)


async def test_scan_is_bounded_by_max_scan_pages() -> None:
    app = create_app(
        parse_config(
            CONFIG.replace(
                "auth: {type: bearer, token: bb-upstream-token}",
                "auth: {type: bearer, token: bb-upstream-token}\n    max_scan_pages: 1",
            ),
            env={},
        )
    )
    sandbox = app.state.runtime.connections["borderbolt"].sandbox
    async with client_for(app) as client:
        page = (
            await client.get("/v1/customers", params={"q": "CUST15", "limit": 5, "sort": "code"})
        ).json()
        assert len(sandbox.calls) == 1  # one upstream page: the budget
        assert page["data"] == []  # CUST150.. sit on the second upstream page
        assert page["meta"]["next_cursor"] is not None
        rest = (
            await client.get(
                "/v1/customers",
                params={
                    "q": "CUST15",
                    "limit": 5,
                    "sort": "code",
                    "cursor": page["meta"]["next_cursor"],
                },
            )
        ).json()
    await app.state.runtime.aclose()
    assert [c["code"] for c in rest["data"]] == [f"CUST15{i}" for i in range(5)]


def customers(n: int) -> list[Customer]:
    return [
        Customer(
            id=f"c:{i}",
            connection="c",
            remote_id=str(i),
            name=f"n{i}",
            is_company=True,
            code="x" if i % 3 == 0 else "y",
        )
        for i in range(n)
    ]


async def test_scan_unit_steps_line_up_with_pages_and_resume_exactly() -> None:
    rows = customers(250)
    asked: list[tuple[int, int]] = []

    async def fetch(query: ListQuery) -> Window[Customer]:
        asked.append((query.offset, query.limit))
        chunk = rows[query.offset : query.offset + query.limit]
        return Window(chunk, len(rows), query.offset + len(chunk) < len(rows))

    first = await scan(fetch, ListQuery(offset=0, limit=40), {"code": "x"}, max_pages=10)
    assert [c.remote_id for c in first.items] == [str(i) for i in range(0, 120, 3)]
    assert first.consumed == 118 and first.has_more
    second = await scan(fetch, ListQuery(offset=118, limit=100), {"code": "x"}, max_pages=10)
    assert [c.remote_id for c in second.items] == [str(i) for i in range(120, 250, 3)]
    assert not second.has_more
    assert asked == [(0, 100), (100, 100), (118, 82), (200, 100)]
