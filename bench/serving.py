"""What the side-by-side parts (bench/topologies.py, bench/compare.py) start beside the
main run: a BorderBolt simulator and gateway configs on free loopback ports, so they
never collide with the main part's fixed ports."""

from __future__ import annotations

import subprocess
import sys

from bench.run import CONFIG, KEY, SIM_PORT, UPSTREAM_TOKEN, start
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
