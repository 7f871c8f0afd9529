"""Passthrough: raw calls confined to the upstream's API root, credentials added."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from starlette.applications import Starlette

from adapters.sandbox import Fault, Sandbox
from tests.conftest import client_for, raw_request

pytestmark = pytest.mark.anyio


@pytest.fixture
async def raw(app: Starlette):
    async with client_for(app, key="raw-key") as client:
        yield client


async def test_a_raw_read_with_credentials_added(raw: httpx.AsyncClient, sim: Sandbox) -> None:
    sim.calls.clear()
    response = await raw.get(
        "/v1/passthrough/borderbolt/customers", params={"per_page": 2, "country": "NL"}
    )
    assert response.status_code == 200 and response.headers["x-passthrough"] == "true"
    body = response.json()
    assert (
        body["meta"]["per_page"] == 2 and "customer_code" in body["data"][0]
    )  # upstream's own shape
    [call] = sim.calls
    assert call.path == "/api/v1/customers" and "per_page=2" in call.query
    assert call.headers["authorization"] == "Bearer bb-upstream-token"  # not the client's key


async def test_raw_statuses_and_writes_pass_through(
    raw: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    assert (await raw.get("/v1/passthrough/borderbolt/customers/999999")).json() == {
        "error": "not_found",
        "message": "Customer not found.",
    }
    cached = await client.get("/v1/customers/borderbolt:501")
    assert cached.status_code == 200, cached.text
    created = await raw.post(
        "/v1/passthrough/borderbolt/customers/501/contacts",
        json={"name": "Raw Person", "role": "Buyer"},
    )
    assert created.status_code == 201 and created.json()["message"] == "Contact added successfully."
    assert (await client.get("/v1/customers/borderbolt:501")).headers["x-cache"] == "MISS"
    refused = await raw.post("/v1/passthrough/borderbolt/customers", json={})
    assert refused.status_code == 422 and "customer_code" in refused.json()["errors"]


async def test_trailing_slash_and_version_header_on_inventorum(
    raw: httpx.AsyncClient, app: Starlette
) -> None:
    sim = app.state.runtime.connections["shop"].sandbox
    sim.calls.clear()
    response = await raw.get("/v1/passthrough/shop/customers/favourites/")
    assert response.status_code == 200 and response.json()["total"] == 11
    call = sim.calls[-1]
    assert call.path == "/customers/favourites/" and call.headers["x-api-version"] == "10"


@pytest.mark.parametrize(
    "path",
    [
        b"/v1/passthrough/borderbolt/../../oauth/token",
        b"/v1/passthrough/borderbolt/customers/..",
        b"/v1/passthrough/borderbolt/customers%2F..%2F..",
        b"/v1/passthrough/borderbolt//etc",
        b"/v1/passthrough/borderbolt/%2e%2e/x",
    ],
)
async def test_nothing_leaves_the_api_root(app: Starlette, sim: Sandbox, path: bytes) -> None:
    sim.calls.clear()
    status, _ = await raw_request(app, "GET", path, key="raw-key")
    assert status == 404
    assert list(sim.calls) == []


async def test_a_simulators_own_tools_are_not_reachable_through_passthrough(
    raw: httpx.AsyncClient, app: Starlette
) -> None:
    """Inventorum's API root is its base URL: without this, a passthrough key could queue
    faults (or edit records) in the shared sandbox for every caller."""
    shop = app.state.runtime.connections["shop"].sandbox
    for method, path in (("POST", "faults"), ("GET", "calls"), ("POST", "console/customer")):
        answer = await raw.request(method, f"/v1/passthrough/shop/__sandbox__/{path}", json={})
        assert answer.status_code == 404, answer.text
    assert not shop.faults.take("GET", "/customers")


async def test_scope_and_allowlist(
    app: Starlette, client: httpx.AsyncClient, raw: httpx.AsyncClient
) -> None:
    assert (await client.get("/v1/passthrough/borderbolt/customers")).status_code == 403  # no scope
    assert (await raw.get("/v1/passthrough/crm/customers")).status_code == 403  # not its connection
    assert (await raw.get("/v1/passthrough/nowhere/customers")).status_code == 404


# The gateway's own secrets never come back in a passthrough answer (API.md section 5) --


async def test_an_upstream_echoing_the_gateways_token_answers_stars(
    raw: httpx.AsyncClient, sim: Sandbox
) -> None:
    token = "bb-upstream-token"
    echo = {"received": {"Authorization": f"Bearer {token}"}, "basic": _b64(f"gw:{token}")}
    sim.faults.add(
        Fault(
            status=401,
            body=json.dumps(echo).encode(),
            headers={
                "Content-Type": "application/json",
                "Location": f"https://bb.example.test/login?token={token}",
                "Cache-Control": "private",
            },
            path_prefix="/api/v1/customers",
        )
    )
    answer = await raw.get("/v1/passthrough/borderbolt/customers")
    assert answer.status_code == 401 and answer.headers["x-passthrough"] == "true"
    assert token not in answer.text and _b64(token)[4:-4] not in answer.text
    assert answer.json()["received"] == {"Authorization": "Bearer ***"}
    assert "***" in answer.json()["basic"]
    assert answer.headers["location"] == "https://bb.example.test/login?token=***"
    assert answer.headers["cache-control"] == "private"
    assert int(answer.headers["content-length"]) == len(answer.content)


async def test_a_fetched_oauth_token_is_masked_in_a_passthrough_answer(
    raw: httpx.AsyncClient, app: Starlette
) -> None:
    shop: Sandbox = app.state.runtime.connections["shop"].sandbox
    assert (await raw.get("/v1/passthrough/shop/customers/")).status_code == 200
    [token] = shop.simulator.oauth.tokens  # type: ignore[attr-defined]
    shop.faults.add(Fault(status=200, body={"debug": f"you sent Bearer {token}"}))
    answer = await raw.get("/v1/passthrough/shop/customers/")
    assert answer.json() == {"debug": "you sent Bearer ***"}


async def test_a_binary_answer_comes_back_byte_for_byte(
    raw: httpx.AsyncClient, sim: Sandbox
) -> None:
    binary = bytes(range(256)) * 64
    for body in (binary, binary + b"bb-upstream-token" + binary):
        sim.faults.add(
            Fault(
                status=200,
                body=body,
                headers={"Content-Type": "application/octet-stream"},
                path_prefix="/api/v1/documents",
            )
        )
        answer = await raw.get("/v1/passthrough/borderbolt/documents/1")
        assert answer.headers["content-type"] == "application/octet-stream"
        assert answer.content == body.replace(b"bb-upstream-token", b"***")
        assert int(answer.headers["content-length"]) == len(answer.content)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()
