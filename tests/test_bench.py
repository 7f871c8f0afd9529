"""The benchmark's own parsing (bench/run.py); no timing is asserted in the suite."""

from __future__ import annotations

import argparse

from bench.run import Result, render, to_ms


def test_wrk_units() -> None:
    assert (to_ms("850.00us"), to_ms("1.50ms"), to_ms("1.02s")) == (0.85, 1.5, 1020.0)


def test_render_computes_ratios_against_direct() -> None:
    args = argparse.Namespace(latency=0.005, duration=10, connections=16, threads=2, workers=2)
    direct = [
        Result("direct single", 1000, 10.0, 12.0, 0, 300.0),
        Result("direct list", 500, 20.0, 25.0, 0, 1400.0),
        Result("floor single", 900, 10.5, 13.0, 0, 400.0),
        Result("floor list", 450, 21.0, 26.0, 0, 500.0),
    ]
    gateway = [
        Result("gateway x1 miss  single", 800, 11.0, 14.0, 0, 1200.0),
        Result("gateway x1 miss  list", 400, 22.0, 30.0, 0, 2000.0),
        Result("gateway x1 hit   single", 4000, 2.0, 3.0, 0, 300.0),
        Result("gateway x1 hit   list", 4000, 2.0, 3.0, 0, 350.0),
    ]
    table = render(direct, [(1, gateway, 60.0)], args)
    assert (
        "| gateway x1 miss | single | 800 | 11.00 | 14.00 | 0.80 | +1.00 | 1200 | 3.0x | 0 |"
        in table
    )
    assert "| floor | list | 450 | 21.00 | 26.00 | 0.90 | +1.00 | 500 | 1.0x | 0 |" in table
    assert "single 5.0x, list 10.0x" in table and "60 MiB" in table
    assert "make bench" in table
