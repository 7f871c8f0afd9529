"""The state store failing under the gateway: a full disk, an answer that cannot be kept,
files others could read (API.md sections 5 and 7)."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

from gateway.app import create_app
from gateway.config.text import load_config
from gateway.store import StoreDown
from gateway.store.local import LocalStore
from tests.conftest import CONFIG, client_for, sandbox_of

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["local", "redis"])
async def app(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Starlette]:
    if request.param == "local":
        state = "{backend: local}"
    else:
        url = request.getfixturevalue("redis").url
        state = f"{{backend: redis, url: '{url}', prefix: 's{uuid.uuid4().hex[:8]}:'}}"
    text = CONFIG.replace("  cursor_secret: test-cursor-secret\n", f"  state: {state}\n")
    path = tmp_path / "config.yaml"
    path.write_text(text.replace("max_body_bytes: 2048", "max_body_bytes: 65536"))
    made = create_app(load_config(path), config_path=path)
    async with made.router.lifespan_context(made):
        yield made


def customer() -> dict[str, str]:
    code = f"S{uuid.uuid4().hex[:8].upper()}"
    return {"code": code, "name": f"State Fault {code} B.V."}


def upstream_creates(app: Starlette) -> int:
    return sum(
        1 for c in sandbox_of(app).calls if c.method == "POST" and c.path.endswith("/customers")
    )


async def test_an_answer_the_store_cannot_keep_says_so_and_is_never_run_again(
    app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gateway.guarantees import idempotency

    store = app.state.runtime.store
    monkeypatch.setattr(idempotency, "KEEP_TRYING", 0.3)

    async def refused(*args: Any) -> None:
        raise StoreDown("state store unavailable (idempotency_put)")

    monkeypatch.setattr(store, "idempotency_put", refused)
    body, key = customer(), {"Idempotency-Key": f"nk-{uuid.uuid4().hex}"}
    async with client_for(app) as client:
        first = await client.post("/v1/customers", json=body, headers=key)
        assert first.status_code == 201 and first.headers["idempotent-kept"] == "false"
        monkeypatch.undo()
        again = await client.post("/v1/customers", json=body, headers=key)
    assert again.status_code == 409, again.text
    assert "outcome is unknown" in again.json()["error"]["message"]
    assert upstream_creates(app) == 1


async def test_a_claim_the_store_cannot_make_durable_is_503_before_any_write(
    app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = app.state.runtime.store

    async def refused(*args: Any) -> bool:
        raise StoreDown("state store unavailable (idempotency_claim)")

    monkeypatch.setattr(store, "idempotency_claim", refused)
    async with client_for(app) as client:
        answer = await client.post(
            "/v1/customers", json=customer(), headers={"Idempotency-Key": "durable-1"}
        )
    assert answer.status_code == 503 and answer.json()["error"]["code"] == "state_unavailable"
    assert upstream_creates(app) == 0


async def test_a_full_disk_refuses_keyed_writes_turns_readyz_down_and_counts_lost_audit(
    tmp_path: Path,
) -> None:
    text = CONFIG.replace("  cursor_secret: test-cursor-secret\n", "  state: {backend: local}\n")
    path = tmp_path / "config.yaml"
    path.write_text(text.replace("max_body_bytes: 2048", "max_body_bytes: 65536"))
    app = create_app(load_config(path), config_path=path)
    async with app.router.lifespan_context(app):
        store: LocalStore = app.state.runtime.store
        with store._lock:  # the real file made full: SQLite answers as on a full disk
            db = store._db
            db.execute("CREATE TABLE IF NOT EXISTS filler (x BLOB)")
            pages = db.execute("PRAGMA page_count").fetchone()[0]
            db.execute(f"PRAGMA max_page_count = {pages}")
            for fill in (
                "INSERT INTO filler VALUES (randomblob(512))",
                "INSERT INTO idempotency_keys VALUES"
                " (hex(randomblob(16)), 'f', 1, x'', '[]', 1e12)",
            ):
                with pytest.raises(sqlite3.OperationalError, match="full"):
                    while True:
                        db.execute(fill)
        async with client_for(app) as client:
            body, key = customer(), {"Idempotency-Key": "full-disk-1"}
            answers = [await client.post("/v1/customers", json=body, headers=key) for _ in "ab"]
            ready = (await client.get("/readyz")).json()
        await app.state.host.audit.flush(within=0.1)
        metrics = app.state.metrics.render().decode()
    assert [a.status_code for a in answers] == [503, 503]
    assert upstream_creates(app) == 0
    assert ready["state"] == "down"
    assert "gateway_state_errors_total" in metrics


async def test_state_files_are_private_whatever_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        store = LocalStore(tmp_path / "state" / "state.db")
        await store.value_set("x", "y")
    finally:
        os.umask(previous)
    for name in ("state.db", "state.db-wal", "state.db-shm", "state.db.lock"):
        mode = (tmp_path / "state" / name).stat().st_mode & 0o777
        assert mode == 0o600, (name, oct(mode))
    assert (tmp_path / "state").stat().st_mode & 0o777 == 0o700
    await store.aclose()
