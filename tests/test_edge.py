"""The HTTP edge: bodies, error envelope, request IDs, unknown routes, last-resort 500."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from adapters.sandbox import Sandbox
from tests.conftest import client_for

pytestmark = pytest.mark.anyio

ERROR_KEYS = {"code", "message", "connection", "upstream_status", "details", "request_id"}


async def test_body_over_max_body_bytes_is_413(client: httpx.AsyncClient, sim: Sandbox) -> None:
    sim.calls.clear()
    response = await client.post("/v1/customers", json={"code": "X", "name": "a" * 5000})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert list(sim.calls) == []


async def test_streamed_body_over_the_limit_is_413(client: httpx.AsyncClient) -> None:
    async def chunks():  # no Content-Length: the limit must hold while reading
        for _ in range(5):
            yield b" " * 1000

    response = await client.post("/v1/customers", content=chunks())
    assert response.status_code == 413


@pytest.mark.parametrize("content", [b"{", b"not json", b"\xff\xfe", b""])
async def test_malformed_json_is_400(client: httpx.AsyncClient, content: bytes) -> None:
    response = await client.post(
        "/v1/customers", content=content, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


async def test_non_json_content_type_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/customers",
        content=b"code=1",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400


@pytest.mark.parametrize("body", [b"[]", b'"x"', b"5", b"null"])
async def test_non_object_body_is_422(client: httpx.AsyncClient, body: bytes) -> None:
    response = await client.post(
        "/v1/customers", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


async def test_every_error_has_the_envelope_and_request_id(client: httpx.AsyncClient) -> None:
    responses = [
        await client.get("/v1/nothing-here"),
        await client.put("/v1/customers/borderbolt:501", json={}),
        await client.get("/v1/customers/borderbolt:999999"),
        await client.post("/v1/customers", json={"name": "x", "bogus": 1}),
    ]
    assert [r.status_code for r in responses] == [404, 405, 404, 422]
    for response in responses:
        error = response.json()["error"]
        assert set(error) == ERROR_KEYS
        assert error["request_id"] == response.headers["x-request-id"]
    assert responses[1].json()["error"]["code"] == "method_not_allowed"
    assert responses[1].json()["error"]["message"] == (
        "PUT is not a method of /v1/customers/borderbolt:501; it takes DELETE, GET, HEAD or PATCH"
    )
    assert responses[1].headers["allow"] == "DELETE, GET, HEAD, PATCH"
    assert responses[2].json()["error"]["upstream_status"] == 404


async def test_a_trailing_slash_is_a_404_that_names_the_path(client: httpx.AsyncClient) -> None:
    for sent, meant in (("/v1/customers/", "/v1/customers"), ("/v1/items/", "/v1/items")):
        response = await client.get(sent)
        assert response.status_code == 404 and "location" not in response.headers
        assert f"did you mean {meant}?" in response.json()["error"]["message"]
    posted = await client.post("/v1/customers/", json={"code": "S1", "name": "Slash"})
    assert posted.status_code == 404  # not a redirect a client would re-send the body to
    elsewhere = await client.get("/v1/nothing-here/")
    assert "/docs" in elsewhere.json()["error"]["message"]


async def test_request_id_is_taken_echoed_and_forwarded(
    client: httpx.AsyncClient, sim: Sandbox
) -> None:
    response = await client.get("/v1/customers/borderbolt:501", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    assert sim.calls[-1].headers["x-request-id"] == "abc-123"
    made = await client.get("/v1/customers/borderbolt:501", headers={"Cache-Control": "no-cache"})
    assert len(made.headers["x-request-id"]) == 32
    assert sim.calls[-1].headers["x-request-id"] == made.headers["x-request-id"]


async def test_unsafe_request_id_is_replaced(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/v1/customers/borderbolt:501", headers={"X-Request-ID": "a\tb" + "x" * 200}
    )
    assert response.headers["x-request-id"] != "a\tb" + "x" * 200
    assert len(response.headers["x-request-id"]) == 32


async def test_upstream_gets_the_connection_token_not_the_client_key(
    client: httpx.AsyncClient, sim: Sandbox
) -> None:
    await client.get("/v1/customers/borderbolt:501")
    assert sim.calls[-1].headers["authorization"] == "Bearer bb-upstream-token"


async def test_unexpected_exception_is_a_500_envelope_without_detail(app: Starlette) -> None:
    adapter = app.state.runtime.connections["borderbolt"].adapter

    async def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals bb-upstream-token")

    adapter.get_customer = explode
    async with client_for(app) as client:
        response = await client.get("/v1/customers/borderbolt:501")
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "internal_error"
    assert "secret" not in response.text
    assert error["request_id"] == response.headers["x-request-id"]


async def test_wrong_upstream_token_is_502_not_401(config, sim: Sandbox) -> None:
    from gateway.app import create_app
    from gateway.config.text import parse_config
    from tests.conftest import CONFIG

    app = create_app(parse_config(CONFIG.replace("bb-upstream-token", "rotated"), env={}))
    sandbox = app.state.runtime.connections["borderbolt"].sandbox
    sandbox.authorized = lambda token: token == "the-old-one"
    async with client_for(app) as client:
        response = await client.get("/v1/customers/borderbolt:501")
    await app.state.runtime.aclose()
    assert response.status_code == 502
    assert response.json()["error"]["upstream_status"] == 401
