"""Webhook receivers that bomb the gateway, served from a thread of the chaos run.

``Receiver("big")`` answers every delivery 200 with a 400 MB body (one 1 MiB chunk
sent 400 times, never allocated whole); ``Receiver("trickle")`` answers 200 with
``Content-Length: 1000`` and sends one byte every 2 s. Each keeps every attempt it saw:
the delivery's ``webhook-id``, the event's ID, and when the connection opened and closed
(monotonic seconds), so two attempts of one delivery in flight at once show.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from tests.servers import free_port

MIB = 1 << 20


@dataclass
class Attempt:
    webhook_id: str
    event_id: str
    start: float
    end: float | None = None  # None while the connection is open


@dataclass
class Receiver:
    kind: Literal["big", "trickle"]
    every: float = 2.0  # the trickle's seconds between bytes
    port: int = field(default_factory=free_port)
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def seen(self) -> list[Attempt]:
        return list(self.attempts)  # a copy: the receiver's thread appends meanwhile

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
            fields = dict(line.split(": ", 1) for line in head.split("\r\n")[1:] if ": " in line)
            body = await reader.readexactly(int(fields.get("content-length", "0")))
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            return
        event_id = str(json.loads(body).get("id", ""))
        attempt = Attempt(fields.get("webhook-id", ""), event_id, time.monotonic())
        self.attempts.append(attempt)
        eof = asyncio.get_running_loop().create_task(reader.read(1))  # the client hung up
        try:
            await self._answer(writer, eof)
        except ConnectionError:
            pass
        finally:
            attempt.end = time.monotonic()
            eof.cancel()
            with contextlib.suppress(BaseException):
                await eof
            writer.close()

    async def _answer(self, writer: asyncio.StreamWriter, eof: asyncio.Task[bytes]) -> None:
        big = self.kind == "big"
        chunk, count, pause = (b"\0" * MIB, 400, 0.0) if big else (b"x", 1000, self.every)
        writer.write(f"HTTP/1.1 200 OK\r\nContent-Length: {len(chunk) * count}\r\n".encode())
        writer.write(b"Connection: close\r\n\r\n")
        for _ in range(count):
            writer.write(chunk)
            drained = asyncio.ensure_future(writer.drain())
            await asyncio.wait({eof, drained}, return_when=asyncio.FIRST_COMPLETED)
            if not drained.done():
                drained.cancel()
            elif drained.exception() is not None:  # the client hung up
                return
            if eof.done() or (pause and (await asyncio.wait({eof}, timeout=pause))[0]):
                return


@contextlib.contextmanager
def serving(*receivers: Receiver) -> Iterator[None]:
    """Serve ``receivers`` on loopback from an event loop in a thread of its own."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def start() -> list[asyncio.Server]:
        return [await asyncio.start_server(r.handle, "127.0.0.1", r.port) for r in receivers]

    servers = asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    try:
        yield
    finally:

        async def stop() -> None:
            for server in servers:
                server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def overlapping(attempts: list[Attempt]) -> int:
    """Deliveries (by ``webhook-id``) with two attempts in flight at once."""
    by_delivery: dict[str, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        by_delivery[attempt.webhook_id].append(attempt)
    twice = 0
    for seen in by_delivery.values():
        latest = float("-inf")  # when the attempts started so far have all ended
        for attempt in sorted(seen, key=lambda a: a.start):
            if attempt.start < latest:
                twice += 1
                break
            latest = max(latest, attempt.end if attempt.end is not None else float("inf"))
    return twice
