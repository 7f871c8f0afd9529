"""The read cache: hits, key partitions, invalidation, single flight, stale-if-error, ETags."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from starlette.applications import Starlette

from adapters.sandbox import Fault, Sandbox
from gateway.caching.cache import CacheStatus, ResponseCache
from kernel.errors import UpstreamError
from tests.conftest import OPS_KEY, client_for

pytestmark = pytest.mark.anyio
ONE = "/v1/customers/borderbolt:501"


def upstream_reads(sim: Sandbox, path: str = "/api/v1/customers/501") -> int:
    return sum(1 for c in sim.calls if c.method == "GET" and c.path == path)


async def test_miss_then_hit_without_an_upstream_call(
    client: httpx.AsyncClient, sim: Sandbox
) -> None:
    sim.calls.clear()
    first, second = await client.get(ONE), await client.get(ONE)
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("MISS", "HIT")
    assert first.json() == second.json() and first.headers["etag"] == second.headers["etag"]
    assert upstream_reads(sim) == 1


async def test_entries_are_partitioned_by_api_key(app: Starlette, sim: Sandbox) -> None:
    sim.calls.clear()
    async with client_for(app) as demo, client_for(app, key=OPS_KEY) as ops:
        assert (await demo.get(ONE)).headers["x-cache"] == "MISS"
        assert (await ops.get(ONE)).headers["x-cache"] == "MISS"
        assert (await ops.get(ONE)).headers["x-cache"] == "HIT"
    assert upstream_reads(sim) == 2


async def test_writes_invalidate_the_customer_its_lists_and_contacts(
    client: httpx.AsyncClient,
) -> None:
    lists = "/v1/customers?sort=code&limit=5"
    contacts = "/v1/customers/borderbolt:501/contacts"
    for url in (ONE, lists, contacts):
        await client.get(url)
        assert (await client.get(url)).headers["x-cache"] == "HIT"
    await client.patch(ONE, json={"name": "Renamed B.V."})
    after = await client.get(ONE)
    assert after.headers["x-cache"] == "MISS" and after.json()["name"] == "Renamed B.V."
    assert (await client.get(lists)).headers["x-cache"] == "MISS"
    # Contacts share the customer's tag: a customer write drops them too (safe, if eager).
    assert (await client.get(contacts)).headers["x-cache"] == "MISS"
    await client.post(contacts, json={"name": "New Person"})
    refreshed = await client.get(contacts)
    assert refreshed.headers["x-cache"] == "MISS" and refreshed.json()["meta"]["total"] == 2
    await client.get("/v1/customers/borderbolt:502")
    await client.post("/v1/customers", json={"code": "C-NEW", "name": "Other"})
    assert (await client.get(lists)).headers["x-cache"] == "MISS"
    assert (await client.get("/v1/customers/borderbolt:502")).headers["x-cache"] == "HIT"


async def test_a_failed_write_still_invalidates(client: httpx.AsyncClient, sim: Sandbox) -> None:
    await client.get(ONE)
    sim.faults.add(Fault(status=503, method="PUT"))
    assert (await client.patch(ONE, json={"name": "Maybe"})).status_code == 502
    assert (await client.get(ONE)).headers["x-cache"] == "MISS"


async def test_concurrent_identical_misses_make_one_upstream_call(
    client: httpx.AsyncClient, sim: Sandbox
) -> None:
    sim.calls.clear()
    sim.faults.add(Fault(latency=0.1, path_prefix="/api/v1/customers/501"))
    responses = await asyncio.gather(*(client.get(ONE) for _ in range(10)))
    assert {r.status_code for r in responses} == {200}
    assert sorted(r.headers["x-cache"] for r in responses) == ["HIT"] * 9 + ["MISS"]
    assert upstream_reads(sim) == 1


async def test_no_cache_bypasses_and_refreshes(client: httpx.AsyncClient, sim: Sandbox) -> None:
    sim.calls.clear()
    await client.get(ONE)
    bypass = await client.get(ONE, headers={"Cache-Control": "no-cache"})
    assert bypass.headers["x-cache"] == "BYPASS" and upstream_reads(sim) == 2
    assert (await client.get(ONE)).headers["x-cache"] == "HIT"


async def test_stale_if_error(app: Starlette, sim: Sandbox) -> None:
    now = [0.0]
    connection = app.state.runtime.connections["borderbolt"]
    connection.cache = ResponseCache(ttl=30, stale_if_error=300, clock=lambda: now[0])
    async with client_for(app) as client:
        fresh = await client.get(ONE)
        now[0] = 31.0
        sim.faults.add(Fault(status=503, times=3))
        stale = await client.get(ONE)
        assert stale.status_code == 200 and stale.headers["x-cache"] == "STALE"
        assert stale.json() == fresh.json()
        now[0] = 400.0
        sim.faults.add(Fault(status=503, times=3))
        late = await client.get(ONE)  # beyond the stale window: the error itself
        assert late.status_code in (502, 503)  # 503 once the breaker has opened


async def test_errors_are_not_cached(client: httpx.AsyncClient, sim: Sandbox) -> None:
    sim.calls.clear()
    for _ in range(2):
        assert (await client.get("/v1/customers/borderbolt:999999")).status_code == 404
    assert upstream_reads(sim, "/api/v1/customers/999999") == 2


@pytest.mark.parametrize("url", [ONE, "/v1/customers?limit=3", "/v1/items/borderbolt:801"])
async def test_etag_and_if_none_match(client: httpx.AsyncClient, url: str) -> None:
    first = await client.get(url)
    etag = first.headers["etag"]
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = await client.get(url, headers={"If-None-Match": header})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert (await client.get(url, headers={"If-None-Match": '"other"'})).status_code == 200


async def test_ttl_zero_disables_caching_but_keeps_etags(app: Starlette, sim: Sandbox) -> None:
    app.state.runtime.connections["borderbolt"].cache = ResponseCache(ttl=0, stale_if_error=0)
    sim.calls.clear()
    async with client_for(app) as client:
        first, second = await client.get(ONE), await client.get(ONE)
        assert second.headers["x-cache"] == "BYPASS" and upstream_reads(sim) == 2
        not_modified = await client.get(ONE, headers={"If-None-Match": first.headers["etag"]})
        assert not_modified.status_code == 304


async def test_a_fill_racing_a_write_is_not_kept() -> None:
    cache = ResponseCache(ttl=60, stale_if_error=0)
    started, release = asyncio.Event(), asyncio.Event()

    async def slow() -> bytes:
        started.set()
        await release.wait()
        return b"old"

    fill = asyncio.create_task(cache.get(("k",), ["customer:1"], slow))
    await started.wait()
    cache.invalidate(["customer:1"])  # a write lands while the read is in flight
    release.set()
    assert (await fill)[1] is CacheStatus.MISS

    async def fresh() -> bytes:
        return b"new"

    entry, status = await cache.get(("k",), ["customer:1"], fresh)
    assert (entry.body, status) == (b"new", CacheStatus.MISS)


async def test_waiters_share_the_leaders_failure() -> None:
    cache = ResponseCache(ttl=60, stale_if_error=0)
    gate = asyncio.Event()

    async def failing() -> bytes:
        await gate.wait()
        raise UpstreamError("down")

    tasks = [asyncio.create_task(cache.get(("k",), [], failing)) for _ in range(3)]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, UpstreamError) for r in results)


async def test_stale_entry_answers_while_the_circuit_is_open(app: Starlette, sim: Sandbox) -> None:
    now = [0.0]
    connection = app.state.runtime.connections["borderbolt"]
    connection.cache = ResponseCache(ttl=30, stale_if_error=300, clock=lambda: now[0])
    async with client_for(app) as client:
        await client.get(ONE)
        for _ in range(connection.config.circuit_breaker.failures):
            connection.adapter.upstream.breaker.record_failure()
        now[0] = 60.0
        sim.calls.clear()
        stale = await client.get(ONE)
    assert stale.status_code == 200 and stale.headers["x-cache"] == "STALE"
    assert list(sim.calls) == []
