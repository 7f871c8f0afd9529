"""A config change that removes or renames a connection stops its near link
(gateway/store/near_sync.py): its listen and probe tasks end and its pub/sub connection
to Redis is closed, instead of running until the process stops. A real Redis."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import pytest
import redis as sync_redis

from gateway.store.near_sync import NearLink
from tests.conftest import app_on_file, client_for, config_file_in

pytestmark = pytest.mark.anyio


def _config(state: str, names: list[str], ttl: float = 30) -> str:
    connections = "".join(
        f"""
  {name}:
    adapter: crm
    base_url: "sandbox:"
    auth: {{type: bearer, token: crm-upstream-token}}
    cache: {{ttl: {ttl}}}"""
        for name in names
    )
    return f"""
server:
  state: {state}
api_keys:
  - {{name: admin, key: admin-key, scopes: [admin]}}
connections:{connections}
"""


async def _subscribed(link: NearLink) -> None:
    link.start()
    for _ in range(500):
        if link.usable():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the near link never became usable")


def _listeners(server: sync_redis.Redis, link: NearLink) -> int:
    [(_, count)] = server.pubsub_numsub(link.channel)
    return int(count)


async def test_a_connection_removed_or_renamed_by_a_reload_stops_its_near_link(
    redis: Any, tmp_path: Path
) -> None:
    prefix = f"r{uuid.uuid4().hex[:8]}:"
    state = f"{{backend: redis, url: '{redis.url}', prefix: '{prefix}'}}"
    path = config_file_in(tmp_path, _config(state, ["crm", "gone"]))
    server = sync_redis.Redis.from_url(redis.url)
    async with app_on_file(path) as app:
        connections = app.state.runtime.connections
        kept, gone = connections["crm"].cache.near, connections["gone"].cache.near
        await _subscribed(kept)
        await _subscribed(gone)
        assert _listeners(server, kept) == 1 and _listeners(server, gone) == 1
        tasks, before = list(gone._running), app.state.runtime

        # "gone" renamed to "renamed": a new link under the new name, the old one stops;
        # "crm" changed: rebuilt, its new read cache takes over the same link
        path.write_text(_config(state, ["crm", "renamed"], ttl=60))
        async with client_for(app, "admin-key") as admin:
            reloaded = await admin.post("/admin/reload")
        assert reloaded.status_code == 200, reloaded.text
        assert app.state.runtime.connections["crm"] is not before.connections["crm"]
        for _ in range(250):
            closed = not before._leftovers and not before._closing
            if closed and all(task.done() for task in tasks) and _listeners(server, gone) == 0:
                break
            await asyncio.sleep(0.02)
        assert all(task.done() for task in tasks)
        assert _listeners(server, gone) == 0  # its pub/sub connection is closed
        assert "gone" not in app.state.runtime.store.near.links
        gone.start()  # a stopped link stays stopped
        assert not gone._running

        # the connection still configured keeps its link, listening as before
        assert app.state.runtime.connections["crm"].cache.near is kept
        assert kept.usable() and _listeners(server, kept) == 1
        renamed = app.state.runtime.connections["renamed"].cache.near
        await _subscribed(renamed)
        assert _listeners(server, renamed) == 1
    server.close()
