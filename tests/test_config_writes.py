"""One write path for the config: what is written is what was validated, and loads
again; history and audit tell the truth about secrets (API.md sections 6 and 11)."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from gateway.app import create_app
from gateway.config_sealing import KEY_ENV, new_key
from gateway.config_text import load_config, parse_config
from gateway.store import StoreDown
from tests.conftest import client_for

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).parent.parent
ADMIN = "admin-key"  # the default config's admin key (GATEWAY_ADMIN_KEY unset)


class Served:
    """A gateway app serving ``path`` (its lifespan running), restartable."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.app: Starlette | None = None
        self._stack = contextlib.AsyncExitStack()

    async def start(self) -> Served:
        self.app = create_app(load_config(self.path), config_path=self.path)
        await self._stack.enter_async_context(self.app.router.lifespan_context(self.app))
        return self

    async def stop(self) -> None:
        await self._stack.aclose()
        self._stack = contextlib.AsyncExitStack()

    def admin(self) -> httpx.AsyncClient:
        assert self.app is not None
        return client_for(self.app, key=ADMIN)

    async def get(self) -> httpx.Response:
        async with self.admin() as admin:
            return await admin.get("/admin/config", headers={"Accept": "application/yaml"})

    async def put(self, text: str, etag: str | None = None) -> httpx.Response:
        etag = etag or (await self.get()).headers["etag"]
        async with self.admin() as admin:
            return await admin.put(
                "/admin/config",
                content=text,
                headers={
                    "If-Match": etag,
                    "Content-Type": "application/yaml",
                    "Accept": "application/yaml",
                },
            )

    async def audit(self, action: str) -> list[dict[str, Any]]:
        async with self.admin() as admin:
            page = await admin.get("/admin/audit", params={"action": action})
        rows: list[dict[str, Any]] = page.json()["data"]
        return rows


@pytest.fixture(params=["local", "redis"])
async def served(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Served]:
    text = (ROOT / "config.yaml").read_text(encoding="utf-8")
    if request.param == "redis":
        url = request.getfixturevalue("redis").url
        state = f"  state: {{backend: redis, url: '{url}', prefix: 'w{uuid.uuid4().hex[:8]}:'}}\n"
        text = text.replace("  max_body_bytes: 1048576\n", "  max_body_bytes: 1048576\n" + state)
    path = tmp_path / "config.yaml"
    path.write_text(text)
    gateway = await Served(path).start()
    yield gateway
    await gateway.stop()


def crm_token(shown: str, token: str) -> str:
    """``shown`` (a masked config) with the crm connection's token set to ``token``."""
    crm = shown.index("  crm:\n")
    masked = re.compile(r"token: (\"\*\*\*\"|'\*\*\*'|\"\$\{CRM_TOKEN:-\*\*\*\}\")")
    found = masked.search(shown, crm)
    assert found is not None
    return shown[: found.start()] + f"token: {token}" + shown[found.end() :]


REPORTING = "  - {name: reporting, key: reporting-key-0123, scopes: [customers:read]}\n"


async def test_an_api_key_prepended_before_a_commented_entry_is_written_loadable(
    served: Served,
) -> None:
    shown = (await served.get()).text
    edited = shown.replace("api_keys:\n", "api_keys:\n" + REPORTING, 1)
    answer = await served.put(edited)
    assert answer.status_code == 200, answer.text
    written = served.path.read_text()
    assert load_config(served.path).api_keys[0].name == "reporting"  # a restart loads it
    assert "# The demo key the README's curl tour uses" in written  # comments kept
    async with client_for(served.app, key="reporting-key-0123") as reporting:  # type: ignore[arg-type]
        assert (await reporting.get("/v1/customers")).status_code == 200
    await served.stop()
    await served.start()
    assert (await served.get()).headers["etag"] == answer.headers["etag"]


async def test_an_api_key_appended_after_the_last_entry_is_written_loadable(
    served: Served,
) -> None:
    shown = (await served.get()).text
    edited = shown.replace("    scopes: [admin]\n", "    scopes: [admin]\n" + REPORTING, 1)
    answer = await served.put(edited)
    assert answer.status_code == 200, answer.text
    assert [k.name for k in load_config(served.path).api_keys][-1] == "reporting"
    assert await served.audit("config.put") and (await served.audit("config.put"))[0][
        "changed_fields"
    ] == ["api_keys[reporting]"]


