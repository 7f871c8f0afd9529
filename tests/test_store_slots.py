"""Every Lua script, ``MGET`` and transaction the Redis backends send keeps its keys in
one cluster slot (API.md section 12), and every script is called by its SHA.

Every operation of the store, the shared cache and breaker and the upstream budgets is
run against a real Redis while the commands packed for the wire are recorded; each
multi-key command is then checked with redis-py's own ``key_slot``. Every Lua script
the gateway's source holds must have been among them, so a script added later without
a hash tag fails here, not on someone's cluster."""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio.connection import AbstractConnection
from redis.crc import key_slot

from gateway.config.model import BudgetLimit, CacheConfig, CircuitBreakerConfig
from gateway.config.sealing import Sealed
from gateway.guarantees.quotas import Quotas
from gateway.store import IdempotencyRecord
from gateway.store.redis import RedisStore

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).parent.parent
Sent = list[tuple[int, tuple[bytes, ...]]]


def gateway_scripts() -> dict[str, str]:
    """SHA1 -> ``module.NAME`` of every Lua script constant in gateway/ (a fragment that
    scripts start with, such as a helper function, is not one)."""
    sources: dict[str, str] = {}
    for path in sorted((ROOT / "gateway").rglob("*.py")):
        if "redis.call(" not in path.read_text(encoding="utf-8"):
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if isinstance(value, str) and "redis.call(" in value:
                sources[value] = f"{name}.{attr}"
    return {
        hashlib.sha1(source.encode()).hexdigest(): name
        for source, name in sources.items()
        if not any(source in other for other in sources if other != source)
    }


def record(monkeypatch: pytest.MonkeyPatch) -> Sent:
    """Every command packed for the wire, with the connection it goes on."""
    sent: Sent = []
    pack = AbstractConnection.pack_command

    def recording(self: AbstractConnection, *args: Any) -> Any:
        words = tuple(a if isinstance(a, bytes) else str(a).encode() for a in args)
        sent.append((id(self), words))
        return pack(self, *args)

    monkeypatch.setattr(AbstractConnection, "pack_command", recording)
    return sent


def keys_of(words: tuple[bytes, ...]) -> list[bytes]:
    command = words[0].upper()
    if command in (b"EVALSHA", b"EVAL"):
        return list(words[3 : 3 + int(words[2])])
    if command in (b"MGET", b"DEL", b"EXISTS"):
        return list(words[1:])
    return list(words[1:2])


def multi_key_groups(sent: Sent) -> list[tuple[str, list[bytes]]]:
    """Each script call, MGET and MULTI..EXEC block, with the keys it touches."""
    groups: list[tuple[str, list[bytes]]] = []
    open_blocks: dict[int, list[bytes]] = defaultdict(list)
    in_block: set[int] = set()
    for connection, words in sent:
        command = words[0].upper()
        if command == b"MULTI":
            in_block.add(connection)
            open_blocks[connection] = []
        elif command == b"EXEC":
            in_block.discard(connection)
            groups.append(("MULTI", open_blocks.pop(connection)))
        elif connection in in_block:
            open_blocks[connection] += keys_of(words)
        elif command in (b"EVALSHA", b"EVAL"):
            groups.append((f"{command.decode()} {words[1].decode()[:12]}", keys_of(words)))
        elif command == b"MGET":
            groups.append(("MGET", keys_of(words)))
    return groups


