"""Gateway overhead against direct upstream calls, measured side by side in one run.

    make bench                      # or: .venv/bin/python bench/run.py --help

Starts the BorderBolt simulator as its own uvicorn process (with a fixed added latency,
like a real upstream), then the gateway (uvicorn, 1 and then N workers) pointed at it
over loopback, and drives each with wrk (Debian's package; installed if missing):

- direct: GET straight to the simulator (single read, list of 25)
- miss:   the same through the gateway with ``Cache-Control: no-cache`` (every request
          goes upstream: auth, routing, mapping, serialisation, the upstream call)
- hit:    the same through the gateway from its read cache

It prints and writes ``bench/results.md``: req/s, p50 and p99 latency, the miss/direct
throughput ratio, the p50 the gateway adds, hit/miss, and the gateway's peak RSS.
Everything runs on this machine's loopback; each run is bounded by ``--duration``.
"""

from __future__ import annotations

import argparse
import os
import platform
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

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SIM_PORT, GW_PORT, REDIS_PORT, FLOOR_PORT = 9101, 9100, 9102, 9103
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
class Result:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_us: float | None = None  # CPU time per request of the measured process tree


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


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of ``pid`` and its children (uvicorn workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        proc, parent = int(stat.parent.name), int(fields[1])
        if proc == pid or parent == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def wrk(
    binary: str,
    name: str,
    url: str,
    headers: dict[str, str],
    args: argparse.Namespace,
    measure: int | None = None,
) -> Result:
    """One timed wrk run; with ``measure`` (a pid), the CPU per request of its tree."""
    base = [binary, f"-t{args.threads}", f"-c{args.connections}", "--latency"]
    for key, value in headers.items():
        base += ["-H", f"{key}: {value}"]
    subprocess.run([*base, "-d1s", url], capture_output=True, check=True)  # warm up
    before = tree_cpu_seconds(measure) if measure else 0.0
    out = subprocess.run(
        [*base, f"-d{args.duration}s", url], capture_output=True, text=True, check=True
    ).stdout
    spent = tree_cpu_seconds(measure) - before if measure else None
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    cpu_us = spent * 1e6 / requests if spent is not None and requests else None
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = to_ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = to_ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    errors += sum(int(g) for g in socket.groups()) if socket else 0
    cpu = f"  CPU {cpu_us:7.0f} us/req" if cpu_us is not None else ""
    print(
        f"  {name:<28} {rps:>9.0f} req/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  "
        f"errors {errors}{cpu}",
        flush=True,
    )
    return Result(name, rps, p50, p99, errors, cpu_us)


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


def run_gateway(
    binary: str, workers: int, config: Path, args: argparse.Namespace
) -> tuple[list[Result], float]:
    gateway = start(
        [
            str(BIN / "gateway"),
            "serve",
            "--config",
            str(config),
            "--host",
            "127.0.0.1",
            "--port",
            str(GW_PORT),
            "--workers",
            str(workers),
        ]
    )
    try:
        key = {"Authorization": f"Bearer {KEY}"}
        wait_until_up(f"http://127.0.0.1:{GW_PORT}/v1/customers/bb:501", key)
        time.sleep(1 if workers > 1 else 0)
        gw = f"http://127.0.0.1:{GW_PORT}"
        miss = {**key, "Cache-Control": "no-cache"}
        label = f"gateway x{workers}"
        pid = gateway.pid
        one, page = f"{gw}/v1/customers/bb:501", f"{gw}/v1/customers?limit=25"
        results = [
            wrk(binary, f"{label} miss  single", one, miss, args, pid),
            wrk(binary, f"{label} miss  list", page, miss, args, pid),
            wrk(binary, f"{label} hit   single", one, key, args, pid),
            wrk(binary, f"{label} hit   list", page, key, args, pid),
        ]
        return results, peak_rss_mb(gateway.pid)
    finally:
        stop(gateway)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--latency", type=float, default=0.005, help="seconds the simulator adds per request"
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--workers", type=int, default=2, help="gateway workers for the second round"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    args = parser.parse_args()
    binary = ensure_wrk()
    workdir = Path(tempfile.mkdtemp(prefix="gateway-bench-"))
    configs = {}
    for workers in sorted({1, args.workers}):
        configs[workers] = workdir / f"config-{workers}.yaml"
        state = LOCAL_STATE if workers == 1 else REDIS_STATE
        configs[workers].write_text(CONFIG.replace("STATE", state))
    redis = start([ensure_redis(), "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"])
    simulator = start(
        [
            sys.executable,
            "bench/simulator.py",
            "borderbolt",
            "--port",
            str(SIM_PORT),
            "--token",
            UPSTREAM_TOKEN,
            "--latency",
            str(args.latency),
        ]
    )
    try:
        upstream = {"Authorization": f"Bearer {UPSTREAM_TOKEN}"}
        sim = f"http://127.0.0.1:{SIM_PORT}/api/v1"
        wait_until_up(f"{sim}/customers/501", upstream)
        print(
            f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s; upstream latency "
            f"{args.latency * 1000:g} ms; {os.cpu_count()} cores",
            flush=True,
        )
        one, page = "customers/501", "customers?page=1&per_page=25"
        direct = [
            wrk(binary, "direct          single", f"{sim}/{one}", upstream, args, simulator.pid),
            wrk(binary, "direct          list", f"{sim}/{page}", upstream, args, simulator.pid),
        ]
        floor = start(
            [sys.executable, "bench/floor.py", "--port", str(FLOOR_PORT), "--upstream", sim,
             "--token", UPSTREAM_TOKEN]
        )  # fmt: skip
        try:
            proxy = f"http://127.0.0.1:{FLOOR_PORT}"
            wait_until_up(f"{proxy}/{one}", {})
            direct += [
                wrk(binary, "floor           single", f"{proxy}/{one}", {}, args, floor.pid),
                wrk(binary, "floor           list", f"{proxy}/{page}", {}, args, floor.pid),
            ]
        finally:
            stop(floor)
        rounds = [(w, *run_gateway(binary, w, configs[w], args)) for w in sorted(configs)]
    finally:
        stop(simulator)
        stop(redis)
    report = render(direct, rounds, args)
    print(report)
    args.out.write_text(report)


def render(
    direct: list[Result], rounds: list[tuple[int, list[Result], float]], args: argparse.Namespace
) -> str:
    command = (
        f"make bench  # bench/run.py --latency {args.latency} --duration {args.duration} "
        f"--connections {args.connections} --threads {args.threads} --workers {args.workers}"
    )
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores ({platform.machine()}, "
        f"Python {platform.python_version()}), loopback, simulator latency "
        f"{args.latency * 1000:g} ms, "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s:",
        f"`{command}`",
        "",
        "| path | read | req/s | p50 ms | p99 ms | vs direct | added p50 ms | CPU µs/req "
        "| CPU vs floor | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    floors = {r.name.split()[-1]: r for r in direct if r.name.startswith("floor")}
    bases = {r.name.split()[-1]: r for r in direct if r.name.startswith("direct")}
    for result in direct:
        kind, what = result.name.split()[-1], result.name.split()[0]
        base = bases[kind]
        lines.append(
            f"| {what} | {kind} | {result.rps:.0f} | {result.p50_ms:.2f} | "
            f"{result.p99_ms:.2f} | {result.rps / base.rps:.2f} | "
            f"{result.p50_ms - base.p50_ms:+.2f} | {_cpu(result)} | "
            f"{_ratio(result, floors.get(kind))} | {result.errors} |"
        )
    for workers, results, rss in rounds:
        for result in results:
            kind = result.name.split()[-1]
            base = bases[kind]
            path = f"gateway x{workers} {result.name.split()[2]}"
            added = result.p50_ms - base.p50_ms
            lines.append(
                f"| {path} | {kind} | {result.rps:.0f} | {result.p50_ms:.2f} | "
                f"{result.p99_ms:.2f} | {result.rps / base.rps:.2f} | {added:+.2f} | "
                f"{_cpu(result)} | {_ratio(result, floors.get(kind))} | {result.errors} |"
            )
        miss = {r.name.split()[-1]: r for r in results if " miss " in r.name}
        hit = {r.name.split()[-1]: r for r in results if " hit " in r.name}
        ratios = ", ".join(f"{k} {hit[k].rps / miss[k].rps:.1f}x" for k in ("single", "list"))
        lines.append(f"| gateway x{workers} | hit/miss | {ratios} | | | | | | | |")
        lines.append(
            f"| gateway x{workers} | peak RSS | {rss:.0f} MiB (all processes) | | | | | | | |"
        )
    return "\n".join(lines) + "\n"


def _cpu(result: Result) -> str:
    return f"{result.cpu_us:.0f}" if result.cpu_us is not None else ""


def _ratio(result: Result, floor: Result | None) -> str:
    if result.cpu_us is None or floor is None or not floor.cpu_us:
        return ""
    return f"{result.cpu_us / floor.cpu_us:.1f}x"


if __name__ == "__main__":
    main()
