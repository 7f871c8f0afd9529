"""Growth: what the gateway's work costs as the data grows (issue 32), ``make bench-scale``.

    make bench-scale                 # or: .venv/bin/python -m bench.scale --help

For each tenant size (1k, 10k, 100k customers) a BorderBolt simulator seeded with that
many (bench/simulator.py --customers) is started as its own process, and:

(a) poller scan: bench/scale_probe.py, a process of its own per state backend (SQLite
    file, a Redis server started here), polling customers: CPU per record (the
    median of 3 scans with nothing changed, and one after 1% changed) and how far its
    RSS rose during the scan;
(b) emulated filter: a gateway (``gateway serve``, SQLite state) lists every customer
    through ``q`` (emulated on BorderBolt) with a term no row matches, following
    ``next_cursor`` (100 pages per request, ``max_scan_pages``): CPU and wall time per
    scanned row, and the gateway's peak RSS (``VmHWM``) after it;
(d) fan-out: ``connection=*`` over four connections to that simulator, every row of
    all four read 100 per page following ``next_cursor``: page latency (median, p99)
    and CPU per row.

(c) ``/v1/events`` with 10^4, 10^5 and 10^6 events kept, one in 1,000 of them matching
    the filter: the events are written straight into the state store before the gateway
    starts (SQLite: one transaction of rows and their lanes, as ``events_append`` writes
    them; Redis: the store's own append script, pipelined), which takes seconds instead
    of the hour a million writes through the API would. Then the median latency of the
    first page of 10 (the matches are 1,000 events apart, so the page covers 10,000
    events) for a type, a connection and a resource filter.

The slope printed is d log(cost) / d log(N) from the smallest to the largest size: 0
is flat. It prints the tables and, with ``--write``, puts them in bench/results.md
under "Growth". Everything runs on loopback; a run takes a few minutes.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.run import (
    ROOT,
    UPSTREAM_TOKEN,
    ensure_redis,
    peak_rss_mb,
    serve_gateway,
    start,
    stop,
    tree_cpu_seconds,
    wait_until_up,
)
from bench.scale_events import EVENT_SIZES, FILTERS, seed_events
from bench.scale_report import RESULTS, render, write_results
from tests.servers import free_port

SIZES = (1_000, 10_000, 100_000)
PAGE_ASKS = 200
TOKEN, KEY = UPSTREAM_TOKEN, "bench-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
GATEWAY = """
server: {{cursor_secret: bench-cursor-secret, log_level: warning, state: {state}}}
api_keys:
  - {{name: bench, key: {key}, scopes: [customers:read, items:read]}}
connections:
{connections}
"""
CONNECTION = """  {name}:
    adapter: borderbolt
    base_url: "http://127.0.0.1:{port}"
    auth: {{type: bearer, token: {token}}}
    max_scan_pages: 100
    cache: {{ttl: 0}}
