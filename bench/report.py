"""The benchmark's figures: one run's result, the median of repeats, and the report
(bench/results.md) with the ratios the targets of issues #16 and #32 are stated in."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

LOAD_CORE, PROXY_CORE = 0, 1  # pinned runs: wrk and the simulator, the measured proxy


@dataclass
class Result:
    name: str  # "<path> <read>", e.g. "gateway x1 miss single"
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_us: float = 0.0  # CPU time per request of the measured process tree
    upstream_us: float = 0.0  # and of the upstream simulator, per request

    @property
    def path(self) -> str:
        return self.name.rsplit(" ", 1)[0]

    @property
    def read(self) -> str:
        return self.name.rsplit(" ", 1)[1]


def median(results: list[Result]) -> Result:
    """Each figure's median over the repeats (of one variant, one setting)."""

    def mid(values: list[float]) -> float:
        return statistics.median(values)

    return Result(
        results[0].name,
        mid([r.rps for r in results]),
        mid([r.p50_ms for r in results]),
        mid([r.p99_ms for r in results]),
        sum(r.errors for r in results),
        mid([r.cpu_us for r in results]),
        mid([r.upstream_us for r in results]),
    )


def render(
    medians: dict[str, list[Result]], rss: dict[int, float], args: argparse.Namespace
) -> str:
    command = (
        f"make bench  # bench/run.py --latency {args.latency} --duration {args.duration} "
        f"--repeats {args.repeats} --connections {args.connections} --threads {args.threads} "
        f"--workers {args.workers}"
    )
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores ({platform.machine()}, "
        f"Python {platform.python_version()}), loopback, simulator latency "
        f"{args.latency * 1000:g} ms; each figure the median of {args.repeats} runs of "
        f"{args.duration} s, all variants interleaved:",
        f"`{command}`",
        "",
    ]
    titles = {
        "c16": f"wrk -c{args.connections}, unpinned",
        "c16 pinned": (
            f"wrk -c{args.connections}, pinned: wrk and the simulator on core {LOAD_CORE}, "
            f"the floor or gateway on core {PROXY_CORE}"
        ),
    }
    for setting, title in titles.items():
        results = medians.get(setting, [])
        if results:
            lines += [f"**{title}**", "", *_throughput_table(results), ""]
    ones = {r.name: r for r in medians.get("c1", [])}
    if ones:
        lines += ["**one connection (wrk -c1): the latency a request pays**", ""]
        lines += [
            "| path | read | p50 ms | p99 ms | added p50 ms vs direct |",
            "|---|---|---:|---:|---:|",
        ]
        for result in ones.values():
            added = result.p50_ms - ones[f"direct {result.read}"].p50_ms
            lines.append(
                f"| {result.path} | {result.read} | {result.p50_ms:.2f} | {result.p99_ms:.2f} | "
                f"{added:+.2f} |"
            )
        lines.append("")
    lines += ["**targets (issue #16), from the unpinned run and one connection**", ""]
    lines += _targets(medians, rss)
    lines += ["", "**targets (issue #32), from the unpinned run and one connection**", ""]
    lines += targets_32(medians, args.workers)
    return "\n".join(lines) + "\n"


