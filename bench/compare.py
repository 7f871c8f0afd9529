"""This commit's gateway beside an earlier one's, side by side in one run: did a change
make the read path cost more CPU?

    make bench-compare BASE=adb64c0     # or: .venv/bin/python -m bench.compare --base REV

A git worktree of BASE (in a temporary folder, removed afterwards) serves a one-worker
gateway on ``local`` state with BASE's code (``PYTHONPATH`` puts the worktree's packages
before the installed ones; the libraries are this checkout's .venv, so a BASE that needs
other versions is not comparable this way), and HEAD's serves beside it, both in front of
one BorderBolt simulator. wrk drives each as a miss (``Cache-Control: no-cache``) and a
hit, for the single read and the 25-row list; every variant runs once per repeat,
interleaved, so a slow minute of the shared machine lands on both alike; each figure is
the median of the repeats. The table gives each gateway's CPU per request (its process
tree, from /proc) and HEAD's over BASE's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

from bench.report import Result
from bench.run import BIN, LOCAL_STATE, ROOT, Variant, ensure_wrk, stop, wait_until_up
from bench.serving import AUTH, PATHS, config, interleaved, simulator
from tests.servers import free_port

READS = {"single": "/v1/customers/bb:501", "list": "/v1/customers?limit=25"}


def serve(code: Path, config: Path, port: int) -> subprocess.Popen[bytes]:
    """A one-worker gateway running the packages under ``code``."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    command = [str(BIN / "gateway"), "serve", "--config", str(config), "--host", "127.0.0.1"]
    return subprocess.Popen(
        [*command, "--port", str(port)],
        cwd=code,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def compare(base: str, args: argparse.Namespace) -> str:
    known = ["git", "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"]
    if subprocess.run(known, cwd=ROOT, capture_output=True).returncode != 0:
        raise SystemExit(f"BASE={base!r} is not a commit of this repository")
    binary = ensure_wrk()
    folder = Path(tempfile.mkdtemp(prefix="gateway-bench-compare-"))
    tree = folder / "base"
    subprocess.run(["git", "worktree", "add", "--detach", "-q", str(tree), base], cwd=ROOT,
                   check=True)  # fmt: skip
    upstream, sim_port = simulator(args.latency)
    gateways: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    try:
        for name, code in (("base", tree), ("head", ROOT)):
            (folder / name).mkdir(exist_ok=True)
            path = folder / name / "config.yaml"  # its state file beside it
            path.write_text(config(sim_port, LOCAL_STATE))
            port = free_port()
            gateways[name] = (serve(code, path, port), port)
        for _process, port in gateways.values():
            wait_until_up(f"http://127.0.0.1:{port}{READS['single']}", AUTH)
        time.sleep(1)
        plan = [
            (Variant(f"{name} {path} {read}", f"http://127.0.0.1:{port}{where}", headers,
                     process.pid), (upstream.pid,))
            for read, where in READS.items()
            for path, headers in PATHS.items()
            for name, (process, port) in gateways.items()
        ]  # fmt: skip
        medians = interleaved(binary, plan, args, "compare")
    finally:
        for process, _port in gateways.values():
            stop(process)
        stop(upstream)
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT)
    return render(base, medians, args)


def render(base: str, by: dict[str, Result], args: argparse.Namespace) -> str:
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')}: {base} (base) beside {head} (head), one "
        f"worker each on local state, wrk -c{args.connections}, median of {args.repeats} "
        f"interleaved runs of {args.duration} s (`make bench-compare BASE={base}`).",
        "",
        "| path | read | base req/s | head req/s | base CPU µs/req | head CPU µs/req "
        "| head/base CPU |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for read in READS:
        for path in PATHS:
            old, new = by.get(f"base {path} {read}"), by.get(f"head {path} {read}")
            if old is None or new is None:
                continue
            ratio = f"{new.cpu_us / old.cpu_us:.2f}x" if old.cpu_us else ""
            lines.append(
                f"| {path} | {read} | {old.rps:.0f} | {new.rps:.0f} | {old.cpu_us:.0f} | "
                f"{new.cpu_us:.0f} | {ratio} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", required=True, help="the git revision to compare with")
    parser.add_argument("--latency", type=float, default=0.005)
    parser.add_argument("--duration", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None, help="also write the table here")
    args = parser.parse_args()
    table = compare(args.base, args)
    print(table)
    if args.out is not None:
        args.out.write_text(table)


if __name__ == "__main__":
    main()
