"""Change detection on HubSpot (API.md section 9): companies and contacts changed in
HubSpot's own UI (the simulator's console) are reported by the poller exactly once,
on each state backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from starlette.applications import Starlette

from adapters.hubspot.simulator import HubSpotSimulator
from gateway.app import shutdown
from tests.adapters.hubspot.conftest import CONFIG, gateway_app
from tests.conftest import client_for, sandbox_of

pytestmark = pytest.mark.anyio


@pytest.fixture
async def polled(state_backend: tuple[str, str]) -> AsyncIterator[Starlette]:
    _, state = state_backend
    text = CONFIG.replace("server:\n", f"server:\n  state: {state}\n", 1)
    app = gateway_app(text)
    yield app
    await shutdown(app)


async def scan(app: Starlette) -> None:
    assert await app.state.host.pollers.scan_now("hubspot") is True


async def events(app: Starlette) -> list[tuple[str, str, Any]]:
    found: list[tuple[str, str, Any]] = []
    async with client_for(app) as client:
        cursor = None
        while True:
            sent = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            page = (await client.get("/v1/events", params=sent)).json()
            found += [(e["type"], e["resource_id"], e["changed_fields"]) for e in page["data"]]
            cursor = page["meta"]["next_cursor"]
            if not page["data"]:
                return found


async def test_changes_in_hubspot_are_reported_once(polled: Starlette) -> None:
    simulator = sandbox_of(polled, "hubspot").simulator
    assert isinstance(simulator, HubSpotSimulator)
    console = simulator.console
    await scan(polled)
    assert await events(polled) == []  # the first scan is the baseline
    kind = simulator.account.companies.kind
    doomed = next(i for i in simulator.account.companies if simulator.account.associated(kind, i))
    contacts_of_doomed = [c for c, _ in simulator.account.associated(kind, doomed)]
    console.update("customer", "9001", {"name": "Renamed in HubSpot", "city": "Leiden"})
    made = console.create("customer", {"name": "Made in HubSpot"})
    console.delete("customer", doomed)
    console.update("contact", "101", {"jobtitle": "Chief Customer Officer"})
    await scan(polled)
    found = await events(polled)
    assert sorted(found, key=str) == sorted(
        [
            ("customer.updated", "hubspot:9001", ["billing_address", "name"]),
            ("customer.created", f"hubspot:{made}", None),
            ("customer.deleted", f"hubspot:{doomed}", None),
            ("contact.updated", "hubspot:101", ["title"]),
            *[("contact.deleted", f"hubspot:{c}", None) for c in contacts_of_doomed],
        ],
        key=str,
    )
    await scan(polled)
    assert await events(polled) == found  # reported once, not again
