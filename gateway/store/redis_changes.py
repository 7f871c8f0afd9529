"""The ``redis`` backend's share of change tracking (gateway/changes/), shared by every
instance:

- events: gateway/store/redis_events.py.
- ``snap:{<name>}`` (a hash of record key -> entry), ``snap:{<name>}:base`` (set
  once the baseline is taken) and ``snap:{<name>}:seen`` (record key -> the token of
  the last scan that saw it, so a scan finds the records it did not see by walking
  the hash, ``HSCAN``, instead of holding every key it saw); saves are compare-and-set
  per entry in one script.
- ``lease:<name>``: ``SET NX PX`` by a holder, renewed only by that holder.
- ``val:<name>``: small named values (a poller's schedule, a console session), with
  Redis's own expiry (``PX``, ``PEXPIRE``) when they have one.
- ``{dlv}`` (id -> delivery JSON), ``{dlv}:seq`` (listing order), ``{dlv}:due``
  (pending deliveries by due time; claimed by moving them later in one script),
  ``{dlv}:done`` (finished ones by time, for retention), ``{dlv}:held`` (id -> "holder
  until-ms": a delivery's hold, gateway/store/base.py, timed by Redis's own ``TIME`` so
  no instance's clock decides when another's hold has lapsed). A new delivery is
  confirmed on a replica before it counts.

The keys each script touches share a hash tag (``{dlv}``, ``{<name>}``), so it runs on
a cluster. Keys named before the tags (``dlv``, ``snap:<name>``) are renamed once by
gateway/store/redis_upgrade.py.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from gateway.store.base import DeliveryHeld
from gateway.store.redis_replication import RedisReplication

T = TypeVar("T")
ABSENT = "\x00"
SNAPSHOT_SAVE = """
if ARGV[1] == '1' then redis.call('SET', KEYS[2], '1') end
for i = 3, #ARGV, 3 do
  local current = redis.call('HGET', KEYS[1], ARGV[i]) or '\\0'
  if current == ARGV[i + 1] then
    if ARGV[i + 2] == '\\0' then
      redis.call('HDEL', KEYS[1], ARGV[i])
      redis.call('HDEL', KEYS[3], ARGV[i])
    else
      redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2])
      if ARGV[2] ~= '' then redis.call('HSET', KEYS[3], ARGV[i], ARGV[2]) end
    end
  end
end
return 1
"""
SNAPSHOT_PAGE = """
local found = {redis.call('EXISTS', KEYS[2])}
for i = 2, #ARGV do
  local entry = redis.call('HGET', KEYS[1], ARGV[i])
  if entry then
    table.insert(found, ARGV[i])
    table.insert(found, entry)
    -- one HSET per record: unpack() of a whole page fails past 8000 values (Lua's stack)
    redis.call('HSET', KEYS[3], ARGV[i], ARGV[1])
  end
end
return found
"""
SNAPSHOT_UNSEEN = """
local walked = redis.call('HSCAN', KEYS[1], ARGV[1], 'COUNT', ARGV[3])
local found, rows = {walked[1]}, walked[2]
for i = 1, #rows, 2 do
  if redis.call('HGET', KEYS[3], rows[i]) ~= ARGV[2] then
    redis.call('HSET', KEYS[3], rows[i], ARGV[2])
    table.insert(found, rows[i])
    table.insert(found, rows[i + 1])
  end
end
return found
"""
SNAPSHOT_TOUCH = """
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
if ARGV[2] == '\\0' then redis.call('HDEL', KEYS[1], ARGV[1])
else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 1
"""
SNAPSHOT_SWAP = """
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
local current = redis.call('HGET', KEYS[1], ARGV[1]) or '\\0'
if current ~= ARGV[2] then return 0 end
if ARGV[3] == '\\0' then redis.call('HDEL', KEYS[1], ARGV[1])
else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
return 1
"""
LEASE = """
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
"""
RELEASE_LEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end"
CLOCK = """
local t = redis.call('TIME')
local clock = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function until_of(held) return held and tonumber(string.match(held, ' (%d+)$')) or 0 end
"""
CLAIM = (
    CLOCK
    + """
local now, hold = tonumber(ARGV[1]), tonumber(ARGV[3])
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, ARGV[2])
local found = {}
for _, id in ipairs(ids) do
  local lapses = until_of(redis.call('HGET', KEYS[3], id))
  if lapses > clock then
    redis.call('ZADD', KEYS[1], now + (lapses - clock) / 1000, id)
  else
    redis.call('HSET', KEYS[3], id, ARGV[4] .. ' ' .. string.format('%d', clock + hold))
    redis.call('ZADD', KEYS[1], now + hold / 1000, id)
    local body = redis.call('HGET', KEYS[2], id)
    if body then table.insert(found, body) end
  end
