"""Lanes: how the event store indexes what ``/v1/events`` filters on.

Every event is kept once, in order, and its position is also filed under each of its
lanes: ``t:<type>``, ``c:<connection>|<type>`` and, when it has one,
``r:<resource_id>``. A page of ``/v1/events`` reads the lanes its filter names instead
of every event since the cursor, so its cost follows what matches, not how much
history is kept (docs/operations.md, "How the poller and event filters scale"):

- a ``resource_id`` filter reads that resource's lane;
- a ``connection`` filter reads one lane per connection and type (up to ``MAX_LANES``);
- otherwise one lane per type the key may read (and the query names).

A lane is only narrower than the filter, never wider than it: the caller still applies
the whole filter to what the lanes give (gateway/changes/feed.py).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

MAX_LANES = 40  # connection x type lanes one page reads at most (else: type lanes)


def lanes_of(event: Mapping[str, Any]) -> list[str]:
    """The lanes an event is filed under."""
    kind, connection = str(event.get("type")), str(event.get("connection"))
    lanes = [f"t:{kind}", f"c:{connection}|{kind}"]
    if event.get("resource_id") is not None:
        lanes.append(f"r:{event['resource_id']}")
    return lanes


def lanes_for(
    types: Collection[str], connections: Collection[str] | None, resource: str | None
) -> list[str]:
    """The lanes that hold every event a filter accepts (and maybe others)."""
    if resource is not None:
        return [f"r:{resource}"]
    if connections is not None and len(connections) * len(types) <= MAX_LANES:
        return sorted(f"c:{c}|{t}" for c in connections for t in types)
    return sorted(f"t:{t}" for t in types)
