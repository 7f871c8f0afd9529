"""The gateway on each Redis topology, side by side in one run (issue #30): a standalone
Redis, Sentinel (a master, its replica, three sentinels) and a Cluster (three masters, a
replica each), the real servers of the test suite (tests/ha_servers.py).

    make bench PART=topologies      # only this part (about two minutes)

One gateway per topology (``--topology-workers`` workers, default 1) in front of one
BorderBolt simulator; wrk drives the single read as a miss (``Cache-Control: no-cache``)
and as a hit (the shared read cache, in Redis), every topology and path once per repeat,
interleaved, so a slow minute of the shared machine lands on all of them alike. Each
figure is the median of the repeats: the gateway's CPU per request (its process tree,
from /proc) and, apart, the CPU per request of every Redis process of the topology
(replication and sentinels cost Redis CPU, not the gateway's). The target: the gateway's
CPU per request on Sentinel and Cluster no more than 10% above standalone's.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.report import Result
from bench.run import Variant, serve_gateway, stop, wait_until_up
from bench.serving import AUTH, PATHS, config, interleaved, simulator
from tests.ha_servers import Daemon, cluster_setup, redis_daemon, sentinel_setup
from tests.servers import free_port

TOPOLOGIES = ("redis", "redis-sentinel", "redis-cluster")
TARGET = 1.10  # the gateway's CPU per request, at most this times standalone's
PREFIX = "bench:"
SECTION = "## Redis topologies"


@dataclass
class Topology:
    name: str
    state: str  # the gateway's ``server.state``, YAML flow text
    daemons: list[Daemon]  # every Redis process of it (their CPU is Redis')

    @property
    def pids(self) -> tuple[int, ...]:
        return tuple(d.process.pid for d in self.daemons if d.process is not None)


@contextlib.contextmanager
def topologies(folder: Path) -> Iterator[list[Topology]]:
    """The three topologies, running, on loopback ports; stopped on leaving."""
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(topology(name, folder)) for name in TOPOLOGIES]


@contextlib.contextmanager
def topology(name: str, folder: Path) -> Iterator[Topology]:
    """One topology by name, running in ``folder/name``; stopped on leaving."""
    (folder / name).mkdir()
    if name == "redis":
        alone = redis_daemon(folder / name).start()
        try:
            url = f"redis://{alone.address}/0"
            yield Topology(name, f"{{backend: redis, url: '{url}', prefix: '{PREFIX}'}}", [alone])
        finally:
            alone.stop()
    elif name == "redis-sentinel":
        with sentinel_setup(folder / name) as sentinel:
            daemons = [sentinel.master, sentinel.replica, *sentinel.sentinels]
            yield Topology(name, sentinel.state(PREFIX), daemons)
    else:
        with cluster_setup(folder / name) as cluster:
            yield Topology(name, cluster.state(PREFIX), list(cluster.nodes))


Served = tuple[Topology, "subprocess.Popen[bytes]", int]  # a gateway and its port


def run(binary: str, args: argparse.Namespace) -> str:
    """Start everything, measure, stop; answers the report's section (``render``)."""
    folder = Path(tempfile.mkdtemp(prefix="gateway-bench-topologies-"))
    upstream, sim_port = simulator(args.latency)
    gateways: list[Served] = []
    try:
        with topologies(folder) as found:
            for topology in found:
                path = folder / f"{topology.name}.yaml"
                path.write_text(config(sim_port, topology.state))
                port = free_port()
                gateways.append((topology, serve_gateway(args.topology_workers, path, port), port))
            for _topology, _gateway, port in gateways:
                wait_until_up(f"http://127.0.0.1:{port}/v1/customers/bb:501", AUTH)
            time.sleep(1)
            print(
                f"Redis topologies: wrk -t{args.threads} -c{args.connections} "
                f"-d{args.duration}s x{args.repeats}, {args.topology_workers} worker(s) each",
                flush=True,
            )
            medians = measure(binary, gateways, args)
    finally:
        for _topology, gateway, _port in gateways:
            stop(gateway)
        stop(upstream)
    return render(medians, args)


def measure(
    binary: str,
    gateways: list[Served],
    args: argparse.Namespace,
) -> list[Result]:
    """Every topology and path, interleaved (bench/serving.py); a result's
    ``upstream_us`` holds the Redis processes' CPU per request."""
    url = "http://127.0.0.1:{}/v1/customers/bb:501"
    plan = [
        (Variant(f"{topology.name} {path}", url.format(port), headers, gateway.pid),
         topology.pids)
        for topology, gateway, port in gateways
        for path, headers in PATHS.items()
    ]  # fmt: skip
    return list(interleaved(binary, plan, args, "topologies").values())


def render(results: list[Result], args: argparse.Namespace) -> str:
    """The section: each topology's figures and its ratios to standalone, then the
    target per path, met or not."""
    by = {r.name: r for r in results}
    lines = [
        SECTION,
        "",
        f"Measured {time.strftime('%Y-%m-%d')}: the single read through a gateway of "
        f"{args.topology_workers} worker(s) per topology, wrk -c{args.connections}, "
        f"median of {args.repeats} interleaved runs of {args.duration} s "
        f"(`make bench PART=topologies`). Gateway CPU is its process tree's; Redis CPU is "
        "every Redis process of the topology (replicas and sentinels included).",
        "",
        "| topology | path | req/s | gateway CPU µs/req | vs standalone | Redis CPU µs/req "
        "| vs standalone | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        alone = by.get(f"redis {result.read}")
        lines.append(
            f"| {result.path} | {result.read} | {result.rps:.0f} | {result.cpu_us:.0f} | "
            f"{_ratio(result.cpu_us, alone.cpu_us if alone else 0)} | "
            f"{result.upstream_us:.0f} | "
            f"{_ratio(result.upstream_us, alone.upstream_us if alone else 0)} | "
            f"{result.errors} |"
        )
    lines += ["", "| target | path | worst ratio | met |", "|---|---|---:|---|"]
    for path in PATHS:
        alone = by.get(f"redis {path}")
        ratios = [
            by[f"{name} {path}"].cpu_us / alone.cpu_us
            for name in TOPOLOGIES[1:]
            if alone and alone.cpu_us and f"{name} {path}" in by
        ]
        worst = max(ratios) if ratios else None
        shown = f"{worst:.3f}x" if worst is not None else ""  # 1.103 is not met
        met = "met" if worst is not None and worst <= TARGET else "not met"
        lines.append(
            f"| gateway CPU/request on Sentinel and Cluster ≤ {TARGET:.2f}x standalone's "
            f"| {path} | {shown} | {met} |"
        )
    return "\n".join(lines) + "\n"


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}x" if base else ""


def merge(text: str, section: str, heading: str = SECTION) -> str:
    """``text`` (bench/results.md) with its section under ``heading`` (the topology
    section) replaced by ``section`` (added at the end when it has none), the rest kept."""
    if heading not in text:
        return text.rstrip("\n") + "\n\n" + section
    before, _, rest = text.partition(heading)
    after = rest.find("\n## ")
    tail = rest[after + 1 :] if after >= 0 else ""
    return before + section + ("\n" + tail if tail else "")
