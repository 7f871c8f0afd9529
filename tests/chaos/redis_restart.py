"""Redis restarted without persistence: two instances take a stream of keyed POSTs
and cursor-paged GETs while Redis is stopped, then started empty. The promise: keyed
POSTs while it is down are 503 and never written, after it all succeed (the refused
ones too, sent again); reads answer throughout; cursors taken before keep working on
both instances; both end on one config ETag; no key is written twice. The events of
writes made before the restart are gone with the stream: counted, expected."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx

from gateway.store.base import RETRY_AFTER_FAILURE
from tests.chaos.report import Row, counted
from tests.chaos.site import (
    ADMIN,
    DEMO,
    chaos_site,
    customer,
    metric,
    post_customer,
    until,
    upstream,
)
from tests.servers import Process

TITLE = "Redis restart, no persistence"
PREFIX = "CHAOS-REDIS-"
PHASE = 3.0  # seconds of traffic before the stop, during the outage, after the start
# seconds after Redis is back within which a POST may still be refused: a store judged
# down is not asked again for RETRY_AFTER_FAILURE
RECOVERY = RETRY_AFTER_FAILURE + 0.5
POSTERS = 3  # threads sending keyed POSTs


@dataclass
class Sent:
    n: int  # of the customer sent: customer(PREFIX, n)
    code: str
    start: float
    end: float
    status: int  # 0: no answer
    resource: str | None  # the canonical ID of a created customer


class Traffic:
    """Keyed POSTs and cursor-paged GETs, alternating between instances, until
    stopped. POSTs come from ``POSTERS`` threads: one whose answer is being kept
    across the outage (tried again for up to 5 s) holds up only its own thread."""

    def __init__(self, instances: list[Process]) -> None:
        self.instances = instances
        self.posts: list[Sent] = []
        self.reads: Counter[int] = Counter()
        self._numbers = itertools.count()
        self._stop = threading.Event()
        targets = [self._post] * POSTERS + [self._read]
        self._threads = [threading.Thread(target=t) for t in targets]

    def __enter__(self) -> Traffic:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(60)

    def _post(self) -> None:
        with httpx.Client(timeout=30) as client:
            while not self._stop.wait(0.05):
                n = next(self._numbers)
                body, start = customer(PREFIX, n), time.monotonic()
                try:
                    answer = post_customer(client, self.instances[n % 2], body)
                    status = answer.status_code
                except httpx.HTTPError:
                    status = 0
                made = answer.json()["id"] if status == 201 else None
                self.posts.append(Sent(n, body["code"], start, time.monotonic(), status, made))

    def _read(self) -> None:
        cursor: str | None = None
        with httpx.Client(headers=DEMO, timeout=30) as client:
            n = 0
            while not self._stop.wait(0.03):
                gw, n = self.instances[n % 2], n + 1
                params = {"limit": 5, **({"cursor": cursor} if cursor else {})}
                try:
                    answer = client.get(f"{gw.url}/v1/customers", params=params)
                except httpx.HTTPError:
                    self.reads[0] += 1  # no answer
                    continue
                self.reads[answer.status_code] += 1
                if answer.status_code == 200:
                    cursor = answer.json()["meta"].get("next_cursor")


def run(folder: Path) -> Row:
    row = Row(TITLE)
    with chaos_site(folder) as site:
        state = site.start_redis()
        redis = site.redis
        assert redis is not None
        a, b = site.gateway("a", state), site.gateway("b", state)
        earlier = {gw.url: _cursor(gw) for gw in (a, b)}
        etag = _etag(a)
        since = time.time()
        with Traffic([a, b]) as traffic:
            time.sleep(PHASE)
            marks = [time.monotonic()]  # stopping, stopped, starting, started
            redis.stop()
            marks.append(time.monotonic())
            time.sleep(PHASE)
            marks.append(time.monotonic())
            redis.start()  # no persistence: it comes back empty
            marks.append(time.monotonic())
            time.sleep(PHASE + RECOVERY)
        refused = [p for p in traffic.posts if p.status == 503]
        written = upstream(site, PREFIX, since).written(p.code for p in refused)
        with httpx.Client(timeout=30) as client:
            again = [
                (p.code, post_customer(client, (b, a)[p.n % 2], customer(PREFIX, p.n)))
                for p in refused
            ]
        followed = sum(_follows(other, earlier[gw.url]) for gw, other in ((a, b), (b, a)))
        agreed = until(lambda: {_etag(a), _etag(b)} == {etag}, deadline=5)
        events = _event_resources(a)
        counted_lost = sum(metric(gw, "gateway_events_lost_total") for gw in (a, b))
        found = upstream(site, PREFIX, since)
    posts = traffic.posts
    row.requests = len(posts) + traffic.reads.total() + len(again)
    row.duplicates = found.duplicates
    acknowledged = [p.code for p in posts if p.status == 201]
    acknowledged += [code for code, answer in again if answer.status_code == 201]
    row.lost = found.lost(acknowledged)
    phases = _phases(posts, *marks)
    _judge(row, phases, written, again)
    row.check(set(traffic.reads) == {200}, f"reads answered {counted(traffic.reads)}")
    row.check(followed == 2, f"{2 - followed} of 2 cursors taken before were refused after")
    row.check(agreed, "the instances did not end on the config ETag they had")
    _events_lost(row, phases, events, counted_lost)
    row.measured += [
        f"reads: {counted(traffic.reads)}; cursors from before followed on the other: {followed}/2",
        "config ETag after: one on both, as before" if agreed else "config ETags differ",
    ]
    return row


def _phases(
    posts: list[Sent], stopping: float, stopped: float, starting: float, started: float
) -> dict[str, list[Sent]]:
    """The POSTs by when they were sent: answered before Redis was being stopped, sent
    and answered while it was down, sent once it was back (past ``RECOVERY``), or
    across a change."""
    phases: dict[str, list[Sent]] = {"before": [], "down": [], "across": [], "after": []}
    for post in posts:
        if post.end < stopping:
            phases["before"].append(post)
        elif post.start >= stopped and post.end <= starting:
            phases["down"].append(post)
        elif post.start >= started + RECOVERY:
            phases["after"].append(post)
        else:
            phases["across"].append(post)
    return phases


def _judge(
    row: Row, phases: dict[str, list[Sent]], written: int, again: list[tuple[str, httpx.Response]]
) -> None:
    """POSTs before the stop and after the start are 201, while Redis is down 503 and
    never written; the refused keys, sent again, are 201."""
    statuses = {name: Counter(p.status for p in sent) for name, sent in phases.items()}
    for name, expected in (("before", 201), ("down", 503), ("after", 201)):
        got = statuses[name]
        row.check(set(got) == {expected}, f"POSTs {name}: {counted(got)}, not all {expected}")
    row.check(written == 0, f"{written} POSTs answered 503 were written")
    retried = Counter(answer.status_code for _, answer in again)
    row.check(set(retried) <= {201}, f"the refused keys sent again: {counted(retried)}")
    longest = max((p.end - p.start for p in phases["across"]), default=0.0)
    row.measured += [
        "keyed POSTs " + "; ".join(f"{n}: {counted(statuses[n])}" for n in statuses),
        f"the longest across a change {longest:.1f} s",
        f"the {len(again)} refused sent again: {counted(retried)}",
    ]


def _events_lost(
    row: Row, phases: dict[str, list[Sent]], events: set[str], counted_lost: float
) -> None:
    """The events of acknowledged writes: those written before Redis restarted are
    gone with its stream (expected, counted apart); one missing after it is lost."""

    def missing(name: str) -> int:
        return sum(1 for p in phases[name] if p.resource and p.resource not in events)

    gone, lost = missing("before") + missing("across"), missing("after")
    row.lost += lost
    row.measured.append(
        f"events gone with Redis's stream (expected): {gone}; events the store could not "
        f"keep, counted: {counted_lost:.0f}; events missing after the start: {lost}"
    )


def _cursor(gw: Process) -> str:
    page = httpx.get(f"{gw.url}/v1/customers", params={"limit": 2}, headers=DEMO).json()
    cursor: str = page["meta"]["next_cursor"]
    return cursor


def _follows(gw: Process, cursor: str) -> bool:
    params = {"limit": 2, "cursor": cursor}
    return httpx.get(f"{gw.url}/v1/customers", params=params, headers=DEMO).status_code == 200


def _etag(gw: Process) -> str:
    return httpx.get(f"{gw.url}/admin/config", headers=ADMIN).headers["etag"]


def _event_resources(gw: Process) -> set[str]:
    """The resources of every ``customer.created`` event in the feed, all pages."""
    found: set[str] = set()
    cursor: str | None = None
    with httpx.Client(base_url=gw.url, headers=DEMO, timeout=30) as client:
        while True:
            params = {
                "type": "customer.created",
                "limit": 100,
                **({"cursor": cursor} if cursor else {}),
            }
            page = client.get("/v1/events", params=params).json()
            found.update(e["resource_id"] for e in page["data"])
            if not page["data"]:
                return found
            cursor = page["meta"]["next_cursor"]
