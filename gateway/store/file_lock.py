"""One process per state file.

The ``local`` backend keeps claims of requests in flight in its process, so two
processes on one SQLite file would each run the same ``Idempotency-Key``. Opening a
store takes an exclusive ``flock`` on ``<file>.lock`` (holding the holder's PID) for
as long as the process has the store open; a second process is refused at once with
the file and that PID. The kernel drops the lock when its process dies, however it
dies, so a crashed gateway never leaves the file locked. Several stores opened on one
file within one process (a restart in tests) share the lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from pathlib import Path

PRIVATE = 0o600


class StateFileInUse(Exception):
    """Another process has the state file open."""

    def __init__(self, path: Path, pid: str) -> None:
        self.path, self.pid = path, pid
        holder = f"PID {pid}" if pid else "another process"
        super().__init__(
            f"the state file {path} is in use by another gateway ({holder}). One process "
            "serves one local state file: stop the other, give this one its own "
            "server.state.path, or share state between processes with server.state "
            "backend redis."
        )


_held: dict[Path, tuple[int, int]] = {}  # lock file -> (descriptor, stores open on it)
_guard = threading.Lock()


def acquire(path: Path) -> None:
    """Lock ``path`` (a state file) for this process, or raise ``StateFileInUse``."""
    lock = _lock_path(path)
    with _guard:
        if lock in _held:
            fd, count = _held[lock]
            _held[lock] = (fd, count + 1)
            return
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, PRIVATE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip()
            os.close(fd)
            raise StateFileInUse(path, holder) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        _held[lock] = (fd, 1)


def release(path: Path) -> None:
    lock = _lock_path(path)
    with _guard:
        if lock not in _held:
            return
        fd, count = _held[lock]
        if count > 1:
            _held[lock] = (fd, count - 1)
            return
        del _held[lock]
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def make_private(path: Path) -> None:
    """Create ``path`` readable by its owner only (whatever the umask), and make it and
    its SQLite companions (``-wal``, ``-shm``, ``.lock``) so if they exist."""
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE))
    for companion in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", ".lock"))):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(companion, PRIVATE)


def _lock_path(path: Path) -> Path:
    return path.resolve().with_name(path.name + ".lock")
