"""Change detection by polling (API.md section 9): records changed behind the gateway's
back, in the simulator as an upstream user would, are reported exactly once."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from adapters.sandbox import Fault, Sandbox
from gateway.app import create_app, shutdown
from gateway.changes import poller
from gateway.config.text import parse_config
from tests.conftest import CONFIG, client_for, sandbox_of

pytestmark = pytest.mark.anyio
POLLED = {
    "borderbolt": "changes: {poll_every: 3600}",
    "crm": "changes: {poll_every: 3600, resources: [customers]}",
    "shop": "changes: {poll_every: 3600, resources: [customers]}",
    "shop9": "changes: {poll_every: 3600}",
}


def polled_config(extra: dict[str, str] = POLLED) -> str:
    text = CONFIG
    for name, line in extra.items():
        marker = f"  {name}:\n"
        head, _, tail = text.partition(marker)
        text = f"{head}{marker}    {line}\n{tail}"
    return text


@pytest.fixture
async def app() -> AsyncIterator[Starlette]:
    app = create_app(parse_config(polled_config()))
    yield app
    await app.state.runtime.aclose()


@pytest.fixture
async def stateful_app(state_backend: tuple[str, str]) -> AsyncIterator[Starlette]:
    """The polled app on each state backend (a SQLite file, a real Redis)."""
    _, state = state_backend
    text = polled_config().replace(
        "  cursor_secret: test-cursor-secret\n",
        f"  cursor_secret: test-cursor-secret\n  state: {state}\n",
    )
    app = create_app(parse_config(text))
    yield app
    await shutdown(app)


async def scan(app: Starlette, connection: str = "borderbolt") -> bool:
    ok: bool = await app.state.host.pollers.scan_now(connection)
    return ok


async def events(app: Starlette, **params: Any) -> list[dict[str, Any]]:
    """Every event so far (the admin reads them with a reader key)."""
    found: list[dict[str, Any]] = []
    async with client_for(app) as client:
        cursor = None
        while True:
            sent = {**params, "limit": 100, **({"cursor": cursor} if cursor else {})}
            page = (await client.get("/v1/events", params=sent)).json()
            found += page["data"]
            cursor = page["meta"]["next_cursor"]
            if not page["data"]:
                return found


def summary(found: list[dict[str, Any]]) -> list[tuple[str, str, Any]]:
    return [(e["type"], e["resource_id"], e["changed_fields"]) for e in found]


async def test_the_first_scan_is_a_baseline_and_reports_nothing(app: Starlette) -> None:
    assert await scan(app) is True
    assert await events(app) == []
    assert await scan(app) is True  # nothing changed since
    assert await events(app) == []


async def test_changes_behind_the_gateways_back_are_reported_once(app: Starlette) -> None:
    sim: Sandbox = sandbox_of(app)
    console = sim.console
    assert console is not None
    await scan(app)
    contacts_of_502 = [
        i
        for i, c in sim.simulator.contacts.items()  # type: ignore[attr-defined]
        if c["customer_masterdata_id"] == 502
    ]
    console.update("customer", 501, {"customer_name": "Renamed Behind The Back B.V."})
    record = copy.deepcopy(sim.simulator.customers[503])  # type: ignore[attr-defined]
    new_id = console.create("customer", {**record, "customer_code": "UI-MADE"})
    console.delete("customer", 502)
    console.update("contact", 1001, {"position": "Head of Customs"})
    console.update("item", 801, {"description": "Renamed in the item master"})
    assert await scan(app) is True
    found = summary(await events(app))
    assert sorted(found, key=str) == sorted(
        [
            ("customer.updated", "borderbolt:501", ["name"]),
            ("customer.created", f"borderbolt:{new_id}", None),
            ("customer.deleted", "borderbolt:502", None),
            ("contact.updated", "borderbolt:1001", ["title"]),
            *[("contact.deleted", f"borderbolt:{i}", None) for i in contacts_of_502],
            *[("contact.created", c["id"], None) for c in await _contacts_of(app, new_id)],
            ("item.updated", "borderbolt:801", ["description"]),
        ],
        key=str,
    )
    everything = await events(app)
    assert {e["source"] for e in everything} == {"poll"}
    renamed = next(e for e in everything if e["resource_id"] == "borderbolt:501")
    assert renamed["data"]["name"] == "Renamed Behind The Back B.V."
    assert await scan(app) is True
    assert len(await events(app)) == len(everything)  # reported once, not again


async def _contacts_of(app: Starlette, customer: int) -> list[dict[str, Any]]:
    async with client_for(app) as client:
        answer = await client.get(f"/v1/customers/borderbolt:{customer}/contacts")
        data: list[dict[str, Any]] = answer.json()["data"]
        return data


async def test_a_change_made_through_the_gateway_is_not_reported_again(
    app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the next scan starts well after the writes: no allowance for clock skew between
    # instances hides a difference between the write's entry and the list row
    monkeypatch.setattr(poller, "CLOCK_SKEW", -1.0)
    await scan(app)
    contacts = sandbox_of(app).simulator.contacts  # type: ignore[attr-defined]
    of_504 = [i for i, c in contacts.items() if c["customer_masterdata_id"] == 504]
    async with client_for(app) as client:
        await client.patch("/v1/customers/borderbolt:501", json={"name": "Through The Gateway"})
        await client.delete("/v1/customers/borderbolt:504")
        made = await client.post("/v1/customers", json={"code": "GW-MADE", "name": "GW B.V."})
        assert made.status_code == 201
        item = await client.patch("/v1/items/borderbolt:801", json={"description": "Via GW"})
        assert item.status_code == 200
    before = summary(await events(app))
    assert [t for t, _, _ in before] == [
        "customer.updated",
        "customer.deleted",
        "customer.created",
        "item.updated",
    ]
    assert await scan(app) is True
    # only what the gateway did not report: the upstream deleted 504's contacts with it
    cascade = [("contact.deleted", f"borderbolt:{i}", None) for i in of_504]
    assert of_504 and summary(await events(app)) == before + cascade


async def test_an_upstream_edit_just_before_a_gateway_write_is_still_reported(
    stateful_app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Renamed in BorderBolt's own UI, then the EORI number patched through the gateway
    before the next scan: the write reports the EORI number, the scan the rename."""
    app = stateful_app
    monkeypatch.setattr(poller, "CLOCK_SKEW", -1.0)
    console = sandbox_of(app).console
    assert console is not None
    await scan(app)
    console.update("customer", 501, {"customer_name": "Renamed In BorderBolt B.V."})
    async with client_for(app) as client:
        patched = await client.patch(
            "/v1/customers/borderbolt:501", json={"eori_number": "NL000000000099"}
        )
    assert patched.status_code == 200
    assert await scan(app) is True
    found = await events(app)
    assert [(e["source"], e["changed_fields"]) for e in found] == [
        ("gateway", ["eori_number"]),
        ("poll", ["name"]),
    ]
    assert found[1]["data"]["name"] == "Renamed In BorderBolt B.V."
    assert found[1]["data"]["eori_number"] == "NL000000000099"
    assert await scan(app) is True
    assert len(await events(app)) == 2  # each change once


