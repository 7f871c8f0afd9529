"""Receiver bombs: one gateway (local state) delivering every write's event to a
receiver answering 400 MB and to one trickling a byte every 2 s (``timeout: 3``). The
promise: the gateway's memory stays within 50 MB of idle, the big answers count as
delivered, each attempt ends within its timeout, no delivery has two attempts in flight
at once, and ``attempts`` counts exactly the attempts the receiver saw."""

from __future__ import annotations

import base64
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import httpx

from tests.chaos.receivers import Receiver, overlapping, serving
from tests.chaos.report import Row
from tests.chaos.site import (
    ADMIN,
    DEMO,
    chaos_site,
    customer,
    post_customer,
    rss_mb,
    until,
    upstream,
)
from tests.servers import Process

TITLE = "receiver bombs"
WRITES = 20
PREFIX = "CHAOS-BOMB-"
TIMEOUT = 3.0  # the trickle webhook's timeout, for an attempt as a whole
GROWTH = 50.0  # MB of resident memory past idle that the promise allows
SECRET = "whsec_" + base64.b64encode(b"chaos-receiver-bombs-secret-0123").decode()
RETRIES = "webhooks: {first_retry: 0.1, max_retry: 0.3, give_up_after: 12}"


def run(folder: Path) -> Row:
    row = Row(TITLE)
    big, trickle = Receiver("big"), Receiver("trickle")
    hooks = (
        "webhooks:\n"
        f'  - {{name: big, url: "{big.url}", secret: "{SECRET}", timeout: 10}}\n'
        f'  - {{name: trickle, url: "{trickle.url}", secret: "{SECRET}", timeout: {TIMEOUT}}}\n'
    )
    with serving(big, trickle), chaos_site(folder) as site:
        gw = site.gateway("gw", "{backend: local}", server=[RETRIES], tail=hooks)
        since = time.time()
        with httpx.Client(base_url=gw.url, headers=DEMO, timeout=30) as client:
            for _ in range(3):  # warm: the first requests load what every request uses
                client.get("/v1/customers", params={"limit": 5}).raise_for_status()
            time.sleep(0.5)
            idle = rss_mb(gw)
            with Peak(gw) as peak:
                made = _writes(client, gw, row)
                settled = until(lambda: _settled(gw), deadline=40, every=0.5)
            events = _events(client)
        deliveries = _deliveries(gw)
        found = upstream(site, PREFIX, since)
    row.check(settled, "deliveries still pending 40 s after the writes")
    _judge(row, made, events, deliveries, big, trickle)
    row.duplicates = found.duplicates + overlapping(big.seen() + trickle.seen())
    row.lost += found.lost(made)
    growth = peak.mb - idle
    row.check(growth < GROWTH, f"RSS grew {growth:.0f} MB (limit {GROWTH:.0f})")
    row.measured.insert(0, f"RSS +{growth:.0f} MB (idle {idle:.0f}, peak {peak.mb:.0f})")
    return row


def _writes(client: httpx.Client, gw: Process, row: Row) -> dict[str, str]:
    """``WRITES`` keyed POSTs: the code and canonical ID of each one answered 201."""
    made: dict[str, str] = {}
    for n in range(WRITES):
        body = customer(PREFIX, n)
        answer = post_customer(client, gw, body)
        row.requests += 1
        if answer.status_code == 201:
            made[body["code"]] = answer.json()["id"]
    row.check(len(made) == WRITES, f"{WRITES - len(made)} writes not 201")
    return made


def _judge(
    row: Row,
    made: dict[str, str],
    events: dict[str, str],
    deliveries: list[dict[str, Any]],
    big: Receiver,
    trickle: Receiver,
) -> None:
    """Lost: a write with no event, or whose event neither receiver ever got an attempt
    of. Broken: a big answer not delivered, an attempt past its timeout, ``attempts``
    not what the trickle saw."""
    got_big = {a.event_id for a in big.seen()}
    got_trickle = {a.event_id for a in trickle.seen()}
    for resource in made.values():
        event = events.get(resource)
        if event is None or event not in got_big or event not in got_trickle:
            row.lost += 1
    by_hook: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for delivery in deliveries:
        by_hook[delivery["webhook"]].append(delivery)
    delivered = [
        d for d in by_hook["big"] if d["status"] == "delivered" and d["last_status"] == 200
    ]
    row.check(len(delivered) == len(made), f"{len(delivered)} of {len(made)} big answers delivered")
    seen = Counter(a.webhook_id for a in trickle.seen())
    alike = [d for d in by_hook["trickle"] if d["attempts"] == seen[d["id"]]]
    row.check(
        len(alike) == len(by_hook["trickle"]),
        f"attempts of {len(by_hook['trickle']) - len(alike)} deliveries not as the receiver saw",
    )
    spans = [a.end - a.start for a in trickle.seen() if a.end is not None]
    longest = max(spans, default=0.0)
    row.check(longest < TIMEOUT + 1, f"a trickle attempt lasted {longest:.1f} s")
    row.measured += [
        f"big: {len(delivered)} of {len(made)} delivered in {len(big.seen())} attempts",
        f"trickle: {len(spans)} attempts, the longest {longest:.1f} s; "
        f"attempts as the receiver saw them on {len(alike)} of {len(by_hook['trickle'])}",
    ]


def _settled(gw: Process) -> bool:
    """Every delivery finished: the big ones delivered, the trickling ones given up."""
    deliveries = _deliveries(gw)
    return len(deliveries) == 2 * WRITES and all(d["status"] != "pending" for d in deliveries)


def _deliveries(gw: Process) -> list[dict[str, Any]]:
    answer = httpx.get(f"{gw.url}/admin/webhooks/deliveries?limit=100", headers=ADMIN, timeout=10)
    found: list[dict[str, Any]] = answer.json()["data"]
    return found


def _events(client: httpx.Client) -> dict[str, str]:
    """The ID of each resource's ``customer.created`` event in the gateway's feed."""
    answer = client.get("/v1/events", params={"type": "customer.created", "limit": 100})
    return {e["resource_id"]: e["id"] for e in answer.json()["data"]}


class Peak:
    """The highest resident memory of a process, sampled every 50 ms in a thread."""

    def __init__(self, process: Process) -> None:
        self.process, self.mb = process, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.mb = max(self.mb, rss_mb(self.process))

    def __enter__(self) -> Peak:
        self.mb = rss_mb(self.process)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self.mb = max(self.mb, rss_mb(self.process))
