"""The snapshot store's page and walk hold for pages of any size a scan hands them (a
page of contacts is every contact of 100 customers: thousands of records), on each
backend (SQLite, a real Redis)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gateway.store.base import Store
from gateway.store.local import LocalStore
from gateway.store.redis import RedisStore
from tests.conftest import shared_state

pytestmark = pytest.mark.anyio
RECORDS = 5000  # past what one Lua call can unpack (LUAI_MAXCSTACK 8000 values)


@pytest.fixture(params=["local", "redis"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    if request.param == "local":
        made: Store = LocalStore(tmp_path / "state.db")
    else:
        prefix = f"t{uuid.uuid4().hex[:8]}:"
        made = RedisStore(shared_state(request, "redis", prefix), prefix=prefix, timeout=5.0)
    yield made
    await made.aclose()


async def test_a_page_of_thousands_of_known_records_is_compared(store: Store) -> None:
    keys = [f"r{i}" for i in range(RECORDS)]
    entries = {key: f"entry-{key}" for key in keys}
    await store.snapshot_save("snap", dict(entries), {key: None for key in keys})

    taken, found = await store.snapshot_page("snap", keys, "scan-1")

    assert taken is True
    assert found == entries
    cursor, unseen = await store.snapshot_unseen("snap", "scan-1", None, 500)
    while cursor is not None:
        cursor, more = await store.snapshot_unseen("snap", "scan-1", cursor, 500)
        unseen += more
    assert unseen == []
