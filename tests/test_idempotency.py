"""Idempotency-Key on POST: replays, conflicts, concurrency, what is kept, expiry."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import Response

from adapters.sandbox import Fault, Sandbox
from gateway.guarantees import idempotency
from gateway.guarantees.idempotency import IdempotencyStore, fingerprint
from kernel.errors import Conflict, ValidationFailed
from tests.conftest import client_for

pytestmark = pytest.mark.anyio
CONTACTS = "/v1/customers/borderbolt:501/contacts"


def posts(sim: Sandbox, path: str) -> int:
    return sum(1 for c in sim.calls if c.method == "POST" and c.path == path)


async def test_same_key_and_body_replays_without_a_second_write(
    client: httpx.AsyncClient, sim: Sandbox
) -> None:
    sim.calls.clear()
    headers = {"Idempotency-Key": "order-7"}
    first = await client.post(
        "/v1/customers", json={"code": "IDEM-1", "name": "Once"}, headers=headers
    )
    second = await client.post(
        "/v1/customers", json={"name": "Once", "code": "IDEM-1"}, headers=headers
    )
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json() and second.headers["idempotent-replayed"] == "true"
    assert second.headers["location"] == first.headers["location"]
    assert "idempotent-replayed" not in first.headers
    assert posts(sim, "/api/v1/customers") == 1


async def test_same_key_other_request_is_422(client: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": "k-1"}
    await client.post(CONTACTS, json={"name": "A"}, headers=headers)
    other_body = await client.post(CONTACTS, json={"name": "B"}, headers=headers)
    other_path = await client.post(
        "/v1/customers/borderbolt:502/contacts", json={"name": "A"}, headers=headers
    )
    for response in (other_body, other_path):
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["field"] == "Idempotency-Key"


async def test_concurrent_duplicates_make_one_write(
    client: httpx.AsyncClient, sim: Sandbox
) -> None:
    sim.calls.clear()
    sim.faults.add(Fault(latency=0.1, method="POST"))
    headers = {"Idempotency-Key": "twice-at-once"}
    first, second = await asyncio.gather(
        client.post(CONTACTS, json={"name": "Racer"}, headers=headers),
        client.post(CONTACTS, json={"name": "Racer"}, headers=headers),
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert posts(sim, "/api/v1/customers/501/contacts") == 1


async def test_keys_are_per_api_key(app: Starlette, sim: Sandbox) -> None:
    sim.calls.clear()
    async with client_for(app) as demo, client_for(app, key="writer2-key") as other:
        await demo.post(CONTACTS, json={"name": "Same"}, headers={"Idempotency-Key": "shared"})
        response = await other.post(
            CONTACTS, json={"name": "Same"}, headers={"Idempotency-Key": "shared"}
        )
    assert response.status_code == 201 and "idempotent-replayed" not in response.headers
    assert posts(sim, "/api/v1/customers/501/contacts") == 2


async def test_refusals_are_not_kept_but_unknown_outcomes_are(
    client: httpx.AsyncClient, sim: Sandbox
) -> None:
    headers = {"Idempotency-Key": "fix-and-retry"}
    refused = await client.post(CONTACTS, json={"email": "no-name@example.com"}, headers=headers)
    assert refused.status_code == 422
    fixed = await client.post(CONTACTS, json={"name": "Named"}, headers=headers)
    assert fixed.status_code == 201  # the refusal was not kept: the key was still free
    sim.calls.clear()
    sim.faults.add(Fault(status=503, method="POST"))
    headers = {"Idempotency-Key": "unknown-outcome"}
    failed = await client.post(CONTACTS, json={"name": "Maybe"}, headers=headers)
    replay = await client.post(CONTACTS, json={"name": "Maybe"}, headers=headers)
    assert failed.status_code == replay.status_code == 502
    assert replay.headers["idempotent-replayed"] == "true"
    assert posts(sim, "/api/v1/customers/501/contacts") == 1  # never sent twice


async def test_the_key_must_be_sane(client: httpx.AsyncClient) -> None:
    for key in ("", "x" * 256, "has space"):
        response = await client.post(CONTACTS, json={"name": "A"}, headers={"Idempotency-Key": key})
        assert response.status_code == 400


async def test_answers_expire_after_a_day() -> None:
    now = [0.0]
    store = IdempotencyStore(clock=lambda: now[0])
    runs = []

    async def produce() -> Response:
        runs.append(1)
        return Response(b"{}", status_code=201)

    await store.run(("id", "k"), "fp", produce)
    await store.run(("id", "k"), "fp", produce)
    now[0] = 24 * 3600 + 1
    await store.run(("id", "k"), "fp", produce)
    assert len(runs) == 2
    with pytest.raises(ValidationFailed):
        await store.run(("id", "k"), "other", produce)


def test_fingerprint_ignores_json_formatting_only() -> None:
    a = fingerprint("POST", "/v1/x", json.dumps({"a": 1, "b": [1, 2]}).encode())
    b = fingerprint("POST", "/v1/x", b'{ "b": [1,2],  "a": 1 }')
    assert a == b
    assert a != fingerprint("POST", "/v1/y", b'{"a": 1, "b": [1, 2]}')
    assert a != fingerprint("POST", "/v1/x", b'{"a": 2, "b": [1, 2]}')


async def test_a_duplicate_waits_at_most_wait_seconds_in_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """API.md: a duplicate is answered "at the latest after 10 s". Two duplicates wait
    on a first that ends refused (its claim released); one of them claims the key and
    runs long, and the other, which had already waited, must not wait ``WAIT`` again."""
    monkeypatch.setattr(idempotency, "WAIT", 1.0)
    store = IdempotencyStore()
    released = asyncio.Event()

    async def refused() -> Response:
        await released.wait()
        return Response(b"{}", status_code=503)  # not kept: the claim is released

    async def slow() -> Response:
        await asyncio.sleep(5)
        return Response(b"{}", status_code=201)

    first = asyncio.create_task(store.run(("id", "k"), "fp", refused))
    await asyncio.sleep(0.05)
    began = time.monotonic()
    duplicates = [asyncio.create_task(store.run(("id", "k"), "fp", slow)) for _ in range(2)]
    await asyncio.sleep(0.6)
    released.set()
    done, running = await asyncio.wait(duplicates, return_when=asyncio.FIRST_COMPLETED)
    took = time.monotonic() - began
    for task in running:
        task.cancel()
    assert (await first).status_code == 503
    (answered,) = done
    with pytest.raises(Conflict):
        answered.result()
    assert took < 1.3, f"the duplicate waited {took:.1f} s, more than WAIT (1 s) in all"
