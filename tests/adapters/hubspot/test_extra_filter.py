"""``industry``, a filter on a field only HubSpot has (``search.INDUSTRY``, an
``ExtraFilter``): sent natively as a search ``EQ``, or emulated on scanned rows by its
predicate, it keeps the same companies. The adapter is driven as the gateway drives
it (``plan_filters``, then ``find_customers``), and the gateway offers ``?industry=``
from the declaration alone (nothing in gateway/ names it)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.base import FilterSupport, ListQuery
from adapters.hubspot.adapter import HubSpotAdapter
from adapters.hubspot.simulator import HubSpotSimulator
from adapters.sandbox import SandboxTransport
from adapters.upstream import Upstream
from tests.adapters.hubspot.conftest import TOKEN

pytestmark = pytest.mark.anyio


@pytest.fixture
async def adapter(simulator: HubSpotSimulator) -> AsyncIterator[HubSpotAdapter]:
    async with httpx.AsyncClient(
        transport=SandboxTransport(simulator.sandbox),
        base_url="http://hubspot.sandbox",
        headers={"Authorization": f"Bearer {TOKEN}"},
    ) as client:
        yield HubSpotAdapter(connection="hubspot", upstream=Upstream("hubspot", client))


async def found(adapter: HubSpotAdapter, filters: dict[str, str], sort: str | None) -> list[str]:
    native, emulated = adapter.plan_filters(filters, sort)
    ids: list[str] = []
    query = ListQuery(limit=7, filters=native, sort=sort)
    while True:
        window = await adapter.find_customers(query, emulated, max_pages=10)
        ids += [c.id for c in window.items]
        if not window.has_more:
            return ids
        query = window.next_query(query)


@pytest.mark.parametrize("sort", [None, "-updated_at"])
async def test_native_and_emulated_industry_keep_the_same_companies(
    adapter: HubSpotAdapter, simulator: HubSpotSimulator, sort: str | None
) -> None:
    wanted = {"industry": "computer_software"}  # any case, as HubSpot compares text
    simulator.sandbox.calls.clear()
    native = await found(adapter, wanted, sort)
    assert native and {c.path for c in simulator.sandbox.calls} == {
        "/crm/v3/objects/companies/search"
    }
    adapter.customer_filters = {**adapter.customer_filters, "industry": FilterSupport.EMULATED}
    simulator.sandbox.calls.clear()
    emulated = await found(adapter, wanted, sort)
    assert native == emulated
    expected = {
        f"hubspot:{r['id']}"
        for r in simulator.account.companies.values()
        if r["industry"] == "COMPUTER_SOFTWARE"
    }
    assert set(native) == expected


async def test_the_docs_industry_finds_the_docs_company(
    adapter: HubSpotAdapter, simulator: HubSpotSimulator
) -> None:
    simulator.sandbox.calls.clear()
    assert await found(adapter, {"industry": "technology", "name": "hub"}, None) == [
        "hubspot:123456"
    ]
    assert [(c.method, c.path) for c in simulator.sandbox.calls] == [
        ("POST", "/crm/v3/objects/companies/search")
    ]


async def test_the_gateway_offers_the_filter_the_adapter_declares(api: httpx.AsyncClient) -> None:
    everyone = (await api.get("/v1/customers", params={"limit": 100})).json()["data"]
    industry = next(c["extra"]["industry"] for c in everyone if c["extra"].get("industry"))
    answer = await api.get("/v1/customers", params={"industry": industry.lower(), "limit": 100})
    assert answer.status_code == 200, answer.text
    kept = answer.json()["data"]
    assert kept and all(c["extra"]["industry"] == industry for c in kept)
    matrix = (await api.get("/v1/connections")).json()["data"][0]["customer_filters"]
    assert matrix["industry"] == "native"
