"""config.yaml written by the admin API and by instances following a change."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from gateway.config.file import write_atomically


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_write_keeps_the_files_mode_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("a: 1\n")
    path.chmod(0o600)
    write_atomically(path, "a: 2\n")
    assert path.read_text() == "a: 2\n" and mode(path) == 0o600
    assert (tmp_path / "config.yaml.bak").read_text() == "a: 1\n"
    assert mode(tmp_path / "config.yaml.bak") == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml", "config.yaml.bak"]


def test_a_new_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    write_atomically(path, "a: 1\n")
    assert mode(path) == 0o600


def test_concurrent_writers_never_collide(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("a: 0\n")
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: write_atomically(path, f"a: {i}\n"), range(40)))
    assert path.read_text().startswith("a: ")
    assert not list(tmp_path.glob(".config.yaml.*.tmp"))


def test_temporaries_left_by_a_killed_write_are_swept(tmp_path: Path) -> None:
    import os
    import time

    from gateway.config.file import sweep_temporaries

    path = tmp_path / "config.yaml"
    path.write_text("a: 1\n")
    old, fresh = tmp_path / ".config.yaml.abc123.tmp", tmp_path / ".config.yaml.def456.tmp"
    old.write_text("half")
    fresh.write_text("in progress")
    os.utime(old, (time.time() - 600, time.time() - 600))
    assert sweep_temporaries(path) == [old]
    assert not old.exists() and fresh.exists()
