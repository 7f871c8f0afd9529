"""The near cache's coherence: what lets a read cache hit on Redis cost no round trip
while a write acknowledged by any instance is still seen by the next read on every one
(API.md section 7; the protocol is walked through in docs/caching.md).

Each process keeps, per connection, the tag generations it knows are current (a
``NearLink``); an entry whose generations match them is answered from memory. What keeps
them current:

- **Invalidation**: a write bumps the generations and, in the same script, publishes the
  tags on the connection's channel ``{conn:<name>}:near`` (``SPUBLISH`` on a cluster, so
  the message stays on the shard that holds the generations). Every process forgets
  those tags when the message arrives, then acknowledges to the writer's inbox.
- **Acknowledgement**: the writer's script also answers who is *registered* (below) and
  when; the write is acknowledged to its client only when every registered process has
  acknowledged or is past the end of the lease its last registration could give it
  (at most ``LEASE`` after the script answered; gateway/store/near_acks.py, which also
  batches the acknowledgements a process sends).
- **Lease**: a process may answer from memory only within ``LEASE`` seconds of sending a
  probe it has since received back on its own subscription: a script that registers it
  (``ZADD`` to ``{conn:<name>}:near-members``, refused by a replica) and publishes to its
  inbox. Messages on one subscription arrive in the order the server executed them, so a
  probe received back means every invalidation published before it was applied. A process
  that missed an invalidation (its subscription dropped, or it is paused) gets no probe
  back and stops answering from memory within ``LEASE`` seconds: the writer waited
  exactly that long for it.
- **A read racing an invalidation**: generations read from Redis are kept only if no
  invalidation and no loss of the subscription happened since the read was sent
  (``mark``/``learn``); otherwise they answer that read and are forgotten.
- **Loss**: a subscription that drops, errs or is told it is unsubscribed (a cluster slot
  moved) forgets every generation and answers nothing from memory until it is subscribed
  again and a probe came back. So does one whose probes, taken by Redis, stop coming
  back (a paused old master keeps its socket open after a failover: it would hear
  nothing, forever). On a failover the next subscription reaches the new master
  (Sentinel asks the sentinels, a cluster looks up the slot's node).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import redis.asyncio as aioredis
import structlog
from redis.asyncio.cluster import RedisCluster

from gateway.store.base import StoreDown
from gateway.store.near_acks import LEASE, Acks, Waiter, unacknowledged

if TYPE_CHECKING:
    from gateway.store.redis import RedisStore

PROBE_EVERY = 0.125  # seconds between probes, so a lease is renewed well before it ends
MEMBER_FOR_MS = int(LEASE * 1000)  # a registration older than this is not waited for
REOPEN_AFTER = (0.05, 1.0)  # first and longest wait before subscribing again
MAX_TAGS = 50_000  # generations kept per connection; past it, all are forgotten
log = structlog.get_logger("gateway.store")

# KEYS[1]: the members; ARGV: publish command, own inbox, message, member id, window ms.
PROBE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 10 * tonumber(ARGV[5]))
redis.call('PEXPIRE', KEYS[1], 10 * tonumber(ARGV[5]))
redis.call(ARGV[1], ARGV[2], ARGV[3])
return 1
"""
# KEYS: the generations to bump, then the members; ARGV: publish command, channel,
# message, window ms. Answers the server's time (ms) and the members registered within
# the window, each with when (``WITHSCORES``).
INVALIDATE = """
for i = 1, #KEYS - 1 do redis.call('INCR', KEYS[i]) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local members = redis.call('ZRANGEBYSCORE', KEYS[#KEYS], now - tonumber(ARGV[4]), '+inf',
  'WITHSCORES')
redis.call(ARGV[1], ARGV[2], ARGV[3])
return {now, members}
"""
# KEYS[1]: the members (so a cluster routes it to the connection's shard);
# ARGV: publish command, channel, message.
SEND = "redis.call(ARGV[1], ARGV[2], ARGV[3]) return 1"