end
return found
"""
)
CLAIM_ONE = (
    CLOCK
    + """
local body = redis.call('HGET', KEYS[1], ARGV[1])
if not body then return {0} end
if until_of(redis.call('HGET', KEYS[2], ARGV[1])) > clock then return {1} end
local hold = tonumber(ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. ' ' .. string.format('%d', clock + hold))
redis.call('ZADD', KEYS[3], 'XX', tonumber(ARGV[4]) + hold / 1000, ARGV[1])
return {2, body}
"""
)
PUT_DELIVERY = (
    CLOCK
    + """
local id, body, status, due = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local seq, now, oldest = ARGV[5], ARGV[6], ARGV[7]
local holder, hold = ARGV[8], tonumber(ARGV[9])
if holder ~= '' then
  local held = redis.call('HGET', KEYS[5], id)
  if not held or string.match(held, '^(%S+) ') ~= holder then return 0 end
  if hold > 0 then
    redis.call('HSET', KEYS[5], id, holder .. ' ' .. string.format('%d', clock + hold))
    due = tonumber(now) + hold / 1000
  else
    redis.call('HDEL', KEYS[5], id)
  end
end
redis.call('HSET', KEYS[1], id, body)
redis.call('ZADD', KEYS[2], seq, id)
if status == 'pending' then
  redis.call('ZADD', KEYS[3], due, id)
  redis.call('ZREM', KEYS[4], id)
else
  redis.call('ZREM', KEYS[3], id)
  redis.call('ZADD', KEYS[4], now, id)
end
local old = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', oldest, 'LIMIT', 0, 100)
for _, gone in ipairs(old) do
  redis.call('HDEL', KEYS[1], gone)
  redis.call('ZREM', KEYS[2], gone)
  redis.call('ZREM', KEYS[4], gone)
  redis.call('HDEL', KEYS[5], gone)
