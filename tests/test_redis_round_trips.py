"""What a read costs in round trips to Redis, counted on each topology (standalone,
Sentinel, Cluster: real servers) through the gateway app: a miss (``Cache-Control:
no-cache``) is the fill alone once the near cache knows the generations, and a hit is
answered from memory. The figures behind bench/PROFILE.md's topology section."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from gateway.app import create_app, shutdown
from gateway.config.text import parse_config
from tests.conftest import CONFIG, SHARED, client_for, shared_state_text

pytestmark = pytest.mark.anyio
ONE = "/v1/customers/borderbolt:501"
READS = 20


async def calls_per_read(request: pytest.FixtureRequest, backend: str, miss: bool) -> Counter[str]:
    """Store calls (each one round trip) per read of ``ONE``, after warming up."""
    state = shared_state_text(request, backend, f"t{uuid.uuid4().hex[:8]}:")
    text = CONFIG.replace("  cursor_secret: test-cursor-secret\n", f"  state: {state}\n")
    app = create_app(parse_config(text, env={}))
    store, seen = app.state.runtime.store, Counter[str]()
    headers = {"Cache-Control": "no-cache"} if miss else {}
    try:
        async with client_for(app) as client:
            link = app.state.runtime.connections["borderbolt"].cache.near
            for _ in range(250):  # until the near cache is usable (a probe came back)
                await client.get(ONE)
                if link.usable():
                    break
                await asyncio.sleep(0.02)
            await client.get(ONE)
            real = store.call

            async def counted(operation: str, make: Callable[[], Awaitable[Any]]) -> Any:
                seen[operation] += 1
                return await real(operation, make)

            store.call = counted
            for _ in range(READS):
                answer = await client.get(ONE, headers=headers)
                assert answer.status_code == 200
    finally:
        await shutdown(app)
    return seen


@pytest.mark.parametrize("backend", SHARED)
async def test_a_miss_is_one_round_trip_and_a_hit_none(
    backend: str, request: pytest.FixtureRequest
) -> None:
    # A lease that lapses (a probe late on a loaded machine) sends a read to Redis
    # meanwhile: a few lookups are allowed; without the near cache every read makes one.
    misses = await calls_per_read(request, backend, miss=True)
    assert misses["cache_put"] == READS, misses  # the fill
    assert misses["cache_get"] <= READS // 4, misses
    # the shared breaker's state is read at most every 250 ms
    assert misses["breaker_get"] <= READS // 4, misses
    hits = await calls_per_read(request, backend, miss=False)
    assert hits["cache_get"] <= READS // 4 and hits["cache_put"] == 0, hits