async def exercise(store: RedisStore) -> None:
    """Every operation that reaches Redis, once."""
    await store.ready()
    await store.ping()
    assert await store.idempotency_claim("k1", "fp", 60)
    await store.idempotency_get("k1")
    await store.idempotency_wait("k1", 0)
    await store.idempotency_put("k1", IdempotencyRecord("fp", 201, b"{}"), 60)
    assert await store.idempotency_claim("k2", "fp", 60)
    await store.idempotency_release("k2")
    assert await store.idempotency_claim("k3", "fp", 60)
    await store.idempotency_abandon("k3")
    sealed = Sealed("a: 1\n", (), None)
    version = await store.publish_config(sealed, '"e1"', "test", None)
    await store.current_config()
    await store.current_config_etag()
    await store.config_versions()
    await store.config_version(version.id)
    await store.config_salt()
    await store.legacy_configs()
    await store.drop_legacy_configs()
    await store.value_set("v", "1", 60)
    await store.value_get("v")
    await store.value_touch("v", 60)
    await store.value_delete("v")
    await store.audit_append({"action": "x"}, 60)
    await store.audit_page({}, 10, None)
    position = await store.events_append({"n": 1}, 60)
    await store.events_after(None, 10)
    await store.events_after(position, 10)
    await store.events_in_lanes(["t:x", "r:conn:1"], position, 10)
    await store.snapshot_save("conn/abc/customer", {"r1": "e1"}, {})
    await store.snapshot_load("conn/abc/customer")
    await store.snapshot_page("conn/abc/customer", ["r1", "r3"], "scan")
    await store.snapshot_unseen("conn/abc/customer", "scan", None, 10)
    await store.snapshot_touch("conn/abc/customer", "r2", "e2")
    await store.snapshot_entry("conn/abc/customer", "r2")
    await store.snapshot_swap("conn/abc/customer", "r2", "e2", None)
    assert await store.lease("poll", "me", 5)
    await store.lease_release("poll", "me")
    await store.delivery_put({"id": "msg_1", "status": "pending", "due": 0, "attempts": 0}, 60)
    await store.delivery_get("msg_1")
    [held] = await store.deliveries_claim(time.time(), 10, 5, "me")
    assert await store.delivery_update({**held, "attempts": 1}, 60, "me", 0)
    await store.delivery_claim("msg_1", 5, "admin")
    await store.deliveries_page(None, 10, None)
    cache = store.response_cache("crm", "ns", CacheConfig(ttl=60, stale_if_error=0))

    async def produce() -> bytes:
        return b"{}"

    await cache.get(("id", "GET", "/v1/x", ""), ["customer:1", "customer:*"], produce)
    await cache.ainvalidate(["customer:1", "customer:*"])
    # the near cache: probes renew a process's lease; another process's write is
    # acknowledged to it
    other = RedisStore(store.topology, prefix=store.prefix, timeout=store.timeout)
    try:
        mirror = other.response_cache("crm", "ns", CacheConfig(ttl=60, stale_if_error=0))
        cache.near.start()
        mirror.near.start()
        for _ in range(250):
            if cache.near.usable() and mirror.near.usable():
                break
            await asyncio.sleep(0.02)
        await mirror.ainvalidate(["customer:1"])
    finally:
        await other.aclose()
    breaker = store.breaker("crm", "ns", CircuitBreakerConfig(failures=1, reset_after=0.01))
    await breaker.acquire()
    await breaker.failed()
    await asyncio.sleep(0.02)
    await breaker.acquire()  # the trial
    await breaker.succeeded()
    quotas = Quotas(store)
    ticket = await quotas.take_budget("crm", BudgetLimit(requests=5, per=1))
    await quotas.call_done("crm", ticket)
    await quotas.used("crm", BudgetLimit(requests=5, per=1))
    await quotas.aclose()


async def test_every_script_mget_and_transaction_keeps_its_keys_in_one_slot(
    redis: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = record(monkeypatch)
    store = RedisStore(redis.url, prefix=f"s{uuid.uuid4().hex[:6]}:", timeout=2.0)
    try:
        await exercise(store)
    finally:
        await store.aclose()
    groups = multi_key_groups(sent)
    spread = [
        (what, [k.decode() for k in keys])
        for what, keys in groups
        if len({key_slot(k) for k in keys}) > 1
    ]
    assert not spread, f"keys in more than one slot: {spread}"
    called = {words[1].decode() for _, words in sent if words[0].upper() == b"EVALSHA"}
    scripts = gateway_scripts()
    assert len(scripts) >= 14  # today's count: the walk finds them
    never = sorted(name for sha, name in scripts.items() if sha not in called)
    assert not never, f"scripts never called by their SHA here (add them to exercise): {never}"
    assert not [w for _, w in sent if w[0].upper() == b"EVAL"], "a script sent whole"


async def test_a_cache_read_asks_one_node_its_entry_and_generations(
    redis: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read cache's one round trip (the generations' MGET and the entry's HGETALL in
    a pipeline) names keys of one slot, so on a cluster it goes to one node, not two."""
    sent = record(monkeypatch)
    store = RedisStore(redis.url, prefix=f"s{uuid.uuid4().hex[:6]}:", timeout=2.0)
    try:
        cache = store.response_cache("crm", "ns", CacheConfig(ttl=60, stale_if_error=0))

        async def produce() -> bytes:
            return b"{}"

        await cache.get(("id", "GET", "/v1/x", ""), ["customer:1"], produce)
    finally:
        await store.aclose()
    read = [w for _, w in sent if w[0].upper() in (b"MGET", b"HGETALL")]
    keys = [k for words in read for k in words[1:]]
    assert {w[0].upper() for w in read} == {b"MGET", b"HGETALL"}
    assert len({key_slot(k) for k in keys}) == 1, [k.decode() for k in keys]
