"""A near link stops, and a shutdown ends, even when a cancellation is absorbed on the
way: Python 3.11's ``asyncio.timeout`` can turn a task's cancellation into a
``TimeoutError`` when its own deadline falls at the same moment, which the store
reports as ``StoreDown``, which the probe loop takes as a failed probe and goes on. A
full test run once hung for good in a shutdown waiting for such a probe loop."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from gateway.config.model import CacheConfig
from gateway.store.base import StoreDown
from gateway.store.redis import RedisStore
from tests.servers import RedisServer

pytestmark = pytest.mark.anyio


async def test_a_probe_that_absorbs_its_cancellation_still_lets_the_link_stop(
    redis: RedisServer,
) -> None:
    prefix = f"ns{uuid.uuid4().hex[:8]}:"
    store = RedisStore(redis.url, prefix=prefix, timeout=0.5)
    cache = store.response_cache("c", "ns", CacheConfig(ttl=60, stale_if_error=0))
    link = cache.near
    real = store.call_now
    absorbed: list[str] = []

    async def absorbing(operation: str, make: Callable[[], Awaitable[Any]]) -> Any:
        try:
            if operation == "near_probe":
                await asyncio.sleep(0.3)  # where the cancellation lands
            return await real(operation, make)
        except asyncio.CancelledError:  # as asyncio.timeout may in 3.11: not re-raised
            absorbed.append(operation)
            raise StoreDown(operation) from None

    store.call_now = absorbing  # type: ignore[method-assign]
    link.start()
    for _ in range(200):
        if link.subscribed:
            break
        await asyncio.sleep(0.02)
    assert link.subscribed
    await asyncio.sleep(0.2)  # a probe under way
    async with asyncio.timeout(10):
        await cache.aclose()
        await store.aclose()
    assert absorbed == ["near_probe"]  # the cancellation was absorbed, and yet it stopped
