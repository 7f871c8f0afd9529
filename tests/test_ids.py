"""Canonical IDs and raw paths: nothing odd is ever spliced into an upstream URL."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from adapters.sandbox import Sandbox
from kernel.ids import format_id, split_id
from tests.conftest import raw_request

pytestmark = pytest.mark.anyio

HOSTILE = [
    "/v1/customers/borderbolt:..",
    "/v1/customers/borderbolt:501%2F..%2F502",
    "/v1/customers/borderbolt:501%2fcontacts",
    "/v1/customers/borderbolt:%2E%2E",
    "/v1/customers/borderbolt:5%200",
    "/v1/customers/borderbolt:501%5C..",
    "/v1/customers/borderbolt:-1",
    "/v1/customers/borderbolt:1e3",
    "/v1/customers/borderbolt:",
    "/v1/customers/501",
    "/v1/customers/nope:501",
    "/v1/customers/borderbolt:501%3Fx=1",
    "/v1/customers/borderbolt:501/contacts/borderbolt:..",
    "/v1/customers/borderbolt:501/contacts/borderbolt:1001%2F",
    "/v1/customers/by-code/..",
    "/v1/customers/by-code/a%2F..%2Fb",
    "/v1/customers/by-code/%2E%2E",
    "/v1/customers/by-code/.",
    "/v1/customers/borderbolt:501/../502",
    "/v1/customers/borderbolt:501/contacts/../../502",
    "/v1/customers/borderbolt:501/%2e%2e/502",
]


@pytest.mark.parametrize("path", HOSTILE)
async def test_hostile_ids_are_404_without_an_upstream_call(
    app: Starlette, sim: Sandbox, path: str
) -> None:
    sim.calls.clear()
    for method in ("GET", "PATCH", "DELETE"):
        status, body = await raw_request(app, method, path.encode())
        assert status in (404, 405), (method, path)
        if status == 404:
            assert body["error"]["code"] == "not_found"
    assert list(sim.calls) == []


async def test_percent_encoded_colon_is_the_same_id(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/customers/borderbolt%3A501")
    assert response.json()["id"] == "borderbolt:501"


async def test_codes_are_percent_encoded_upstream(client: httpx.AsyncClient, sim: Sandbox) -> None:
    sim.calls.clear()
    response = await client.get("/v1/customers/by-code/A B?C")
    assert response.status_code == 400  # '?' starts a query: unknown parameter 'C'
    response = await client.get("/v1/customers/by-code/A%20B%3FC")
    assert response.status_code == 404
    assert sim.calls[-1].path == "/api/v1/customers/code/A B?C"


def test_split_and_format() -> None:
    assert split_id("crm:cust_456") == ("crm", "cust_456")
    assert split_id("shop:5:3") == ("shop", "5:3")
    assert split_id("nocolon") is None
    assert split_id(":1") is None
    assert split_id("a:") is None
    assert format_id("borderbolt", "501") == "borderbolt:501"
