"""``make bench-scale`` (bench/scale.py): its arithmetic, its section of the results file,
and a run end to end with tiny counts on real processes, so it cannot rot; no timing is
asserted in the suite."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from bench.run import ROOT
from bench.scale import slope
from bench.scale_report import write_results


def test_the_slope_is_zero_when_flat_and_one_when_growing_with_n() -> None:
    assert slope(120.0, 120.0, 1_000, 100_000) == 0.0
    assert abs(slope(1.0, 100.0, 1_000, 100_000) - 1.0) < 1e-9
    assert slope(5.0, 5.0, 1_000, 1_000) == 0.0  # one size: nothing to compare


def test_a_growth_run_replaces_only_its_own_section(tmp_path: Path) -> None:
    out = tmp_path / "results.md"
    out.write_text("main\n\n## Growth\n\nold\n\n## Redis topologies\n\nkept\n")
    write_results("## Growth\n\nnew\n", out)
    assert out.read_text() == "main\n\n## Growth\n\nnew\n\n## Redis topologies\n\nkept\n"


def test_the_growth_bench_runs_end_to_end(tmp_path: Path) -> None:
    """Tiny sizes on real processes (a simulator, gateways, a Redis server): every part
    answers, the poller reports each change it was shown, the tables are written."""
    out = tmp_path / "results.md"
    out.write_text("main part figures\n")
    command = [sys.executable, "-m", "bench.scale", "--sizes", "100,200", "--events", "10000"]
    command += ["--asks", "3", "--write", "--out", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text()
    assert text.startswith("main part figures\n\n## Growth")
    polls = re.findall(
        r"^\| ([\d,]+) \| (local|redis) \| (\d+) \| .* \| (\d+) of (\d+) \|", text, re.M
    )
    assert {(size, state) for size, state, *_ in polls} == {
        (size, state) for size in ("100", "200") for state in ("local", "redis")
    }
    assert all(int(cpu) > 0 and seen == shown for _, _, cpu, seen, shown in polls)
    events = re.findall(r"^\| (local|redis) \| 10,000 \|", text, re.M)
    assert sorted(events) == ["local", "redis"]
    verdicts = re.findall(
        r"^\| (local|redis) \| [+-][\d.]+ \| [\d.]+x \| (met|\*\*not met)", text, re.M
    )
    assert sorted(state for state, _ in verdicts) == ["local", "redis"]