class NearLink:
    """One connection's near state in this process: the tag generations known current,
    and the subscription and probes that keep them so (module docstring)."""

    def __init__(self, store: RedisStore, member: str, connection: str) -> None:
        self.store = store
        self.member = member
        self._tag = "{conn:" + connection + "}"
        self.channel = store.key(self._tag, "near")
        self.inbox = self.inbox_of(member)
        self.members = store.key(self._tag, "near-members")
        self.sharded = store.cluster
        self.publish = "SPUBLISH" if self.sharded else "PUBLISH"
        self.gens: dict[str, int] = {}
        self.seq = 0  # bumped by every invalidation applied and every loss
        self.subscribed = False
        self.lease_until = 0.0
        self.lost_count = 0
        self._probes: dict[str, float] = {}  # token -> time.monotonic() it was sent
        self.acks = Acks(member, self._acknowledge)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._running: list[asyncio.Task[None]] = []
        self._stopped = False  # for good: its connection is gone (``NearSync.release``)

    def inbox_of(self, member: str) -> str:
        return self.store.key(self._tag, "near", member)

    # Answering from memory ------------------------------------------------------------

    def usable(self) -> bool:
        return self.subscribed and time.monotonic() < self.lease_until

    def current(self, tags: list[str]) -> tuple[int, ...] | None:
        """The generations of ``tags`` if all are known current, else None."""
        if not self.usable():
            return None
        gens = self.gens
        try:
            return tuple(gens[tag] for tag in tags)
        except KeyError:
            return None

    def mark(self) -> int | None:
        """Taken before a read of the generations is sent: what ``learn`` checks."""
        return self.seq if self.usable() else None

    def learn(self, tags: list[str], generations: tuple[int, ...], mark: int | None) -> None:
        """Keep generations read from Redis, unless anything happened since ``mark``."""
        if mark is None or mark != self.seq or not self.usable():
            return
        if len(self.gens) > MAX_TAGS:
            self.gens.clear()
        self.gens.update(zip(tags, generations, strict=True))

    def forget(self, tags: Iterable[str]) -> None:
        for tag in tags:
            self.gens.pop(tag, None)
        self.seq += 1

    def _lose(self, why: str) -> None:
        if (self.subscribed or self.gens) and why != "stopped":
            log.warning("near_cache_subscription_lost", channel=self.channel, reason=why)
        self.subscribed = False
        self.lease_until = 0.0
        self.gens.clear()
        self._probes.clear()
        self.seq += 1
        self.lost_count += 1

    # Writing --------------------------------------------------------------------------

    async def invalidate(self, gen_keys: list[str], tags: list[str]) -> None:
        """Bump ``gen_keys`` and tell every process; returns once every registered one
        has forgotten ``tags`` or can no longer answer from memory."""
        message_id = secrets.token_hex(8)
        waiter = self.acks.waiters[message_id] = Waiter()
        message = json.dumps(["i", self.member, message_id, tags])
        script = self.store.script(INVALIDATE)
        keys, args = [*gen_keys, self.members], [self.publish, self.channel, message, MEMBER_FOR_MS]
        try:
            server_now, registered = await self.store.call(
                "cache_invalidate", lambda: script(keys=keys, args=args)
            )
            self.forget(tags)
            waiter.acked.add(self.member)
            waiter.settle(registered, float(server_now))
            started = time.monotonic()
            if missing := await waiter.wait():
                unacknowledged(self.channel, missing, time.monotonic() - started)
        except StoreDown:
            # the script may have run (only its answer lost): processes holding a lease
            # may not have heard; none holds one LEASE from now (as if none acknowledged)
            self.forget(tags)
            await asyncio.sleep(LEASE)
            raise
        finally:
            self.acks.waiters.pop(message_id, None)

    # The subscription -----------------------------------------------------------------

    def start(self) -> None:
        if not self._running and not self._stopped:
            loop = asyncio.get_running_loop()
            self._running = [loop.create_task(self._listen()), loop.create_task(self._probe())]

    async def stop(self) -> None:
        self._stopped = True
        tasks = [*self._running, *self._tasks]
        for task in tasks:
            task.cancel()
        if tasks:
            # Bounded: a cancellation absorbed on the way (Python 3.11's asyncio.timeout
            # can turn it into a TimeoutError, i.e. StoreDown) must not hold a shutdown;
            # the loops also end on ``_stopped`` at their next turn.
            _, left = await asyncio.wait(tasks, timeout=2 * self.store.timeout + 1)
            if left:
                log.warning("near_link_not_stopped", channel=self.channel)
        self._running = []
        if self.subscribed:
            self._lose("stopped")
            with contextlib.suppress(Exception):  # writers stop waiting for us at once
                async with asyncio.timeout(self.store.timeout):
                    await self.store.client.zrem(self.members, self.member)

    async def _open(self, again: bool) -> tuple[Any, aioredis.Redis | None]:
        """A pub/sub on the node that holds the channel (a fresh connection each time)."""
        client = self.store.client
        if not isinstance(client, RedisCluster):
            return client.pubsub(), None
        if again:
            await client.nodes_manager.initialize()  # the slot may have moved
        else:
            await client.initialize()
        node = client.get_node_from_key(self.channel)
        if node is None:
            raise ConnectionError(f"no node holds {self.channel}")
        pool = aioredis.ConnectionPool(
            connection_class=node.connection_class, **node.connection_kwargs
        )
        own = aioredis.Redis(connection_pool=pool)
        return own.pubsub(), own

    async def _listen(self) -> None:
        wait, again = REOPEN_AFTER[0], False
        while not self._stopped:
            pubsub, own = None, None
            try:
                pubsub, own = await self._open(again)
                if self.sharded:
                    await pubsub.ssubscribe(self.channel, self.inbox)
                else:
                    await pubsub.subscribe(self.channel, self.inbox)
                confirmed: set[str] = set()
                while not self._stopped:
                    message = await pubsub.get_message(timeout=1.0)
                    if message is not None:
                        self._handle(message, confirmed)
                        wait = REOPEN_AFTER[0]
                    self._check_probes()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._lose(type(exc).__name__)
            finally:
                if pubsub is not None:
                    with contextlib.suppress(Exception):
                        await pubsub.aclose()
                if own is not None:
                    with contextlib.suppress(Exception):
                        await own.aclose()
            again = True
            await asyncio.sleep(wait)
            wait = min(wait * 2, REOPEN_AFTER[1])

    def _handle(self, message: dict[str, Any], confirmed: set[str]) -> None:
        kind, channel = message["type"], _text(message["channel"] or b"")
        if kind in ("subscribe", "ssubscribe"):
            confirmed.add(channel)
            if confirmed >= {self.channel, self.inbox}:
                self.subscribed = True
            return
        if kind in ("unsubscribe", "sunsubscribe"):
            raise ConnectionError(f"unsubscribed from {channel} (its slot moved?)")
        if kind not in ("message", "smessage"):
            return
        data = json.loads(message["data"])
        if data[0] == "i":
            _, writer, message_id, tags = data
            self.forget(tags)
            if writer != self.member:
                self._keep(self.acks.owe(self.inbox_of(writer), message_id))
        elif data[0] == "p":
            sent = self._probes.pop(data[1], None)
            if sent is not None and self.subscribed:
                self.lease_until = max(self.lease_until, sent + LEASE)
        elif data[0] == "A":
            self.acks.received(data[1], data[2])
        elif data[0] == "a":  # one acknowledgement, from a process of an earlier release
            self.acks.received([data[1]], data[2])

    def _check_probes(self) -> None:
        """A probe Redis took but that never came back: the subscription hears nothing
        (a paused old master after a failover keeps its socket open), so it is lost."""
        if not self._probes:
            return
        overdue = time.monotonic() - 2 * self.store.timeout - 4 * LEASE
        if min(self._probes.values()) < overdue:
            raise ConnectionError("probes sent through the store do not come back")

    async def _acknowledge(self, inbox: str, message: str) -> None:
        script = self.store.script(SEND)
        await self.store.call_now(
            "near_ack", lambda: script(keys=[self.members], args=[self.publish, inbox, message])
        )

    def _keep(self, task: asyncio.Task[Any] | None) -> None:
        """Hold a background task of this link's until it ends (``stop`` cancels it)."""
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _probe(self) -> None:
        """Every PROBE_EVERY seconds while subscribed: register, and send a probe to our
        own inbox; its return renews the lease (``_handle``)."""
        script = self.store.script(PROBE)
        while not self._stopped:
            await asyncio.sleep(PROBE_EVERY)
            if not self.subscribed:
                continue
            token = secrets.token_hex(6)
            self._probes[token] = time.monotonic()
            if len(self._probes) > 64:  # probes lost on the way: keep the newest
                self._probes = dict(list(self._probes.items())[-16:])
            args = [self.publish, self.inbox, json.dumps(["p", token]), self.member, MEMBER_FOR_MS]
            try:
                await self.store.call_now("near_probe", _calling(script, [self.members], args))
            except StoreDown:
                self._probes.pop(token, None)  # never sent: not one to wait for


