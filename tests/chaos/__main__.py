"""Run the chaos scenarios, print the table (and write it with ``--report FILE``)."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import tests.chaos
from tests.chaos import bombs, burst, crash, full_disk, redis_restart
from tests.chaos.report import Row, render

NO_REDIS = (
    "redis-server is not installed; the chaos scenarios start real ones. Install Debian's "
    "package: sudo apt-get install redis-server (make test-tools does this when root)."
)
SCENARIOS: dict[str, tuple[str, Callable[[Path], Row]]] = {
    "crash": (crash.TITLE, crash.run),
    "bombs": (bombs.TITLE, bombs.run),
    "burst": (burst.TITLE, burst.run),
    "redis": (redis_restart.TITLE, redis_restart.run),
    "disk": (full_disk.TITLE, full_disk.run),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.chaos",
        description=tests.chaos.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--only", help=f"comma-separated scenarios to run, of: {', '.join(SCENARIOS)}"
    )
    parser.add_argument("--report", type=Path, help="also write the table to this file")
    parser.add_argument(
        "--logs",
        type=Path,
        help="keep the processes' logs in a new folder under this one (by default they "
        "are in a temporary folder, removed when every scenario passed)",
    )
    args = parser.parse_args(argv)
    chosen = list(SCENARIOS) if args.only is None else args.only.split(",")
    if unknown := [name for name in chosen if name not in SCENARIOS]:
        parser.error(
            f"unknown scenario {', '.join(unknown)}; the scenarios: {', '.join(SCENARIOS)}"
        )
    if shutil.which("redis-server") is None:
        print(NO_REDIS, file=sys.stderr)
        return 2
    if args.logs is not None:
        args.logs.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="gateway-chaos-", dir=args.logs))
    rows = [_run(*SCENARIOS[name], folder / name) for name in chosen]
    table = render(rows)
    print("\n" + table)
    if args.report is not None:
        args.report.write_text(table + "\n")
    failed = [row.scenario for row in rows if row.failed]
    if failed:
        print(f"\nchaos: promises broken in {', '.join(failed)}", file=sys.stderr)
        print(f"chaos: the processes' logs are in {folder}", file=sys.stderr)
        return 1
    if args.logs is None:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def _run(title: str, scenario: Callable[[Path], Row], folder: Path) -> Row:
    """One scenario, timed, its processes logging in ``folder``; one that raised is a
    failed row saying what it raised."""
    print(f"== {title}", flush=True)
    started = time.monotonic()
    try:
        row = scenario(folder)
    except Exception as exc:
        traceback.print_exc()
        row = Row(title, broken=[f"the scenario raised {type(exc).__name__}: {exc}"])
    took = time.monotonic() - started
    print(f"   {row.result} in {took:.0f} s", flush=True)
    return row


if __name__ == "__main__":
    sys.exit(main())
