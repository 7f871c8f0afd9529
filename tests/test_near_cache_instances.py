"""Two gateway processes on one real Redis, each with its near cache
(gateway/store/near_sync.py): a hit costs no round trip, and a write through one is seen
by the next read on the other (API.md section 7), also after the subscriptions that keep
the near caches current are killed."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
import redis as sync_redis

from tests.servers import Process, RedisServer, gateway, redis_server, simulator
from tests.site_config import DEMO_KEY, borderbolt_config, redis_state, write_instance_config

TOKEN = "near-upstream-token"
DEMO = {"Authorization": "Bearer demo-key"}
ONE = "/v1/customers/bb:502"


class Pair:
    def __init__(self, redis: RedisServer, a: Process, b: Process) -> None:
        self.redis, self.a, self.b = redis, a, b
        self.server = sync_redis.Redis.from_url(redis.url)

    def lookups(self) -> int:
        """Cache lookups Redis has served (each is one MGET of generations)."""
        stats = self.server.info("commandstats").get("cmdstat_mget", {})
        return int(stats.get("calls", 0))

    def hit_from_memory(self, instance: Process) -> bool:
        before = self.lookups()
        answer = httpx.get(instance.url + ONE, headers=DEMO)
        return answer.headers["x-cache"] == "HIT" and self.lookups() == before

    def wait_for_memory_hits(self, instance: Process, within: float = 15.0) -> None:
        end = time.monotonic() + within
        while time.monotonic() < end:
            if self.hit_from_memory(instance):
                return
            time.sleep(0.05)
        raise AssertionError(f"{instance.url} never answered a hit from memory")

    def rename(self, via: Process) -> str:
        name = f"Near {uuid.uuid4().hex[:6]}"
        answer = httpx.patch(via.url + ONE, json={"name": name}, headers=DEMO, timeout=10)
        assert answer.status_code == 200, answer.text
        return name


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    folder = tmp_path_factory.mktemp("near")
    with redis_server() as redis:
        sim = simulator("borderbolt", TOKEN, folder).start()
        text = borderbolt_config(
            redis_state(redis.url, f"n{uuid.uuid4().hex[:6]}:", timeout=1.0),
            sim.url,
            TOKEN,
            keys=(DEMO_KEY,),
            connection=["cache: {ttl: 600, stale_if_error: 0}"],
        )
        configs = [write_instance_config(folder, name, text) for name in ("a", "b")]
        a, b = gateway(configs[0], folder).start(), gateway(configs[1], folder).start()
        try:
            yield Pair(redis, a, b)
        finally:
            a.stop()
            b.stop()
            sim.stop()


def test_a_hit_on_redis_costs_no_round_trip(pair: Pair) -> None:
    pair.wait_for_memory_hits(pair.b)
    before = pair.lookups()
    answers = [httpx.get(pair.b.url + ONE, headers=DEMO) for _ in range(10)]
    assert {a.headers["x-cache"] for a in answers} == {"HIT"}
    assert pair.lookups() == before


def test_every_write_on_one_is_seen_by_the_next_read_on_the_other(pair: Pair) -> None:
    for n in range(10):
        pair.wait_for_memory_hits(pair.b)
        writer, reader = (pair.a, pair.b) if n % 2 == 0 else (pair.b, pair.a)
        if n % 2:
            pair.wait_for_memory_hits(pair.a)
        name = pair.rename(writer)
        fresh = httpx.get(reader.url + ONE, headers=DEMO)
        assert (fresh.headers["x-cache"], fresh.json()["name"]) == ("MISS", name), n


def test_killed_subscriptions_never_let_a_stale_read_through(pair: Pair) -> None:
    for _ in range(3):
        pair.wait_for_memory_hits(pair.b)
        assert pair.server.execute_command("CLIENT", "KILL", "TYPE", "pubsub") >= 2
        name = pair.rename(pair.a)  # while the subscriptions are down or coming back
        fresh = httpx.get(pair.b.url + ONE, headers=DEMO)
        assert fresh.json()["name"] == name
    # back to answering from memory, and still coherent
    pair.wait_for_memory_hits(pair.b)
    name = pair.rename(pair.a)
    assert httpx.get(pair.b.url + ONE, headers=DEMO).json()["name"] == name
