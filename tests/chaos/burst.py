"""Burst: 400 keyed POSTs at once on one instance on a healthy Redis, then 100 keys
sent 4 times each at once, 2 copies to each of 2 instances. The promise: never a 503
(a store under load is not a store that is down), one upstream record per key; of the
copies of a key one runs and the others replay its answer (or are 409 after waiting
10 s for it)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.chaos.report import Row, counted
from tests.chaos.site import DEMO, Upstream, chaos_site, customer, key_of, metric, upstream
from tests.servers import Process

TITLE = "burst"
AT_ONCE = 400
KEYS, COPIES = 100, 4
ONE, SHARED = "CHAOS-BURST-", "CHAOS-COPIES-"


@dataclass
class Answer:
    code: str
    status: int
    replayed: bool

    @property
    def shown(self) -> str | int:
        return "201 replayed" if self.replayed else self.status


def run(folder: Path) -> Row:
    row = Row(TITLE)
    with chaos_site(folder) as site:
        state = site.start_redis()
        a, b = site.gateway("a", state), site.gateway("b", state)
        since, started = time.time(), time.monotonic()
        single = asyncio.run(_send([(a, customer(ONE, n)) for n in range(AT_ONCE)]))
        took = time.monotonic() - started
        alone = upstream(site, ONE, since)
        since = time.time()
        copies = [(gw, customer(SHARED, n)) for n in range(KEYS) for gw in (a, b) * 2]
        shared = asyncio.run(_send(copies))
        together = upstream(site, SHARED, since)
        state_errors = sum(metric(gw, "gateway_state_errors_total") for gw in (a, b))
    row.requests = len(single) + len(shared)
    _judge(row, single, alone, shared, together)
    first, again = Counter(x.shown for x in single), Counter(x.shown for x in shared)
    row.measured += [
        f"{AT_ONCE} at once on one: {counted(first)} in {took:.1f} s",
        f"{KEYS} keys x {COPIES} on two: {counted(again)}",
        f"state store errors {state_errors:.0f}",
    ]
    return row


def _judge(
    row: Row, single: list[Answer], alone: Upstream, shared: list[Answer], together: Upstream
) -> None:
    row.duplicates = alone.duplicates + together.duplicates
    row.lost = alone.lost(x.code for x in single if x.status == 201)
    row.lost += together.lost(x.code for x in shared if x.status == 201)
    unavailable = sum(1 for x in single + shared if x.status == 503)
    row.check(unavailable == 0, f"{unavailable} x 503 on a healthy store")
    statuses = Counter(x.status for x in single)
    row.check(set(statuses) == {201}, f"the burst answered {counted(statuses)}")
    ran = Counter(x.code for x in shared if x.status == 201 and not x.replayed)
    once = sum(1 for n in ran.values() if n == 1)
    row.check(once == KEYS, f"{KEYS - once} of {KEYS} copied keys did not run exactly once")
    others = Counter(x.status for x in shared if x.replayed or x.status != 201)
    row.check(set(others) <= {201, 409}, f"copies answered {counted(others)}")


async def _send(requests: list[tuple[Process, dict[str, str]]]) -> list[Answer]:
    """Every request at once, each on its own connection."""
    limits = httpx.Limits(max_connections=len(requests))
    async with httpx.AsyncClient(timeout=120, limits=limits, headers=DEMO) as client:

        async def one(gw: Process, body: dict[str, str]) -> Answer:
            headers = {"Idempotency-Key": key_of(body)}
            answer = await client.post(f"{gw.url}/v1/customers", json=body, headers=headers)
            replayed = answer.headers.get("idempotent-replayed") == "true"
            return Answer(body["code"], answer.status_code, replayed)

        return await asyncio.gather(*(one(gw, body) for gw, body in requests))
