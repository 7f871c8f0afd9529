"""The poller compares page by page (gateway/changes/comparison.py): changes anywhere
in a list of many pages are each reported once, deletions are found by walking the
snapshot in the store in batches, and a baseline cut short leaves nothing behind; on
each state backend (a SQLite file, a real Redis)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from starlette.applications import Starlette

from adapters.sandbox import Fault
from gateway.changes import comparison, poller
from gateway.changes.writes import snapshot_name
from tests.conftest import sandbox_of
from tests.test_poller import events, scan, stateful_app, summary

pytestmark = pytest.mark.anyio
__all__ = ["stateful_app"]  # the fixture, used here


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of 10 records and walks of 7 entries: BorderBolt's 156 customers are 16
    pages, their snapshot 23 steps of the walk."""
    monkeypatch.setattr(poller, "PAGE", 10)
    monkeypatch.setattr(comparison, "UNSEEN_BATCH", 7)


def _contacts_of(sim: Any, customer: int) -> list[int]:
    return [i for i, c in sim.simulator.contacts.items() if c["customer_masterdata_id"] == customer]


async def test_changes_on_many_pages_are_each_reported_once(
    stateful_app: Starlette, small_pages: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = stateful_app
    sim = sandbox_of(app)
    console = sim.console
    assert console is not None

    def whole_snapshot(*args: Any) -> Any:
        raise AssertionError("a scan loaded a whole snapshot")

    monkeypatch.setattr(app.state.runtime.store, "snapshot_load", whole_snapshot)
    assert await scan(app) is True  # the baseline, page by page
    assert await events(app) == []
    gone = [503, 577, 640]  # spread over the pages (sorted by name)
    cascade = [c for customer in gone for c in _contacts_of(sim, customer)]
    console.update("customer", 501, {"customer_name": "First Page B.V."})
    console.update("customer", 650, {"customer_city": "Utrecht"})
    for customer in gone:
        console.delete("customer", customer)
    record = copy.deepcopy(sim.simulator.customers[504])  # type: ignore[attr-defined]
    made = console.create("customer", {**record, "customer_code": "MANY-PAGES"})
    assert await scan(app) is True
    found = summary(await events(app, type="customer.created,customer.updated,customer.deleted"))
    assert sorted(found, key=str) == sorted(
        [
            ("customer.updated", "borderbolt:501", ["name"]),
            ("customer.updated", "borderbolt:650", ["billing_address"]),
            ("customer.created", f"borderbolt:{made}", None),
            *[("customer.deleted", f"borderbolt:{c}", None) for c in gone],
        ],
        key=str,
    )
    deleted = [e for e in await events(app, type="contact.deleted")]
    assert sorted(e["resource_id"] for e in deleted) == sorted(f"borderbolt:{c}" for c in cascade)
    everything = await events(app)
    assert await scan(app) is True
    assert len(await events(app)) == len(everything)  # nothing again


async def test_a_baseline_cut_short_is_taken_again_and_leaves_no_stale_entry(
    stateful_app: Starlette, small_pages: None
) -> None:
    """The first scan fails on its fifth page: there is no baseline, so the next scan
    takes it, and the record deleted in between (whose entry the failed scan saved) is
    dropped quietly, never reported deleted."""
    app = stateful_app
    sim = sandbox_of(app)
    assert sim.console is not None
    customers = sim.simulator.customers  # type: ignore[attr-defined]
    first = min(customers.values(), key=lambda c: (c["customer_name"].lower(), c["id"]))["id"]
    connection = app.state.runtime.connections["borderbolt"]
    adapter = connection.adapter
    listed = adapter.list_customers
    pages = {"n": 0}

    async def failing_from_the_fifth_page(query: Any) -> Any:
        pages["n"] += 1
        if pages["n"] == 5:
            sim.faults.add(
                Fault(status=500, method="GET", path_prefix="/api/v1/customers", times=50)
            )
        return await listed(query)

    adapter.list_customers = failing_from_the_fifth_page
    assert await scan(app) is False
    sim.faults.clear()
    adapter.list_customers = listed
    store = app.state.runtime.store
    name = snapshot_name("borderbolt", connection.config, "customer")
    assert await store.snapshot_entry(name, str(first)) is not None  # saved on page 1
    sim.console.delete("customer", first)
    assert await scan(app) is True  # the baseline
    assert await events(app) == []
    sim.console.update("customer", 501, {"customer_name": "After The Baseline B.V."})
    assert await scan(app) is True
    assert summary(await events(app)) == [("customer.updated", "borderbolt:501", ["name"])]
    assert await store.snapshot_entry(name, str(first)) is None
