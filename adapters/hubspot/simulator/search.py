"""The simulated CRM search, ``POST /crm/v3/objects/{companies|contacts}/search``.

As the search guide documents: ``filterGroups`` are ORed, the filters in a group
ANDed (at most 5 groups, 10 filters in a group, 25 in all); operators ``EQ``, ``NEQ``,
``LT``, ``LTE``, ``GT``, ``GTE``, ``BETWEEN`` (``value`` and ``highValue``), ``IN``
and ``NOT_IN`` (``values``), ``HAS_PROPERTY``, ``NOT_HAS_PROPERTY``,
``CONTAINS_TOKEN`` and ``NOT_CONTAINS_TOKEN``; one sort (``"createdate"``,
``"-createdate"`` or ``{"propertyName", "direction"}``); ``limit`` at most 200;
``after`` an offset; at most 10,000 results reachable (a page beyond is 400); the
answer ``{"total", "results", "paging"}`` carries the objects without associations.

Where the guide is silent, the simulator decides: text is compared case-insensitively;
a token is a run of characters between whitespace, and ``CONTAINS_TOKEN`` matches a
token equal to its value, ``*`` standing for any characters (the guide's own example
is ``*@hubspot.com``); datetimes compare as instants, given as epoch milliseconds or
ISO 8601; a missing value matches no comparison; sorting puts records without the
value first, the ID breaking ties; ``query`` matches a substring of the type's
default searchable properties. Unlike HubSpot's index, which lags writes by a few
seconds, the simulator's is always current.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.hubspot.simulator.objects import kind_of
from adapters.hubspot.simulator.rules import ObjectType, Problem
from adapters.hubspot.simulator.shapes import (
    Record,
    body_of,
    invalid,
    millis,
    paging,
    render,
    value_of,
)
from adapters.hubspot.simulator.store import Account

MAX_LIMIT = 200
MAX_RESULTS = 10_000
MAX_GROUPS, MAX_IN_GROUP, MAX_FILTERS = 5, 10, 25
KEYS = {"filterGroups", "sorts", "query", "properties", "limit", "after"}
Test = Callable[[Any], bool]


class SearchRoutes:
    account: Account

    async def search(self, request: Request) -> Response:
        kind, sent = kind_of(request), await body_of(request)
        if isinstance(kind, Response):
            return kind
        if isinstance(sent, Response):
            return sent
        if not isinstance(sent, dict) or set(sent) - KEYS:
            return invalid(f"A search body is an object of {', '.join(sorted(KEYS))}")
        limit, after = sent.get("limit", 10), sent.get("after", "0")
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
            return invalid(f"limit must be between 1 and {MAX_LIMIT}")
        if not str(after).isdigit():
            return invalid("after must be the offset a previous page gave")
        offset = int(after)
        if offset + limit > MAX_RESULTS:
            return invalid(f"A search reaches at most {MAX_RESULTS} results; narrow the filters")
        test = _groups(kind, sent.get("filterGroups") or [])
        if isinstance(test, Response):
            return test
        order = _sort(kind, sent.get("sorts") or [])
        if isinstance(order, Response):
            return order
        query = str(sent.get("query") or "").casefold()
        rows = [
            r
            for r in self.account.records(kind).in_order()
            if test(r) and (not query or _found(kind, r, query))
        ]
        rows = order(rows)
        properties = sent.get("properties") if isinstance(sent.get("properties"), list) else None
        page = rows[offset : offset + limit]
        body: dict[str, Any] = {
            "total": len(rows),
            "results": [render(r, kind, properties) for r in page],
        }
        if offset + limit < len(rows):
            body["paging"] = paging(str(offset + limit))
        return JSONResponse(body)


def _found(kind: ObjectType, record: Record, query: str) -> bool:
    return any(query in (value_of(record, kind, p) or "").casefold() for p in kind.searchable)


def _groups(kind: ObjectType, groups: Any) -> Test | Response:
    if not isinstance(groups, list) or len(groups) > MAX_GROUPS:
        return invalid(f"filterGroups is a list of at most {MAX_GROUPS} groups")
    tests: list[list[Test]] = []
    for group in groups:
        filters = group.get("filters") if isinstance(group, dict) else None
        if not isinstance(filters, list) or len(filters) > MAX_IN_GROUP:
            return invalid(f"each filter group holds a list of at most {MAX_IN_GROUP} filters")
        found = [_filter(kind, f) for f in filters]
        if bad := next((f for f in found if isinstance(f, Response)), None):
            return bad
        tests.append([f for f in found if not isinstance(f, Response)])
    if sum(len(t) for t in tests) > MAX_FILTERS:
        return invalid(f"a search takes at most {MAX_FILTERS} filters")
    if not tests:
        return lambda record: True
    return lambda record: any(all(t(record) for t in group) for group in tests)


def _filter(kind: ObjectType, spec: Any) -> Test | Response:
    if not isinstance(spec, dict):
        return invalid("a filter is an object of propertyName, operator and value")
    name, operator = str(spec.get("propertyName")), spec.get("operator")
    declared = kind.properties.get(name)
    if declared is None:
        problem = Problem(name, "PROPERTY_DOESNT_EXIST", f'Property "{name}" does not exist')
        return invalid(f"Property {name} does not exist on {kind.name}", [problem])
    read = _reader(declared)
    value, values, high = spec.get("value"), spec.get("values") or [], spec.get("highValue")

    def get(record: Record) -> Any:
        raw = value_of(record, kind, name)
        return None if raw is None else read(raw)

    simple: dict[str, Callable[[Any, Any], bool]] = {
        "EQ": lambda a, b: a == b,
        "NEQ": lambda a, b: a != b,
        "LT": lambda a, b: a < b,
        "LTE": lambda a, b: a <= b,
        "GT": lambda a, b: a > b,
        "GTE": lambda a, b: a >= b,
    }
    if operator in simple:
        wanted = read(str(value))
        compare = simple[operator]
        if wanted is None:
            return invalid(f"{value!r} is not a valid value for {name}")
        return lambda r: (v := get(r)) is not None and compare(v, wanted)
    if operator == "BETWEEN":
        low, top = read(str(value)), read(str(high))
        if low is None or top is None:
            return invalid(f"BETWEEN on {name} needs a value and a highValue")
        return lambda r: (v := get(r)) is not None and low <= v <= top
    if operator in ("IN", "NOT_IN"):
        options = {read(str(v)) for v in values}
        inside = operator == "IN"
        return lambda r: (v := get(r)) is not None and (v in options) == inside
    if operator in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        present = operator == "HAS_PROPERTY"
        return lambda r: (value_of(r, kind, name) is not None) == present
    if operator in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        pattern = _token_pattern(str(value))
        contains = operator == "CONTAINS_TOKEN"
        return lambda r: _has_token(value_of(r, kind, name), pattern) == contains
    return invalid(f"{operator!r} is not a search operator")


def _reader(declared: str) -> Callable[[str], Any]:
    """How a property's values (and a filter's) compare: as instants, numbers or text."""
    if declared == "datetime":
        return millis
    if declared in ("number", "integer"):

        def number(text: str) -> float | None:
            try:
                return float(text)
            except ValueError:
                return None

        return number
    return str.casefold


def _token_pattern(value: str) -> re.Pattern[str]:
    parts = [re.escape(part) for part in value.casefold().split("*")]
    return re.compile(".*".join(parts))


def _has_token(text: str | None, pattern: re.Pattern[str]) -> bool:
    return text is not None and any(pattern.fullmatch(t) for t in text.casefold().split())


def _sort(kind: ObjectType, sorts: Any) -> Callable[[list[Record]], list[Record]] | Response:
    if not isinstance(sorts, list) or len(sorts) > 1:
        return invalid("a search takes one sort")
    if not sorts:
        return lambda rows: rows
    spec = sorts[0]
    if isinstance(spec, str):
        name, descending = spec.lstrip("-"), spec.startswith("-")
    elif isinstance(spec, dict):
        name = str(spec.get("propertyName"))
        descending = spec.get("direction") == "DESCENDING"
    else:
        return invalid("a sort is a property name or {propertyName, direction}")
    declared = kind.properties.get(name)
    if declared is None:
        return invalid(f"cannot sort by {name}: no such property")
    read = _reader(declared)

    def key(record: Record) -> tuple[bool, Any, int]:
        raw = value_of(record, kind, name)
        value = None if raw is None else read(raw)
        return value is not None, value if value is not None else 0, int(record["id"])

    return lambda rows: sorted(rows, key=key, reverse=descending)
