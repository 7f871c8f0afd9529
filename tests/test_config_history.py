"""Config history: rollback restores a version exactly, secrets included; versions keep
no secret in clear at rest; a shared store without GATEWAY_SECRETS_KEY refuses a secret
the other instances could not receive; a restart tells a version it wrote from a hand
edit (API.md sections 5, 7 and 11)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.config.sealing import KEY_ENV, new_key
from gateway.config.text import load_config
from tests.test_config_writes import REPORTING, ROOT, Served, crm_token, served

pytestmark = pytest.mark.anyio
__all__ = ["served"]  # the fixture, shared with tests/test_config_writes.py


async def version_id(admin: httpx.AsyncClient, etag: str) -> Any:
    """The id of the stored version whose ETag is ``etag``."""
    versions = (await admin.get("/admin/config/versions")).json()["data"]
    return next(v["id"] for v in versions if v["etag"] == etag)


async def rollback(admin: httpx.AsyncClient, version: Any, if_match: str) -> httpx.Response:
    return await admin.post(
        "/admin/config/rollback", json={"version": version}, headers={"If-Match": if_match}
    )


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
        target = await version_id(admin, good.headers["etag"])
        back = await rollback(admin, target, bad.headers["etag"])
    assert back.status_code == 200, back.text
    assert back.headers["etag"] == good.headers["etag"]
    text = served.path.read_text()
    assert "crm-good-token-1" in text and "crm-wrong-token-2" not in text
    live = served.app.state.runtime.config.connections["crm"].auth  # type: ignore[union-attr]
    assert live.token.get_secret_value() == "crm-good-token-1"


@pytest.fixture
async def keyless(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Served]:
    """The default config on the local store without GATEWAY_SECRETS_KEY."""
    monkeypatch.delenv(KEY_ENV, raising=False)
    path = tmp_path / "config.yaml"
    path.write_text((ROOT / "config.yaml").read_text(encoding="utf-8"))
    gateway = await Served(path).start()
    yield gateway
    await gateway.stop()


async def test_rollback_without_the_key_restores_unchanged_secrets_and_refuses_the_rest(
    keyless: Served,
) -> None:
    served = keyless
    first = await served.get()
    good = await served.put(crm_token(first.text, "crm-good-token-1"))
    widened = await served.put(
        good.text.replace("max_scan_pages: 10", "max_scan_pages: 12"), good.headers["etag"]
    )
    async with served.admin() as admin:
        target = await version_id(admin, good.headers["etag"])
        back = await rollback(admin, target, widened.headers["etag"])
        assert back.status_code == 200, back.text
        assert back.headers["etag"] == good.headers["etag"]  # exact: no secret changed since
        again = await served.get()
        rotated = await served.put(crm_token(again.text, "crm-other-token-3"), back.headers["etag"])
        before = served.path.read_text()
        refused = await rollback(admin, target, rotated.headers["etag"])
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


async def test_on_a_shared_store_without_the_key_a_new_secret_as_text_is_refused(
    tmp_path: Path, redis: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other instances could not receive it: 422 naming the path, nothing changed; a
    ${VAR} reference (set on every instance) is the way."""
    monkeypatch.delenv(KEY_ENV, raising=False)
    state = f"  state: {{backend: redis, url: '{redis.url}', prefix: 'n{uuid.uuid4().hex[:8]}:'}}\n"
    text = (ROOT / "config.yaml").read_text(encoding="utf-8")
    path = tmp_path / "config.yaml"
    path.write_text(
        text.replace("  max_body_bytes: 1048576\n", "  max_body_bytes: 1048576\n" + state)
    )
    gateway = await Served(path).start()
    try:
        shown = await gateway.get()
        refused = await gateway.put(crm_token(shown.text, "crm-literal-token"))
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["details"][0]["field"] == "connections.crm.auth.token"
        assert "GATEWAY_SECRETS_KEY" in refused.text and "crm-literal-token" not in refused.text
        assert (await gateway.get()).headers["etag"] == shown.headers["etag"]
        monkeypatch.setenv("CRM_TOKEN_ROTATED", "crm-rotated")
        allowed = await gateway.put(crm_token(shown.text, '"${CRM_TOKEN_ROTATED}"'))
        assert allowed.status_code == 200, allowed.text
    finally:
        await gateway.stop()


async def test_a_restart_keeps_an_old_copy_put_back_by_hand(served: Served) -> None:
    """Putting config.yaml.bak back is a deliberate change: the next start publishes it,
    it does not adopt the newer version the gateway had written."""
    first = await served.get()
    changed = await served.put(
        first.text.replace("max_body_bytes: 1048576", "max_body_bytes: 4096")
    )
    assert changed.status_code == 200
    await served.stop()
    served.path.write_text(served.path.with_name("config.yaml.bak").read_text())
    await served.start()
    assert (await served.get()).headers["etag"] == first.headers["etag"]
    assert served.app.state.runtime.config.server.max_body_bytes == 1048576  # type: ignore[union-attr]


async def test_a_restart_adopts_a_version_published_while_it_was_stopped(
    served: Served,
) -> None:
    """The file is the version this gateway wrote; another instance (or this one, just
    before a crash) published a newer one: the start takes the newer one."""
    from gateway.config.file import etag_of
    from gateway.config.sealing import Sealer, keys_from_env
    from gateway.store import open_store

    first = await served.get()
    await served.stop()
    newer = served.path.read_text().replace("max_body_bytes: 1048576", "max_body_bytes: 8192")
    config = load_config(served.path)
    store = open_store(config, served.path)
    await store.ready()
    sealed = Sealer(keys_from_env(), await store.config_salt()).seal(newer)
    await store.publish_config(sealed, etag_of(newer), "elsewhere", first.headers["etag"])
    await store.aclose()
    await served.start()
    assert served.path.read_text() == newer
    assert served.app.state.runtime.config.server.max_body_bytes == 8192  # type: ignore[union-attr]
