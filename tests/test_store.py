"""The state store's promises, the same tests on both backends (local SQLite, real Redis)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any

import pytest

from gateway.caching.cache import CacheStatus
from gateway.config.model import CacheConfig, CircuitBreakerConfig
from gateway.config.sealing import Sealed
from gateway.guarantees.idempotency import IdempotencyStore
from gateway.store import IdempotencyRecord, StaleConfig, StoreDown
from gateway.store.redis import RedisStore
from kernel.errors import StateUnavailable, UpstreamError, UpstreamUnavailable
from kernel.resilience import CircuitState
from tests.conftest import StoreFactory

pytestmark = pytest.mark.anyio


async def test_one_claim_wins_among_concurrent_ones(stores: StoreFactory) -> None:
    store = stores()
    claims = await asyncio.gather(*(store.idempotency_claim("k", "fp", 10) for _ in range(20)))
    assert claims.count(True) == 1


async def test_a_kept_answer_survives_a_restart(stores: StoreFactory) -> None:
    first = stores()
    assert await first.idempotency_claim("k", "fp", 10)
    record = IdempotencyRecord("fp", 201, b'{"id": 1}', (("location", "/x"),))
    await first.idempotency_put("k", record, 60)
    await first.aclose()
    assert await stores().idempotency_get("k") == record


async def test_a_released_claim_can_be_taken_again(stores: StoreFactory) -> None:
    store = stores()
    assert await store.idempotency_claim("k", "fp", 10)
    await store.idempotency_release("k")
    assert await store.idempotency_get("k") is None
    assert await store.idempotency_claim("k", "fp", 10)


async def test_a_waiter_gets_the_first_requests_answer(stores: StoreFactory) -> None:
    store = stores()
    assert await store.idempotency_claim("k", "fp", 10)
    waiting = asyncio.create_task(store.idempotency_wait("k", 5))
    await asyncio.sleep(0.1)
    record = IdempotencyRecord("fp", 200, b"{}")
    await store.idempotency_put("k", record, 60)
    assert await waiting == record


async def test_idempotent_runs_make_one_write_and_replay(stores: StoreFactory) -> None:
    from starlette.responses import Response

    runs: list[int] = []

    async def produce() -> Response:
        runs.append(1)
        await asyncio.sleep(0.05)
        return Response(b'{"ok": true}', status_code=201)

    one = stores()
    other = stores() if one.backend != "local" else one  # local: one process by design
    first, second = IdempotencyStore(one), IdempotencyStore(other)
    answers = await asyncio.gather(
        *(s.run(("key", "idem"), "fp", produce) for s in (first, second) * 5)
    )
    assert len(runs) == 1
    assert {a.status_code for a in answers} == {201}
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 9


async def test_the_cursor_secret_is_shared_and_kept(stores: StoreFactory) -> None:
    a = stores()
    await a.ready()
    secret = a.cursor_secret
    await a.aclose()
    b = stores()
    await b.ready()
    assert b.cursor_secret == secret and len(secret) == 32


def _sealed(text: str) -> Sealed:
    return Sealed(text, ((1, "server.cursor_secret", "fp"),), b"ciphertext")


async def test_config_versions_are_kept_newest_first(stores: StoreFactory) -> None:
    store = stores()
    one = await store.publish_config(_sealed("a: 1\n"), '"e1"', "startup", None)
    two = await store.publish_config(_sealed("a: 2\n"), '"e2"', "ops", '"e1"')
    assert two.id > one.id
    assert await stores().current_config() == two
    assert await stores().current_config_etag() == '"e2"'
    assert [v.etag for v in await store.config_versions()] == ['"e2"', '"e1"']
    assert (await store.config_version(one.id)) == one
    assert await store.config_version(2**63) is None


async def test_publishing_is_compare_and_set_on_the_current_etag(stores: StoreFactory) -> None:
    """Of concurrent changes based on one version, exactly one is published."""
    store = stores()
    await store.publish_config(_sealed("a: 1\n"), '"e1"', "startup", None)
    with pytest.raises(StaleConfig) as stale:
        await store.publish_config(_sealed("a: 0\n"), '"e0"', "late", None)
    assert stale.value.current == '"e1"'
    racers = [stores() for _ in range(5)]
    outcomes = await asyncio.gather(
        *(
            s.publish_config(_sealed(f"a: {i}\n"), f'"r{i}"', "ops", '"e1"')
            for i, s in enumerate(racers)
        ),
        return_exceptions=True,
    )
    assert sum(1 for o in outcomes if not isinstance(o, BaseException)) == 1
    assert all(isinstance(o, StaleConfig) for o in outcomes if isinstance(o, BaseException))


async def test_the_fingerprint_salt_is_made_once_and_shared(stores: StoreFactory) -> None:
    salt = await stores().config_salt()
    assert len(salt) == 16 and await stores().config_salt() == salt


async def _bodies(cache: Any, key: tuple[str, ...], tags: list[str], body: bytes) -> Any:
    async def produce() -> bytes:
        return body

    return await cache.get(key, tags, produce)


async def test_a_write_through_one_cache_invalidates_the_other(stores: StoreFactory) -> None:
    config = CacheConfig(ttl=60, stale_if_error=0)
    one, other = stores(), stores()
    a = one.response_cache("c", "ns", config)
    b = other.response_cache("c", "ns", config) if one.backend != "local" else a
    key = ("id", "GET", "/v1/customers/c:1", "")
    assert (await _bodies(a, key, ["customer:1"], b"v1"))[1] is CacheStatus.MISS
    assert (await _bodies(b, key, ["customer:1"], b"v1"))[1] is CacheStatus.HIT
    await a.ainvalidate(["customer:1"])
    entry, status = await _bodies(b, key, ["customer:1"], b"v2")
    assert (entry.body, status) == (b"v2", CacheStatus.MISS)


async def test_stale_entries_answer_when_the_upstream_fails(stores: StoreFactory) -> None:
    cache = stores().response_cache("c", "ns", CacheConfig(ttl=0.05, stale_if_error=60))
    key = ("id", "GET", "/v1/x", "")
    await _bodies(cache, key, [], b"old")
    await asyncio.sleep(0.1)

    async def failing() -> bytes:
        raise UpstreamError("down")

    entry, status = await cache.get(key, [], failing)
    assert (entry.body, status) == (b"old", CacheStatus.STALE)


async def test_a_breaker_opened_by_one_is_open_for_all(stores: StoreFactory) -> None:
    one, other = stores(), stores()
    config = CircuitBreakerConfig(failures=2, reset_after=30)
    a = one.breaker("c", "ns", config)
    b = other.breaker("c", "ns", config) if one.backend != "local" else a
    for _ in range(2):
        await a.acquire()
        await a.failed()
    with pytest.raises(UpstreamUnavailable):
        await b.acquire()
    assert b.state is CircuitState.OPEN


async def test_a_closed_breaker_is_read_at_most_once_per_fresh_window(redis: Any) -> None:
    """Under load, a closed breaker costs no round trip per call; one opened elsewhere
    is seen within FRESH seconds."""
    from gateway.store import shared_breaker

    prefix = f"fb{uuid.uuid4().hex[:6]}:"
    one = RedisStore(redis.url, prefix=prefix, timeout=1.0)
    other = RedisStore(redis.url, prefix=prefix, timeout=1.0)
    config = CircuitBreakerConfig(failures=1, reset_after=30)
    a, b = one.breaker("c", "ns", config), other.breaker("c", "ns", config)
    reads = []
    real = other.client.hmget

    async def counted(*args: Any) -> Any:
        reads.append(args)
        return await real(*args)

    other.client.hmget = counted  # type: ignore[method-assign]
    for _ in range(50):
        await b.acquire()
        await b.succeeded()
    assert len(reads) == 1
    await a.acquire()
    await a.failed()  # opened by the other instance
    await asyncio.sleep(shared_breaker.FRESH + 0.05)
    with pytest.raises(UpstreamUnavailable):
        await b.acquire()
    assert len(reads) == 2
    await one.aclose()
    await other.aclose()


async def test_one_trial_in_the_whole_deployment_after_reset(stores: StoreFactory) -> None:
    one, other = stores(), stores()
    # the trial is held for reset_after: 1 s, so b asks within it on a loaded machine
    # too (with 0.2 s, b's call came after a's trial key had expired under load)
    config = CircuitBreakerConfig(failures=1, reset_after=1.0)
    a = one.breaker("c", "ns", config)
    b = other.breaker("c", "ns", config) if one.backend != "local" else a
    await a.acquire()
    await a.failed()
    await asyncio.sleep(1.1)
    await a.acquire()  # the trial
    with pytest.raises(UpstreamUnavailable):
        await b.acquire()
    await a.succeeded()
    await b.acquire()
    assert b.state is CircuitState.CLOSED


async def test_a_store_that_is_down_refuses_idempotent_posts(redis: Any) -> None:
    from starlette.responses import Response

    from tests.servers import free_port

    errors: list[str] = []
    down = RedisStore(
        f"redis://127.0.0.1:{free_port()}/0", prefix="x:", timeout=0.2, on_error=errors.append
    )

    async def produce() -> Response:
        raise AssertionError("nothing may be sent without a safe claim")

    with pytest.raises(StateUnavailable):
        await IdempotencyStore(down).run(("id", "k"), "fp", produce)
    with pytest.raises(StoreDown):
        await down.idempotency_get("k")  # failing fast, without waiting again
    assert errors and not down.healthy
    await down.aclose()


async def test_a_claim_whose_answer_was_lost_is_taken_back(redis: Any) -> None:
    """Redis took the claim after the call had given up (Redis was busy with another
    client's long script): the request was refused with 503 and never ran, so its claim
    is undone rather than left to read 'outcome unknown' for a day."""
    import socket

    store = RedisStore(redis.url, prefix=f"u{uuid.uuid4().hex[:6]}:", timeout=0.2)
    await store.ready()
    assert await store.idempotency_claim("warm", "fp", 60)  # its script is loaded now
    await store.idempotency_release("warm")
    busy = socket.create_connection(("127.0.0.1", redis.port))
    spin = "local t = redis.call('TIME')[1] + 2 while tonumber(redis.call('TIME')[1]) < t do end"
    busy.sendall(f'EVAL "{spin}" 0\r\n'.encode())
    await asyncio.sleep(0.1)
    with pytest.raises(StoreDown):
        await store.idempotency_claim("lost", "fp", 60)
    busy.recv(64)
    busy.close()
    # the script is over: the claim has landed, unanswered
    deadline = asyncio.get_running_loop().time() + 5
    while True:
        with contextlib.suppress(StoreDown):  # still paused: writes wait, reads may too
            if await store.idempotency_get("lost") is None:
                break
        assert asyncio.get_running_loop().time() < deadline, "the lost claim stayed"
        await asyncio.sleep(0.2)
    assert await store.idempotency_claim("lost", "fp", 60)  # the key is usable again
    await store.idempotency_release("lost")
    await store.aclose()


async def test_a_slow_first_agreement_on_the_cursor_secret_is_tried_again(redis: Any) -> None:
    """A request's first agreement on the cursor secret runs past its time (a busy
    machine; here Redis paused for 0.5 s, past a 0.3 s timeout): the request tries again
    rather than sign its cursor with a provisional secret no other instance knows."""
    from redis.asyncio import Redis

    prefix = f"cs{uuid.uuid4().hex[:6]}:"
    one = RedisStore(redis.url, prefix=prefix, timeout=0.3)
    other = RedisStore(redis.url, prefix=prefix, timeout=1.0)
    pauser = Redis.from_url(redis.url)
    try:
        await pauser.execute_command("CLIENT", "PAUSE", 500, "ALL")
        await one.ready_for_request()
        await other.ready()
        assert one.cursor_secret == other.cursor_secret
    finally:
        await pauser.aclose()
        await one.aclose()
        await other.aclose()


async def test_cursors_signed_while_the_store_was_down_verify_once_it_is_back() -> None:
    """A cursor handed out while no secret was agreed (the store down) keeps verifying on
    this instance after the agreement (its provisional secret is kept as an earlier one)."""
    from tests.servers import RedisServer

    later = RedisServer()
    store = RedisStore(later.url, prefix="cb:", timeout=0.2)
    try:
        await store.ready_for_request()
        provisional = store.cursor_secret
        later.start()
        await asyncio.sleep(1.1)  # past the fail-fast window after the failure
        await store.ready()
        assert store.cursor_secret != provisional
        assert provisional in store.cursor_secrets
    finally:
        await store.aclose()
        later.stop()


async def test_a_claim_renewal_that_absorbs_its_cancellation_still_ends(redis: Any) -> None:
    """A renewal in flight when the answer is kept absorbs the cancellation sent to stop
    it (as a client library's shielded teardown may): keeping the answer still ends, and
    the renewals stop, instead of the request waiting for them for good."""
    store = RedisStore(redis.url, prefix=f"ka{uuid.uuid4().hex[:6]}:", timeout=0.5)
    real_set, renewing, renewals = store.client.set, asyncio.Event(), []

    async def absorbing(*args: Any, **kwargs: Any) -> Any:
        renewals.append(args)
        if len(renewals) == 1:  # the first one in flight absorbs one cancellation
            renewing.set()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.sleep(0.3)
        return await real_set(*args, **kwargs)

    store.client.set = absorbing  # type: ignore[method-assign]
    try:
        assert await store.idempotency_claim("k", "fp", 60)
        await asyncio.wait_for(renewing.wait(), 5)
        async with asyncio.timeout(5):
            await store.idempotency_put("k", IdempotencyRecord("fp", 201, b"{}"), 60)
        count = len(renewals)
        await asyncio.sleep(1.5)  # past the next renewal's turn
        assert len(renewals) == count
    finally:
        await store.aclose()
