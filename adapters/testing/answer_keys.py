"""The key sets of upstream answers, to hold each simulator to its docs' examples.

The simulators are what every other test talks to; a key the docs do not show (or a
documented key missing) in one answer shape and not another is invisible there, yet
decides what the gateway compares and reports (API.md section 9). These helpers name
keys as dotted paths (``billing_address.city``; ``[]`` for a list's items), so a test
can compare whole answers, nesting included, or just a record's own keys.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def paths(value: Any, at: str = "") -> set[str]:
    """Every key path in ``value``: ``a``, ``a.b``, ``a[].c`` (list items merged)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            path = f"{at}.{key}" if at else str(key)
            found |= {path, *paths(inner, path)}
    elif isinstance(value, list):
        for item in value:
            found |= paths(item, f"{at}[]")
    return found


def own_keys(record: dict[str, Any], custom: Iterable[str] = ()) -> set[str]:
    """A record's top-level keys, less the tenant's documented custom fields."""
    return set(record) - set(custom)


def documented(answer: Any, doc: Any, custom: Iterable[str] = (), at: str = "") -> set[str]:
    """The paths ``answer`` has and ``doc`` does not, or the reverse (empty when they
    match), the tenant's custom fields (top-level keys of a record at ``at``) left out."""
    fields = {f"{at}{name}" for name in custom}

    def shown(found: set[str]) -> set[str]:
        return {p for p in found if not fields & {p, *_heads(p)}}

    return shown(paths(answer)) ^ shown(paths(doc))


def _heads(path: str) -> set[str]:
    """The paths ``path`` lies under: ``a[].b.c`` -> ``a``, ``a[]``, ``a[].b``."""
    cuts = [i for i, char in enumerate(path) if char in ".["]
    return {path[:i] for i in cuts}
