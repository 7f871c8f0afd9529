"""``gateway serve --workers N``: the supervisor's metrics directory and its workers' lives.

Each worker counts in prometheus-client's multiprocess mode (gateway/observability/metrics.py), in a
directory the supervisor owns for the length of one serve:

- made at start, new and private (``mkdtemp``: mode 0700, under ``$TMPDIR``), named
  ``gateway-metrics-<supervisor pid>-*``; directories of that name whose supervisor is
  no longer running (one killed with SIGKILL never cleaned up) are removed first;
- handed to the workers as ``PROMETHEUS_MULTIPROC_DIR`` (set before they start, so
  prometheus-client picks multiprocess mode when a worker imports it); a value set by
  the user is replaced for the serve, and put back after;
- holding ``supervisor.pid``, by which a worker knows its parent is this supervisor
  (its process_* figures then stand for the whole server, gateway/observability/process.py);
- removed when the serve ends, after every worker has exited.

SIGTERM is passed on to every worker from the signal handler itself (uvicorn's
supervisor would pass it on at its next look, up to half a second later, and each
worker's ``/readyz`` must turn 503 at once: gateway/serving/drain.py), and once only: a second
SIGTERM would cut a worker's drain short.

A worker that exits (it crashed, or uvicorn replaced it) keeps its files: its counts stay
in every sum, so counters never go backwards. Only its ``live*`` gauges (one worker's
``gateway_workers``) are dropped, with prometheus-client's ``mark_process_dead``, as
soon as the supervisor sees it gone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from prometheus_client.multiprocess import mark_process_dead
from uvicorn.supervisors import Multiprocess

from gateway.observability.metrics import MULTIPROCESS_DIR, SUPERVISOR_FILE

PREFIX = "gateway-metrics-"


@contextlib.contextmanager
def metrics_directory() -> Iterator[Path]:
    """The serve's metrics directory, in ``$PROMETHEUS_MULTIPROC_DIR`` while it lasts."""
    sweep(Path(tempfile.gettempdir()))
    directory = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    (directory / SUPERVISOR_FILE).write_text(str(os.getpid()))
    before = os.environ.get(MULTIPROCESS_DIR)
    os.environ[MULTIPROCESS_DIR] = str(directory)
    try:
        yield directory
    finally:
        if before is None:
            os.environ.pop(MULTIPROCESS_DIR, None)
        else:
            os.environ[MULTIPROCESS_DIR] = before
        shutil.rmtree(directory, ignore_errors=True)


def sweep(folder: Path) -> list[Path]:
    """Remove the metrics directories in ``folder`` that this user's supervisors left
    behind when they were killed (their pid no longer runs)."""
    removed = []
    for leftover in folder.glob(f"{PREFIX}*-*"):
        pid = leftover.name.removeprefix(PREFIX).split("-", 1)[0]
        with contextlib.suppress(OSError):
            if not pid.isdigit() or leftover.stat().st_uid != os.getuid() or _running(int(pid)):
                continue
            shutil.rmtree(leftover)
            removed.append(leftover)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: not ours to judge
    return True


class Supervisor(Multiprocess):
    """uvicorn's supervisor, which also drops the live gauges of a worker that is gone
    (restarted after a crash, replaced on SIGHUP, retired on SIGTTOU)."""

    def __init__(self, *args: object, directory: Path, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.directory = directory
        self.known: set[int] = set()
        self.told: set[int] = set()  # workers already sent SIGTERM
        signal.signal(signal.SIGTERM, self._terminated)

    def _terminated(self, sig: int, frame: FrameType | None) -> None:
        self.signal_queue.append(sig)  # uvicorn's supervisor then stops as it does
        for process in self.processes:
            pid = process.pid
            if pid is not None and pid not in self.told and process.exitcode is None:
                self.told.add(pid)
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)

    def terminate_all(self) -> None:
        for process in self.processes:
            if process.pid not in self.told:
                process.terminate()

    def keep_subprocess_alive(self) -> None:
        # handle_signals (which may replace or retire workers) runs just before this,
        # in the same turn of uvicorn's loop, so one check after both sees every change
        super().keep_subprocess_alive()
        running = {p.pid for p in self.processes if p.pid is not None}
        for pid in self.known - running:
            mark_process_dead(pid, str(self.directory))  # type: ignore[no-untyped-call]
        self.known = running
