"""The canonical meaning the suite holds answers to: filter values chosen from the data,
sort orders, and the fields a list row and a single read must agree on.

A filter value is chosen from the rows of a full unfiltered scan so that it keeps some
rows and drops others; text is cut from inside a word and sent in another case, so a
native filter that matches prefixes only, or case-sensitively, is caught. What a
filter must keep is always the canonical predicate (adapters/filtering.py) applied to
that scan, whether the adapter sends the filter upstream or emulates it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from adapters.testing.declared import Filter

WORD = re.compile(r"[^\W_]{4,}")
Value = tuple[Any, str]  # (what the predicate takes, what the query string says)


def choose(filter_: Filter, rows: Sequence[Any], raw: Sequence[Mapping[str, Any]]) -> list[Value]:
    """Values of ``filter_`` worth asking for: each keeps some of ``rows`` (canonical
    models; ``raw`` the same rows as JSON) and, where the data allows, drops some."""
    if filter_.kind == "bool":
        return [(True, "true"), (False, "FALSE")]
    if filter_.kind == "instant":
        stamps = sorted(r["updated_at"] for r in raw if r.get("updated_at"))
        assert stamps, f"no row has updated_at to filter {filter_.name} by"
        middle = stamps[len(stamps) // 2]  # a row's own instant: "at or after" keeps it
        return [(canonical_instant(middle), middle)]
    if filter_.kind == "country":
        counted = Counter(
            r["billing_address"]["country"]
            for r in raw
            if r.get("billing_address") and r["billing_address"].get("country")
        )
        assert counted, f"no row has a billing country to filter {filter_.name} by"
        code = _best(counted, len(rows))
        return [(code, code.lower())]
    return [_text_value(filter_, rows, raw)]


def _best(counted: Mapping[str, int], total: int) -> str:
    """The candidate keeping closest to a fifth of the rows, but not all of them."""
    target = max(1, total // 5)
    fitting = [c for c, n in counted.items() if n < total] or list(counted)
    return min(fitting, key=lambda c: (abs(counted[c] - target), fitting.index(c)))


def _text_value(filter_: Filter, rows: Sequence[Any], raw: Sequence[Mapping[str, Any]]) -> Value:
    """Text from inside words where the filter keeps rows by it (a "contains" filter);
    else whole values (an "equals" filter, such as HubSpot's ``industry``)."""
    for candidates in (_pieces(raw), _wholes(raw)):
        counted: dict[str, int] = {}
        for candidate in candidates:
            if candidate not in counted:
                counted[candidate] = sum(1 for row in rows if filter_.predicate(row, candidate))
            if len(counted) >= 200:
                break
        keeping = {c: n for c, n in counted.items() if n > 0}
        if keeping:
            chosen = _best(keeping, len(rows))
            return (chosen, chosen)
    raise AssertionError(f"no text in the rows that filter {filter_.name} keeps: seed some")


def _pieces(raw: Sequence[Mapping[str, Any]]) -> Iterator[str]:
    """Pieces from inside the rows' words (from the second letter, to the last or the
    one before), case swapped."""
    for row in raw:
        for text in _strings(row):
            for word in WORD.findall(text):
                for piece in (word[1:], word[1:-1]):
                    yield _swapped(piece)


def _wholes(raw: Sequence[Mapping[str, Any]]) -> Iterator[str]:
    """The rows' whole text values, case swapped."""
    for row in raw:
        for text in _strings(row):
            if text.strip():
                yield _swapped(text)


def _swapped(text: str) -> str:
    """``text`` in swapped case, where that changes nothing once lowered (``ß`` does)."""
    swapped = text.swapcase()
    return swapped if swapped.lower() == text.lower() else text


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            if key not in ("id", "remote_id", "connection", "remote_data"):
                yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def canonical_instant(value: str) -> str:
    """An ISO 8601 instant as the gateway passes it on: UTC, ``Z``."""
    moment = datetime.fromisoformat(value).astimezone(UTC)
    return moment.isoformat().replace("+00:00", "Z")


def sort_value(row: Mapping[str, Any], key: str) -> tuple[int, Any]:
    """What a canonical sort orders ``row`` by: rows without the value first; text
    without regard to case; timestamps in time order."""
    if key == "country":
        address = row.get("billing_address") or {}
        value = address.get("country")
    else:
        value = row.get(key)
    if value is None or value == "":
        return (0, "")
    if key.endswith("_at"):
        return (1, datetime.fromisoformat(value))
    return (1, str(value).lower())


def in_order(rows: Sequence[Mapping[str, Any]], key: str, descending: bool) -> bool:
    values = [sort_value(row, key) for row in rows]
    return values == sorted(values, reverse=descending)


def comparable(resource: Mapping[str, Any], omits: frozenset[str]) -> dict[str, Any]:
    """The fields a list row and a single read of one record must agree on: all but
    those ``list_omits`` names (``extra.<key>`` for extra keys), the embedded contacts
    and the raw upstream object."""
    found = {
        key: value
        for key, value in resource.items()
        if key not in omits and key not in ("contacts", "remote_data", "extra")
    }
    for key, value in (resource.get("extra") or {}).items():
        if f"extra.{key}" not in omits:
            found[f"extra.{key}"] = value
    return found


def contains(answer: Any, sent: Any) -> bool:
    """Whether ``answer`` holds every value ``sent`` set (objects compared key by key,
    lists item by item)."""
    if isinstance(sent, Mapping):
        return isinstance(answer, Mapping) and all(
            key in answer and contains(answer[key], value) for key, value in sent.items()
        )
    if isinstance(sent, list):
        return (
            isinstance(answer, list)
            and len(answer) == len(sent)
            and all(contains(a, s) for a, s in zip(answer, sent, strict=True))
        )
    return bool(answer == sent)
