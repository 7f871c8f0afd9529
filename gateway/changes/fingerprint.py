"""Snapshot entries: what the poller keeps per record instead of a whole copy.

An entry is a short hash of each canonical field (each ``extra`` key on its own, as
``extra.<key>``), enough to tell whether a record changed and which fields did, plus
``t``, when it was written, and ``p``, a contact's customer. An entry without fields
is a tombstone: the record was deleted through the gateway; ``g`` marks an entry a
write through the gateway made. ``remote_data`` is the upstream's raw object and a
customer's ``contacts`` are records of their own, so neither is part of an entry.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

IGNORED = frozenset({"remote_data", "contacts"})
QUIET = frozenset({"updated_at"})  # changes with every update; never listed alone


def fields_of(resource: dict[str, Any], omit: frozenset[str] = frozenset()) -> dict[str, str]:
    """Field name -> 8-character hash of its canonical JSON value; ``omit``: the fields
    the upstream's list rows do not carry (``Adapter.list_omits``), left out so that a
    single read (a write's answer) and a list row of the same record hash alike."""
    found: dict[str, str] = {}
    for name, value in resource.items():
        if name in IGNORED:
            continue
        if name == "extra" and isinstance(value, dict):
            found.update({f"extra.{k}": _hash(v) for k, v in value.items()})
        else:
            found[name] = _hash(value)
    return {name: digest for name, digest in found.items() if name not in omit}


def entry(
    fields: dict[str, str], at: float, parent: str | None = None, *, gateway: bool = False
) -> str:
    """An entry: field hashes, when it was written, the remote ID of the record's parent
    (a contact's customer, which reading it again needs), and whether a write through
    the gateway made it."""
    kept: dict[str, Any] = {"f": fields, "t": round(at, 3)}
    if parent is not None:
        kept["p"] = parent
    if gateway:
        kept["g"] = 1
    return json.dumps(kept, separators=(",", ":"), sort_keys=True)


@dataclass(frozen=True, slots=True)
class Entry:
    fields: dict[str, str]
    at: float
    parent: str | None
    gateway: bool

    @property
    def tombstone(self) -> bool:
        """Left by a deletion through the gateway: the record is gone."""
        return not self.fields


def read_entry(raw: str | None) -> Entry | None:
    if raw is None:
        return None
    data = json.loads(raw)
    return Entry(dict(data["f"]), float(data["t"]), data.get("p"), bool(data.get("g")))


def differing(
    before: dict[str, str], after: dict[str, str], shaped: frozenset[str] = frozenset()
) -> set[str]:
    """The fields whose values differ between two field hash maps. A field in ``shaped``
    (one that only some answer shapes carry: ``Adapter.list_omits``) missing from one
    side is not a difference: that answer did not say what its value is."""
    return {
        name
        for name in before.keys() | after.keys()
        if before.get(name) != after.get(name)
        and (name not in shaped or (name in before and name in after))
    }


def changed_fields(
    before: dict[str, str], after: dict[str, str], shaped: frozenset[str] = frozenset()
) -> list[str]:
    """The canonical fields whose values differ (``differing``), ``updated_at`` left out
    (it moves with every update, so naming it says nothing)."""
    return sorted(differing(before, after, shaped) - QUIET)


def _hash(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    digest = hashlib.blake2b(text.encode(), digest_size=6).digest()
    return base64.b64encode(digest).decode()