class NearSync:
    """This process's near links, one per connection, started on first use and stopped
    when the last read cache using one is closed: a connection removed or renamed by a
    config change would otherwise keep its subscription and probes until shutdown."""

    def __init__(self, store: RedisStore) -> None:
        self.store = store
        self.links: dict[str, NearLink] = {}
        self._users: dict[str, int] = {}  # connection -> read caches holding its link

    def link(self, connection: str) -> NearLink:
        """The connection's link, held until ``release``."""
        found = self.links.get(connection)
        if found is None:
            # A member id of its own: a link still stopping as one of the same name
            # starts (a connection removed and added back) unregisters only itself.
            member = secrets.token_hex(8)
            found = self.links[connection] = NearLink(self.store, member, connection)
            self._room(+1)
        self._users[connection] = self._users.get(connection, 0) + 1
        return found

    async def release(self, connection: str) -> None:
        """One holder of the link is done with it; the last one stops it."""
        left = self._users.pop(connection, 0) - 1
        if left > 0:
            self._users[connection] = left
            return
        link = self.links.pop(connection, None)
        if link is not None:
            self._room(-1)
            await link.stop()

    def _room(self, subscriptions: int) -> None:
        """A link's subscription holds a connection of the shared pool while it lives (a
        cluster's have pools of their own): the pool grows by one for each."""
        if not self.store.cluster:
            self.store.client.connection_pool.max_connections += subscriptions

    async def aclose(self) -> None:
        for link in self.links.values():
            await link.stop()


def _calling(script: Any, keys: list[str], args: list[Any]) -> Any:
    return lambda: script(keys=keys, args=args)


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
