"""The failover soak (issue 30 item 2): ``make soak`` runs it for minutes and prints a
table; ``tests/test_soak.py`` runs a short one (< 30 s) in ``make test``.

Three gateway processes behind a real HAProxy (health-checking ``/readyz``) on
loopback, over Redis (``--topology``: the topologies in ``TOPOLOGIES``), in front of a
BorderBolt simulator process (``gateway simulate``), under steady mixed load
(tests/soak_load.py: reads, writes with and without ``Idempotency-Key``, one key sent
at once to two instances, an event consumer following its cursor, a webhook receiver).
Faults, one after another, each followed by steady load: ``kill -9`` one gateway (then
started again), SIGTERM another (it drains; then started again), and the topology's
own (tests/soak_topologies.py: standalone, Redis stopped and started again with its
append-only file; sentinel, the master killed so Sentinel promotes the replica;
cluster, a master with a replica killed so the replica takes over).

Per fault it reports, and the run fails unless the first four are 0:
- duplicate upstream writes for one ``Idempotency-Key``: two records with its code, or
  the upstream refusing its code as taken (the simulator keeps codes unique, so a write
  that reaches it a second time shows that way);
- events missing for the consumer (a record the upstream has with no
  ``customer.created`` event seen) or repeated (an event id given twice);
- webhook deliveries lost (an event of the feed never received), and duplicates (the
  same ``webhook-id`` received again: at least once, bounded);
- answers through the balancer other than 2xx/4xx, and the window from the first to
  the last of them; the time until every ``/readyz`` is 200 with ``"state": "ok"``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.balancer import HAProxy
from tests.servers import Process, gateway, simulator
from tests.soak_load import Load, Receiver, Seen, every_event
from tests.soak_report import Phase, Row, table, tally
from tests.soak_topologies import TOPOLOGIES, Topology

TOKEN = "soak-upstream-token"
SECRET = "whsec_c29hay13ZWJob29rLXNlY3JldC0xMjM0NTY3OA=="
CONFIG = """\
server:
  default_connection: bb
  state: {state}
  shutdown_grace: 5
  webhooks: {{first_retry: 0.2, max_retry: 1}}
  log_level: warning
api_keys:
  - {{name: demo, key: demo-key, scopes: [customers:read, customers:write]}}
connections:
  bb:
    adapter: borderbolt
    base_url: "{bb}"
    auth: {{type: bearer, token: {token}}}
    changes: {{poll_every: 1, resources: [customers]}}
webhooks:
  - {{name: soak, url: "{hook}", events: ["customer.*"], secret: "{secret}", timeout: 2}}
"""


@dataclass(frozen=True)
class Settings:
    steady: float = 20.0  # seconds of load before the first fault and after each recovery
    down: float = 5.0  # seconds a killed gateway or a stopped Redis stays down
    settle: float = 30.0  # seconds at most for events and deliveries to catch up
    clients: int = 8  # concurrent client loops
    topology: str = "standalone"


SHORT = Settings(steady=1.0, down=0.5, settle=15.0, clients=4)


# The site -----------------------------------------------------------------------------


class Site:
    def __init__(self, folder: Path, topology: Topology, receiver: Receiver) -> None:
        self.folder, self.topology = folder, topology
        self.sim = simulator("borderbolt", TOKEN, folder)
        self.gateways: list[Process] = []
        self.balancer: HAProxy | None = None
        self.receiver = receiver
        self.leaving: set[int] = set()  # gateways being stopped: no client aims at them

    def start(self) -> None:
        self.topology.start()
        text = CONFIG.format(
            state=self.topology.state(f"soak{uuid.uuid4().hex[:6]}:"),
            bb=self.sim.url,
            token=TOKEN,
            hook=self.receiver.url,
            secret=SECRET,
        )
        for name in ("a", "b", "c"):
            path = self.folder / name / "config.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            self.gateways.append(gateway(path, self.folder))
        start_all([self.sim, *self.gateways])
        backends = {f"gw{n}": g.port for n, g in enumerate(self.gateways)}
        self.balancer = HAProxy(backends, self.folder).start()

    def running(self) -> list[str]:
        return [
            g.url
            for n, g in enumerate(self.gateways)
            if g.process is not None and n not in self.leaving
        ]

    def stop(self) -> None:
        if self.balancer is not None:
            self.balancer.stop()
        for process in self.gateways:
            process.stop(kill=True)
        self.sim.stop(kill=True)
        self.topology.stop()

    async def ready(self) -> bool:
        """Every gateway's ``/readyz`` is 200 with the state store ``ok``."""
        async with httpx.AsyncClient(timeout=1) as client:
            for process in self.gateways:
                try:
                    answer = await client.get(process.url + "/readyz")
                except httpx.HTTPError:
                    return False
                if answer.status_code != 200 or answer.json().get("state") != "ok":
                    return False
        return True


def start_all(processes: list[Process]) -> None:
    """Start processes side by side (each takes a second or two), then wait for all."""
    with ThreadPoolExecutor(len(processes)) as pool:
        for started in [pool.submit(p.start) for p in processes]:
            started.result()


async def kill_gateway(site: Site, index: int, down: float) -> None:
    process = site.gateways[index]
    await asyncio.to_thread(process.stop, True)  # SIGKILL
    await asyncio.sleep(down)
    await asyncio.to_thread(process.start)


