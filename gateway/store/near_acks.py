"""The near cache's acknowledgements (gateway/store/near_sync.py has the protocol): a
writer waits for them, and every process sends them, batched.

**Waiting**: the invalidation script answers, with the server's clock, when each
registered process was last registered. A process may answer from memory at most
``LEASE`` after its last registration (its lease runs from the moment it *sent* that
probe, which is before Redis ran it), so the writer waits for each one until it has
acknowledged or until ``registered + LEASE`` has passed, whichever is first: a process
killed 0.4 s ago is waited for 0.1 s, not a whole lease.

**Sending**: an invalidation is acknowledged to its writer's inbox by one publish, but a
burst of writes on one instance (hundreds of keyed POSTs at once) would have every other
instance send hundreds of publishes at once: each holds a connection of the store's
pool, and the pool ran out ("Too many connections", the store judged down, keyed POSTs
answered 503; tests/test_idempotency_faults.py). So each process has one sender per
connection: acknowledgements owed while a publish is in flight go together in the next
one, one per writer (``["A", [message ids], member]``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog

from gateway.store.base import StoreDown

LEASE = 0.5  # seconds a returned probe lets a process answer from memory
log = structlog.get_logger("gateway.store")


class Waiter:
    """A writer waiting for the acknowledgements of one invalidation."""

    def __init__(self) -> None:
        self.acked: set[str] = set()
        self.due: dict[str, float] = {}  # member -> time.monotonic() its lease ends
        self.changed = asyncio.Event()

    def settle(self, registered: list[Any], server_now: float) -> None:
        """``registered``: member, last registration (ms) pairs, flat (``WITHSCORES``);
        ``server_now``: the server's clock (ms) when the script ran."""
        now = time.monotonic()
        for member, at in zip(registered[::2], registered[1::2], strict=True):
            left = (float(at) + LEASE * 1000 - server_now) / 1000
            self.due[_text(member)] = now + min(max(left, 0.0), LEASE)

    def missing(self) -> list[str]:
        now = time.monotonic()
        return [m for m, due in self.due.items() if m not in self.acked and due > now]

    async def wait(self) -> list[str]:
        """Until every member acknowledged or is past its lease; the members whose lease
        ran out unacknowledged (waited for in vain)."""
        while missing := self.missing():
            self.changed.clear()
            wait = min(self.due[m] for m in missing) - time.monotonic()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(wait, 0.0)):
                    await self.changed.wait()
        return sorted(m for m in self.due if m not in self.acked)


class Acks:
    """One connection's acknowledgements in this process: the writers' waits and the
    batched sending. ``send(inbox, message)`` publishes one message (a store call)."""

    def __init__(self, member: str, send: Callable[[str, str], Awaitable[Any]]) -> None:
        self.member = member
        self._send = send
        self.waiters: dict[str, Waiter] = {}
        self._owed: dict[str, list[str]] = {}  # writer's inbox -> message ids
        self._sender: asyncio.Task[None] | None = None
        self.published = 0  # acknowledgement messages sent (tests count them)

    def received(self, message_ids: list[str], member: str) -> None:
        for message_id in message_ids:
            waiter = self.waiters.get(message_id)
            if waiter is not None:
                waiter.acked.add(member)
                waiter.changed.set()

    def owe(self, inbox: str, message_id: str) -> asyncio.Task[None] | None:
        """Acknowledge ``message_id`` to ``inbox`` soon; a new sender task, if one had
        to be started (the caller keeps it, to stop it with the link)."""
        self._owed.setdefault(inbox, []).append(message_id)
        if self._sender is not None and not self._sender.done():
            return None
        self._sender = asyncio.get_running_loop().create_task(self._drain())
        return self._sender

    async def _drain(self) -> None:
        while self._owed:
            owed, self._owed = self._owed, {}
            for inbox, ids in owed.items():
                with contextlib.suppress(StoreDown):  # the writer stops waiting at LEASE
                    await self._send(inbox, json.dumps(["A", ids, self.member]))
                    self.published += 1


def unacknowledged(channel: str, missing: list[str], waited: float) -> None:
    log.warning(
        "near_cache_invalidation_unacknowledged",
        channel=channel,
        waited_s=round(waited, 3),
        missing=missing,
    )


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
