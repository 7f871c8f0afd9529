"""The admin API: read, validate, replace and reload the config, live; connection figures."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from adapters.sandbox import Fault
from tests.conftest import app_on_file, client_for, config_file_in

pytestmark = pytest.mark.anyio

CONFIG = """# Gateway config under test
server:
  default_connection: bb   # the one most apps use
api_keys:
  - {name: app, key: "${TEST_APP_KEY:-app-key}", scopes: [customers:read, customers:write]}
  - {name: admin, key: admin-key, scopes: [admin]}
connections:
  bb:
    adapter: borderbolt
    base_url: "sandbox:"
    auth: {type: bearer, token: bb-literal-token}   # rotate quarterly
    timeout: {connect: 2, read: 10}
  crm:
    adapter: crm
    base_url: "sandbox:"
    auth: {type: bearer, token: "${CRM_TOKEN:-crm-default-token}"}
  pos:
    adapter: inventorum
    api_version: 10
    base_url: "sandbox:"
    auth:
      type: oauth2_client_credentials
      token_url: /oauth/token
      client_id: pos
      client_secret: "${POS_SECRET}"
"""


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POS_SECRET", "pos-secret-from-env")
    return config_file_in(tmp_path, CONFIG)


@pytest.fixture
async def live_app(config_file: Path) -> AsyncIterator[Starlette]:
    async with app_on_file(config_file) as app:
        yield app


@pytest.fixture
async def admin(live_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(live_app, key="admin-key") as client:
        yield client


async def put(
    admin: httpx.AsyncClient, body: str, etag: str | None = None, **headers: str
) -> httpx.Response:
    if etag is None:
        etag = (await admin.get("/admin/config")).headers["etag"]
    return await admin.put(
        "/admin/config",
        content=body.encode(),
        headers={"If-Match": etag, "Content-Type": "application/yaml", **headers},
    )


async def test_get_masks_secrets_and_keeps_env_references(admin: httpx.AsyncClient) -> None:
    response = await admin.get("/admin/config")
    assert response.status_code == 200 and response.headers["etag"]
    config = response.json()
    assert config["connections"]["bb"]["auth"]["token"] == "***"
    assert config["connections"]["crm"]["auth"]["token"] == "${CRM_TOKEN:-***}"
    assert config["connections"]["pos"]["auth"]["client_secret"] == "${POS_SECRET}"
    assert (
        config["api_keys"][0]["key"] == "${TEST_APP_KEY:-***}"
        and config["api_keys"][1]["key"] == "***"
    )
    for secret in (
        "bb-literal-token",
        "crm-default-token",
        "app-key",
        "admin-key",
        "pos-secret-from-env",
    ):
        assert secret not in response.text
    as_yaml = await admin.get("/admin/config", headers={"Accept": "application/yaml"})
    assert "# rotate quarterly" in as_yaml.text and "bb-literal-token" not in as_yaml.text


async def test_admin_needs_the_admin_scope(live_app: Starlette) -> None:
    async with (
        client_for(live_app, key="app-key") as app_client,
        client_for(live_app, key=None) as anon,
    ):
        assert (await app_client.get("/admin/config")).status_code == 403
        assert (await anon.post("/admin/reload")).status_code == 401


async def test_validate_reports_every_problem(admin: httpx.AsyncClient) -> None:
    ok = await admin.post("/admin/config/validate", content=CONFIG.encode())
    assert ok.status_code == 200 and ok.json() == {
        "valid": True,
        "connections": ["bb", "crm", "pos"],
    }
    broken = (
        CONFIG.replace("adapter: crm", "adapter: salesforce")
        .replace("scopes: [admin]", "scopes: [root]")
        .replace("default_connection: bb", "default_connection: nope")
    )
    response = await admin.post("/admin/config/validate", content=broken.encode())
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert {"connections.crm.adapter", "api_keys.1.scopes"} <= fields
    line = 1 + broken.splitlines().index(next(x for x in broken.splitlines() if "salesforce" in x))
    said = {d["field"]: d["message"] for d in response.json()["error"]["details"]}
    assert said["connections.crm.adapter"].startswith("unknown adapter 'salesforce': one of ")
    assert said["connections.crm.adapter"].endswith(f" (line {line}, column 5)")


async def test_put_needs_a_fresh_if_match(admin: httpx.AsyncClient) -> None:
    missing = await admin.put("/admin/config", content=CONFIG.encode())
    assert missing.status_code == 428
    stale = await put(admin, CONFIG, etag='"stale"')
    assert stale.status_code == 412


async def test_put_writes_atomically_keeps_comments_secrets_and_applies_live(
    admin: httpx.AsyncClient, config_file: Path, live_app: Starlette
) -> None:
    shown = (await admin.get("/admin/config", headers={"Accept": "application/yaml"})).text
    changed = (
        shown.replace("read: 10", "read: 5")
        + """  bb2:
    adapter: borderbolt
    base_url: "sandbox:"
    auth: {type: bearer, token: new-bb2-token}