@pytest.mark.parametrize(
    ("anchor", "added"),
    [
        ("    max_scan_pages: 10", "    field_mapping: {customer: {no_such: custom_fields.x}}"),
        ("    timeout: {connect: 2, read: 10}", "    timeout: {connect: 2, read: 10, bogus: 1}"),
    ],
)
async def test_an_invalid_key_inside_an_existing_map_is_422_and_changes_nothing(
    served: Served, anchor: str, added: str
) -> None:
    before = served.path.read_text()
    shown = (await served.get()).text
    edited = (
        shown.replace(anchor, anchor + "\n" + added)
        if "field_mapping" in added
        else shown.replace(anchor, added)
    )
    assert edited != shown
    answer = await served.put(edited)
    assert answer.status_code == 422, answer.text
    assert served.path.read_text() == before
    field = answer.json()["error"]["details"][0]["field"]
    assert field.startswith("connections.")


async def test_a_rotated_secret_is_in_the_audit_masked(served: Served) -> None:
    shown = (await served.get()).text
    edited = shown.replace('token: "${CRM_TOKEN:-***}"', "token: crm-rotated-secret-1").replace(
        "    max_scan_pages: 10", "    max_scan_pages: 10\n    timeout: {read: 7}"
    )
    answer = await served.put(edited)
    assert answer.status_code == 200, answer.text
    record = (await served.audit("config.put"))[0]
    assert record["changed_fields"] == ["connections.crm.auth.token", "connections.crm.timeout"]
    assert "crm-rotated-secret-1" not in str(record) and "CRM_TOKEN:-sandbox" not in str(record)
    assert '+    auth: {type: bearer, token: "*** (changed)"}' in record["diff"]
    assert '-    auth: {type: bearer, token: "${CRM_TOKEN:-***}"}' in record["diff"]


async def test_rollback_restores_credentials_exactly_with_the_secrets_key(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, new_key())
    await served.stop()
    await served.start()
    good = await served.put(crm_token((await served.get()).text, "crm-good-token-1"))
    assert good.status_code == 200, good.text
    bad = await served.put(crm_token(good.text, "crm-wrong-token-2"), good.headers["etag"])
    assert bad.status_code == 200, bad.text
    assert "crm-wrong-token-2" in served.path.read_text()
    async with served.admin() as admin:
        versions = (await admin.get("/admin/config/versions")).json()["data"]
        target = next(v for v in versions if v["etag"] == good.headers["etag"])
        back = await admin.post(
            "/admin/config/rollback",
            json={"version": target["id"]},
            headers={"If-Match": bad.headers["etag"]},
        )
    assert back.status_code == 200, back.text
    assert back.headers["etag"] == good.headers["etag"]
    text = served.path.read_text()
    assert "crm-good-token-1" in text and "crm-wrong-token-2" not in text
    live = served.app.state.runtime.config.connections["crm"].auth  # type: ignore[union-attr]
    assert live.token.get_secret_value() == "crm-good-token-1"


async def test_rollback_without_the_key_restores_unchanged_secrets_and_refuses_the_rest(
    served: Served,
) -> None:
    first = await served.get()
    good = await served.put(crm_token(first.text, "crm-good-token-1"))
    widened = await served.put(
        good.text.replace("max_scan_pages: 10", "max_scan_pages: 12"), good.headers["etag"]
    )
    async with served.admin() as admin:
        versions = (await admin.get("/admin/config/versions")).json()["data"]
        target = next(v for v in versions if v["etag"] == good.headers["etag"])
        back = await admin.post(
            "/admin/config/rollback",
            json={"version": target["id"]},
            headers={"If-Match": widened.headers["etag"]},
        )
        assert back.status_code == 200, back.text
        assert back.headers["etag"] == good.headers["etag"]  # exact: no secret changed since
        again = await served.get()
        rotated = await served.put(crm_token(again.text, "crm-other-token-3"), back.headers["etag"])
        before = served.path.read_text()
        refused = await admin.post(
            "/admin/config/rollback",
            json={"version": target["id"]},
            headers={"If-Match": rotated.headers["etag"]},
        )
    assert refused.status_code == 409, refused.text
    assert [d["field"] for d in refused.json()["error"]["details"]] == [
        "connections.crm.auth.token"
    ]
    assert served.path.read_text() == before


