"""One line per scenario, and the table of them (Markdown, so it pastes into a doc)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Row:
    """What one scenario sent and found. ``broken`` names each promise other than
    "no duplicate, nothing lost" that did not hold (a 503 in a burst, memory growth...)."""

    scenario: str
    requests: int = 0
    duplicates: int = 0
    lost: int = 0
    measured: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    skipped: str | None = None

    def check(self, holds: bool, promise: str) -> None:
        """Note ``promise`` as broken unless it ``holds``."""
        if not holds:
            self.broken.append(promise)

    @property
    def failed(self) -> bool:
        return self.skipped is None and (self.duplicates > 0 or self.lost > 0 or bool(self.broken))

    @property
    def result(self) -> str:
        if self.skipped is not None:
            return f"skipped: {self.skipped}"
        if not self.failed:
            return "ok"
        reasons = [f"{self.duplicates} duplicates"] if self.duplicates else []
        reasons += [f"{self.lost} lost"] if self.lost else []
        return "FAILED: " + "; ".join(reasons + self.broken)


HEADER = ("scenario", "requests", "duplicates", "lost", "measured", "result")


def render(rows: list[Row]) -> str:
    """The summary table, one line per scenario."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for row in rows:
        if row.skipped is not None:
            cells = [row.scenario, "—", "—", "—", "—", row.result]
        else:
            measured = "; ".join(row.measured).replace("|", "/")
            numbers = [str(row.requests), str(row.duplicates), str(row.lost)]
            cells = [row.scenario, *numbers, measured, row.result]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def counted(statuses: Mapping[Any, int]) -> str:
    """``{201: 398, 409: 2}`` as ``201 x 398, 409 x 2`` (``none`` when empty)."""
    return ", ".join(f"{what} x {n}" for what, n in sorted(statuses.items(), key=str)) or "none"
