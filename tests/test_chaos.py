"""``make chaos`` (tests/chaos/) counts what it says: a key run twice is a duplicate
even when the upstream refused the second record, two attempts of one delivery at once
are found, a broken promise fails the run, and the full-disk scenario is skipped, never
faked, where it cannot mount."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.chaos import __main__ as chaos
from tests.chaos import full_disk
from tests.chaos.receivers import Attempt, overlapping
from tests.chaos.report import Row
from tests.chaos.site import TOKEN, Site, upstream


def test_a_second_create_the_upstream_refused_is_counted_a_duplicate(tmp_path: Path) -> None:
    site = Site(tmp_path / "site")
    try:
        since = 0.0
        auth = {"Authorization": f"Bearer {TOKEN}"}
        once = {"customer_code": "CHAOS-T-0001", "customer_name": "Once B.V."}
        twice = {"customer_code": "CHAOS-T-0002", "customer_name": "Twice B.V."}
        statuses = [
            httpx.post(f"{site.sim.url}/api/v1/customers", json=body, headers=auth).status_code
            for body in (once, twice, twice)
        ]
        found = upstream(site, "CHAOS-T-", since)
    finally:
        site.close()
    assert statuses == [201, 201, 422]  # the simulator refuses a code it holds
    assert found.records == {"CHAOS-T-0001": 1, "CHAOS-T-0002": 1}
    assert found.creates == 3 and found.duplicates == 1
    assert found.lost(["CHAOS-T-0001", "CHAOS-T-0003"]) == 1
    assert found.written(["CHAOS-T-0002", "CHAOS-T-0003"]) == 1


def test_two_attempts_of_one_delivery_in_flight_at_once_are_found() -> None:
    one_after_another = [Attempt("d1", "e1", 0, 3), Attempt("d1", "e1", 3.1, 6)]
    others_at_once = [Attempt("d2", "e2", 0, 3), Attempt("d3", "e3", 1, 2)]
    assert overlapping(one_after_another + others_at_once) == 0
    inside_a_long_one = [Attempt("d4", "e4", 0, 10), Attempt("d4", "e4", 4, 5)]
    beside_an_open_one = [Attempt("d5", "e5", 0, None), Attempt("d5", "e5", 30, 31)]
    assert overlapping(inside_a_long_one + beside_an_open_one + one_after_another) == 2


def test_a_duplicate_a_loss_a_broken_promise_or_an_error_fails_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def scenario(row: Row) -> tuple[str, object]:
        return row.scenario, lambda folder: row

    def raises(folder: Path) -> Row:
        raise RuntimeError("the simulator never came up")

    fine = Row("fine", requests=3, measured=["all 201"])
    cases = {
        "duplicate": Row("duplicate", requests=2, duplicates=1),
        "lost": Row("lost", requests=2, lost=1),
        "broken": Row("broken", requests=2, broken=["2 x 503 on a healthy store"]),
        "raises": None,
    }
    failed: dict[str, str] = {}
    for name, row in cases.items():
        chosen = {"fine": scenario(fine)}
        chosen[name] = (name, raises) if row is None else scenario(row)
        monkeypatch.setattr(chaos, "SCENARIOS", chosen)
        report = tmp_path / f"{name}.md"
        logs = ["--logs", str(tmp_path / name)]
        assert chaos.main(["--report", str(report), *logs]) == 1, name
        table = report.read_text()
        assert "| fine | 3 | 0 | 0 | all 201 | ok |" in table
        failed[name] = table.splitlines()[-1].rpartition(" | ")[2]
    assert failed == {
        "duplicate": "FAILED: 1 duplicates |",
        "lost": "FAILED: 1 lost |",
        "broken": "FAILED: 2 x 503 on a healthy store |",
        "raises": "FAILED: the scenario raised RuntimeError: the simulator never came up |",
    }
    monkeypatch.setattr(chaos, "SCENARIOS", {"fine": scenario(fine)})
    assert chaos.main(["--logs", str(tmp_path / "fine")]) == 0
    assert "| fine | 3 | 0 | 0 | all 201 | ok |" in capsys.readouterr().out


def test_the_full_disk_is_skipped_not_faked_when_it_cannot_mount(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(full_disk.os, "geteuid", lambda: 1000)
    row = full_disk.run(tmp_path / "disk")
    assert row.skipped is not None and row.skipped.startswith("needs root and mount")
    assert not row.failed and row.result.startswith("skipped: needs root and mount")
    assert row.requests == 0 and not (tmp_path / "disk").exists()  # nothing ran to pretend
