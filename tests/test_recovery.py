"""Deliveries an event's recording could not queue are put by recovery (gateway/changes/
recovery.py), on both backends: an event kept without its delivery gets it once,
under the id its recording would have given it; nothing is put twice, nor for an event
still being recorded, nor for a webhook that was not configured when it occurred."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

from gateway.changes.feed import ChangeFeed, delivery_id
from gateway.changes.recovery import SETTLE, Recovery
from gateway.config.model import Config
from gateway.config.text import parse_config
from gateway.store import Store
from tests.conftest import StoreFactory
from tests.test_webhooks import SECRET

pytestmark = pytest.mark.anyio
CONFIG = f"""\
api_keys:
  - {{name: demo, key: demo-key, scopes: [customers:read]}}
connections:
  bb: {{adapter: borderbolt, base_url: "sandbox:", auth: {{type: bearer, token: t}}}}
webhooks:
  - {{name: erp, url: "https://erp.example.test/hook", events: ["customer.*"], secret: "{SECRET}"}}
  - {{name: items, url: "https://items.example.test/hook", events: ["item.*"], secret: "{SECRET}"}}
"""


def config() -> Config:
    return parse_config(CONFIG)


async def append(store: Store, type_: str, at: float) -> dict[str, Any]:
    """An event kept as its recording keeps it, but without its deliveries (the store
    failed right after the append)."""
    occurred = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(at)) + ".000Z"
    event = {"type": type_, "connection": "bb", "resource_id": "bb:501", "occurred_at": occurred}
    event.update(source="gateway", data=None, changed_fields=None)
    position = await store.events_append(event, 3600)
    return {"id": f"evt_{position}", **event}


async def test_an_event_kept_without_its_delivery_gets_it_once(stores: StoreFactory) -> None:
    store = stores()
    feed = ChangeFeed(store, config)
    recovery = Recovery(feed)
    started = time.time() - 60
    assert await recovery.run_once(now=started) == 0  # first sight of the webhooks
    lost = await append(store, "customer.updated", started + 10)
    assert await recovery.run_once() == 1
    delivery = await store.delivery_get(delivery_id("erp", lost))
    assert delivery is not None
    assert (delivery["webhook"], delivery["event_id"], delivery["status"]) == (
        "erp",
        lost["id"],
        "pending",
    )
    assert json.loads(delivery["payload"]) == lost  # the event as /v1/events shows it
    assert await store.delivery_get(delivery_id("items", lost)) is None  # not its events
    # claimed by the worker like any other, and never put again
    [claimed] = await store.deliveries_claim(time.time(), 10, 5, "worker")
    assert claimed["id"] == delivery["id"]
    assert await Recovery(feed).run_once() == 0


async def test_a_recorded_event_keeps_its_one_delivery(stores: StoreFactory) -> None:
    store = stores()
    feed = ChangeFeed(store, config)
    recovery = Recovery(feed)
    await recovery.run_once(now=time.time() - 60)
    stored = await feed.record("customer.created", "bb", "bb:9", {"id": "bb:9"}, "gateway")
    [delivery] = await store.deliveries_page(None, 10, None)
    assert delivery["id"] == delivery_id("erp", stored)  # the id recovery would give it
    assert await recovery.run_once(now=time.time() + SETTLE + 1) == 0
    assert len(await store.deliveries_page(None, 10, None)) == 1


async def test_an_event_still_being_recorded_waits(stores: StoreFactory) -> None:
    store = stores()
    feed = ChangeFeed(store, config)
    recovery = Recovery(feed)
    await recovery.run_once(now=time.time() - 60)
    fresh = await append(store, "customer.deleted", time.time())
    assert await recovery.run_once() == 0  # younger than SETTLE: its recording may be on
    assert await recovery.run_once(now=time.time() + SETTLE + 1) == 1
    assert await store.delivery_get(delivery_id("erp", fresh)) is not None


async def test_events_before_a_webhook_was_configured_are_not_its(stores: StoreFactory) -> None:
    store = stores()
    await append(store, "customer.updated", time.time() - 30)
    recovery = Recovery(ChangeFeed(store, config))
    assert await recovery.run_once() == 0  # the webhooks are first seen now
    assert await store.deliveries_page(None, 10, None) == []
    # another instance taking over knows when they were first seen, and where it stopped
    later = await append(store, "customer.updated", time.time() + 1)
    assert await Recovery(ChangeFeed(store, config)).run_once(now=time.time() + 30) == 1
    assert await store.delivery_get(delivery_id("erp", later)) is not None


async def test_one_instance_recovers_at_a_time_and_hands_over_when_it_stops(
    stores: StoreFactory,
) -> None:
    one, two = Recovery(ChangeFeed(stores(), config)), Recovery(ChangeFeed(stores(), config))
    await one.start()
    await two.start()
    try:
        deadline = time.monotonic() + 5
        while not (one._held or two._held) and time.monotonic() < deadline:
            await _tick()
        assert one._held != two._held
        holder, other = (one, two) if one._held else (two, one)
        await holder.stop()
        assert holder.released == 1
        deadline = time.monotonic() + 3
        while not other._held and time.monotonic() < deadline:
            await _tick()
        assert other._held
    finally:
        await one.stop()
        await two.stop()


async def _tick() -> None:
    await asyncio.sleep(0.05)
