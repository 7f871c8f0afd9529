"""The growth tables of ``make bench-scale`` (bench/scale.py), and their place in
bench/results.md (the "Growth" section, replaced by each run with ``--write``)."""

from __future__ import annotations

import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.topologies import merge

RESULTS = Path(__file__).resolve().parent / "results.md"
HEADING = "## Growth"
FLAT = 1.2  # the most a per-record cost may grow from the smallest to the largest size
FILTER_NAMES = ("type", "connection", "resource")
RSS_SLACK = 8.0  # MiB the RSS rise during a scan may differ between sizes


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def render(
    sizes: list[dict[str, Any]],
    events: list[dict[str, Any]],
    slope: Callable[[float, float, int, int], float],
) -> str:
    small, large = sizes[0], sizes[-1]
    n0, n1 = small["customers"], large["customers"]
    lines = [
        HEADING,
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, Python "
        f"{sys.version.split()[0]}, loopback, simulator without added latency: "
        "`make bench-scale` (bench/scale.py). Slope: d log(cost) / d log(N) from "
        f"{n0:,} to {n1:,} (0: flat; 1: grows with N).",
        "",
        "**(a) Poller scan of customers** (a process of its own per scan series; CPU of "
        "that process per record, the median of 3 scans with nothing changed, and one "
        "scan after 1% changed; RSS rise: peak during the scan above the RSS before it)",
        "",
        "| customers | state | CPU µs/record | after 1% changed | RSS rise MiB | RSS MiB | "
        "events | scan s | store MiB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in sizes:
        for state in ("local", "redis"):
            poll = row[f"poll_{state}"]
            steady, changed = poll["steady"], poll["changed"]
            store = f"{poll['store_mib']:.1f}" if poll["store_mib"] is not None else "(Redis)"
            lines.append(
                f"| {row['customers']:,} | {state} | {steady['cpu_us']:.0f} | "
                f"{changed['cpu_us']:.0f} | {steady['rss_rise_mib']:.1f} | "
                f"{steady['rss_mib']:.0f} | {changed['events']} of {changed['expected']} | "
                f"{steady['wall_s']:.1f} | {store} |"
            )
    lines += ["", "| state | CPU/record slope | ratio | flat within 20% | RSS rise | memory |"]
    lines.append("|---|---:|---:|---|---|---|")
    for state in ("local", "redis"):
        a, b = small[f"poll_{state}"]["steady"], large[f"poll_{state}"]["steady"]
        ratio = b["cpu_us"] / a["cpu_us"]
        rise = f"{a['rss_rise_mib']:.1f} → {b['rss_rise_mib']:.1f} MiB"
        lines.append(
            f"| {state} | {slope(a['cpu_us'], b['cpu_us'], n0, n1):+.3f} | {ratio:.2f}x | "
            f"{_verdict(ratio <= FLAT)} | {rise} | "
            f"{_verdict(b['rss_rise_mib'] - a['rss_rise_mib'] <= RSS_SLACK)} |"
        )
    lines += [
        "",
        "**(b) Emulated filter over the whole list** (`q` matching no row, following "
        "`next_cursor`, 100 upstream pages per request) and **(d) fan-out** "
        "(`connection=*` over four connections, every row, 100 per page)",
        "",
        "| customers | (b) CPU µs/row | (b) wall µs/row | (b) requests | gateway peak RSS MiB "
        "| (d) pages | (d) p50 ms | (d) p99 ms | (d) CPU µs/row |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in sizes:
        e, f = row["emulated"], row["fanout"]
        lines.append(
            f"| {row['customers']:,} | {e['cpu_us']:.0f} | {e['wall_us']:.0f} | "
            f"{e['requests']} | {e['peak_rss_mib']:.0f} | {f['pages']} | {f['p50_ms']:.1f} | "
            f"{f['p99_ms']:.1f} | {f['cpu_us']:.0f} |"
        )
    e0, e1 = small["emulated"], large["emulated"]
    f0, f1 = small["fanout"], large["fanout"]
    lines += [
        "",
        f"Slopes: (b) CPU/row {slope(e0['cpu_us'], e1['cpu_us'], n0, n1):+.3f}, peak RSS "
        f"{slope(e0['peak_rss_mib'], e1['peak_rss_mib'], n0, n1):+.3f}; (d) p50 "
        f"{slope(f0['p50_ms'], f1['p50_ms'], n0, n1):+.3f}, CPU/row "
        f"{slope(f0['cpu_us'], f1['cpu_us'], n0, n1):+.3f}.",
        "",
        "**(c) `/v1/events`, first page of 10 with one event in 1,000 matching**, for a "
        "type, a connection and a resource filter (median latency of 200, and the "
        "gateway's CPU per request; events written straight into the store, "
        "bench/scale_events.py)",
        "",
        "| state | events kept | seeded in s | type ms | CPU µs | connection ms | CPU µs "
        "| resource ms | CPU µs |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in events:
        cells = " | ".join(
            f"{row[name]['ms']:.2f} | {row[name]['cpu_us']:.0f}" for name in FILTER_NAMES
        )
        lines.append(f"| {row['backend']} | {row['events']:,} | {row['seed_s']:.0f} | {cells} |")
    for backend in ("local", "redis"):
        mine = [r for r in events if r["backend"] == backend]
        if len(mine) > 1:
            a, b = mine[0], mine[-1]
            n0, n1 = a["events"], b["events"]
            slopes = ", ".join(
                f"{name} {slope(a[name]['cpu_us'], b[name]['cpu_us'], n0, n1):+.3f}"
                for name in FILTER_NAMES
            )
            worst = max(b[name]["cpu_us"] / a[name]["cpu_us"] for name in FILTER_NAMES)
            lines.append(
                f"\n{backend}: CPU per page slopes {slopes}; the most it grew from "
                f"{a['events']:,} to {b['events']:,} events: {worst:.2f}x, "
                f"{_verdict(worst <= FLAT)} (flat within 20%)"
            )
    return "\n".join(lines) + "\n"


def write_results(text: str, path: Path = RESULTS) -> None:
    """Replace the Growth section of ``path`` (appended when there is none)."""
    current = path.read_text() if path.exists() else ""
    path.write_text(merge(current, text, HEADING))
