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
from gateway.config.sealing import KEY_ENV, new_key
from gateway.config.text import load_config, parse_config
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
async def served(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Served]:
    """The default config served on one of the backends. On redis the instances share
    versions, so GATEWAY_SECRETS_KEY is set, as a deployment that edits secrets through
    the admin API needs (without it such a change is refused: tested below)."""
    text = (ROOT / "config.yaml").read_text(encoding="utf-8")
    if request.param == "redis":
        monkeypatch.setenv(KEY_ENV, new_key())
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


async def add_reporting_key(served: Served, after: str) -> httpx.Response:
    """PUT the shown config with the reporting key inserted after the text ``after``."""
    shown = (await served.get()).text
    answer = await served.put(shown.replace(after, after + REPORTING, 1))
    assert answer.status_code == 200, answer.text
    return answer


async def test_an_api_key_prepended_before_a_commented_entry_is_written_loadable(
    served: Served,
) -> None:
    answer = await add_reporting_key(served, after="api_keys:\n")
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
    await add_reporting_key(served, after="    scopes: [admin]\n")
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
    async with served.admin() as admin:
        hooks = await admin.get("/admin/webhooks")
    assert "hook-pass-9" not in hooks.text and "tok-9" not in hooks.text
    assert hooks.json()["data"][0]["url"] == "https://hooks:***@erp.example.test/in?token=***&x=1"
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


async def test_a_masked_config_saved_as_the_file_is_refused_not_taken_as_secrets(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GATEWAY_DEMO_KEY", "a-real-demo-key")  # no collision hides it
    shown = (await served.get()).text
    served.path.write_text(shown.replace('"${GATEWAY_DEMO_KEY:-***}"', '"${GATEWAY_DEMO_KEY}"'))
    async with served.admin() as admin:
        reloaded = await admin.post("/admin/reload")
    assert reloaded.status_code == 422, reloaded.text
    assert "the mask GET /admin/config shows" in reloaded.text
    async with client_for(served.app, key="***") as masked:  # type: ignore[arg-type]
        assert (await masked.get("/admin/config")).status_code == 401
