"""Canonical customer filters: how each is parsed, and what it means on a Customer.

Each (connection, filter) is native (the adapter sends it upstream), emulated (the
gateway applies ``matches`` to canonical rows it scans; gateway.emulation) or
unsupported (400). The meaning is the same either way:

- ``q``: case-insensitive substring of name, email or code
- ``name``, ``code``, ``email``, ``eori_number``: case-insensitive substring
- ``country``: the billing address's ISO 3166-1 alpha-2 code, exactly
- ``is_active``, ``is_favourite``, ``portal_access``: equality, the last two read
  from ``extra.is_favourite`` and ``extra.portal_access_enabled``
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

from schemas import Customer

FilterKind = Literal["text", "country", "bool"]


def _contains(value: str | None, wanted: str) -> bool:
    return value is not None and wanted.lower() in value.lower()


PREDICATES: Mapping[str, Callable[[Customer, Any], bool]] = {
    "q": lambda c, v: any(_contains(f, v) for f in (c.name, c.email, c.code)),
    "name": lambda c, v: _contains(c.name, v),
    "code": lambda c, v: _contains(c.code, v),
    "email": lambda c, v: _contains(c.email, v),
    "eori_number": lambda c, v: _contains(c.eori_number, v),
    "country": lambda c, v: c.billing_address is not None and c.billing_address.country == v,
    "is_active": lambda c, v: c.is_active is v,
    "is_favourite": lambda c, v: c.extra.get("is_favourite") is v,
    "portal_access": lambda c, v: c.extra.get("portal_access_enabled") is v,
}

CUSTOMER_FILTERS: Mapping[str, FilterKind] = {
    "q": "text",
    "name": "text",
    "code": "text",
    "email": "text",
    "country": "country",
    "is_active": "bool",
    "eori_number": "text",
    "is_favourite": "bool",
    "portal_access": "bool",
}


def matches(customer: Customer, filters: Mapping[str, Any]) -> bool:
    return all(PREDICATES[name](customer, value) for name, value in filters.items())