end
return 1
"""
)


class RedisChanges(RedisReplication):
    """Mixed into ``RedisStore``, whose ``client``, ``key``, ``call``, ``script`` and
    ``durable`` it uses."""

    client: Any
    key: Callable[..., str]
    call: Callable[[str, Callable[[], Awaitable[Any]]], Awaitable[Any]]
    script: Callable[[str], Any]

    def _snap(self, name: str) -> tuple[str, str]:
        snap = self.key("snap", "{" + name + "}")
        return snap, snap + ":base"

    def _snap_seen(self, name: str) -> tuple[str, str, str]:
        snap, base = self._snap(name)
        return snap, base, snap + ":seen"

    def _dlv(self, *part: str) -> str:
        return self.key("{dlv}", *part)

    # Snapshots and leases ---------------------------------------------------------------

    async def snapshot_load(self, name: str) -> dict[str, str] | None:
        snap, base = self._snap(name)

        async def load() -> dict[str, str] | None:
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.exists(base)
                pipe.hgetall(snap)
                taken, entries = await pipe.execute()
            if not taken:
                return None
            return {_text(k): _text(v) for k, v in entries.items()}

        found: dict[str, str] | None = await self.call("snapshot_load", load)
        return found

    async def snapshot_page(
        self, name: str, keys: list[str], scan: str
    ) -> tuple[bool, dict[str, str]]:
        names, script = self._snap_seen(name), self.script(SNAPSHOT_PAGE)
        found = await self.call("snapshot_page", lambda: script(keys=names, args=[scan, *keys]))
        pairs = found[1:]
        return bool(found[0]), {
            _text(pairs[i]): _text(pairs[i + 1]) for i in range(0, len(pairs), 2)
        }

    async def snapshot_unseen(
        self, name: str, scan: str, cursor: str | None, count: int
    ) -> tuple[str | None, list[tuple[str, str]]]:
        """``HSCAN`` may hand an entry out twice; the script marks each one it hands out
        as seen, so the caller gets it once."""
        names, script = self._snap_seen(name), self.script(SNAPSHOT_UNSEEN)
        args = (cursor or "0", scan, count)
        found = await self.call("snapshot_unseen", lambda: script(keys=names, args=args))
        pairs = found[1:]
        after = _text(found[0])
        unseen = [(_text(pairs[i]), _text(pairs[i + 1])) for i in range(0, len(pairs), 2)]
        return (None if after == "0" else after), unseen

    async def snapshot_save(
        self,
        name: str,
        changes: dict[str, str | None],
        expected: dict[str, str | None],
        *,
        baseline: bool = True,
        seen: str | None = None,
    ) -> None:
        keys, script = self._snap_seen(name), self.script(SNAPSHOT_SAVE)
        args: list[str] = ["1" if baseline else "0", seen or ""]
        for key, entry in changes.items():
            args += [key, expected.get(key) or ABSENT, entry or ABSENT]
        await self.call("snapshot_save", lambda: script(keys=keys, args=args))

    async def snapshot_touch(self, name: str, key: str, entry: str | None) -> None:
        keys, script = self._snap(name), self.script(SNAPSHOT_TOUCH)
        await self.call("snapshot_touch", lambda: script(keys=keys, args=[key, entry or ABSENT]))

    async def snapshot_entry(self, name: str, key: str) -> str | None:
        snap = self._snap(name)[0]
        found = await self.call("snapshot_entry", lambda: self.client.hget(snap, key))
        return None if found is None else _text(found)

    async def snapshot_swap(
        self, name: str, key: str, expected: str | None, entry: str | None
    ) -> bool:
        keys, script = self._snap(name), self.script(SNAPSHOT_SWAP)
        args = (key, expected or ABSENT, entry or ABSENT)
        swapped = await self.call("snapshot_swap", lambda: script(keys=keys, args=args))
        return bool(swapped)

    async def lease(self, name: str, holder: str, ttl: float) -> bool:
        key, script = self.key("lease", name), self.script(LEASE)
        taken = await self.call("lease", lambda: script(keys=[key], args=[holder, int(ttl * 1000)]))
        return bool(taken)

    async def lease_release(self, name: str, holder: str) -> None:
        key, script = self.key("lease", name), self.script(RELEASE_LEASE)
        await self.call("lease_release", lambda: script(keys=[key], args=[holder]))

    # Small named values -----------------------------------------------------------------

    async def value_get(self, name: str) -> str | None:
        raw = await self.call("value_get", lambda: self.client.get(self.key("val", name)))
        return None if raw is None else _text(raw)

    async def value_set(self, name: str, value: str, ttl: float | None = None) -> None:
        key, px = self.key("val", name), None if ttl is None else max(1, int(ttl * 1000))
        await self.call("value_set", lambda: self.client.set(key, value, px=px))

    async def value_touch(self, name: str, ttl: float) -> bool:
        key, px = self.key("val", name), max(1, int(ttl * 1000))
        return bool(await self.call("value_touch", lambda: self.client.pexpire(key, px)))

    async def value_delete(self, name: str) -> None:
        await self.call("value_delete", lambda: self.client.delete(self.key("val", name)))

    # Webhook deliveries -----------------------------------------------------------------

    async def delivery_put(self, delivery: dict[str, Any], retention: float) -> None:
        await self._put(delivery, retention, "", 0)

    async def delivery_update(
        self, delivery: dict[str, Any], retention: float, holder: str, hold: float
    ) -> bool:
        return await self._put(delivery, retention, holder, hold)

    async def _put(
        self, delivery: dict[str, Any], retention: float, holder: str, hold: float
    ) -> bool:
        if delivery.get("seq") is None:
            seq_key = self._dlv("counter")
            delivery["seq"] = int(
                await self.call("delivery_put", lambda: self.client.incr(seq_key))
            )
        now = time.time()
        keys = [self._dlv(*part) for part in ((), ("seq",), ("due",), ("done",), ("held",))]
        args = [
            delivery["id"],
            json.dumps(delivery, separators=(",", ":")),
            delivery["status"],
            delivery.get("due") or now,
            delivery["seq"],
            now,
            now - retention,
            holder,
            int(hold * 1000),
        ]
        if holder:  # a change by the holder: lost in a failover, it is sent again
            script = self.script(PUT_DELIVERY)
            written = await self.call("delivery_put", lambda: script(keys=keys, args=args))
        else:  # a new delivery: confirmed on a replica, so no failover loses it
            written = await self.call(
                "delivery_put", lambda: self.durable_script(PUT_DELIVERY, keys, args)
            )
        return bool(written)

    async def delivery_get(self, delivery_id: str) -> dict[str, Any] | None:
        raw = await self.call("delivery_get", lambda: self.client.hget(self._dlv(), delivery_id))
        return None if raw is None else dict(json.loads(_text(raw)))

    async def deliveries_claim(
        self, now: float, count: int, hold: float, holder: str
    ) -> list[dict[str, Any]]:
        keys, script = (self._dlv("due"), self._dlv(), self._dlv("held")), self.script(CLAIM)
        args = (now, count, int(hold * 1000), holder)
        raws = await self.call("deliveries_claim", lambda: script(keys=keys, args=args))
        return [json.loads(_text(raw)) for raw in raws]

    async def delivery_claim(
        self, delivery_id: str, hold: float, holder: str
    ) -> dict[str, Any] | None:
        keys, script = (self._dlv(), self._dlv("held"), self._dlv("due")), self.script(CLAIM_ONE)
        args = (delivery_id, holder, int(hold * 1000), time.time())
        answer = await self.call("delivery_claim", lambda: script(keys=keys, args=args))
        if answer[0] == 1:
            raise DeliveryHeld(delivery_id)
        return None if answer[0] == 0 else dict(json.loads(_text(answer[1])))

    async def deliveries_page(
        self, status: str | None, limit: int, before: int | None
    ) -> list[dict[str, Any]]:
        """Newest first, filtered here: pages of ``dlv:seq`` are read until ``limit``
        match or 20 pages were read (an admin's read, not a hot path)."""
        found: list[dict[str, Any]] = []
        top = f"({before}" if before is not None else "+inf"
        order, store = self._dlv("seq"), self._dlv()
        for _ in range(20):

            async def read(top: str = top) -> list[Any]:
                ids = await self.client.zrevrangebyscore(order, top, "-inf", start=0, num=200)
                return (
                    []
                    if not ids
                    else list(zip(ids, await self.client.hmget(store, ids), strict=True))
                )

            page = await self.call("deliveries_page", read)
            if not page:
                break
            for _, raw in page:
                delivery = json.loads(_text(raw)) if raw is not None else None
                if delivery is not None and status in (None, delivery["status"]):
                    found.append(delivery)
                    if len(found) == limit:
                        return found
            last = json.loads(_text(page[-1][1])) if page[-1][1] is not None else None
            if last is None:
                break
            top = f"({last['seq']}"
        return found


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