async def test_no_secret_is_kept_in_clear_in_the_state_file(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = (await served.get()).text
    edited = shown.replace('"${CRM_TOKEN:-***}"', "crm-literal-token-77").replace(
        "api_keys:\n", "api_keys:\n" + REPORTING, 1
    )
    assert (await served.put(edited)).status_code == 200
    store = served.app.state.runtime.store  # type: ignore[union-attr]
    secrets = [b"crm-literal-token-77", b"reporting-key-0123", b"sandbox-secret", b"demo-key"]
    if store.backend == "local":
        kept = b"".join(p.read_bytes() for p in served.path.parent.glob(".gateway/state.db*"))
    else:
        dumped = [await store.client.dump(k) for k in await store.client.keys(store.prefix + "*")]
        kept = b"".join(dumped)  # every value, serialised as Redis would persist it
    assert kept and not [s for s in secrets if s in kept]


async def test_a_change_while_the_store_is_down_is_refused_and_changes_nothing(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = served.app.state.runtime.store  # type: ignore[union-attr]

    async def down(*args: Any, **kwargs: Any) -> Any:
        raise StoreDown("state store unavailable (publish_config)")

    monkeypatch.setattr(store, "publish_config", down)
    before, shown = served.path.read_text(), await served.get()
    answer = await served.put(shown.text.replace("max_scan_pages: 10", "max_scan_pages: 11"))
    assert answer.status_code == 503 and answer.json()["error"]["code"] == "state_unavailable"
    assert served.path.read_text() == before
    assert (await served.get()).headers["etag"] == shown.headers["etag"]
    assert served.app.state.runtime.config.connections["crm"].max_scan_pages == 10  # type: ignore[union-attr]


async def test_a_rollback_to_an_id_past_64_bits_is_422(served: Served) -> None:
    etag = (await served.get()).headers["etag"]
    async with served.admin() as admin:
        answer = await admin.post(
            "/admin/config/rollback",
            json={"version": 9223372036854775808},
            headers={"If-Match": etag},
        )
    assert answer.status_code == 422, answer.text


WEBHOOK = (
    "webhooks:\n"
    "  - {name: crm-sync, url: 'https://hooks:hook-pass-9@erp.example.test/in?token=tok-9&x=1',\n"
    "     secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw}\n"
)


async def test_credentials_inside_urls_are_masked_everywhere(served: Served) -> None:
    shown = (await served.get()).text
    answer = await served.put(shown + WEBHOOK)
    assert answer.status_code == 200, answer.text
    again = await served.get()
    assert "hook-pass-9" not in again.text and "tok-9" not in again.text
    assert "https://hooks:***@erp.example.test/in?token=***&x=1" in again.text
    async with served.admin() as admin:
        versions = (await admin.get("/admin/config/versions")).json()["data"]
        one = await admin.get(f"/admin/config/versions/{versions[0]['id']}")
    record = (await served.audit("config.put"))[0]
    for seen in (one.text, str(record)):
        assert "hook-pass-9" not in seen and "tok-9" not in seen and "MfKQ9r8" not in seen
    assert record["changed_fields"] == ["webhooks"]
    put_back = await served.put(again.text, again.headers["etag"])  # masked values keep
    assert put_back.status_code == 200 and put_back.headers["etag"] == again.headers["etag"]
    assert "hook-pass-9" in served.path.read_text()


def test_the_default_config_loads() -> None:
    parse_config((ROOT / "config.yaml").read_text(encoding="utf-8"), env={})


MERGED = """\
api_keys:
  - {name: admin, key: admin-key, scopes: [admin]}
connections:
  a: &upstream
    adapter: borderbolt
    base_url: "sandbox:"
    auth: {type: bearer, token: anchored-secret-token}
  b:
    <<: *upstream
    base_url: "https://b.example.test"
"""


async def test_a_secret_shared_by_anchor_and_merge_key_is_masked_where_written(
    tmp_path: Path,
) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(MERGED)
    gateway = await Served(path).start()
    try:
        as_yaml = await gateway.get()
        async with gateway.admin() as admin:
            as_json = await admin.get("/admin/config")
        for shown in (as_yaml.text, as_json.text):
            assert "anchored-secret-token" not in shown
        assert "<<: *upstream" in as_yaml.text  # shown as written
        assert as_json.json()["connections"]["b"]["auth"]["token"] == "***"
        back = await gateway.put(as_yaml.text, as_yaml.headers["etag"])
        assert back.status_code == 200 and path.read_text() == MERGED
    finally:
        await gateway.stop()
