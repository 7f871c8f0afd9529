"""The benchmark's own parsing and arithmetic (bench/run.py, bench/report.py,
bench/topologies.py), and its topology part run end to end with tiny counts so it cannot
rot; no timing is asserted in the suite."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench import compare, topologies
from bench.report import Result, median, render
from bench.run import ROOT, to_ms


def test_wrk_units() -> None:
    assert (to_ms("850.00us"), to_ms("1.50ms"), to_ms("1.02s")) == (0.85, 1.5, 1020.0)


def test_a_figure_is_the_median_of_its_repeats() -> None:
    runs = [
        Result("floor single", 900, 10.0, 13.0, 0, 400.0, 200.0),
        Result("floor single", 100, 30.0, 90.0, 2, 900.0, 250.0),
        Result("floor single", 800, 11.0, 14.0, 1, 420.0, 210.0),
    ]
    middle = median(runs)
    assert (middle.rps, middle.p50_ms, middle.p99_ms, middle.cpu_us) == (800, 11.0, 14.0, 420.0)
    assert middle.upstream_us == 210.0 and middle.errors == 3


DIRECT_AND_FLOOR = [  # wrk -c16
    Result("direct single", 1000, 10.0, 12.0, 0, 300.0, 300.0),
    Result("direct list", 500, 20.0, 25.0, 0, 1400.0, 1400.0),
    Result("floor single", 900, 10.5, 13.0, 0, 400.0, 300.0),
    Result("floor list", 450, 21.0, 26.0, 0, 500.0, 1400.0),
]
DIRECT_ONE = [  # wrk -c1
    Result("direct single", 150, 6.0, 7.0, 0),
    Result("direct list", 100, 9.0, 10.0, 0),
]


def main_args() -> argparse.Namespace:
    return argparse.Namespace(
        latency=0.005, duration=4, repeats=3, connections=16, threads=2, workers=2
    )


def test_render_computes_ratios_and_targets() -> None:
    args = main_args()
    unpinned = [
        *DIRECT_AND_FLOOR,
        Result("gateway x1 miss single", 800, 11.0, 14.0, 0, 1200.0, 310.0),
        Result("gateway x1 miss list", 400, 22.0, 30.0, 0, 2000.0, 1500.0),
        Result("gateway x1 hit single", 4000, 2.0, 3.0, 0, 300.0, 0.0),
        Result("gateway x1 hit list", 4000, 2.0, 3.0, 0, 350.0, 0.0),
    ]
    one = [
        *DIRECT_ONE,
        Result("gateway x1 miss single", 140, 7.5, 9.0, 0),
        Result("gateway x1 miss list", 80, 12.0, 14.0, 0),
    ]
    table = render({"c16": unpinned, "c1": one}, {1: 60.0, 2: 150.0}, args)
    assert (
        "| gateway x1 miss | single | 800 | 11.00 | 14.00 | 0.80 | 1200 | 3.0x | 310 | 0 |" in table
    )
    assert "| floor | list | 450 | 21.00 | 26.00 | 0.90 | 500 | 1.0x | 1400 | 0 |" in table
    assert "| gateway x1 miss | list | 12.00 | 14.00 | +3.00 |" in table
    assert "| miss CPU/request ≤ 3x the floor's | 3.00x | 4.00x | no |" in table
    assert "| miss throughput ≥ 40% of direct | 0.80 | 0.80 | yes |" in table
    assert "| hits ≥ 5x the miss path | 5.00x | 10.00x | yes |" in table
    assert "| added p50 at one connection ≤ 2 ms | 1.50 ms | 3.00 ms | no |" in table
    assert "x1 60 MiB, x2 150 MiB" in table and "make bench" in table
    assert "pinned: wrk" not in table  # no pinned runs given, no pinned table


def test_the_issue_32_targets_table_gives_each_ratio_its_target_and_verdict() -> None:
    args = main_args()
    unpinned = [
        *DIRECT_AND_FLOOR,
        Result("gateway x1 miss single", 700, 11.0, 14.0, 0, 760.0, 310.0),
        Result("gateway x1 miss list", 300, 22.0, 30.0, 0, 1300.0, 1500.0),
        Result("gateway x1 hit single", 4000, 2.0, 3.0, 0, 300.0, 0.0),
        Result("gateway x1 hit list", 4000, 2.0, 3.0, 0, 350.0, 0.0),
        Result("gateway x2 miss single", 600, 12.0, 15.0, 0, 950.0, 310.0),
        Result("gateway x2 miss list", 250, 24.0, 31.0, 0, 1690.0, 1500.0),
        Result("gateway x2 hit single", 3000, 3.0, 4.0, 0, 330.0, 0.0),
        Result("gateway x2 hit list", 3000, 3.0, 4.0, 0, 700.0, 0.0),
    ]
    one = [
        *DIRECT_ONE,
        Result("gateway x1 miss single", 140, 6.9, 9.0, 0),
        Result("gateway x1 miss list", 80, 11.0, 14.0, 0),
    ]
    table = render({"c16": unpinned, "c1": one}, {1: 60.0, 2: 150.0}, args)
    assert "**targets (issue #32)" in table
    rows = [
        "| miss CPU/request vs the floor, one process | single | 1.90x | ≤ 2.00x | met |",
        "| miss CPU/request vs the floor, one process | list | 2.60x | ≤ 2.50x | not met |",
        "| miss throughput vs direct, one process | single | 0.70 | ≥ 0.65 | met |",
        "| miss throughput vs direct, one process | list | 0.60 | ≥ 0.65 | not met |",
        "| miss CPU/request on Redis vs one process | single | 1.25x | ≤ 1.25x | met |",
        "| miss CPU/request on Redis vs one process | list | 1.30x | ≤ 1.25x | not met |",
        "| hit CPU/request on Redis vs a local hit | single | 1.10x | ≤ 1.30x | met |",
        "| hit CPU/request on Redis vs a local hit | list | 2.00x | ≤ 1.30x | not met |",
        "| added p50 at one connection (ms) | single | 0.90 ms | ≤ 1.00 ms | met |",
        "| added p50 at one connection (ms) | list | 2.00 ms | ≤ 1.50 ms | not met |",
    ]
    for row in rows:
        assert row in table
    # a figure not measured is never "met"
    partial = render({"c16": unpinned[:8], "c1": one}, {1: 60.0}, args)
    assert (
        "| hit CPU/request on Redis vs a local hit | single | not measured | ≤ 1.30x | not met |"
        in partial
    )


def test_the_topology_table_gives_ratios_to_standalone_and_the_target() -> None:
    args = argparse.Namespace(topology_workers=1, connections=16, repeats=3, duration=4)
    results = [
        Result("redis miss", 500, 30.0, 50.0, 0, 1000.0, 40.0),
        Result("redis hit", 2500, 5.0, 9.0, 0, 300.0, 10.0),
        Result("redis-sentinel miss", 480, 31.0, 52.0, 0, 1050.0, 120.0),
        Result("redis-sentinel hit", 2400, 5.0, 9.0, 0, 320.0, 30.0),
        Result("redis-cluster miss", 470, 32.0, 55.0, 0, 1080.0, 60.0),
        Result("redis-cluster hit", 2000, 6.0, 9.0, 1, 360.0, 20.0),
    ]
    table = topologies.render(results, args)
    assert "| redis-sentinel | miss | 480 | 1050 | 1.05x | 120 | 3.00x | 0 |" in table
    assert "| redis-cluster | hit | 2000 | 360 | 1.20x | 20 | 2.00x | 1 |" in table
    assert "standalone's | miss | 1.080x | met |" in table
    assert "standalone's | hit | 1.200x | not met |" in table


def test_a_topology_run_replaces_only_its_own_section() -> None:
    old = "main figures\n\n## Redis topologies\n\nold table\n\n## Later\n\nkept\n"
    merged = topologies.merge(old, "## Redis topologies\n\nnew table\n")
    assert merged == "main figures\n\n## Redis topologies\n\nnew table\n\n## Later\n\nkept\n"
    assert topologies.merge("main\n", "## Redis topologies\n\nt\n") == (
        "main\n\n## Redis topologies\n\nt\n"
    )


def test_the_topology_bench_runs_end_to_end(tmp_path: Path) -> None:
    """make bench PART=topologies with tiny counts, on real servers: standalone, Sentinel
    and Cluster come up, every gateway answers wrk without an error, and the section is
    merged into the results file, the main part's figures kept."""
    out = tmp_path / "results.md"
    out.write_text("main part figures\n")
    command = [sys.executable, "-m", "bench.run", "--part", "topologies", "--duration", "1"]
    command += ["--repeats", "1", "--connections", "2", "--threads", "1", "--out", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text()
    assert text.startswith("main part figures\n\n## Redis topologies")
    rows = re.findall(r"^\| (redis\S*) \| (miss|hit) \| (\d+) \| (\d+) \|.* (\d+) \|$", text, re.M)
    assert {(name, path) for name, path, *_ in rows} == {
        (name, path) for name in topologies.TOPOLOGIES for path in ("miss", "hit")
    }
    assert all(int(rps) > 0 and int(cpu) > 0 and errors == "0" for *_, rps, cpu, errors in rows)
    assert len(re.findall(r"standalone's \| (miss|hit) \| [\d.]+x \| (met|not met) \|", text)) == 2


def test_the_comparison_gives_head_over_base_per_path() -> None:
    args = argparse.Namespace(connections=16, repeats=3, duration=4)
    by = {
        "base miss single": Result("base miss single", 1000, 10.0, 20.0, 0, 700.0),
        "head miss single": Result("head miss single", 1100, 9.0, 19.0, 0, 630.0),
        "base hit list": Result("base hit list", 5000, 2.0, 4.0, 0, 180.0),
        "head hit list": Result("head hit list", 5100, 2.0, 4.0, 0, 189.0),
    }
    table = compare.render("adb64c0", by, args)
    assert "| miss | single | 1000 | 1100 | 700 | 630 | 0.90x |" in table
    assert "| hit | list | 5000 | 5100 | 180 | 189 | 1.05x |" in table
    assert "make bench-compare BASE=adb64c0" in table


def test_a_comparison_with_an_unknown_base_says_so() -> None:
    args = argparse.Namespace(latency=0.005, repeats=1, duration=1, connections=1, threads=1)
    with pytest.raises(SystemExit, match="BASE='no-such-rev' is not a commit"):
        compare.compare("no-such-rev", args)


def test_the_main_part_replaces_only_the_first_part_of_the_results() -> None:
    from bench.run import keep_sections

    old = "Measured before\n| a |\n\n## Growth\nkept\n\n## Redis topologies\nkept too\n"
    new = keep_sections(old, "Measured now\n| b |\n")
    assert new == "Measured now\n| b |\n\n## Growth\nkept\n\n## Redis topologies\nkept too\n"
    assert keep_sections("no sections yet\n", "Measured now\n") == "Measured now\n"