def _throughput_table(results: list[Result]) -> list[str]:
    by = {r.name: r for r in results}
    lines = [
        "| path | read | req/s | p50 ms | p99 ms | vs direct | CPU µs/req | CPU vs floor "
        "| upstream CPU µs/req | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        direct, floor = by.get(f"direct {result.read}"), by.get(f"floor {result.read}")
        vs_direct = f"{result.rps / direct.rps:.2f}" if direct else ""
        vs_floor = f"{result.cpu_us / floor.cpu_us:.1f}x" if floor and floor.cpu_us else ""
        lines.append(
            f"| {result.path} | {result.read} | {result.rps:.0f} | {result.p50_ms:.2f} | "
            f"{result.p99_ms:.2f} | {vs_direct} | {result.cpu_us:.0f} | {vs_floor} | "
            f"{result.upstream_us:.0f} | {result.errors} |"
        )
    return lines


def _targets(medians: dict[str, list[Result]], rss: dict[int, float]) -> list[str]:
    by = {r.name: r for r in medians.get("c16", [])}
    ones = {r.name: r for r in medians.get("c1", [])}
    lines = ["| target | single | list | met |", "|---|---:|---:|---|"]

    def row(
        label: str, figures: list[float | None], ok: Callable[[float], bool], unit: str
    ) -> None:
        shown = [f"{f:.2f}{unit}" if f is not None else "" for f in figures]
        met = all(f is not None and ok(f) for f in figures)
        lines.append(f"| {label} | {shown[0]} | {shown[1]} | {'yes' if met else 'no'} |")

    def ratio(top: str, bottom: str, field: str) -> list[float | None]:
        out: list[float | None] = []
        for read in ("single", "list"):
            a, b = by.get(f"{top} {read}"), by.get(f"{bottom} {read}")
            out.append(getattr(a, field) / getattr(b, field) if a and b else None)
        return out

    row(
        "miss CPU/request ≤ 3x the floor's",
        ratio("gateway x1 miss", "floor", "cpu_us"),
        lambda f: f <= 3,
        "x",
    )
    row(
        "miss throughput ≥ 40% of direct",
        ratio("gateway x1 miss", "direct", "rps"),
        lambda f: f >= 0.40,
        "",
    )
    row(
        "hits ≥ 5x the miss path",
        ratio("gateway x1 hit", "gateway x1 miss", "rps"),
        lambda f: f >= 5,
        "x",
    )
    added: list[float | None] = []
    for read in ("single", "list"):
        miss, direct = ones.get(f"gateway x1 miss {read}"), ones.get(f"direct {read}")
        added.append(miss.p50_ms - direct.p50_ms if miss and direct else None)
    row("added p50 at one connection ≤ 2 ms", added, lambda f: f <= 2, " ms")
    lines.append("")
    lines.append(
        "Peak RSS (all processes of a gateway): "
        + ", ".join(f"x{w} {mb:.0f} MiB" for w, mb in sorted(rss.items()))
        + "."
    )
    return lines


# Issue #32's targets: (measure, read, numerator, denominator, field, bound, at most).
# "gateway x1" is one process on the embedded store, "gateway xN" (N = --workers) shares
# Redis; a "-" denominator means "added to direct at one connection" (p50 ms).
TARGETS_32 = [
    ("miss CPU/request vs the floor, one process", "single", "x1 miss", "floor", "cpu_us", 2.0),
    ("miss CPU/request vs the floor, one process", "list", "x1 miss", "floor", "cpu_us", 2.5),
    ("miss throughput vs direct, one process", "single", "x1 miss", "direct", "rps", 0.65),
    ("miss throughput vs direct, one process", "list", "x1 miss", "direct", "rps", 0.65),
    ("miss CPU/request on Redis vs one process", "single", "xN miss", "x1 miss", "cpu_us", 1.25),
    ("miss CPU/request on Redis vs one process", "list", "xN miss", "x1 miss", "cpu_us", 1.25),
    ("hit CPU/request on Redis vs a local hit", "single", "xN hit", "x1 hit", "cpu_us", 1.3),
    ("hit CPU/request on Redis vs a local hit", "list", "xN hit", "x1 hit", "cpu_us", 1.3),
    ("added p50 at one connection (ms)", "single", "x1 miss", "-", "p50_ms", 1.0),
    ("added p50 at one connection (ms)", "list", "x1 miss", "-", "p50_ms", 1.5),
]


def targets_32(medians: dict[str, list[Result]], workers: int) -> list[str]:
    """Each of issue #32's ratios beside its target, met or not met; throughput is a
    floor (at least), everything else a ceiling (at most)."""
    by = {r.name: r for r in medians.get("c16", [])}
    ones = {r.name: r for r in medians.get("c1", [])}

    def named(path: str) -> str:
        if path in ("floor", "direct"):
            return path
        return "gateway " + path.replace("xN", f"x{workers}")

    lines = ["| measure | read | figure | target | met |", "|---|---|---:|---:|---|"]
    for measure, read, top, bottom, field, bound in TARGETS_32:
        if bottom == "-":
            a, b = ones.get(f"{named(top)} {read}"), ones.get(f"direct {read}")
            figure = a.p50_ms - b.p50_ms if a and b else None
        else:
            a, b = by.get(f"{named(top)} {read}"), by.get(f"{named(bottom)} {read}")
            below = getattr(b, field) if b else 0
            figure = getattr(a, field) / below if a and below else None
        at_least = field == "rps"
        unit = " ms" if bottom == "-" else ("" if at_least else "x")
        shown = f"{figure:.2f}{unit}" if figure is not None else "not measured"
        target = f"{'≥' if at_least else '≤'} {bound:.2f}{unit}"
        met = figure is not None and (figure >= bound if at_least else figure <= bound)
        lines.append(f"| {measure} | {read} | {shown} | {target} | {'met' if met else 'not met'} |")
    return lines
