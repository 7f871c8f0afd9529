"""Gateway overhead against direct upstream calls, measured side by side in one run.

    make bench                      # or: .venv/bin/python -m bench.run --help

Starts, all at once and each as its own process: the BorderBolt simulator (with a fixed
added latency, like a real upstream), the floor (bench/floor.py: a minimal starlette +
aiohttp pass-through to it), a one-worker gateway (local state) and an N-worker gateway
(the redis state backend, so its figures keep every promise across processes; a Redis
server is started for it). Then wrk (Debian's package; installed if missing) drives:

- direct: GET straight to the simulator (single read, list of 25)
- floor:  the same through the floor
- miss:   the same through a gateway with ``Cache-Control: no-cache`` (every request
          goes upstream: auth, routing, mapping, serialisation, the upstream call)
- hit:    the same through a gateway from its read cache

Every variant runs once per repeat, interleaved, in three settings: ``-c16`` unpinned,
``-c16`` pinned (wrk and the simulator on one core, the floor or the one-worker gateway
on the other: ``os.sched_setaffinity`` on every thread of the tree), and ``-c1`` (the
latency a request pays). Each figure is the median over the repeats. Per run: req/s, p50
and p99, and CPU time per request, from /proc, of the measured process tree and of the
simulator (an upstream doing more work per request when the gateway calls it would show
there). It prints and writes ``bench/results.md`` with the ratios the targets are
stated in (CPU vs the floor, throughput vs direct, hit vs miss, added p50 at -c1).
Everything runs on this machine's loopback; a run takes about six minutes.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.report import LOAD_CORE, PROXY_CORE, Result, median, render

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SIM_PORT, GW_PORT, REDIS_PORT, FLOOR_PORT, GW2_PORT = 9101, 9100, 9102, 9103, 9104
UPSTREAM_TOKEN, KEY = "bench-upstream-token", "bench-key"
# One worker keeps the default local state; several share the redis backend, so their
# figures are for a configuration that keeps every promise across processes.
LOCAL_STATE = "{backend: local}"
REDIS_STATE = f"{{backend: redis, url: 'redis://127.0.0.1:{REDIS_PORT}/0'}}"
CONFIG = f"""
server: {{default_connection: bb, cursor_secret: bench-cursor-secret, log_level: warning,
          state: STATE}}
api_keys:
  - {{name: bench, key: {KEY}, scopes: [customers:read]}}
connections:
  bb:
    adapter: borderbolt
    base_url: "http://127.0.0.1:{SIM_PORT}"
    auth: {{type: bearer, token: {UPSTREAM_TOKEN}}}
    cache: {{ttl: 600, stale_if_error: 0}}
