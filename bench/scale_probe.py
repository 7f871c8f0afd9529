"""One poller measurement of ``make bench-scale`` (bench/scale.py), in a process of its
own so its peak RSS is its own: a gateway app in this process, polling the BorderBolt
simulator the driver started, on the state backend given.

    python -m bench.scale_probe --sim 9111 --customers 10000 --state local

Scans: the baseline, then ``--repeats`` scans with nothing changed, then one scan after
1% of the customers were changed in the simulator's own UI (``/__sandbox__/console``).
For each: the CPU time of this process (all threads: SQLite runs in one) per record,
and how far its RSS rose above what it was before the scan (``VmHWM``, reset before
each scan through ``/proc/self/clear_refs``). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from bench.run import UPSTREAM_TOKEN as TOKEN
from gateway.app import create_app
from gateway.config.text import parse_config

CONFIG = """
server: {{cursor_secret: bench-cursor-secret, log_level: warning, state: {state}}}
api_keys:
  - {{name: bench, key: bench-key, scopes: [customers:read]}}
connections:
  bb:
    adapter: borderbolt
    base_url: "http://127.0.0.1:{port}"
    auth: {{type: bearer, token: {token}}}
    changes: {{poll_every: 3600, resources: [customers]}}
"""


def _status(field: str) -> float:
    """A ``/proc/self/status`` figure in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> float:
    """Start ``VmHWM`` again at ``VmRSS``, which it answers."""
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")
    return _status("VmRSS")


def _size(folder: str) -> float:
    return sum(f.stat().st_size for f in Path(folder).glob("state.db*")) / 2**20


async def _scan(app: Any, records: int) -> dict[str, float]:
    before = _reset_peak()
    cpu, wall = time.process_time(), time.perf_counter()
    assert await app.state.host.pollers.scan_now("bb"), "the scan failed"
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {
        "cpu_us": cpu / records * 1e6,
        "wall_s": wall,
        "rss_rise_mib": _status("VmHWM") - before,
        "rss_mib": _status("VmRSS"),
    }


async def _change(port: int, customers: int) -> int:
    """Rename 1% of the customers in the simulator's own UI; how many."""
    every = 100
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        for n in range(0, customers, every):
            path = f"/__sandbox__/console/customer/{501 + n}"
            answer = await client.patch(path, json={"customer_name": f"Renamed {n} B.V."})
            answer.raise_for_status()
    return len(range(0, customers, every))


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        state = (
            f"{{backend: local, path: '{folder}/state.db'}}"
            if args.state == "local"
            else f"{{backend: redis, url: '{args.redis}', prefix: 'scale-{uuid.uuid4().hex[:8]}:'}}"
        )
        text = CONFIG.format(state=state, port=args.sim, token=TOKEN)
        app = create_app(parse_config(text))
        try:
            baseline = await _scan(app, args.customers)
            steady = [await _scan(app, args.customers) for _ in range(args.repeats)]
            changed = await _change(args.sim, args.customers)
            after = await _scan(app, args.customers)
            events = await app.state.runtime.store.events_after(None, changed + 10)
        finally:
            await app.state.runtime.aclose()
        size = _size(folder)
    middle = sorted(steady, key=lambda s: s["cpu_us"])[len(steady) // 2]
    return {
        "customers": args.customers,
        "state": args.state,
        "baseline": baseline,
        "steady": middle,
        "steady_cpu_us": [round(s["cpu_us"], 1) for s in steady],
        "changed": {**after, "events": len(events), "expected": changed},
        "store_mib": size if args.state == "local" else None,
        "spread": statistics.pstdev([s["cpu_us"] for s in steady]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sim", type=int, required=True, help="the simulator's port")
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--state", choices=["local", "redis"], default="local")
    parser.add_argument("--redis", default="redis://127.0.0.1:9112/0")
    parser.add_argument("--repeats", type=int, default=3)
    print(json.dumps(asyncio.run(measure(parser.parse_args()))))


if __name__ == "__main__":
    main()
