"""What the side-by-side parts (bench/topologies.py, bench/compare.py) start beside the
main run: a BorderBolt simulator and gateway configs on free loopback ports, so they
never collide with the main part's fixed ports."""

from __future__ import annotations

import argparse
import subprocess
import sys

from bench.report import Result, median
from bench.run import CONFIG, KEY, SIM_PORT, UPSTREAM_TOKEN, Variant, start, wrk
from tests.servers import free_port

AUTH = {"Authorization": f"Bearer {KEY}"}
PATHS = {"miss": {**AUTH, "Cache-Control": "no-cache"}, "hit": AUTH}  # how each path is read


def simulator(latency: float) -> tuple[subprocess.Popen[bytes], int]:
    """The simulator adding ``latency`` seconds per request, and its port."""
    port = free_port()
    process = start(
        [sys.executable, "bench/simulator.py", "borderbolt", "--port", str(port),
         "--token", UPSTREAM_TOKEN, "--latency", str(latency)]
    )  # fmt: skip
    return process, port


def config(sim_port: int, state: str) -> str:
    """The bench's gateway config, on the simulator at ``sim_port``, with ``state``."""
    return CONFIG.replace(f"127.0.0.1:{SIM_PORT}", f"127.0.0.1:{sim_port}").replace("STATE", state)


def interleaved(
    binary: str, plan: list[tuple[Variant, tuple[int, ...]]], args: argparse.Namespace, what: str
) -> dict[str, Result]:
    """Each variant of ``plan`` (with the processes whose CPU is its "upstream") once per
    repeat, interleaved, so a slow minute of the shared machine lands on all alike; the
    median of each, by name."""
    runs: dict[str, list[Result]] = {}
    for repeat in range(args.repeats):
        print(f"{what}: repeat {repeat + 1} of {args.repeats}", flush=True)
        for variant, upstream in plan:
            result = wrk(
                binary, variant, args, connections=args.connections, upstream=upstream,
                warm=repeat == 0, pinned=False,
            )  # fmt: skip
            runs.setdefault(variant.name, []).append(result)
    return {name: median(results) for name, results in runs.items()}
