"""Emulated filters: scan upstream pages and keep the canonical rows that match.

The scan walks the upstream collection (with the native filters and sort applied
upstream) from the cursor's offset, in steps that line up with upstream pages, and
stops once ``limit`` rows matched or ``max_pages`` upstream pages were read. The
window it answers says how many upstream rows it consumed, so the next cursor
resumes right after the last row looked at: no gaps, no duplicates. A page cut short
by the scan budget still has a next cursor; the client simply asks again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Any

from adapters.filtering import CANONICAL_PREDICATES, Predicate, matches
from adapters.paging import ListQuery, Window
from schemas import Customer

SCAN_STEP = 100


async def scan(
    fetch: Callable[[ListQuery], Awaitable[Window[Customer]]],
    query: ListQuery,
    emulated: Mapping[str, Any],
    max_pages: int,
    predicates: Mapping[str, Predicate] = CANONICAL_PREDICATES,
) -> Window[Customer]:
    found: list[Customer] = []
    offset = query.offset
    for _ in range(max_pages):
        step = SCAN_STEP - offset % SCAN_STEP
        window = await fetch(replace(query, offset=offset, limit=step))
        for index, customer in enumerate(window.items):
            if matches(customer, emulated, predicates):
                found.append(customer)
                if len(found) == query.limit:
                    consumed = offset + index + 1 - query.offset
                    more = index + 1 < len(window.items) or window.has_more
                    return Window(found, None, more, consumed=consumed)
        offset += len(window.items)
        if not window.has_more or not window.items:
            return Window(found, None, False, consumed=offset - query.offset)
    return Window(found, None, True, consumed=offset - query.offset)
