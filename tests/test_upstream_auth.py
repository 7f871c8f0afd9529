"""OAuth2 client credentials to the upstream: cached, single-flight, refreshed once, secret."""

from __future__ import annotations

import asyncio
import io

import httpx
import pytest

from gateway.observability.logging import configure_logging
from gateway.upstreams.auth import ClientCredentials

pytestmark = pytest.mark.anyio
SHOP = {"X-Connection": "shop"}


@pytest.fixture
def shop_sim(app):
    return app.state.runtime.connections["shop"].sandbox.simulator


async def test_token_is_fetched_once_and_reused(client: httpx.AsyncClient, shop_sim) -> None:
    for _ in range(5):
        assert (await client.get("/v1/customers/shop:553910")).status_code == 200
    assert shop_sim.tokens_issued == 1


async def test_concurrent_first_calls_fetch_one_token(client: httpx.AsyncClient, shop_sim) -> None:
    responses = await asyncio.gather(*(client.get("/v1/customers/shop:553910") for _ in range(10)))
    assert {r.status_code for r in responses} == {200}
    assert shop_sim.tokens_issued == 1


async def test_a_401_refreshes_once_and_the_write_happens_once(
    client: httpx.AsyncClient, app, shop_sim
) -> None:
    sandbox = app.state.runtime.connections["shop"].sandbox
    await client.get("/v1/customers/shop:553910")
    shop_sim.expire_tokens()
    before = len(shop_sim.customers)
    response = await client.post("/v1/customers", json={"name": "Neu GmbH"}, headers=SHOP)
    assert response.status_code == 201
    assert shop_sim.tokens_issued == 2
    assert len(shop_sim.customers) == before + 1
    posts = [c for c in sandbox.calls if c.method == "POST" and c.path == "/customers"]
    assert len(posts) == 2  # the first was refused with 401 and not acted on


async def test_refused_credentials_are_502_without_the_secret(app, shop_sim) -> None:
    from tests.conftest import client_for

    stream = io.StringIO()
    configure_logging("debug", stream)
    try:
        shop_sim.credentials = type(shop_sim.credentials)(
            client_id="shop-client", client_secret="rotated"
        )
        async with client_for(app) as client:
            response = await client.get("/v1/customers/shop:553910")
    finally:
        configure_logging("debug")
    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "upstream_error" and error["upstream_status"] == 401
    assert "shop-client-secret" not in response.text
    assert "shop-client-secret" not in stream.getvalue()


async def test_absolute_token_url_form_and_no_loop_on_a_second_401(
    upstream_mock,
    client: httpx.AsyncClient,
) -> None:
    token = upstream_mock.post("https://auth.example.test/oauth/token").respond(
        json={"access_token": "tok-1", "token_type": "Bearer", "expires_in": 3600}
    )
    customer = upstream_mock.get("https://pos.example.test/api/customers/5/").respond(401)
    response = await client.get("/v1/customers/shopremote:5")
    assert response.status_code == 502  # refreshed once, still refused: no loop
    assert token.call_count == 2 and customer.call_count == 2
    form = dict(x.split("=") for x in token.calls[0].request.content.decode().split("&"))
    assert form == {
        "grant_type": "client_credentials",
        "client_id": "remote-client",
        "client_secret": "remote-client-secret",
    }
    assert customer.calls[0].request.headers["authorization"] == "Bearer tok-1"
    assert customer.calls[0].request.headers["x-api-version"] == "10"


async def test_token_expiry_with_a_clock() -> None:
    now = [0.0]
    issued = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            issued.append(1)
            return httpx.Response(200, json={"access_token": f"t{len(issued)}", "expires_in": 120})
        return httpx.Response(200, json={"auth": request.headers["authorization"]})

    auth = ClientCredentials(
        connection="c", token_url="/token", client_id="i", client_secret="s", clock=lambda: now[0]
    )
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(handler), base_url="http://u", auth=auth
    ) as client:
        assert (await client.get("/x")).json() == {"auth": "Bearer t1"}
        now[0] = 80.0  # 120 s lifetime less the 30 s margin: still good
        assert (await client.get("/x")).json() == {"auth": "Bearer t1"}
        now[0] = 91.0
        assert (await client.get("/x")).json() == {"auth": "Bearer t2"}
    assert len(issued) == 2


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text="<html>"),
        httpx.Response(200, json={"token": "x"}),
        httpx.Response(500, json={}),
    ],
)
async def test_unusable_token_answers_are_502(answer: httpx.Response) -> None:
    from kernel.errors import UpstreamError

    auth = ClientCredentials(connection="c", token_url="/token", client_id="i", client_secret="s")
    transport = httpx.MockTransport(lambda request: answer)
    async with httpx.AsyncClient(transport=transport, base_url="http://u", auth=auth) as client:
        with pytest.raises(UpstreamError):
            await client.get("/x")


async def test_inventorum_also_takes_a_plain_bearer_token() -> None:
    from gateway.app import create_app
    from gateway.config.text import parse_config
    from tests.conftest import client_for

    config = parse_config(
        """
api_keys: [{name: k, key: demo-key, scopes: [customers:read]}]
connections:
  pos:
    {adapter: inventorum, api_version: 9, base_url: "sandbox:",
     auth: {type: bearer, token: static-pos-token}}
""",
        env={},
    )
    app = create_app(config)
    sandbox = app.state.runtime.connections["pos"].sandbox
    async with client_for(app) as client:
        response = await client.get("/v1/customers/pos:196906")
    await app.state.runtime.aclose()
    assert response.status_code == 200 and response.json()["phone"] == "672672366732"
    assert sandbox.calls[-1].headers["authorization"] == "Bearer static-pos-token"
    assert sandbox.simulator.tokens_issued == 0
