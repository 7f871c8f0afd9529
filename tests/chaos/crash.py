"""Crash after write: a gateway killed with ``kill -9`` after the upstream wrote the
record and before its answer came back. The promise: a retry of the key, on the other
instance or on the killed one restarted, is 409 ("outcome unknown"), at once; the key is
never run a second time."""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from tests.chaos.report import Row, counted
from tests.chaos.site import DEMO, TOKEN, Site, chaos_site, customer, key_of, upstream
from tests.servers import Process, borderbolt_records

TITLE = "crash after write"
KEYS = 10
PREFIX = "CHAOS-CRASH-"
# the simulator writes the record, then withholds its answer for a minute
FAULT = {"method": "POST", "path_prefix": "/api/v1/customers", "answer_after": 60}
OUTCOME = "outcome is unknown"  # in the 409 of a key whose first request's fate is not known
AT_ONCE = 10.0  # seconds within which a retry must be answered (the first's claim is dead)


def run(folder: Path) -> Row:
    row = Row(TITLE)
    statuses: Counter[int] = Counter()
    acknowledged: list[str] = []
    unknown, slowest = 0, 0.0
    with chaos_site(folder) as site:
        state = site.start_redis()
        a, b = site.gateway("a", state), site.gateway("b", state)
        since = time.time()
        for n in range(KEYS):
            body = customer(PREFIX, n)
            answers, waited = _crash_one(site, a, b, body)
            row.requests += 1 + len(answers)
            statuses.update(r.status_code for r in answers)
            acknowledged += [body["code"] for r in answers if r.is_success]
            unknown += sum(1 for r in answers if r.status_code == 409 and OUTCOME in r.text)
            slowest = max(slowest, waited)
        found = upstream(site, PREFIX, since)
    row.duplicates = found.duplicates
    row.lost = found.lost(acknowledged)
    row.measured += [
        f"{KEYS} x kill -9 after the upstream write",
        f"retries on the other instance and on the restarted one: {counted(statuses)}, "
        f"{unknown} saying the outcome is unknown",
        f"slowest retry on the other {slowest:.1f} s",
        f"records {found.records.total()}, create calls {found.creates}",
    ]
    retries = statuses.total()
    row.check(unknown == retries, f"{retries - unknown} of {retries} retries not 409 'unknown'")
    row.check(slowest < AT_ONCE, f"a retry waited {slowest:.1f} s (over {AT_ONCE:.0f} s)")
    row.check(len(found.records) == KEYS, f"{len(found.records)} of {KEYS} writes reached it")
    return row


def _crash_one(
    site: Site, a: Process, b: Process, body: dict[str, str]
) -> tuple[list[httpx.Response], float]:
    """Send ``body`` to ``a``, kill it once the upstream holds the record, retry on
    ``b`` (timed), restart ``a`` and retry there: the retries' answers, and how long
    ``b`` took."""
    headers = {**DEMO, "Idempotency-Key": key_of(body)}
    httpx.post(f"{site.sim.url}/__sandbox__/faults", json=FAULT).raise_for_status()
    answered: list[int] = []
    first = threading.Thread(target=_doomed, args=(a, body, headers, answered))
    first.start()
    deadline = time.monotonic() + 15
    while not borderbolt_records(site.sim, TOKEN, body["code"]):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the write of {body['code']} never reached the upstream")
        time.sleep(0.05)
    a.stop(kill=True)
    first.join(10)
    if answered:
        raise RuntimeError(f"the first request was answered {answered[0]} before the kill")
    started = time.monotonic()
    on_b = httpx.post(f"{b.url}/v1/customers", json=body, headers=headers, timeout=30)
    waited = time.monotonic() - started
    a.start()
    on_a = httpx.post(f"{a.url}/v1/customers", json=body, headers=headers, timeout=30)
    return [on_b, on_a], waited


def _doomed(a: Process, body: dict[str, str], headers: dict[str, str], answered: list[int]) -> None:
    """The first request, whose gateway is killed before it can answer (a status in
    ``answered`` if it was answered after all)."""
    with contextlib.suppress(httpx.HTTPError):
        answer = httpx.post(f"{a.url}/v1/customers", json=body, headers=headers, timeout=30)
        answered.append(answer.status_code)