async def test_a_record_made_in_the_upstream_and_then_patched_is_reported_created(
    app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snapshot has no entry for it: the gateway's write does not make one up, so
    the next scan reports the record the upstream's UI created."""
    monkeypatch.setattr(poller, "CLOCK_SKEW", -1.0)
    sim = sandbox_of(app)
    assert sim.console is not None
    await scan(app)
    record = copy.deepcopy(sim.simulator.customers[503])  # type: ignore[attr-defined]
    made = sim.console.create("customer", {**record, "customer_code": "UI-THEN-GW"})
    async with client_for(app) as client:
        patched = await client.patch(f"/v1/customers/borderbolt:{made}", json={"name": "GW"})
    assert patched.status_code == 200
    assert await scan(app) is True
    found = await events(app, resource_id=f"borderbolt:{made}")
    assert [(e["type"], e["source"]) for e in found] == [
        ("customer.updated", "gateway"),
        ("customer.created", "poll"),
    ]
    assert found[1]["data"]["name"] == "GW"


@pytest.mark.parametrize("connection", ["shop", "shop9"])
async def test_a_gateway_write_is_reported_once_with_only_what_it_changed(
    app: Starlette, monkeypatch: pytest.MonkeyPatch, connection: str
) -> None:
    """Inventorum's write answers carry total_sales, its list rows and single reads do
    not: neither the event nor the next scan may take that for a change."""
    monkeypatch.setattr(poller, "CLOCK_SKEW", -1.0)
    await scan(app, connection)
    async with client_for(app) as client:
        patched = await client.patch(
            f"/v1/customers/{connection}:196907", json={"email": "new@example.de"}
        )
    assert patched.status_code == 200 and "total_sales" in patched.json()["extra"]
    assert await scan(app, connection) is True
    found = await events(app, connection=connection)
    assert summary(found) == [("customer.updated", f"{connection}:196907", ["email"])]
    assert found[0]["source"] == "gateway"


async def test_a_failed_scan_reports_no_deletion_and_the_next_one_does(app: Starlette) -> None:
    sim = sandbox_of(app)
    assert sim.console is not None
    await scan(app)
    sim.console.delete("customer", 505)
    sim.faults.add(Fault(status=500, method="GET", path_prefix="/api/v1/customers", times=50))
    assert await scan(app) is False
    assert await events(app) == []
    sim.faults.clear()
    assert await scan(app) is True
    assert ("customer.deleted", "borderbolt:505", None) in summary(await events(app))
    scraped = app.state.metrics.render().decode()
    assert 'gateway_poll_scans_total{connection="borderbolt",outcome="failed"} 1.0' in scraped
    assert 'gateway_poll_scans_total{connection="borderbolt",outcome="ok"} 2.0' in scraped


async def test_a_row_missing_from_a_scan_is_read_again_before_it_is_called_deleted(
    app: Starlette,
) -> None:
    sim = sandbox_of(app)
    await scan(app)
    # the first page answers one row short, as when records move between pages mid-scan
    page, missing = await _first_page_without_one(sim)
    sim.faults.add(Fault(status=200, body=page, method="GET", path_prefix="/api/v1/customers"))
    sim.calls.clear()
    assert await scan(app) is True
    assert [e for e in await events(app) if e["type"] == "customer.deleted"] == []
    assert f"/api/v1/customers/{missing}" in [c.path for c in sim.calls]  # read once more


async def _first_page_without_one(sim: Sandbox) -> tuple[dict[str, Any], int]:
    """BorderBolt's first list page as a scan asks for it, less its first record."""
    transport = httpx.ASGITransport(app=sim)
    async with httpx.AsyncClient(transport=transport, base_url="http://sim") as client:
        answer = await client.get(
            "/api/v1/customers",
            params={"page": 1, "per_page": 100},
            headers={"Authorization": "Bearer bb-upstream-token"},
        )
    body: dict[str, Any] = answer.json()
    missing = body["data"].pop(0)["id"]
    return body, int(missing)


async def test_a_crm_deletion_in_its_own_ui_is_detected(app: Starlette) -> None:
    console = sandbox_of(app, "crm").console
    assert console is not None
    await scan(app, "crm")
    console.delete("customer", "cust_460")
    console.update("customer", "cust_461", {"phone": "+1 555 0100"})
    assert await scan(app, "crm") is True
    assert summary(await events(app, connection="crm")) == [
        ("customer.updated", "crm:cust_461", ["phone"]),
        ("customer.deleted", "crm:cust_460", None),
    ]


async def test_an_upstream_without_timestamps_is_compared_by_content(app: Starlette) -> None:
    sim = sandbox_of(app, "shop")
    assert sim.console is not None
    await scan(app, "shop")
    first = next(iter(sim.simulator.customers))  # type: ignore[attr-defined]
    sim.console.update("customer", first, {"customer_note": "noted at the till"})
    assert await scan(app, "shop") is True
    assert summary(await events(app, connection="shop")) == [
        ("customer.updated", f"shop:{first}", ["extra.customer_note"])
    ]


async def test_the_poll_loop_runs_on_schedule_under_a_lease(tmp_path: Any) -> None:
    config = parse_config(
        polled_config({"crm": "changes: {poll_every: 0.2, resources: [customers]}"})
    )
    app = create_app(config)
    pollers = app.state.host.pollers
    store = app.state.runtime.store
    await pollers.start()
    try:
        await _until(lambda: store.value_get("poll:crm"), "the baseline scan")
        console = sandbox_of(app, "crm").console
        console.update("customer", "cust_470", {"phone": "+1 555 0170"})
        await _until(lambda: events(app), "the poll event")
        assert summary(await events(app)) == [("customer.updated", "crm:cust_470", ["phone"])]
        assert not await store.lease("poll:crm", "another-instance", 5)  # held by this one
        schedule = json.loads(await store.value_get("poll:crm"))
        assert schedule["failures"] == 0 and schedule["next"] > time.time() - 1
    finally:
        await pollers.stop()
        await app.state.runtime.aclose()
    assert await store.lease("poll:crm", "another-instance", 5)  # released at stop


async def test_a_failing_upstream_backs_the_poller_off() -> None:
    config = parse_config(
        polled_config({"crm": "changes: {poll_every: 0.2, resources: [customers]}"})
    )
    app = create_app(config)
    sim = sandbox_of(app, "crm")
    sim.faults.add(Fault(status=503, method="GET", times=10_000))
    pollers, store = app.state.host.pollers, app.state.runtime.store
    await pollers.start()
    try:
        await _until(_failures(store, 2), "two failed scans")
        schedule = json.loads(await store.value_get("poll:crm"))
        assert schedule["ok"] is False
        assert schedule["next"] - time.time() > 0.2 * 2 ** schedule["failures"] * 0.5
    finally:
        await pollers.stop()
        await app.state.runtime.aclose()


def _failures(store: Any, count: int) -> Any:
    async def check() -> bool:
        raw = await store.value_get("poll:crm")
        return raw is not None and json.loads(raw)["failures"] >= count

    return check


async def test_a_scan_obeys_the_connections_rate_limit() -> None:
    line = (
        "changes: {poll_every: 3600, resources: [customers, items]}\n"
        "    rate_limit: {requests: 3, per: 1, max_wait: 5}"
    )
    app = create_app(parse_config(polled_config({"borderbolt": line})))
    sim = sandbox_of(app)
    sim.calls.clear()
    try:
        assert await scan(app) is True
        stamps = sorted(c.at for c in sim.calls)
        assert len(stamps) >= 6  # two pages of customers, four of items
        for i in range(len(stamps) - 3):
            assert stamps[i + 3] - stamps[i] >= 0.95  # never 4 calls within one second
    finally:
        await app.state.runtime.aclose()


async def _until(check: Any, what: str, deadline: float = 10.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {deadline} s")
