"""What tracing costs on the miss path: gateways side by side in one run.

    make bench-tracing              # or: .venv/bin/python -m bench.tracing --help

Starts the BorderBolt simulator (fixed added latency, as in bench/run.py), a local
OTLP/HTTP sink (answers every export 200, unread: the receiver's own cost is not the
gateway's), and one-worker gateways, each its own process:

- before:  the code at ``--baseline`` (a git worktree of that commit; default the commit
           tracing landed on), tracing not yet written: the floor "off" is held against
- off:     this tree, ``server.tracing.enabled: false`` (the default)
- on:      this tree, enabled, ``OTEL_TRACES_SAMPLER=always_on``, spans made and sampled
           but not exported (``OTEL_TRACES_EXPORTER=none``): the cost of the spans alone
- on+otlp: the same, exported OTLP/HTTP (batched) to the local sink: the whole cost
- 1in10+otlp: ``sample_ratio: 0.1`` (the default parent-based ratio sampler), exported:
           what a production setting costs

Every request is a cache miss (``Cache-Control: no-cache``), so each makes a server
span, a client span and the upstream call. wrk drives each at -c16, unpinned and pinned
(wrk and the simulator on one core, the gateway on the other), interleaved, median of
the repeats; CPU per request is the gateway process tree's, from /proc (the exporter's
thread included). Writes bench/results-tracing.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from bench.report import Result
from bench.run import (
    CONFIG,
    KEY,
    ROOT,
    UPSTREAM_TOKEN,
    Variant,
    ensure_wrk,
    measure,
    start,
    stop,
    wait_until_up,
)

SIM_PORT, SINK_PORT, FIRST_GW_PORT = 9111, 9112, 9113
BASELINE = "d523072"  # main before tracing
GATEWAYS = ("before", "off", "on", "on+otlp", "1in10+otlp")


class Sink(BaseHTTPRequestHandler):
    """An OTLP/HTTP endpoint that accepts every export and reads nothing of it; HTTP/1.1
    with keep-alive, as a collector is (HTTP/1.0 made the exporter connect anew for
    each batch, a cost no real deployment has)."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return None


def gateway_env(name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    if name.startswith("on"):
        env["OTEL_TRACES_SAMPLER"] = "always_on"
    if name not in ("before", "off"):
        env["OTEL_TRACES_EXPORTER"] = "otlp" if name.endswith("+otlp") else "none"
        env["OTEL_EXPORTER_OTLP_ENDPOINT"] = f"http://127.0.0.1:{SINK_PORT}"
    return env


def serve(name: str, port: int, workdir: Path, baseline: Path) -> subprocess.Popen[bytes]:
    label = name.replace("+", "-")
    state = f"{{backend: local, path: '{workdir / label}.db'}}"  # one state file each
    text = CONFIG.replace("STATE", state).replace(":9101", f":{SIM_PORT}")
    if name not in ("before", "off"):
        ratio = 0.1 if name.startswith("1in10") else 1.0
        tracing = f"tracing: {{enabled: true, sample_ratio: {ratio}}},"
        text = text.replace("log_level: warning,", f"log_level: warning, {tracing}")
    config = workdir / f"{label}.yaml"
    config.write_text(text)
    command = [sys.executable, "-m", "gateway", "serve", "--config", str(config),
               "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    if name == "before":  # run from the worktree: its packages come first on sys.path
        return subprocess.Popen(
            command,
            cwd=baseline,
            env=gateway_env(name),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    return start(command, env=gateway_env(name))


def render(medians: dict[str, list[Result]], args: argparse.Namespace) -> str:
    lines = [
        "# Tracing: CPU per request on the miss path",
        "",
        f"make bench-tracing  # bench/tracing.py --latency {args.latency} --duration "
        f"{args.duration} --repeats {args.repeats} --baseline {args.baseline}",
        "",
        f"{os.cpu_count()} cores, wrk -c{args.connections}, upstream latency "
        f"{args.latency * 1000:g} ms, median of {args.repeats}; CPU is the gateway's process "
        "tree per request (the exporter's thread included).",
        "",
    ]
    for setting, results in medians.items():
        by = {r.name: r for r in results}
        lines += [
            f"## {setting}",
            "",
            "| gateway | read | req/s | p50 ms | CPU us/req | vs off |",
            "|---|---|---|---|---|---|",
        ]
        for read in ("single", "list"):
            off = by.get(f"off {read}")
            for name in GATEWAYS:
                r = by.get(f"{name} {read}")
                if r is None:
                    continue
                ratio = f"{r.cpu_us / off.cpu_us:.3f}" if off and off.cpu_us else "-"
                lines.append(
                    f"| {name} | {read} | {r.rps:.0f} | {r.p50_ms:.2f} | {r.cpu_us:.0f} | {ratio} |"
                )
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--latency", type=float, default=0.005)
    parser.add_argument("--duration", type=int, default=4, help="seconds per measurement")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--baseline", default=BASELINE, help="the commit 'before' runs")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results-tracing.md")
    args = parser.parse_args()
    binary = ensure_wrk()
    workdir = Path(tempfile.mkdtemp(prefix="gateway-bench-tracing-"))
    baseline = workdir / "baseline"
    git = ["git", "-C", str(ROOT), "worktree"]
    subprocess.run([*git, "add", "--detach", str(baseline), args.baseline], check=True)
    sink = start([sys.executable, "-c", SINK_MAIN])  # its own process: not measured
    simulator = start(
        [sys.executable, "bench/simulator.py", "borderbolt", "--port", str(SIM_PORT),
         "--token", UPSTREAM_TOKEN, "--latency", str(args.latency)]
    )  # fmt: skip
    gateways = {
        name: serve(name, FIRST_GW_PORT + n, workdir, baseline) for n, name in enumerate(GATEWAYS)
    }
    key = {"Authorization": f"Bearer {KEY}"}
    try:
        wait_until_up(
            f"http://127.0.0.1:{SIM_PORT}/api/v1/customers/501",
            {"Authorization": f"Bearer {UPSTREAM_TOKEN}"},
        )
        measured = []
        for n, name in enumerate(GATEWAYS):
            base = f"http://127.0.0.1:{FIRST_GW_PORT + n}"
            wait_until_up(f"{base}/v1/customers/bb:501", key, deadline=120)
            miss = {**key, "Cache-Control": "no-cache"}
            pid = gateways[name].pid
            measured += [
                Variant(f"{name} single", f"{base}/v1/customers/bb:501", miss, pid),
                Variant(f"{name} list", f"{base}/v1/customers?limit=25", miss, pid),
            ]
        args.workers = 1
        medians = measure(binary, measured, simulator.pid, args)
    except SystemExit:
        for name, process in gateways.items():
            if process.poll() is not None and process.stderr is not None:
                print(f"{name} exited:", process.stderr.read().decode()[-1500:])
        raise
    finally:
        for process in (*gateways.values(), simulator, sink):
            with contextlib.suppress(ProcessLookupError):
                stop(process)
        with contextlib.suppress(subprocess.CalledProcessError):
            subprocess.run([*git, "remove", "--force", str(baseline)], check=True)
    report = render(medians, args)
    print(report)
    args.out.write_text(report)


SINK_MAIN = f"""
from http.server import ThreadingHTTPServer
from bench.tracing import Sink
ThreadingHTTPServer(("127.0.0.1", {SINK_PORT}), Sink).serve_forever()
"""


if __name__ == "__main__":
    main()
