"""The benchmark's own parsing and arithmetic (bench/run.py, bench/report.py); no timing
is asserted in the suite."""

from __future__ import annotations

import argparse

from bench.report import Result, median, render
from bench.run import to_ms


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


def test_render_computes_ratios_and_targets() -> None:
    args = argparse.Namespace(
        latency=0.005, duration=4, repeats=3, connections=16, threads=2, workers=2
    )
    unpinned = [
        Result("direct single", 1000, 10.0, 12.0, 0, 300.0, 300.0),
        Result("direct list", 500, 20.0, 25.0, 0, 1400.0, 1400.0),
        Result("floor single", 900, 10.5, 13.0, 0, 400.0, 300.0),
        Result("floor list", 450, 21.0, 26.0, 0, 500.0, 1400.0),
        Result("gateway x1 miss single", 800, 11.0, 14.0, 0, 1200.0, 310.0),
        Result("gateway x1 miss list", 400, 22.0, 30.0, 0, 2000.0, 1500.0),
        Result("gateway x1 hit single", 4000, 2.0, 3.0, 0, 300.0, 0.0),
        Result("gateway x1 hit list", 4000, 2.0, 3.0, 0, 350.0, 0.0),
    ]
    one = [
        Result("direct single", 150, 6.0, 7.0, 0),
        Result("direct list", 100, 9.0, 10.0, 0),
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
