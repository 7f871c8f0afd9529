"""Full disk: a gateway whose local state file is on a 2 MB tmpfs, which is then
filled. The promise: keyed POSTs are 503 and never written, /readyz says the state is
down, the audit records that cannot be written are counted
(``gateway_audit_failures_total``); once space is freed it recovers by itself and the
refused keys go through. Needs root and ``mount -t tmpfs``: otherwise it is skipped,
never faked."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.chaos.report import Row, counted
from tests.chaos.site import chaos_site, customer, metric, post_customer, until, upstream
from tests.servers import Process

TITLE = "full disk (tmpfs)"
PREFIX = "CHAOS-DISK-"
REFUSED = 10  # keyed POSTs sent while the disk is full
SIZE = 2  # MB
SKIP = "needs root and mount"


class Unmountable(Exception):
    """``mount -t tmpfs`` was refused (not root, or a container without the right)."""


@contextlib.contextmanager
def small_tmpfs() -> Iterator[Path]:
    """A fresh tmpfs of ``SIZE`` MB, unmounted (and its mount point removed) after."""
    if os.geteuid() != 0:
        raise Unmountable("not root")
    point = Path(tempfile.mkdtemp(prefix="chaos-tmpfs-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE}m,mode=0700", "tmpfs", str(point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        point.rmdir()
        raise Unmountable(mounted.stderr.strip())
    try:
        yield point
    finally:
        subprocess.run(["umount", str(point)], check=False)
        point.rmdir()


def fill(folder: Path) -> Path:
    """Write a file into ``folder`` until the file system is full."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
    return filler


def run(folder: Path) -> Row:
    row = Row(TITLE)
    try:
        with small_tmpfs() as disk:
            _full_disk(row, folder, disk)
    except Unmountable as exc:
        row.skipped = f"{SKIP} ({exc})" if str(exc) else SKIP
    return row


def _full_disk(row: Row, folder: Path, disk: Path) -> None:
    with chaos_site(folder) as site:
        state = f'{{backend: local, path: "{disk / "state.db"}"}}'
        gw = site.gateway("gw", state)
        since = time.time()
        with httpx.Client(timeout=30) as client:
            first = _post(client, gw, 0)
            row.check(first == 201, f"the write before the disk filled was {first}")
            filler = fill(disk)
            refused = {n: _post(client, gw, n) for n in range(1, REFUSED + 1)}
            ready = client.get(f"{gw.url}/readyz").json().get("state")
            audit_counted = until(
                lambda: metric(gw, "gateway_audit_failures_total") > 0, deadline=20
            )
            written = upstream(site, PREFIX, since).written(
                customer(PREFIX, n)["code"] for n, s in refused.items() if s == 503
            )
            filler.unlink()
            back = until(
                lambda: client.get(f"{gw.url}/readyz").json().get("state") == "ok", deadline=10
            )
            again = {n: _post(client, gw, n) for n in refused}
            audit_lost = metric(gw, "gateway_audit_failures_total")
        found = upstream(site, PREFIX, since)
    codes, retried = Counter(refused.values()), Counter(again.values())
    row.requests = 1 + len(refused) + len(again)
    row.duplicates = found.duplicates
    acknowledged = [customer(PREFIX, n)["code"] for n, s in again.items() if s == 201]
    row.lost = found.lost(acknowledged + ([customer(PREFIX, 0)["code"]] if first == 201 else []))
    row.check(set(codes) == {503}, f"keyed POSTs on a full disk: {counted(codes)}, not all 503")
    row.check(written == 0, f"{written} POSTs answered 503 were written")
    row.check(ready == "down", f"/readyz said the state was {ready!r}, not 'down'")
    row.check(audit_counted, "gateway_audit_failures_total stayed 0")
    row.check(back, "/readyz did not say 'ok' again within 10 s of freeing space")
    row.check(set(retried) == {201}, f"the refused keys sent again: {counted(retried)}")
    row.measured += [
        f"{SIZE} MB tmpfs full: keyed POSTs {counted(codes)}, /readyz state {ready!r}",
        f"audit records given up, counted: {audit_lost:.0f}",
        f"the refused sent again after freeing space: {counted(retried)}",
    ]


def _post(client: httpx.Client, gw: Process, n: int) -> int:
    return post_customer(client, gw, customer(PREFIX, n)).status_code
