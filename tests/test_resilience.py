"""Retries and the circuit breaker, driven by the simulators' fault injection and respx."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
import stamina
from stamina.instrumentation import RetryDetails, set_on_retry_hooks

from adapters.sandbox import Fault, Sandbox
from gateway.app import create_app
from gateway.config.text import parse_config
from kernel.errors import UpstreamError, UpstreamUnavailable
from kernel.resilience import CircuitBreaker, CircuitState, RetryPolicy, Transient
from tests.conftest import CONFIG, client_for

pytestmark = pytest.mark.anyio
BASE = "https://bb.example.test/tenant/api/v1"


def calls(sim: Sandbox, method: str, path: str) -> int:
    return sum(1 for c in sim.calls if c.method == method and c.path == path)


async def test_a_get_is_retried_through_5xx(client: httpx.AsyncClient, sim: Sandbox) -> None:
    sim.calls.clear()
    sim.faults.add(Fault(status=503, times=2))
    assert (await client.get("/v1/customers/borderbolt:501")).status_code == 200
    assert calls(sim, "GET", "/api/v1/customers/501") == 3


async def test_a_get_gives_up_after_the_configured_attempts(
    client: httpx.AsyncClient, sim: Sandbox
) -> None:
    sim.calls.clear()
    sim.faults.add(Fault(status=500, times=5))
    response = await client.get("/v1/customers/borderbolt:501")
    assert response.status_code == 502 and response.json()["error"]["upstream_status"] == 500
    assert calls(sim, "GET", "/api/v1/customers/501") == 3


async def test_a_get_is_retried_through_drops_and_timeouts(app, sim: Sandbox) -> None:
    app.state.runtime.connections["borderbolt"].client.timeout = httpx.Timeout(0.05)
    sim.faults.add(Fault(drop=True))
    sim.faults.add(Fault(latency=0.3, path_prefix="/api/v1/customers/501"))
    async with client_for(app) as client:
        assert (await client.get("/v1/customers/borderbolt:501")).status_code == 200


@pytest.mark.parametrize(
    "fault",
    [
        Fault(status=503, method="POST"),
        Fault(drop=True, method="POST"),
        Fault(status=502, method="POST", body=b"<html>bad gateway</html>"),
    ],
)
async def test_a_write_that_may_have_reached_the_upstream_is_never_retried(
    client: httpx.AsyncClient, sim: Sandbox, fault: Fault
) -> None:
    sim.calls.clear()
    sim.faults.add(fault)
    response = await client.post("/v1/customers", json={"code": "NR-1", "name": "Not retried"})
    assert response.status_code == 502
    assert calls(sim, "POST", "/api/v1/customers") == 1


async def test_a_patch_is_not_retried_either(client: httpx.AsyncClient, sim: Sandbox) -> None:
    sim.calls.clear()
    sim.faults.add(Fault(status=503, method="PUT", times=3))
    assert (
        await client.patch("/v1/customers/borderbolt:501", json={"name": "X"})
    ).status_code == 502
    assert calls(sim, "PUT", "/api/v1/customers/501") == 1


async def test_a_write_that_never_connected_is_retried(
    upstream_mock, client: httpx.AsyncClient, fixture_payload
) -> None:
    post = upstream_mock.post(f"{BASE}/customers").mock(
        side_effect=[
            httpx.ConnectError("refused"),
            httpx.Response(201, json=fixture_payload("create_customer_response")),
        ]
    )
    upstream_mock.get(f"{BASE}/customers/502").respond(json=fixture_payload("get_customer"))
    response = await client.post(
        "/v1/customers",
        json={"code": "CUST002", "name": "New Customer B.V."},
        headers={"X-Connection": "remote"},
    )
    assert response.status_code == 201 and post.call_count == 2


async def test_429_waits_for_retry_after(client: httpx.AsyncClient, sim: Sandbox) -> None:
    seen: list[float] = []

    def hook(details: RetryDetails) -> None:
        seen.append(details.wait_for)

    sim.faults.add(
        Fault(status=429, headers={"Retry-After": "1"}, body={"message": "Too Many Attempts."})
    )
    set_on_retry_hooks([hook])
    try:
        with stamina.set_testing(False):
            started = time.monotonic()
            response = await client.get("/v1/customers/borderbolt:501")
            elapsed = time.monotonic() - started
    finally:
        set_on_retry_hooks(None)
    assert response.status_code == 200
    assert seen == [1.0] and elapsed >= 1.0


async def test_429_with_a_long_retry_after_is_passed_on_at_once(
    client: httpx.AsyncClient, sim: Sandbox
) -> None:
    sim.calls.clear()
    sim.faults.add(Fault(status=429, headers={"Retry-After": "60"}, body={}))
    response = await client.get("/v1/customers/borderbolt:501")
    assert response.status_code == 429 and response.headers["retry-after"] == "60"
    assert calls(sim, "GET", "/api/v1/customers/501") == 1


def test_retry_policy_decisions() -> None:
    policy = RetryPolicy(max_retry_after=5)
    error = UpstreamError("x")
    assert policy.backoff(Transient(error, method="POST", reached=False)) is True
    assert policy.backoff(Transient(error, method="POST", reached=True)) is False
    assert policy.backoff(Transient(error, method="DELETE", reached=True)) is False
    assert policy.backoff(Transient(error, method="GET", reached=True)) is True
    assert policy.backoff(Transient(error, method="GET", reached=True, retry_after=3)) == 3
    assert policy.backoff(Transient(error, method="GET", reached=True, retry_after=30)) is False
    assert policy.backoff(ValueError("not ours")) is False


# -- the circuit breaker --------------------------------------------------------------


def test_breaker_states_with_a_clock() -> None:
    now = [0.0]
    breaker = CircuitBreaker("c", failures=2, reset_after=10, clock=lambda: now[0])
    breaker.before_call()
    breaker.record_failure()
    breaker.record_success()  # a success resets the count
    for _ in range(2):
        breaker.before_call()
        breaker.record_failure()
    assert breaker.state is CircuitState.OPEN
    with pytest.raises(UpstreamUnavailable) as caught:
        breaker.before_call()
    assert caught.value.headers == {"Retry-After": "10"}
    now[0] = 10.0
    assert breaker.state is CircuitState.HALF_OPEN
    breaker.before_call()  # the one trial
    with pytest.raises(UpstreamUnavailable):
        breaker.before_call()  # no second trial while it runs
    breaker.record_failure()
    assert breaker.state is CircuitState.OPEN
    now[0] = 20.0
    breaker.before_call()
    breaker.record_success()
    assert breaker.state is CircuitState.CLOSED


def test_a_cancelled_trial_lets_another_through() -> None:
    now = [0.0]
    breaker = CircuitBreaker("c", failures=1, reset_after=1, clock=lambda: now[0])
    breaker.before_call()
    breaker.record_failure()
    now[0] = 1.0
    breaker.before_call()
    breaker.release()
    breaker.before_call()  # would raise if the cancelled trial still held the slot


async def test_open_circuit_fails_fast_then_half_opens() -> None:
    text = CONFIG.replace(
        "auth: {type: bearer, token: bb-upstream-token}",
        "auth: {type: bearer, token: bb-upstream-token}\n"
        "    retry: {attempts: 1}\n    circuit_breaker: {failures: 3, reset_after: 0.2}",
    )
    app = create_app(parse_config(text, env={}))
    sim = app.state.runtime.connections["borderbolt"].sandbox
    sim.faults.add(Fault(status=500, times=3))
    async with client_for(app) as client:
        for _ in range(3):
            assert (await client.get("/v1/customers/borderbolt:501")).status_code == 502
        sim.calls.clear()
        fast = await client.get("/v1/customers/borderbolt:501")
        assert fast.status_code == 503 and fast.json()["error"]["code"] == "upstream_unavailable"
        assert fast.headers["retry-after"] == "1" and list(sim.calls) == []
        # Other connections are not affected.
        assert (await client.get("/v1/customers/tenant2:501")).status_code == 200
        await asyncio.sleep(0.25)
        assert (await client.get("/v1/customers/borderbolt:501")).status_code == 200  # the trial
        assert (await client.get("/v1/customers/borderbolt:502")).status_code == 200  # closed again
    await app.state.runtime.aclose()
