"""Where a cache miss spends the gateway's CPU: py-spy on a one-worker gateway under wrk.

    make profile                    # or: .venv/bin/python bench/profile.py --help

Starts the BorderBolt simulator and a one-worker gateway as in ``make bench``, drives
``/v1/customers/bb:501`` or ``/v1/customers?limit=25`` with ``Cache-Control: no-cache``,
and samples the gateway with ``py-spy record --format raw`` (collapsed stacks). Each
sample is charged to one part of the work, by its innermost frame that a rule below
names (so the shares add up to 100%), and the table is printed; ``--out`` keeps the
collapsed stacks for a flame graph (e.g. speedscope or flamegraph.pl).
"""

from __future__ import annotations

import argparse
import contextlib
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.run import (
    BIN,
    CONFIG,
    KEY,
    LOCAL_STATE,
    UPSTREAM_TOKEN,
    ensure_wrk,
    start,
    stop,
    tree_cpu_seconds,
    wait_until_up,
)
from bench.topologies import TOPOLOGIES, topology
from bench.tracing import SINK_MAIN, gateway_env

GW_PORT, SIM_PORT = 9120, 9121

# (part, substrings of a frame "function (file:line)"); the first rule matching the
# innermost frame that any rule matches names the sample's part.
RULES: list[tuple[str, tuple[str, ...]]] = [
    (
        "tracing (opentelemetry)",
        ("opentelemetry/", "observability/tracing.py", "kernel/tracing.py", "upstreams/traced.py"),
    ),
    ("retries (stamina/tenacity)", ("stamina/", "tenacity/")),
    ("logging (structlog)", ("structlog/", "gateway/observability/logging.py")),
    ("metrics (prometheus-client)", ("prometheus_client/", "gateway/observability/metrics.py")),
    ("auth, quotas", ("gateway/http/auth.py", "gateway/guarantees/quotas.py", "hashlib")),
    (
        "rendering (pydantic-core, responses)",
        ("render (gateway/caching/reads.py", "gateway/lists/listing.py", "starlette/responses.py"),
    ),
    ("cache", ("gateway/caching/cache.py", "gateway/caching/reads.py", "cachetools/")),
    ("redis client (redis-py, hiredis)", ("redis/", "hiredis")),
    ("state store (gateway/store)", ("gateway/store/",)),
    ("upstream: httpx API", ("httpx/",)),
    (  # aiohttp's, yarl's and multidict's frames: the transport before LeanTransport
        "upstream: transport",
        (
            "gateway/upstreams/lean_transport.py",
            "gateway/upstreams/http11.py",
            "gateway/upstreams/pool.py",
            "gateway/upstreams/transport.py",
            "aiohttp/",
            "yarl/",
            "multidict/",
        ),
    ),
    ("JSON parse of the upstream body", ("UpstreamResponse.json (", "json/decoder.py")),
    ("upstream call: adapters/upstream.py", ("adapters/upstream.py", "kernel/resilience.py")),
    ("mapping to canonical (adapters)", ("adapters/", "schemas/", "pydantic/")),
    ("gateway: routing, handlers, middleware", ("gateway/", "kernel/")),
    ("starlette", ("starlette/",)),
    ("uvicorn + httptools", ("uvicorn/", "httptools/")),
    ("asyncio / uvloop event loop", ("asyncio/", "uvloop/", "<uvloop")),
]


def part_of(stack: str) -> str:
    frames = stack.split(";")
    for frame in reversed(frames):
        for part, needles in RULES:
            if any(needle in frame for needle in needles):
                return part
    return "other (interpreter, C code without a Python frame)"


