"""The world of one chaos scenario, and what its upstream holds.

A ``Site`` is a folder with a BorderBolt simulator process in it (each scenario has its
own, so one scenario's withheld answers never reach another), a redis-server when the
scenario asks for one, and gateway processes (tests/servers.py).

Duplicates and losses are read from the simulator itself, never from the gateway:
``upstream(site, prefix, since)`` counts the records per customer code and the create
calls that reached it (``CreateCalls`` follows the simulator's call log). The simulator
refuses a second customer with a code it has (422), so a key run twice shows as a
create call beyond the records it made, not only as a second record; both are counted.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.servers import Process, RedisServer, gateway, simulator
from tests.site_config import ADMIN_KEY, DEMO_KEY, borderbolt_config, write_instance_config

TOKEN = "chaos-upstream-token"
DEMO = {"Authorization": "Bearer demo-key"}
ADMIN = {"Authorization": "Bearer admin-key"}
CREATES = ("POST", "/api/v1/customers")
TIMEOUT = "timeout: {connect: 1, read: 60, total: 60}"


class CreateCalls:
    """The create calls a simulator received, by when it received them. Its call log
    keeps only the last 1,000 calls, so it is read four times a second from a thread
    while the site runs; more than 1,000 calls between two reads is a gap that
    ``since`` refuses to count across."""

    def __init__(self, sim: Process) -> None:
        self.sim = sim
        self._at: set[float] = set()  # time.time() of each: distinct, calls are µs apart
        self._newest = 0.0
        self._gap = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._follow, daemon=True)
        self._thread.start()

    def _follow(self) -> None:
        while not self._stop.wait(0.25):
            with contextlib.suppress(httpx.HTTPError):
                self.read()

    def read(self) -> None:
        calls = httpx.get(f"{self.sim.url}/__sandbox__/calls", timeout=10).json()
        with self._lock:
            if len(calls) >= 1000 and calls[0]["at"] > self._newest:
                self._gap = True
            self._at.update(c["at"] for c in calls if (c["method"], c["path"]) == CREATES)
            self._newest = max([self._newest, *(c["at"] for c in calls)])

    def since(self, moment: float) -> int:
        self.read()
        if self._gap:
            raise RuntimeError("over 1,000 simulator calls between two reads of its log")
        with self._lock:
            return sum(1 for at in self._at if at >= moment)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


class Site:
    """One scenario's folder, simulator, Redis (on demand) and gateways."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True)
        self.sim = simulator("borderbolt", TOKEN, folder).start()
        self.creates = CreateCalls(self.sim)
        self.redis: RedisServer | None = None
        self.gateways: list[Process] = []

    def start_redis(self) -> str:
        """Start a redis-server (no persistence); the gateways' ``server.state`` for it."""
        self.redis = RedisServer()
        self.redis.start()
        prefix = f"chaos{uuid.uuid4().hex[:6]}:"
        return f"{{backend: redis, url: '{self.redis.url}', prefix: '{prefix}'}}"

    def gateway(self, name: str, state: str, server: Iterable[str] = (), tail: str = "") -> Process:
        """Start a gateway process named ``name`` (its own config file, as on its own
        host); ``server`` adds lines under ``server:``, ``tail`` top-level sections."""
        text = borderbolt_config(
            state,
            self.sim.url,
            TOKEN,
            keys=(DEMO_KEY, ADMIN_KEY),
            server=server,
            connection=[TIMEOUT],
            tail=tail,
        )
        process = gateway(write_instance_config(self.folder, name, text), self.folder).start()
        self.gateways.append(process)
        return process

    def close(self) -> None:
        self.creates.stop()
        for process in self.gateways:
            process.stop(kill=True)
        self.sim.stop(kill=True)  # it may be withholding an answer for a minute
        if self.redis is not None:
            self.redis.stop()


@contextlib.contextmanager
def chaos_site(folder: Path) -> Iterator[Site]:
    """A ``Site`` in ``folder`` (where its processes log), every process ended after."""
    site = Site(folder)
    try:
        yield site
    finally:
        site.close()


def customer(prefix: str, n: int) -> dict[str, str]:
    """A new customer whose code starts with ``prefix`` (one code per Idempotency-Key)."""
    code = f"{prefix}{n:04d}"
    return {"code": code, "name": f"Chaos {code} B.V."}


def key_of(body: dict[str, str]) -> str:
    return f"chaos-{body['code']}"


def post_customer(client: httpx.Client, gw: Process, body: dict[str, str]) -> httpx.Response:
    """The keyed POST the scenarios send: ``body`` under its own Idempotency-Key."""
    headers = {**DEMO, "Idempotency-Key": key_of(body)}
    return client.post(f"{gw.url}/v1/customers", json=body, headers=headers)


@dataclass
class Upstream:
    """What reached the simulator: records per code, create calls since a moment."""

    records: Counter[str] = field(default_factory=Counter)
    creates: int = 0

    @property
    def duplicates(self) -> int:
        """Extra records for one code, plus create calls beyond the records made (a
        second run of a key that the upstream refused as a taken code)."""
        extra = sum(n - 1 for n in self.records.values() if n > 1)
        return extra + max(0, self.creates - sum(self.records.values()))

    def lost(self, acknowledged: Iterable[str]) -> int:
        """Codes answered 2xx by a gateway that the upstream does not hold."""
        return sum(1 for code in set(acknowledged) if self.records[code] == 0)

    def written(self, refused: Iterable[str]) -> int:
        """Codes answered 503 (nothing sent, by the promise) that the upstream holds."""
        return sum(1 for code in set(refused) if self.records[code] > 0)


def records_by_code(sim: Process, prefix: str) -> Counter[str]:
    """Customers in the simulator whose code contains ``prefix``, counted per code, all
    pages (tests/servers.py ``borderbolt_records`` counts those of one code)."""
    found: Counter[str] = Counter()
    page, last = 1, 1
    with httpx.Client(base_url=sim.url, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        while page <= last:
            params: dict[str, Any] = {"code": prefix, "per_page": 100, "page": page}
            answer = client.get("/api/v1/customers", params=params)
            answer.raise_for_status()
            found.update(row["customer_code"] for row in answer.json()["data"])
            last, page = answer.json()["meta"]["last_page"], page + 1
    return found


def upstream(site: Site, prefix: str, since: float) -> Upstream:
    """The records whose code contains ``prefix``, and the create calls since ``since``."""
    return Upstream(records_by_code(site.sim, prefix), site.creates.since(since))


def rss_mb(process: Process) -> float:
    """The resident memory of a gateway process, from /proc."""
    assert process.process is not None
    status = Path(f"/proc/{process.process.pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def metric(process: Process, name: str) -> float:
    """The sum of every sample of ``name`` on the gateway's /metrics (0 when absent)."""
    text = httpx.get(f"{process.url}/metrics", timeout=10).text
    pattern = re.compile(rf"^{re.escape(name)}(\{{[^}}]*\}})? (\S+)$", re.M)
    return sum(float(m.group(2)) for m in pattern.finditer(text))


def until(check: Any, deadline: float, every: float = 0.1) -> bool:
    """Whether ``check()`` came true within ``deadline`` seconds (exceptions: not yet)."""
    end = time.monotonic() + deadline
    while True:
        with contextlib.suppress(Exception):
            if check():
                return True
        if time.monotonic() > end:
            return False
        time.sleep(every)
