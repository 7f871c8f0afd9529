"""The ``redis`` backend's events (gateway/changes/feed.py), shared by every instance.

``events`` is a stream: Redis gives each entry an ID that only grows (``XADD *``), so
the position a reader keeps is the stream ID, and retention is ``MINID`` trimming. An
event is confirmed on a replica before it counts (``durable``).

Each event's ID is also filed, by the same script, under each of its lanes
(gateway/store/event_lanes.py): a stream per lane, ``{<events>}:lane:<lane>``, its
entries holding only the ID, trimmed by the same ``MINID`` and expiring ``retention``
after its last event, so a lane no event uses any more goes. The keys share the events
stream's slot (the hash tag is its name), so both scripts run on a cluster. A filtered
read merges its lanes' IDs in one read-only script and reads those events.

An older gateway appends events without lanes (kept from before the upgrade, or
appended by an old instance during a rolling upgrade). ``{<events>}:lanes`` keeps
``last``, the newest ID filed under lanes, and ``from``, the ID after which every event
is: an append that finds an event after ``last`` moves ``from`` to itself. A read is
answered from the lanes only from ``from`` on and while the newest event is ``last``;
otherwise the store answers None and the caller scans, as before the lanes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from gateway.store.event_lanes import lanes_of
from gateway.store.redis_replication import RedisReplication

APPEND = """
local id = redis.call('XADD', KEYS[1], 'MINID', '=', ARGV[1], '*', 'e', ARGV[2])
for i = 3, #KEYS do
  redis.call('XADD', KEYS[i], 'MINID', '=', ARGV[1], id, 'p', '1')
  redis.call('PEXPIRE', KEYS[i], ARGV[3])
end
local before = redis.call('XREVRANGE', KEYS[1], '(' .. id, '-', 'COUNT', 1)[1]
if not redis.call('HGET', KEYS[2], 'from')
    or (before and before[1] ~= redis.call('HGET', KEYS[2], 'last')) then
  redis.call('HSET', KEYS[2], 'from', id)
end
redis.call('HSET', KEYS[2], 'last', id)
return id
"""
IN_LANES = """
local function split(id)
  local dash = string.find(id, '-')
  return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
end
local function before(a, b)
  local am, as = split(a)
  local bm, bs = split(b)
  return am < bm or (am == bm and as < bs)
end
local start, count, after = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local from = redis.call('HGET', KEYS[2], 'from')
local stop = from and ('(' .. from) or '+'
if #redis.call('XRANGE', KEYS[1], start, stop, 'COUNT', 1) > 0 then return {0} end
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if newest[1] and newest[1][1] ~= redis.call('HGET', KEYS[2], 'last') then return {0} end
local upto = newest[1] and newest[1][1] or after
if after ~= '' and (upto == '' or before(upto, after)) then upto = after end
if upto == '' then return {1, ''} end
local ids = {}
for i = 3, #KEYS do
  for _, entry in ipairs(redis.call('XRANGE', KEYS[i], start, upto, 'COUNT', count)) do
    table.insert(ids, entry[1])
  end
end
table.sort(ids, before)
local found, taken, last = {1, upto}, 0, nil
for _, id in ipairs(ids) do
  if taken == count then break end
  if id ~= last then
    last, taken = id, taken + 1
    local got = redis.call('XRANGE', KEYS[1], id, id)
    if got[1] then
      table.insert(found, id)
      table.insert(found, got[1][2][2])
    end
  end
end
if taken == count then found[2] = last end
return found
"""


class RedisEvents(RedisReplication):
    """Mixed into ``RedisStore``, whose ``client``, ``key``, ``call`` and ``script`` it
    uses."""

    client: Any
    prefix: str
    key: Callable[..., str]
    call: Callable[[str, Callable[[], Awaitable[Any]]], Awaitable[Any]]
    script: Callable[[str], Any]

    def _events_keys(self, lanes: Sequence[str]) -> list[str]:
        """The stream, what is filed under lanes and the ``lanes``' keys (one slot)."""
        stream = self.key("events")
        tagged = f"{self.prefix}{{{stream}}}"
        return [stream, f"{tagged}:lanes", *(f"{tagged}:lane:{lane}" for lane in lanes)]

    async def events_append(self, event: dict[str, Any], retention: float) -> str:
        body = json.dumps(event, separators=(",", ":"))
        oldest = int((time.time() - retention) * 1000)
        keys = self._events_keys(lanes_of(event))
        args = (oldest, body, max(1, int(retention * 1000)))
        position = await self.call("events_append", lambda: self.durable_script(APPEND, keys, args))
        return _text(position)

    async def events_after(self, position: str | None, count: int) -> list[tuple[str, str]]:
        start = f"({position}" if position else "-"
        entries = await self.call(
            "events_after",
            lambda: self.client.xrange(self.key("events"), min=start, max="+", count=count),
        )
        return [_event(_text(entry_id), _text(fields[b"e"])) for entry_id, fields in entries]

    async def events_in_lanes(
        self, lanes: Sequence[str], after: str | None, count: int
    ) -> tuple[list[tuple[str, str]], str | None] | None:
        keys, script = self._events_keys(lanes), self.script(IN_LANES)
        args = (f"({after}" if after else "-", count, after or "")
        answer = await self.call("events_in_lanes", lambda: script(keys=keys, args=args))
        if int(answer[0]) == 0:
            return None
        covered = _text(answer[1]) or None
        pairs = answer[2:]
        found = [_event(_text(pairs[i]), _text(pairs[i + 1])) for i in range(0, len(pairs), 2)]
        return found, covered


def _event(at: str, body: str) -> tuple[str, str]:
    """An event as kept (without its id, which is its position) as the API shows it."""
    return at, (f'{{"id":"evt_{at}",{body[1:]}' if body != "{}" else body)


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
