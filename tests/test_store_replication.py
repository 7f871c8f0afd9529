"""What guards an upstream write, and what records an event or a new delivery, is
confirmed on a replica before the gateway relies on it (API.md section 12): on real
Sentinel and Cluster setups, a replica that does not confirm within the store's
timeout fails the write, and a claim then sends nothing upstream."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.responses import Response

from gateway.guarantees.idempotency import IdempotencyStore
from gateway.store import StoreDown
from gateway.store.redis import RedisStore
from kernel.errors import StateUnavailable
from tests.ha_servers import Daemon

pytestmark = pytest.mark.anyio
TIMEOUT = 1.0  # a cold client on a loaded machine: discovery, script load and WAIT


class Topology:
    def __init__(self, request: pytest.FixtureRequest) -> None:
        self.kind = request.param
        self.setup = request.getfixturevalue(
            "sentinel" if self.kind == "redis-sentinel" else "cluster"
        )
        self.prefix = f"r{uuid.uuid4().hex[:6]}:"

    def store(self) -> RedisStore:
        return RedisStore(
            self.setup.model(self.prefix, TIMEOUT), prefix=self.prefix, timeout=TIMEOUT
        )

    def replica_for(self, key: str) -> Daemon:
        """The replica of the master that holds ``key`` (a key of this prefix)."""
        if self.kind == "redis-sentinel":
            replica: Daemon = self.setup.current_replica()
        else:
            replica = self.setup.replica_of(self.setup.master_of(self.prefix + key))
        return replica


@pytest.fixture(params=["redis-sentinel", "redis-cluster"])
def topology(request: pytest.FixtureRequest) -> Iterator[Topology]:
    yield Topology(request)


@contextlib.asynccontextmanager
async def opened(topology: Topology) -> Any:
    store = topology.store()
    try:
        yield store
    finally:
        await store.aclose()


async def test_a_claim_no_replica_confirms_is_refused_before_anything_is_sent(
    topology: Topology,
) -> None:
    sent: list[int] = []

    async def produce() -> Response:
        sent.append(1)
        return Response(b"{}", status_code=201)

    async with opened(topology) as store:
        scope = ("key", "unconfirmed")
        digest = hashlib.sha256("\n".join(scope).encode()).hexdigest()  # as the store keys it
        assert await store.idempotency_claim("warm", "fp", 60)  # replicas counted now
        paused = topology.replica_for("idem:{" + digest + "}").paused()
        with paused, pytest.raises(StateUnavailable):
            await IdempotencyStore(store).run(scope, "fp", produce)
        assert sent == []
        # the replica is back: the unconfirmed claim was taken back, the key runs once
        deadline = asyncio.get_running_loop().time() + 10
        while True:
            with contextlib.suppress(StoreDown, StateUnavailable):
                answer = await IdempotencyStore(store).run(scope, "fp", produce)
                break
            assert asyncio.get_running_loop().time() < deadline, "the key stayed claimed"
            await asyncio.sleep(0.2)
        assert answer.status_code == 201 and sent == [1]


async def test_an_event_and_a_new_delivery_no_replica_confirms_are_not_kept(
    topology: Topology,
) -> None:
    async with opened(topology) as store:
        await store.events_append({"n": 0}, 60)
        await store.delivery_put({"id": "msg_0", "status": "delivered"}, 60)
        with topology.replica_for("events").paused(), pytest.raises(StoreDown):
            await store.events_append({"n": 1}, 60)
        await asyncio.sleep(1.1)  # judged down for a second after that failure
        with topology.replica_for("{dlv}").paused(), pytest.raises(StoreDown):
            await store.delivery_put({"id": "msg_1", "status": "pending", "due": 0}, 60)