"""


def gateway_config(folder: Path, sim_port: int, state: str) -> Path:
    connections = "".join(
        CONNECTION.format(name=f"bb{n}", port=sim_port, token=TOKEN) for n in range(1, 5)
    )
    path = folder / "gateway.yaml"
    path.write_text(GATEWAY.format(state=state, key=KEY, connections=connections))
    return path


def poll_probe(sim_port: int, customers: int, state: str, redis_url: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.scale_probe", "--sim", str(sim_port),
               "--customers", str(customers), "--state", state, "--redis", redis_url]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the poll probe failed:\n{done.stderr[-3000:]}")
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def emulated_scan(gateway: subprocess.Popen[bytes], base: str, customers: int) -> dict[str, float]:
    """Every customer read through an emulated filter matching none, cursor by cursor."""
    cpu, wall, requests = tree_cpu_seconds(gateway.pid), time.perf_counter(), 0
    params: dict[str, Any] = {"connection": "bb1", "q": "no-such-customer-zz", "limit": 25}
    with httpx.Client(base_url=base, headers=AUTH, timeout=120) as client:
        while True:
            answer = client.get("/v1/customers", params=params)
            answer.raise_for_status()
            requests += 1
            body = answer.json()
            assert not body["data"] and "q" in body["meta"]["emulated"], body["meta"]
            if not body["meta"]["next_cursor"]:
                break
            params = {"connection": "bb1", "q": params["q"], "cursor": body["meta"]["next_cursor"]}
    cpu, wall = tree_cpu_seconds(gateway.pid) - cpu, time.perf_counter() - wall
    return {
        "cpu_us": cpu / customers * 1e6,
        "wall_us": wall / customers * 1e6,
        "requests": requests,
        "peak_rss_mib": peak_rss_mb(gateway.pid),
    }


def fan_out(gateway: subprocess.Popen[bytes], base: str, customers: int) -> dict[str, float]:
    """Every customer of the four connections, a page of 100 at a time (``connection=*``
    follows the connections in config order, each in its own order)."""
    times: list[float] = []
    rows = 0
    params: dict[str, Any] = {"connection": "*", "limit": 100}
    with httpx.Client(base_url=base, headers=AUTH, timeout=60) as client:
        cpu = tree_cpu_seconds(gateway.pid)
        while True:
            started = time.perf_counter()
            answer = client.get("/v1/customers", params=params)
            times.append((time.perf_counter() - started) * 1000)
            answer.raise_for_status()
            body = answer.json()
            rows += len(body["data"])
            if not body["meta"]["next_cursor"]:
                break
            params = {"connection": "*", "limit": 100, "cursor": body["meta"]["next_cursor"]}
        cpu = tree_cpu_seconds(gateway.pid) - cpu
    assert rows == 4 * customers, rows
    times.sort()
    return {
        "p50_ms": statistics.median(times),
        "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))],
        "cpu_us": cpu / rows * 1e6,
        "pages": len(times),
    }


def per_size(customers: int, redis_url: str, folder: Path) -> dict[str, Any]:
    print(f"== {customers:,} customers: seeding the simulator", flush=True)
    sim_port, gw_port = free_port(), free_port()
    sim = start([sys.executable, "bench/simulator.py", "borderbolt", "--port", str(sim_port),
                 "--token", TOKEN, "--customers", str(customers)])  # fmt: skip
    try:
        sim_up = f"http://127.0.0.1:{sim_port}/api/v1/customers/501"
        wait_until_up(sim_up, {"Authorization": f"Bearer {TOKEN}"}, deadline=180)
        found: dict[str, Any] = {"customers": customers}
        for state in ("local", "redis"):
            print(f"   (a) poller scans on {state}", flush=True)
            found[f"poll_{state}"] = poll_probe(sim_port, customers, state, redis_url)
        config = gateway_config(folder, sim_port, f"{{backend: local, path: '{folder}/gw.db'}}")
        gateway = serve_gateway(1, config, gw_port)
        base = f"http://127.0.0.1:{gw_port}"
        try:
            wait_until_up(f"{base}/readyz", {})
            print("   (b) emulated filter over the whole list", flush=True)
            found["emulated"] = emulated_scan(gateway, base, customers)
            print("   (d) fan-out over four connections", flush=True)
            found["fanout"] = fan_out(gateway, base, customers)
        finally:
            stop(gateway)
            (folder / "gw.db").unlink(missing_ok=True)
        return found
    finally:
        stop(sim)


def events_part(
    redis_url: str, folder: Path, sizes: tuple[int, ...], asks: int
) -> list[dict[str, Any]]:
    """(c): first-page latency of each filter with more and more events kept."""
    rows: list[dict[str, Any]] = []
    for backend in ("local", "redis"):
        prefix = f"events-{int(time.time())}:"
        state = (
            f"{{backend: local, path: '{folder}/events.db'}}"
            if backend == "local"
            else f"{{backend: redis, url: '{redis_url}', prefix: '{prefix}'}}"
        )
        config = gateway_config(folder, free_port(), state)
        kept = 0
        for size in sizes:
            print(f"== (c) {size:,} events kept, {backend}: seeding", flush=True)
            started = time.perf_counter()
            seed_events(backend, folder / "events.db", redis_url, prefix, kept, size)
            seeded, kept = time.perf_counter() - started, size
            port = free_port()
            gateway = serve_gateway(1, config, port)
            base = f"http://127.0.0.1:{port}"
            try:
                wait_until_up(f"{base}/readyz", {})
                row: dict[str, Any] = {"backend": backend, "events": size, "seed_s": seeded}
                with httpx.Client(base_url=base, headers=AUTH, timeout=60) as client:
                    for name, params in FILTERS.items():
                        row[name] = first_page(client, gateway, params, asks)
                rows.append(row)
            finally:
                stop(gateway)
    return rows


def first_page(
    client: httpx.Client, gateway: subprocess.Popen[bytes], params: dict[str, str], asks: int
) -> dict[str, float]:
    """The first page of 10 matches, asked ``asks`` times (after one to warm up): its
    median latency and the gateway's CPU per request."""
    times = []
    client.get("/v1/events", params={**params, "limit": 10}).raise_for_status()
    cpu = tree_cpu_seconds(gateway.pid)
    for _ in range(asks):
        started = time.perf_counter()
        answer = client.get("/v1/events", params={**params, "limit": 10})
        times.append((time.perf_counter() - started) * 1000)
        answer.raise_for_status()
        assert len(answer.json()["data"]) == 10, answer.json()["meta"]
    cpu = tree_cpu_seconds(gateway.pid) - cpu
    return {"ms": statistics.median(times), "cpu_us": cpu / asks * 1e6}


def slope(small: float, large: float, n_small: int, n_large: int) -> float:
    """d log(cost) / d log(N): 0 is flat, 1 grows with N."""
    if small <= 0 or large <= 0 or n_small == n_large:
        return 0.0
    return math.log(large / small) / math.log(n_large / n_small)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--events", default=",".join(map(str, EVENT_SIZES)))
    parser.add_argument("--asks", type=int, default=PAGE_ASKS, help="(c): requests per figure")
    parser.add_argument("--write", action="store_true", help="put the tables in --out")
    parser.add_argument("--out", type=Path, default=RESULTS, help="the results file")
    args = parser.parse_args()
    sizes = tuple(int(s) for s in args.sizes.split(","))
    event_sizes = tuple(int(s) for s in args.events.split(","))
    redis_port = free_port()
    redis = start([ensure_redis(), "--port", str(redis_port), "--save", "", "--appendonly", "no"])
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    try:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            time.sleep(0.5)
            measured = [per_size(n, redis_url, folder) for n in sizes]
            events = events_part(redis_url, folder, event_sizes, args.asks)
    finally:
        stop(redis)
    text = render(measured, events, slope)
    print(text)
    if args.write:
        write_results(text, args.out)


if __name__ == "__main__":
    main()