def summarise(collapsed: str) -> list[tuple[str, float]]:
    counts: Counter[str] = Counter()
    for line in collapsed.splitlines():
        stack, _, number = line.rpartition(" ")
        if stack and number.isdigit():
            counts[part_of(stack)] += int(number)
    total = sum(counts.values()) or 1
    return [(part, 100.0 * n / total) for part, n in counts.most_common()]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--read", choices=["single", "list"], default="single")
    parser.add_argument("--duration", type=int, default=15, help="seconds sampled")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--latency", type=float, default=0.005)
    parser.add_argument("--rate", type=int, default=200, help="py-spy samples per second")
    parser.add_argument("--out", type=Path, help="keep the collapsed stacks here")
    parser.add_argument(
        "--state", choices=["local", *TOPOLOGIES], default="local",
        help="the gateway's state backend (Redis ones are started as in bench/topologies.py)",
    )  # fmt: skip
    parser.add_argument(
        "--tracing",
        choices=["off", "on", "otlp"],
        default="off",
        help="on: always-on sampler, spans not exported; otlp: exported to a local sink",
    )
    args = parser.parse_args()
    wrk = ensure_wrk()
    workdir = Path(tempfile.mkdtemp(prefix="gateway-profile-"))
    with contextlib.ExitStack() as stack:
        state = LOCAL_STATE
        if args.state != "local":
            state = stack.enter_context(topology(args.state, workdir)).state
        profile(args, wrk, workdir, state)


def profile(args: argparse.Namespace, wrk: str, workdir: Path, state: str) -> None:
    """Serve, load, sample, and print the table (module docstring)."""
    config = workdir / "config.yaml"
    # ports of its own: make bench (9100-9104) may run beside it on a shared machine
    text = CONFIG.replace("STATE", state).replace(":9101", f":{SIM_PORT}")
    env = None
    if args.tracing != "off":
        text = text.replace("log_level: warning,", "log_level: warning, tracing: {enabled: true},")
        env = gateway_env("on+otlp" if args.tracing == "otlp" else "on")
        sink = start([sys.executable, "-c", SINK_MAIN])
    config.write_text(text)
    simulator = start(
        [sys.executable, "bench/simulator.py", "borderbolt", "--port", str(SIM_PORT),
         "--token", UPSTREAM_TOKEN, "--latency", str(args.latency)]
    )  # fmt: skip
    gateway = start(
        [str(BIN / "gateway"), "serve", "--config", str(config), "--host", "127.0.0.1",
         "--port", str(GW_PORT), "--workers", "1"],
        env=env,
    )  # fmt: skip
    try:
        key = {"Authorization": f"Bearer {KEY}"}
        path = "/v1/customers/bb:501" if args.read == "single" else "/v1/customers?limit=25"
        url = f"http://127.0.0.1:{GW_PORT}{path}"
        wait_until_up(url, key)
        load = [wrk, "-t2", f"-c{args.connections}", "-H", f"Authorization: Bearer {KEY}",
                "-H", "Cache-Control: no-cache"]  # fmt: skip
        subprocess.run([*load, "-d2s", url], capture_output=True, check=True)  # warm up
        cpu_before = tree_cpu_seconds(gateway.pid)
        driver = subprocess.Popen(
            [*load, f"-d{args.duration + 4}s", url], stdout=subprocess.PIPE, text=True
        )
        time.sleep(1)
        raw = workdir / "stacks.txt"
        subprocess.run(
            [str(BIN / "py-spy"), "record", "--pid", str(gateway.pid), "--format", "raw",
             "--rate", str(args.rate), "--duration", str(args.duration), "--nonblocking",
             "--output", str(raw)],
            check=True, capture_output=True,
        )  # fmt: skip
        out, _ = driver.communicate()
        cpu = tree_cpu_seconds(gateway.pid) - cpu_before
        requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    finally:
        stop(gateway)
        stop(simulator)
        if args.tracing != "off":
            stop(sink)
    collapsed = raw.read_text()
    if args.out:
        args.out.write_text(collapsed)
    print(
        f"miss {args.read} on {args.state}, wrk -c{args.connections}, {args.duration} s at "
        f"{args.rate} Hz: "
        f"{requests} requests, gateway CPU {cpu * 1e6 / requests:.0f} µs/request (sampled)"
    )
    print("| part | share of the gateway's CPU |\n|---|---:|")
    for part, share in summarise(collapsed):
        print(f"| {part} | {share:.1f}% |")


if __name__ == "__main__":
    main()
