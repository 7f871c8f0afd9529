"""The soak's counting (tests/soak.py): what the clients saw, per phase, as the table's
rows. Pure: ``tally`` is given the whole feed and the upstream's records."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tests.soak_load import Seen, repeated


@dataclass
class Phase:
    name: str
    start: float  # wall clock
    end: float = float("inf")
    ready_after: float | None = None  # seconds from the fault until every /readyz was ok


@dataclass
class Row:
    phase: str
    requests: int = 0
    bad: int = 0
    bad_window: float = 0.0
    ready_after: float | None = None
    keyed: int = 0
    duplicates: int = 0
    records: int = 0
    missing: int = 0
    repeated: int = 0
    twice: int = 0  # records reported created by two events (see docs/reliability.md)
    events: int = 0
    lost: int = 0
    duplicate_deliveries: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.duplicates or self.missing or self.repeated or self.lost)


def tally(
    seen: Seen, phases: list[Phase], feed: list[dict[str, Any]], upstream: dict[str, list[str]]
) -> list[Row]:
    """Each phase's row, from what the clients saw, the whole feed and the upstream's
    records (code -> ids)."""
    created = {e["resource_id"] for e in seen.events if e["type"] == "customer.created"}
    receipts = Counter(event for _, event in seen.deliveries)
    webhook_ids: dict[str, set[str]] = {}
    for webhook_id, event in seen.deliveries:
        webhook_ids.setdefault(event, set()).add(webhook_id)
    twice = set(repeated(seen.events))
    creations = Counter(e["resource_id"] for e in feed if e["type"] == "customer.created")
    rows = {p.name: Row(p.name, ready_after=p.ready_after) for p in phases}

    def phase_of(at: float) -> Row:
        return rows[next((p.name for p in reversed(phases) if p.start <= at), phases[0].name)]

    for answer in seen.answers:
        row = phase_of(answer.at)
        row.requests += 1
        row.bad += not 200 <= answer.status < 500
    for phase in phases:
        bad = [
            a.at
            for a in seen.answers
            if phase.start <= a.at < phase.end and not 200 <= a.status < 500
        ]
        rows[phase.name].bad_window = max(bad) - min(bad) if bad else 0.0
    again = {w.code for w in seen.writes if w.written_again}
    for write in {w.code: w for w in seen.writes}.values():
        row = phase_of(write.at)
        row.keyed += write.keyed
        records = upstream.get(write.code, [])
        row.records += len(records)
        if write.keyed and (len(records) > 1 or write.code in again):
            row.duplicates += max(1, len(records) - 1)
            row.problems.append(f"{write.code}: written upstream twice for one key")
        row.twice += sum(creations[f"bb:{record}"] > 1 for record in records)
        for record in records:
            if f"bb:{record}" not in created:
                row.missing += 1
                row.problems.append(f"bb:{record} ({write.code}): no customer.created event seen")
    for event in feed:
        row = phase_of(_epoch(event["occurred_at"]))
        row.events += 1
        row.repeated += event["id"] in twice
        if receipts[event["id"]] == 0:
            row.lost += 1
            row.problems.append(f"event {event['id']}: no webhook delivery received")
        row.duplicate_deliveries += max(0, receipts[event["id"]] - 1)
        if len(webhook_ids.get(event["id"], ())) > 1:
            row.problems.append(f"event {event['id']}: delivered under several webhook-ids")
            row.lost += 1  # a second delivery of one event is not a retry of the first
    if seen.refused_signatures:
        rows["steady"].problems.append(f"{seen.refused_signatures} deliveries badly signed")
    return list(rows.values())


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def table(rows: list[Row], settings: Any) -> str:
    head = (
        "| fault | requests | not 2xx/4xx | their window s | all /readyz ok after s "
        "| keyed writes | duplicate writes | upstream records | events missing | events repeated "
        "| changes told twice | events | deliveries lost | duplicate deliveries |"
    )
    lines = [
        f"Soak on Redis {settings.topology}: 3 gateways behind HAProxy, {settings.clients} "
        f"clients, {settings.steady:g} s steady after each recovery, {settings.down:g} s down",
        "",
        head,
        "|---|" + "---:|" * 13,
    ]
    for r in rows:
        ready = "—" if r.ready_after is None else f"{r.ready_after:.1f}"
        lines.append(
            f"| {r.phase} | {r.requests} | {r.bad} | {r.bad_window:.1f} | {ready} | {r.keyed} "
            f"| {r.duplicates} | {r.records} | {r.missing} | {r.repeated} | {r.twice} | {r.events} "
            f"| {r.lost} "
            f"| {r.duplicate_deliveries} |"
        )
    return "\n".join(lines)