async def drain_gateway(site: Site, index: int, down: float) -> None:
    """SIGTERM, as a deploy or a node drain does; clients aiming at this instance
    itself (not through the balancer) stop doing so, as they would on a deploy."""
    process = site.gateways[index]
    assert process.process is not None
    site.leaving.add(index)
    process.process.send_signal(signal.SIGTERM)
    await asyncio.to_thread(process.process.wait, 30)
    process.process = None
    await asyncio.sleep(down)
    await asyncio.to_thread(process.start)
    site.leaving.discard(index)


# The run --------------------------------------------------------------------------------


async def run(settings: Settings, folder: Path) -> list[Row]:
    seen = Seen()
    receiver = Receiver(SECRET, seen)
    topology = TOPOLOGIES[settings.topology](folder)
    site = Site(folder, topology, receiver)
    async with receiver.serving():
        await asyncio.to_thread(site.start)
        try:
            return await _soak(site, settings, seen)
        finally:
            await asyncio.to_thread(site.stop)
            with (folder / "bad-answers.jsonl").open("w") as out:  # what the table counts
                for answer in seen.answers:
                    if not 200 <= answer.status < 500:
                        out.write(json.dumps(dataclasses.asdict(answer)) + "\n")


async def _soak(site: Site, settings: Settings, seen: Seen) -> list[Row]:
    assert site.balancer is not None
    load = Load(site.balancer.url, site.running, settings.clients)
    load.seen = seen
    faults: list[tuple[str, Callable[[], Awaitable[None]]]] = [
        ("kill -9 a gateway", lambda: kill_gateway(site, 0, settings.down)),
        ("SIGTERM a gateway", lambda: drain_gateway(site, 1, settings.down)),
        (site.topology.fault_name, lambda: site.topology.fault(settings.down)),
    ]
    phases = [Phase("steady", time.time())]
    load.start()
    try:
        await asyncio.sleep(settings.steady)
        for name, fault in faults:
            phases[-1].end = time.time()
            phase = Phase(name, time.time())
            phases.append(phase)
            began = time.monotonic()
            await fault()
            while not await site.ready():  # noqa: ASYNC110 - polling other processes
                await asyncio.sleep(0.05)
            phase.ready_after = time.monotonic() - began
            await asyncio.sleep(settings.steady)
    finally:
        await load.stop()
    await settle(site, load, settings.settle)
    await load.aclose()
    return await report(site, seen, phases)


async def settle(site: Site, load: Load, seconds: float) -> None:
    """Let the poller find what the writes left and the deliveries reach the receiver."""
    assert site.balancer is not None
    deadline = time.monotonic() + seconds
    await load.follow_events(time.monotonic() + min(2.5, seconds))  # two poller scans
    while time.monotonic() < deadline:
        feed = await every_event(site.balancer.url)
        received = {event for _, event in load.seen.deliveries}
        if {e["id"] for e in feed} <= received and len(load.seen.events) >= len(feed):
            return
        await load.follow_events(time.monotonic() + 0.5)


async def report(site: Site, seen: Seen, phases: list[Phase]) -> list[Row]:
    assert site.balancer is not None
    feed = await every_event(site.balancer.url)
    return tally(seen, phases, feed, await asyncio.to_thread(upstream_records, site))


def upstream_records(site: Site) -> dict[str, list[str]]:
    """Every customer the simulator holds: code -> record ids (a write made twice shows
    as two ids under one code)."""
    found: dict[str, list[str]] = {}
    with httpx.Client(base_url=site.sim.url, headers={"Authorization": f"Bearer {TOKEN}"}) as sim:
        page = 1
        while True:
            answer = sim.get("/api/v1/customers", params={"page": page, "per_page": 100}).json()
            for row in answer["data"]:
                found.setdefault(row["customer_code"], []).append(str(row["id"]))
            if page >= answer["meta"]["last_page"]:
                return found
            page += 1


@contextlib.contextmanager
def folder(keep: str | None) -> Iterator[Path]:
    if keep:
        path = Path(keep)
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="gateway-soak-") as made:
        yield Path(made)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.soak", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--topology",
        choices=[*TOPOLOGIES, "all"],
        default="all",
        help="the Redis under the gateways; all: each in turn (default)",
    )
    parser.add_argument("--steady", type=float, default=Settings.steady)
    parser.add_argument("--down", type=float, default=Settings.down)
    parser.add_argument("--clients", type=int, default=Settings.clients)
    parser.add_argument(
        "--logs", help="keep the processes' logs, and the answers not 2xx/4xx, in this folder"
    )
    args = parser.parse_args(argv)
    clean = True
    for topology in list(TOPOLOGIES) if args.topology == "all" else [args.topology]:
        settings = Settings(args.steady, args.down, Settings.settle, args.clients, topology)
        with folder(args.logs and str(Path(args.logs) / topology)) as where:
            rows = asyncio.run(run(settings, where))
        print(table(rows, settings), end="\n\n", flush=True)
        problems = [f"{topology}, {r.phase}: {p}" for r in rows for p in r.problems]
        for problem in problems[:50]:
            print(problem, file=sys.stderr)
        clean = clean and all(r.clean for r in rows)
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