"""


@dataclass
class Variant:
    name: str
    url: str
    headers: dict[str, str]
    pid: int  # whose process tree's CPU is measured
    pinned: bool = True  # also measured with the processes pinned to cores
    one_connection: bool = False  # also measured at one connection (added latency)


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("installing wrk (Debian package)...", flush=True)
    apt = ["apt-get", "install", "-y", "-qq", "wrk"]
    if subprocess.run(apt, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True)
        subprocess.run(apt, check=True, capture_output=True)
    return shutil.which("wrk") or "wrk"


def ensure_redis() -> str:
    """redis-server from Debian, installed when missing (as for wrk)."""
    found = shutil.which("redis-server")
    if found:
        return found
    apt = ["apt-get", "install", "-y", "-qq", "redis-server"]
    if subprocess.run(apt, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True)
        subprocess.run(apt, check=True, capture_output=True)
    return shutil.which("redis-server") or "redis-server"


def wait_until_up(url: str, headers: dict[str, str], deadline: float = 30.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            if httpx.get(url, headers=headers, timeout=2).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def tree_cpu_seconds(*pids: int) -> float:
    """User + system CPU of ``pids`` and their children (uvicorn workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        proc, parent = int(stat.parent.name), int(fields[1])
        if proc in pids or parent in pids:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def wrk(
    binary: str,
    variant: Variant,
    args: argparse.Namespace,
    *,
    connections: int,
    upstream: int | tuple[int, ...],
    warm: bool,
    pinned: bool,
) -> Result:
    """One timed wrk run: throughput, latency, and the CPU per request of the variant's
    process tree and of the upstream simulator's (or of ``upstream``'s processes: the
    Redis servers, in bench/topologies.py)."""
    upstream = upstream if isinstance(upstream, tuple) else (upstream,)
    threads = min(args.threads, connections)
    base = [binary, f"-t{threads}", f"-c{connections}", "--latency"]
    if pinned:
        base = ["taskset", "-c", str(LOAD_CORE), *base]
    for key, value in variant.headers.items():
        base += ["-H", f"{key}: {value}"]
    if warm:
        subprocess.run([*base, "-d1s", variant.url], capture_output=True, check=True)
    before, up_before = tree_cpu_seconds(variant.pid), tree_cpu_seconds(*upstream)
    out = subprocess.run(
        [*base, f"-d{args.duration}s", variant.url], capture_output=True, text=True, check=True
    ).stdout
    spent = tree_cpu_seconds(variant.pid) - before
    up_spent = tree_cpu_seconds(*upstream) - up_before
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = to_ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = to_ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    errors += sum(int(g) for g in socket.groups()) if socket else 0
    per = 1e6 / requests if requests else 0.0
    # The direct variant measures the simulator itself: its upstream column is the same.
    result = Result(variant.name, rps, p50, p99, errors, spent * per, up_spent * per)
    print(
        f"  {'pinned ' if pinned else ''}c{connections:<3} {variant.name:<26} {rps:>7.0f} req/s  "
        f"p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  CPU {result.cpu_us:5.0f} us/req  "
        f"upstream {result.upstream_us:5.0f} us/req  errors {errors}",
        flush=True,
    )
    return result


def tree_pids(pid: int) -> list[int]:
    """``pid`` and its children (uvicorn workers), with every thread of each."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        proc = int(stat.parent.name)
        if proc == pid or parent == pid:
            found += [int(task.name) for task in (stat.parent / "task").iterdir()]
    return found


def pin(pid: int, cores: set[int]) -> None:
    for tid in tree_pids(pid):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(tid, cores)


def peak_rss_mb(pid: int) -> float:
    """VmHWM of the process and its children (uvicorn workers), in MiB."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        proc, parent = int(fields["Pid"]), int(fields["PPid"])
        if (proc == pid or parent == pid) and "VmHWM" in fields:
            total += int(fields["VmHWM"].split()[0])
    return total / 1024


def start(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def serve_gateway(workers: int, config: Path, port: int) -> subprocess.Popen[bytes]:
    return start(
        [str(BIN / "gateway"), "serve", "--config", str(config), "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers)]
    )  # fmt: skip


def variants(sim: int, floor: int, gateways: dict[int, int]) -> list[Variant]:
    """What is measured: direct, the floor, and each gateway's miss and hit paths."""
    upstream = {"Authorization": f"Bearer {UPSTREAM_TOKEN}"}
    key = {"Authorization": f"Bearer {KEY}"}
    miss = {**key, "Cache-Control": "no-cache"}
    direct, proxy = f"http://127.0.0.1:{SIM_PORT}/api/v1", f"http://127.0.0.1:{FLOOR_PORT}"
    one, page = "customers/501", "customers?page=1&per_page=25"
    found = []
    for read, upstream_path, gateway_path in (
        ("single", one, "/v1/customers/bb:501"),
        ("list", page, "/v1/customers?limit=25"),
    ):
        found += [
            Variant(f"direct {read}", f"{direct}/{upstream_path}", upstream, sim,
                    one_connection=True),
            Variant(f"floor {read}", f"{proxy}/{upstream_path}", {}, floor, one_connection=True),
        ]  # fmt: skip
        for workers, pid in gateways.items():
            port = GW_PORT if workers == 1 else GW2_PORT
            url = f"http://127.0.0.1:{port}{gateway_path}"
            # Several workers on the one proxy core are not a configuration anyone runs.
            pinned = workers == 1
            found += [
                Variant(f"gateway x{workers} miss {read}", url, miss, pid, pinned, workers == 1),
                Variant(f"gateway x{workers} hit {read}", url, key, pid, pinned),
            ]
    return found


def measure(
    binary: str, measured: list[Variant], sim: int, args: argparse.Namespace
) -> dict[str, list[Result]]:
    """Every variant in every setting, once per repeat, interleaved: a slow minute of the
    shared machine lands on all of them alike. Answers the medians per setting."""
    settings = [("c16", False), ("c16 pinned", True), ("c1", False)]
    runs: dict[tuple[str, str], list[Result]] = {}
    all_cores = set(range(os.cpu_count() or 1))
    for repeat in range(args.repeats):
        print(f"repeat {repeat + 1} of {args.repeats}", flush=True)
        for setting, pinned in settings:
            connections = 1 if setting == "c1" else args.connections
            for variant in measured:
                if (pinned and not variant.pinned) or (
                    connections == 1 and not variant.one_connection
                ):
                    continue
                if pinned:
                    pin(sim, {LOAD_CORE})
                    pin(variant.pid, {PROXY_CORE})
                try:
                    result = wrk(
                        binary, variant, args, connections=connections, upstream=sim,
                        warm=repeat == 0, pinned=pinned,
                    )  # fmt: skip
                finally:
                    if pinned:
                        pin(sim, all_cores)
                        pin(variant.pid, all_cores)
                runs.setdefault((setting, variant.name), []).append(result)
    medians: dict[str, list[Result]] = {}
    for (setting, _), results in runs.items():
        medians.setdefault(setting, []).append(median(results))
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--latency", type=float, default=0.005, help="seconds the simulator adds per request"
    )
    parser.add_argument("--duration", type=int, default=4, help="seconds per measurement")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--workers", type=int, default=2, help="gateway workers for the second gateway"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    parser.add_argument(
        "--part", choices=["all", "main", "topologies"], default="all",
        help="topologies: only the Redis topologies (bench/topologies.py), merged into --out",
    )  # fmt: skip
    parser.add_argument("--topology-workers", type=int, default=1)
    args = parser.parse_args()
    binary = ensure_wrk()
    report = main_part(binary, args) if args.part != "topologies" else ""
    if report and args.out.exists():
        report = keep_sections(args.out.read_text(), report)
    if args.part != "main":
        from bench import topologies

        ensure_redis()
        section = topologies.run(binary, args)
        print(section)
        kept = args.out.read_text() if report == "" and args.out.exists() else report
        report = topologies.merge(kept, section)
    args.out.write_text(report)


def keep_sections(old: str, report: str) -> str:
    """``report`` (the main part) in place of ``old``'s first part, the one before its
    first ``## `` heading; the sections after it (topologies, growth, notes of earlier
    runs) kept as they are."""
    at = old.find("\n## ")
    return report.rstrip("\n") + "\n\n" + old[at + 1 :] if at >= 0 else report


def main_part(binary: str, args: argparse.Namespace) -> str:
    """Gateway vs direct and the floor (module docstring); answers the report."""
    workdir = Path(tempfile.mkdtemp(prefix="gateway-bench-"))
    configs = {}
    for workers in sorted({1, args.workers}):
        configs[workers] = workdir / f"config-{workers}.yaml"
        state = LOCAL_STATE if workers == 1 else REDIS_STATE
        configs[workers].write_text(CONFIG.replace("STATE", state))
    redis = start([ensure_redis(), "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"])
    simulator = start(
        [sys.executable, "bench/simulator.py", "borderbolt", "--port", str(SIM_PORT),
         "--token", UPSTREAM_TOKEN, "--latency", str(args.latency)]
    )  # fmt: skip
    sim = f"http://127.0.0.1:{SIM_PORT}/api/v1"
    floor = start(
        [sys.executable, "bench/floor.py", "--port", str(FLOOR_PORT), "--upstream", sim,
         "--token", UPSTREAM_TOKEN]
    )  # fmt: skip
    gateways = {
        w: serve_gateway(w, configs[w], GW_PORT if w == 1 else GW2_PORT) for w in sorted(configs)
    }
    try:
        wait_until_up(f"{sim}/customers/501", {"Authorization": f"Bearer {UPSTREAM_TOKEN}"})
        wait_until_up(f"http://127.0.0.1:{FLOOR_PORT}/customers/501", {})
        for workers in gateways:
            port = GW_PORT if workers == 1 else GW2_PORT
            wait_until_up(
                f"http://127.0.0.1:{port}/v1/customers/bb:501", {"Authorization": f"Bearer {KEY}"}
            )
        time.sleep(1)
        print(
            f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s x{args.repeats}; "
            f"upstream latency {args.latency * 1000:g} ms; {os.cpu_count()} cores",
            flush=True,
        )
        measured = variants(simulator.pid, floor.pid, {w: g.pid for w, g in gateways.items()})
        medians = measure(binary, measured, simulator.pid, args)
        rss = {w: peak_rss_mb(g.pid) for w, g in gateways.items()}
    finally:
        for process in (*gateways.values(), floor, simulator, redis):
            stop(process)
    report = render(medians, rss, args)
    print(report)
    return report


if __name__ == "__main__":
    main()
