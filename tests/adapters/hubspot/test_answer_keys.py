"""The HubSpot simulator answers with exactly the keys HubSpot's docs' examples show
(adapters/hubspot/fixtures/), per answer shape: list pages, single reads, write
answers, search pages, association pages and errors. A record's ``properties`` hold
the account's own property names (the docs' example shows made-up ones), so only
their presence as an object is compared there."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from adapters.hubspot.simulator import HubSpotSimulator
from adapters.testing.answer_keys import documented
from tests.adapters.hubspot.conftest import doc

pytestmark = pytest.mark.anyio
COMPANIES = "/crm/v3/objects/companies"
ERROR_DETAIL = {"message", "in", "code", "subCategory", "context"}  # the spec's ErrorDetail


def objects_in(answer: dict[str, Any], at: str = "results") -> list[dict[str, Any]]:
    rows = answer[at] if at else [answer]
    assert all(isinstance(row["properties"], dict) for row in rows)
    return rows


async def test_list_pages_single_reads_and_write_answers(hubspot: httpx.AsyncClient) -> None:
    page = (await hubspot.get(COMPANIES, params={"limit": 5})).json()
    objects_in(page)
    assert documented(page, doc("list_page"), ["properties"], "results[].") == set()
    single = (await hubspot.get(f"{COMPANIES}/123456", params={"properties": "name"})).json()
    assert documented(single, doc("object"), ["properties"]) == set()
    created = (await hubspot.post(COMPANIES, json=doc("create_company_request"))).json()
    assert documented(created, doc("object"), ["properties"]) == set()
    path = f"{COMPANIES}/{created['id']}"
    updated = (await hubspot.patch(path, json={"properties": {"city": "Boston"}})).json()
    assert documented(updated, doc("object"), ["properties"]) == set()
    assert (await hubspot.delete(path)).status_code == 204
    archived = (await hubspot.get(path, params={"archived": "true"})).json()
    assert documented(archived, doc("object"), ["properties"]) == {"archivedAt"}  # once archived


async def test_search_pages(hubspot: httpx.AsyncClient) -> None:
    found = (await hubspot.post(f"{COMPANIES}/search", json={"limit": 3})).json()
    objects_in(found)
    assert documented(found, doc("search_page"), ["properties"], "results[].") == set()


async def test_association_pages(hubspot: httpx.AsyncClient, simulator: HubSpotSimulator) -> None:
    company = next(
        i
        for i in simulator.account.companies
        if len(simulator.account.associated(simulator.account.companies.kind, i)) > 1
    )
    path = f"/crm/v4/objects/companies/{company}/associations/contacts"
    page = (await hubspot.get(path, params={"limit": 1})).json()
    assert documented(page, doc("associations")) == set()


async def test_errors(hubspot: httpx.AsyncClient, simulator: HubSpotSimulator) -> None:
    refused = (await hubspot.post(COMPANIES, json={"properties": {"colour": "red"}})).json()
    assert documented(refused, doc("error"), ["errors"]) == set()
    assert all(set(entry) <= ERROR_DETAIL for entry in refused["errors"])
    taken = await hubspot.post(
        "/crm/v3/objects/contacts", json={"properties": {"email": "example@hubspot.com"}}
    )
    assert documented(taken.json(), doc("conflict")) == set()
    simulator.limits.enforced = True
    simulator.limits.rolling.max = 0
    limited = (await hubspot.get(COMPANIES)).json()
    assert documented(limited, doc("rate_limited")) == set()
