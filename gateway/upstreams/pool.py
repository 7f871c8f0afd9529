"""The keep-alive pool under gateway/upstreams/lean_transport.py: ``httpx.Limits`` kept.

- ``max_connections``: connections open or being opened, all origins together (as
  aiohttp's ``limit``); a request finding none free waits in line, and gives up after
  the pool timeout (the transport says ``ConnectTimeout``: it never reached the upstream).
  An idle connection to another origin is closed to make room rather than waited for.
- ``max_keepalive_connections``: idle connections kept; one more is closed when released.
- ``keepalive_expiry``: an idle connection older than that is closed, not reused (checked
  when one is taken, and by a sweep while any is idle, so none lingers).

The most recently released connection is taken first (the least likely to have been
closed by the peer). One found closed is never used: a fresh one replaces it, which is
safe since nothing was written on it. Taking an idle connection is synchronous (no
await): on the hot path a request costs the pool a list pop and a clock read.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Awaitable, Callable

import httpx

from gateway.upstreams.http11 import Connection

Key = tuple[str, str, int]  # (scheme, host, port)


class Pool:
    def __init__(self, limits: httpx.Limits) -> None:
        self.max_connections = limits.max_connections
        self.max_idle = limits.max_keepalive_connections
        self.expiry = limits.keepalive_expiry
        self.live = 0  # connections open or being opened
        self.idle_count = 0
        self._idle: dict[Key, list[Connection]] = {}
        self._open: set[Connection] = set()
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self._sweep: asyncio.TimerHandle | None = None

    def take(self, key: Key) -> Connection | None:
        """An idle connection to ``key`` that is still open and fresh, or None."""
        idle = self._idle.get(key)
        if not idle:
            return None
        now = asyncio.get_running_loop().time()
        while idle:
            connection = idle.pop()
            self.idle_count -= 1
            assert connection.transport is not None
            if self.expiry is not None and now - connection.idle_since >= self.expiry:
                connection.close()
            elif connection.transport.is_closing():
                connection.close(abort=True)
            else:
                return connection
        return None

    async def acquire(
        self,
        key: Key,
        opener: Callable[[Key], Awaitable[Connection]],
        pool_timeout: float | None,
    ) -> Connection:
        """A connection to ``key``: an idle one, else a new one from ``opener`` once the
        limit allows (``TimeoutError`` after ``pool_timeout`` in line)."""
        loop = asyncio.get_running_loop()
        deadline = None if pool_timeout is None else loop.time() + pool_timeout
        while True:
            connection = self.take(key)
            if connection is not None:
                return connection
            if self._room():
                break
            await self._wait(deadline)
        self.live += 1
        try:
            connection = await opener(key)
        except BaseException:
            self.live -= 1
            self._wake()
            raise
        if connection.closed:  # lost before it was used: nothing was written
            self.live -= 1
            self._wake()
            raise ConnectionResetError("the upstream closed the connection as it was made")
        self._open.add(connection)
        return connection

    def release(self, connection: Connection) -> None:
        """``connection`` answered: keep it for the next request, or close it."""
        if connection.closed:
            return
        if not connection.reusable or (
            self.max_idle is not None and self.idle_count >= self.max_idle
        ):
            connection.close()
            return
        loop = asyncio.get_running_loop()
        connection.idle_since = loop.time()
        self._idle.setdefault(connection.key, []).append(connection)
        self.idle_count += 1
        if self._waiters:
            self._wake()
        if self._sweep is None and self.expiry is not None:
            self._sweep = loop.call_later(self.expiry, self._expire)

    def forget(self, connection: Connection) -> None:
        """``Connection``'s call when it closes, whoever closed it."""
        if connection not in self._open:
            return
        self._open.discard(connection)
        self.live -= 1
        idle = self._idle.get(connection.key)
        if idle and connection in idle:
            idle.remove(connection)
            self.idle_count -= 1
        self._wake()

    def close(self) -> None:
        """Close every connection, idle or busy (a busy one's request fails)."""
        for connection in list(self._open):
            connection.close(abort=True)
        self._idle.clear()
        self.idle_count = 0
        if self._sweep is not None:
            self._sweep.cancel()
            self._sweep = None

    def _room(self) -> bool:
        if self.max_connections is None or self.live < self.max_connections:
            return True
        oldest = min(
            (idle[0] for idle in self._idle.values() if idle),
            key=lambda connection: connection.idle_since,
            default=None,
        )
        if oldest is None:
            return False
        oldest.close()  # idle, to another origin (this one's were taken first)
        return True

    async def _wait(self, deadline: float | None) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout_at(deadline):
                await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                self._wake()  # the turn it was given goes to the next in line
            elif waiter in self._waiters:
                self._waiters.remove(waiter)
            raise

    def _wake(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def _expire(self) -> None:
        self._sweep = None
        if self.expiry is None:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        for idle in list(self._idle.values()):
            for connection in [c for c in idle if now - c.idle_since >= self.expiry]:
                connection.close()
        if self.idle_count:
            self._sweep = loop.call_later(self.expiry, self._expire)
