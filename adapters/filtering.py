"""What each canonical customer filter means on a canonical ``Customer``.

A (connection, filter) is native (the adapter sends it upstream), emulated (the gateway
scans canonical rows and keeps those the predicate accepts; adapters/emulation.py) or
unsupported (400). The meaning is the same either way:

- ``q``: case-insensitive substring of name, email or code
- ``name``, ``code``, ``email``, ``eori_number``: case-insensitive substring
- ``country``: the billing address's ISO 3166-1 alpha-2 code, exactly
- ``is_active``: equality
- ``updated_since``: ``updated_at`` at or after the instant (rows without one never
  match); the same predicate serves items

Filters on a field only one upstream has are declared by its adapter as an
``ExtraFilter`` (``Adapter.extra_filters``): its type, its description, and how an
emulated use reads the canonical row (from ``extra``). The gateway builds the query
parameters and the OpenAPI document from these declarations; it names no upstream.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

Predicate = Callable[[Any, Any], bool]
FilterType = Literal["bool", "text"]


@dataclass(frozen=True, slots=True)
class ExtraFilter:
    """A customer filter on a field only this adapter's upstream has."""

    type: FilterType  # how the query parameter is read: true/false, or text
    description: str  # for the API reference: what it keeps
    predicate: Predicate  # what it means on a canonical row (when emulated)


def _contains(value: str | None, wanted: str) -> bool:
    return value is not None and wanted.lower() in value.lower()


def extra_equals(key: str) -> Predicate:
    """A predicate for a boolean filter read from ``extra[key]``."""
    return lambda customer, value: customer.extra.get(key) is value


def updated_since(row: Any, since: str) -> bool:
    """``row.updated_at`` (canonical ISO 8601) at or after ``since`` (the same form)."""
    value = row.updated_at
    return value is not None and datetime.fromisoformat(value) >= datetime.fromisoformat(since)


CANONICAL_PREDICATES: Mapping[str, Predicate] = {
    "q": lambda c, v: any(_contains(f, v) for f in (c.name, c.email, c.code)),
    "name": lambda c, v: _contains(c.name, v),
    "code": lambda c, v: _contains(c.code, v),
    "email": lambda c, v: _contains(c.email, v),
    "eori_number": lambda c, v: _contains(c.eori_number, v),
    "country": lambda c, v: c.billing_address is not None and c.billing_address.country == v,
    "is_active": lambda c, v: c.is_active is v,
    "updated_since": updated_since,
}


def matches(
    customer: Any,
    filters: Mapping[str, Any],
    predicates: Mapping[str, Predicate] = CANONICAL_PREDICATES,
) -> bool:
    return all(predicates[name](customer, value) for name, value in filters.items())
