"""The standard ``process_*`` metrics, for one process or for a server of several.

One process (``gateway serve``, or the ASGI app under any server without
``PROMETHEUS_MULTIPROC_DIR``): prometheus-client's ``ProcessCollector``, as any
Prometheus client reports it.

``gateway serve --workers N``: a scrape reaches one worker, but what its user runs is
one server, so the figures are those of the supervisor and all its child processes
(its workers) taken together, read from ``/proc`` at scrape time:

- ``process_cpu_seconds_total``: CPU time of the supervisor, of its live children, and
  of every child that has exited (the kernel adds a reaped child's time to its
  parent's ``cutime``/``cstime``), so it never goes backwards when a worker is
  restarted. The supervisor is read before and after its children; when a child was
  reaped in between (its time moved), the reading is taken again.
- ``process_resident_memory_bytes``, ``process_virtual_memory_bytes``,
  ``process_open_fds``: sums over the supervisor and its live children.
- ``process_max_fds``: the sum of their open-file limits (each process has its own),
  so ``process_open_fds / process_max_fds`` is the share of the server's capacity in use.
- ``process_start_time_seconds``: when the supervisor started (the server's uptime).

Another server's workers with ``PROMETHEUS_MULTIPROC_DIR`` (uvicorn or gunicorn run by
hand): the answering worker's own figures, since no supervisor of ours is known.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from prometheus_client import ProcessCollector
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

PROC = Path("/proc")
TICKS = float(os.sysconf("SC_CLK_TCK")) if hasattr(os, "sysconf") else 100.0
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
READINGS = 3  # tries at a reading no child was reaped during


@dataclass(frozen=True)
class Stat:
    """What ``/proc/<pid>/stat`` says of one process (times in clock ticks)."""

    own_ticks: int  # utime + stime
    reaped_ticks: int  # cutime + cstime: its children that have exited and been waited for
    started: int  # ticks after boot
    virtual: int  # bytes
    resident: int  # bytes


def process_families(supervisor: int | None) -> Iterator[Metric]:
    """The process_* families: of this process, or of ``supervisor`` and its children."""
    if supervisor is None:
        yield from ProcessCollector(registry=None).collect()
        return
    server = read_server(supervisor)
    if server is None:  # no /proc, or the supervisor is gone: say nothing rather than lie
        return
    cpu = CounterMetricFamily(
        "process_cpu_seconds", "Total user and system CPU time spent in seconds."
    )
    cpu.add_metric([], server.cpu_seconds)
    yield cpu
    figures = [
        ("process_virtual_memory_bytes", "Virtual memory size in bytes.", server.virtual),
        ("process_resident_memory_bytes", "Resident memory size in bytes.", server.resident),
        (
            "process_start_time_seconds",
            "Start time of the process since unix epoch in seconds.",
            server.start_time,
        ),
        ("process_open_fds", "Number of open file descriptors.", server.open_fds),
        ("process_max_fds", "Maximum number of open file descriptors.", server.max_fds),
    ]
    for name, text, value in figures:
        if value is not None:
            yield GaugeMetricFamily(name, text, value=value)


@dataclass(frozen=True)
class Server:
    cpu_seconds: float
    virtual: int
    resident: int
    start_time: float | None
    open_fds: int | None
    max_fds: int | None


def read_server(supervisor: int) -> Server | None:
    """The supervisor and its children as one (module docstring)."""
    reading = _reading(supervisor)
    for _ in range(READINGS - 1):
        if reading is None or reading[0]:
            break
        reading = _reading(supervisor)
    if reading is None:
        return None
    _, after, children = reading
    alive = [after, *children.values()]
    pids = [supervisor, *children]
    ticks = sum(s.own_ticks + s.reaped_ticks for s in alive)
    boot = boot_time()
    return Server(
        cpu_seconds=ticks / TICKS,
        virtual=sum(s.virtual for s in alive),
        resident=sum(s.resident for s in alive),
        start_time=boot + after.started / TICKS if boot is not None else None,
        open_fds=_total([open_fds(pid) for pid in pids]),
        max_fds=_total([max_fds(pid) for pid in pids]),
    )


def _reading(supervisor: int) -> tuple[bool, Stat, dict[int, Stat]] | None:
    """(whether no child was reaped while its children were read, the supervisor's
    stat, its children's), or ``None`` when the supervisor cannot be read."""
    before = read_stat(supervisor)
    children = {pid: read_stat(pid) for pid in children_of(supervisor)}
    after = read_stat(supervisor)
    if before is None or after is None:
        return None
    alive = {pid: stat for pid, stat in children.items() if stat is not None}
    return after.reaped_ticks == before.reaped_ticks, after, alive


def _total(figures: list[int | None]) -> int | None:
    """The sum, or ``None`` when a process could not be read (a part is no total)."""
    return None if None in figures else sum(f for f in figures if f is not None)


def read_stat(pid: int) -> Stat | None:
    try:
        text = (PROC / str(pid) / "stat").read_bytes()
    except OSError:
        return None
    fields = text[text.rfind(b")") + 2 :].split()  # the name may hold spaces or ")"
    return Stat(
        own_ticks=int(fields[11]) + int(fields[12]),
        reaped_ticks=int(fields[13]) + int(fields[14]),
        started=int(fields[19]),
        virtual=int(fields[20]),
        resident=int(fields[21]) * PAGE,
    )


def children_of(pid: int) -> list[int]:
    """The pids of ``pid``'s children: each thread's ``children`` file, else a scan of
    every process's parent (kernels built without that file)."""
    try:
        return [
            int(child)
            for task in (PROC / str(pid) / "task").iterdir()
            for child in (task / "children").read_text().split()
        ]
    except FileNotFoundError:
        pass
    except OSError:
        return []
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                text = (entry / "stat").read_bytes()
            except OSError:
                continue
            if int(text[text.rfind(b")") + 2 :].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def open_fds(pid: int) -> int | None:
    try:
        return len(os.listdir(PROC / str(pid) / "fd"))
    except OSError:
        return None


def max_fds(pid: int) -> int | None:
    try:
        for line in (PROC / str(pid) / "limits").read_text().splitlines():
            if line.startswith("Max open files"):
                soft = line.split()[3]
                return int(soft) if soft.isdigit() else None
    except OSError:
        return None
    return None


def boot_time() -> float | None:
    try:
        for line in (PROC / "stat").read_text().splitlines():
            if line.startswith("btime "):
                return float(line.split()[1])
    except OSError:
        return None
    return None