"""
    )
    response = await put(admin, changed)
    assert response.status_code == 200, response.text
    text = config_file.read_text()
    assert "# rotate quarterly" in text and "# the one most apps use" in text  # comments kept
    assert "token: bb-literal-token" in text  # '***' kept the secret
    assert '"${CRM_TOKEN:-crm-default-token}"' in text  # the env reference as written
    assert "read: 5" in text and "bb2:" in text
    assert (config_file.with_name("config.yaml.bak")).read_text() == CONFIG
    assert response.headers["etag"] != (await admin.get("/admin/config")).headers.get("x-none", "")
    async with client_for(live_app, key="app-key") as client:
        assert (
            await client.get("/v1/customers", params={"connection": "bb2", "limit": 1})
        ).status_code == 200
    assert live_app.state.runtime.connections["bb"].config.timeout.read == 5


async def test_an_invalid_put_changes_nothing(
    admin: httpx.AsyncClient, config_file: Path, live_app: Starlette
) -> None:
    running = live_app.state.runtime
    response = await put(admin, CONFIG.replace("adapter: borderbolt", "adapter: nope"))
    assert response.status_code == 422
    assert config_file.read_text() == CONFIG and live_app.state.runtime is running
    new_secret = (
        CONFIG
        + '  bb3: {adapter: borderbolt, base_url: "sandbox:", auth: {type: bearer, token: "***"}}\n'
    )
    refused = await put(admin, new_secret)
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["field"] == "connections.bb3.auth.token"


async def test_put_as_json(admin: httpx.AsyncClient, config_file: Path) -> None:
    config = (await admin.get("/admin/config")).json()
    config["connections"]["crm"]["max_scan_pages"] = 3
    etag = (await admin.get("/admin/config")).headers["etag"]
    response = await admin.put("/admin/config", json=config, headers={"If-Match": etag})
    assert response.status_code == 200, response.text
    assert (
        "max_scan_pages: 3" in config_file.read_text()
        and "# rotate quarterly" in config_file.read_text()
    )


async def test_a_reload_fails_no_request_in_flight(
    admin: httpx.AsyncClient, live_app: Starlette
) -> None:
    old = live_app.state.runtime.connections["crm"]
    old.sandbox.faults.add(Fault(latency=0.3))
    async with client_for(live_app, key="app-key") as client:
        slow = asyncio.create_task(client.get("/v1/customers/crm:cust_456"))
        await asyncio.sleep(0.1)
        without_crm = CONFIG.replace(
            """  crm:
    adapter: crm
    base_url: "sandbox:"
    auth: {type: bearer, token: "${CRM_TOKEN:-crm-default-token}"}
""",
            "",
        )
        assert (await put(admin, without_crm)).status_code == 200
        assert not old.client.is_closed  # still serving the request in flight
        response = await slow
        assert response.status_code == 200 and response.json()["id"] == "crm:cust_456"
        assert (await client.get("/v1/customers", params={"connection": "crm"})).status_code == 400
    await asyncio.sleep(0.05)
    assert old.client.is_closed  # closed once its last request finished


async def test_sandbox_data_survives_config_changes(
    admin: httpx.AsyncClient, live_app: Starlette
) -> None:
    async with client_for(live_app, key="app-key") as client:
        created = (
            await client.post("/v1/customers", json={"code": "KEEP-1", "name": "Kept"})
        ).json()
        assert (await put(admin, CONFIG.replace("read: 10", "read: 7"))).status_code == 200
        assert (await client.get(f"/v1/customers/{created['id']}")).status_code == 200


async def test_reload_after_a_hand_edit(
    admin: httpx.AsyncClient, config_file: Path, live_app: Starlette
) -> None:
    config_file.write_text(CONFIG.replace("default_connection: bb", "default_connection: crm"))
    response = await admin.post("/admin/reload")
    assert response.status_code == 200
    assert live_app.state.runtime.config.server.default_connection == "crm"
    running = live_app.state.runtime
    config_file.write_text("connections: [broken")
    refused = await admin.post("/admin/reload")
    assert refused.status_code == 422 and live_app.state.runtime is running


async def test_admin_connections_figures(admin: httpx.AsyncClient, live_app: Starlette) -> None:
    bb = live_app.state.runtime.connections["bb"]
    async with client_for(live_app, key="app-key") as client:
        await client.get("/v1/customers/bb:501")
        await client.get("/v1/customers/bb:501")
    for _ in range(5):
        bb.adapter.upstream.breaker.record_failure()
    figures = {c["name"]: c for c in (await admin.get("/admin/connections")).json()["data"]}
    assert figures["bb"]["circuit"]["state"] == "open" and figures["bb"]["health"] == "unavailable"
    assert figures["bb"]["cache"]["hits"] == 1 and figures["bb"]["cache"]["misses"] == 1
    assert figures["bb"]["upstream"]["by_outcome"] == {"200": 1}
    assert figures["crm"]["health"] == "ok"


async def test_putting_back_what_was_read_changes_no_byte(
    admin: httpx.AsyncClient, config_file: Path
) -> None:
    shown = (await admin.get("/admin/config", headers={"Accept": "application/yaml"})).text
    assert (await put(admin, shown)).status_code == 200
    assert config_file.read_text() == CONFIG
