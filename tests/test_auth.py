"""API keys: 401 without a known key, 403 without the scope or the connection."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from tests.conftest import OPS_KEY, client_for

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    "header", [None, "Bearer", "Bearer wrong", "Basic ZGVtbzprZXk=", "demo-key"]
)
async def test_missing_or_unknown_key_is_401(app: Starlette, header: str | None) -> None:
    async with client_for(app, key=None) as client:
        headers = {"Authorization": header} if header else {}
        response = await client.get("/v1/customers", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_key_sha256_authenticates(app: Starlette) -> None:
    async with client_for(app, key=OPS_KEY) as client:
        assert (await client.get("/v1/customers/borderbolt:501")).status_code == 200


async def test_missing_scope_is_403_before_any_upstream_call(app: Starlette) -> None:
    sandbox = app.state.runtime.connections["borderbolt"].sandbox
    sandbox.calls.clear()
    async with client_for(app, key="reader-key") as client:
        assert (await client.get("/v1/customers/borderbolt:501")).status_code == 200
        sandbox.calls.clear()
        created = await client.post("/v1/customers", json={"code": "R1", "name": "R"})
        deleted = await client.delete("/v1/customers/borderbolt:502")
        patched = await client.patch("/v1/customers/borderbolt:501", json={"name": "x"})
    for response in (created, deleted, patched):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
    assert list(sandbox.calls) == []


async def test_connection_allowlist_is_403(app: Starlette) -> None:
    async with client_for(app, key="t2-key") as client:
        assert (
            await client.get("/v1/customers", params={"connection": "tenant2"})
        ).status_code == 200
        default = await client.get("/v1/customers")
        by_id = await client.get("/v1/customers/borderbolt:501")
    for response in (default, by_id):
        assert response.status_code == 403
        assert response.json()["error"]["connection"] == "borderbolt"
