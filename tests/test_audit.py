"""Audit log and config history with rollback, on both state backends."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from adapters.sandbox import Fault, Sandbox
from gateway.app import create_app
from gateway.config.text import load_config
from tests.conftest import CONFIG, client_for

pytestmark = pytest.mark.anyio
SECRETS = [
    "demo-key",
    "reader-key",
    "writer2-key",
    "t2-key",
    "admin-key",
    "raw-key",
    "bb-upstream-token",
    "tenant2-upstream-token",
    "crm-upstream-token",
    "shop-client-secret",
    "shop9-client-secret",
    "remote-client-secret",
    "crm-remote-token",
    "remote-upstream-token",
]


class Gateway:
    def __init__(self, app: Starlette, path: Path) -> None:
        self.app, self.path = app, path

    def client(self, key: str = "demo-key") -> httpx.AsyncClient:
        return client_for(self.app, key=key)

    async def audit(self, **params: Any) -> dict[str, Any]:
        async with self.client("admin-key") as admin:
            answer = await admin.get("/admin/audit", params=params)
        assert answer.status_code == 200, answer.text
        page: dict[str, Any] = answer.json()
        return page


@pytest.fixture(params=["local", "redis"])
async def gw(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Gateway]:
    if request.param == "local":
        state = "{backend: local}"  # next to the config file
    else:
        url = request.getfixturevalue("redis").url
        state = f"{{backend: redis, url: '{url}', prefix: 'a{uuid.uuid4().hex[:8]}:'}}"
    text = CONFIG.replace("  cursor_secret: test-cursor-secret\n", f"  state: {state}\n")
    text = text.replace("max_body_bytes: 2048", "max_body_bytes: 65536")
    path = tmp_path / "config.yaml"
    path.write_text(text)
    app = create_app(load_config(path), config_path=path)
    async with app.router.lifespan_context(app):  # the startup version, the audit writer
        yield Gateway(app, path)


async def test_each_write_is_recorded_once_with_its_fields(gw: Gateway) -> None:
    async with gw.client() as client:
        made = await client.post(
            "/v1/customers",
            json={"code": "AUD1", "name": "Audit B.V.", "extra": {"representation_type": "2"}},
        )
        patched = await client.patch(
            "/v1/customers/" + made.json()["id"],
            json={"name": "Audit Two B.V."},
        )
        refused = await client.post("/v1/customers", json={"name": "No Code"})
        deleted = await client.delete("/v1/customers/borderbolt:504")
    assert (made.status_code, patched.status_code, deleted.status_code) == (201, 200, 204)
    assert refused.status_code == 422
    rows = (await gw.audit())["data"]
    assert [r["action"] for r in rows[:4]] == [
        "customer.delete",
        "customer.create",
        "customer.update",
        "customer.create",
    ]
    delete, failed, update, create = rows[:4]
    assert create["resource_id"] == made.json()["id"] and create["status"] == 201
    assert create["changed_fields"] == ["code", "extra.representation_type", "name"]
    assert create["actor"] == "demo" and create["connection"] == "borderbolt"
    assert create["request_id"] == made.headers["x-request-id"]
    assert update["changed_fields"] == ["name"] and update["status"] == 200
    assert failed["status"] == 422 and failed["resource_id"] is None
    assert delete["resource_id"] == "borderbolt:504" and delete["changed_fields"] == []
    assert create["at"].endswith("Z") and create["id"] < update["id"]
    assert len([r for r in rows if r["request_id"] == made.headers["x-request-id"]]) == 1


async def test_replays_reads_and_anonymous_calls_are_not_recorded(gw: Gateway) -> None:
    headers = {"Idempotency-Key": f"aud-{uuid.uuid4().hex[:6]}"}
    async with gw.client() as client:
        for _ in range(2):
            await client.post(
                "/v1/customers/borderbolt:501/contacts", json={"name": "A"}, headers=headers
            )
        await client.get("/v1/customers/borderbolt:501")
    async with gw.client(key="wrong-key") as anonymous:
        assert (await anonymous.post("/v1/customers", json={})).status_code == 401
    rows = (await gw.audit())["data"]
    assert [r["action"] for r in rows if r["action"].startswith(("contact", "customer"))] == [
        "contact.create"
    ]


async def test_filters_and_pagination_newest_first(gw: Gateway) -> None:
    async with gw.client() as client:
        for n in range(5):
            await client.post("/v1/customers/borderbolt:501/contacts", json={"name": f"C{n}"})
        await client.post("/v1/customers/crm:cust_456/contacts", json={"name": "On CRM"})
    async with gw.client("writer2-key") as writer:
        await writer.patch("/v1/customers/borderbolt:502", json={"name": "Writer Two B.V."})
    first = await gw.audit(action="contact.create", limit=2)
    assert len(first["data"]) == 2 and first["meta"]["next_cursor"]
    ids = [r["id"] for r in first["data"]]
    seen = list(ids)
    cursor = first["meta"]["next_cursor"]
    while cursor:
        page = await gw.audit(action="contact.create", limit=2, cursor=cursor)
        seen += [r["id"] for r in page["data"]]
        cursor = page["meta"]["next_cursor"]
    assert len(seen) == len(set(seen)) == 6 and seen == sorted(seen, reverse=True)
    assert [r["actor"] for r in (await gw.audit(actor="second-writer"))["data"]] == [
        "second-writer"
    ]
    crm = (await gw.audit(connection="crm"))["data"]
    assert [r["action"] for r in crm] == ["contact.create"]
    async with gw.client("admin-key") as admin:
        other = await admin.get(
            "/admin/audit", params={"actor": "demo", "cursor": first["meta"]["next_cursor"]}
        )
    assert other.status_code == 400  # a cursor is bound to its filters


async def test_config_put_rollback_round_trip(gw: Gateway) -> None:
    async with gw.client("admin-key") as admin:
        start = await admin.get("/admin/config", headers={"Accept": "application/yaml"})
        a_text = gw.path.read_text().replace("max_body_bytes: 65536", "max_body_bytes: 65000")
        put_a = await admin.put(
            "/admin/config",
            content=a_text,
            headers={"If-Match": start.headers["etag"], "Content-Type": "application/yaml"},
        )
        assert put_a.status_code == 200
        file_a = gw.path.read_text()
        b_text = file_a.replace("max_body_bytes: 65000", "max_body_bytes: 64000")
        put_b = await admin.put(
            "/admin/config",
            content=b_text,
            headers={"If-Match": put_a.headers["etag"], "Content-Type": "application/yaml"},
        )
        assert put_b.status_code == 200
        versions = (await admin.get("/admin/config/versions")).json()["data"]
        assert len(versions) == 3 and versions[0]["etag"] == put_b.headers["etag"]
        version_a = next(v for v in versions if v["etag"] == put_a.headers["etag"])
        shown = (await admin.get(f"/admin/config/versions/{version_a['id']}")).json()
        assert shown["config"]["server"]["max_body_bytes"] == 65000
        stale = await admin.post(
            "/admin/config/rollback",
            json={"version": version_a["id"]},
            headers={"If-Match": put_a.headers["etag"]},
        )
        assert stale.status_code == 412
        back = await admin.post(
            "/admin/config/rollback",
            json={"version": version_a["id"]},
            headers={"If-Match": put_b.headers["etag"]},
        )
        assert back.status_code == 200 and back.headers["etag"] == put_a.headers["etag"]
        assert gw.path.read_text() == file_a
        assert gw.app.state.runtime.config.server.max_body_bytes == 65000
        grown = (await admin.get("/admin/config/versions")).json()["data"]
        assert len(grown) == 4 and grown[0]["actor"] == "admin"
        missing = await admin.get("/admin/config/versions/999999")
        assert missing.status_code == 404
    rows = (await gw.audit(actor="admin"))["data"]
    assert [(r["action"], r["status"]) for r in rows] == [
        ("config.rollback", 200),
        ("config.rollback", 412),  # refused actions are recorded too
        ("config.put", 200),
        ("config.put", 200),
    ]
    assert rows[0]["changed_fields"] == ["server.max_body_bytes"]
    assert "-  max_body_bytes: 64000" in rows[0]["diff"]
    assert "+  max_body_bytes: 65000" in rows[0]["diff"]


async def test_recording_never_breaks_the_write(gw: Gateway) -> None:
    store = gw.app.state.runtime.store
    broken: list[str] = []

    async def failing(record: dict[str, Any], retention: float) -> int:
        broken.append(record["action"])
        raise RuntimeError("audit store refused")

    store.audit_append = failing  # type: ignore[method-assign]
    async with gw.client() as client:
        made = await client.post("/v1/customers/borderbolt:501/contacts", json={"name": "Still"})
        await gw.app.state.host.audit.flush()
    async with gw.client("admin-key") as admin:
        metrics = (await admin.get("/metrics")).text
    assert made.status_code == 201 and broken == ["contact.create"]
    assert "gateway_audit_failures_total 1.0" in metrics


async def test_no_secret_is_ever_in_a_record(
    gw: Gateway,
) -> None:
    sim: Sandbox = gw.app.state.runtime.connections["borderbolt"].sandbox
    sim.faults.add(
        Fault(
            status=422,
            body={"message": "bb-upstream-token", "errors": {"customer_name": ["demo-key"]}},
            method="POST",
        )
    )
    async with gw.client() as client:
        await client.post("/v1/customers", json={"code": "S1", "name": "Secret B.V."})
        await client.post("/v1/customers", json={"code": "S2", "name": "admin-key B.V."})
    async with gw.client("admin-key") as admin:
        start = await admin.get("/admin/config", headers={"Accept": "application/yaml"})
        await admin.put(
            "/admin/config",
            content=gw.path.read_text().replace("crm-upstream-token", "crm-new-token-x"),
            headers={"If-Match": start.headers["etag"], "Content-Type": "application/yaml"},
        )
        await admin.post("/admin/reload")
        every = (await admin.get("/admin/audit", params={"limit": 100})).text
    assert len(every) > 200
    for secret in [*SECRETS, "crm-new-token-x"]:
        assert secret not in every, secret
