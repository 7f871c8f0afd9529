"""Emulated filters and sorts: scan upstream pages and keep the canonical rows that match.

``scan`` walks the upstream collection (with the native filters and sort applied
upstream) from the cursor's offset (and, for an upstream that pages by cursor, its
position), in steps that line up with upstream pages, and
stops once ``limit`` rows matched or ``max_pages`` upstream pages were read. The
window it answers says how many upstream rows it consumed, so the next cursor
resumes right after the last row looked at: no gaps, no duplicates. A page cut short
by the scan budget still has a next cursor; the client simply asks again. With
``until_miss`` (the upstream already sorts so that every row after the first miss
misses too, e.g. newest first for ``updated_since``) the scan ends at the first miss.

``sorted_scan`` reads the whole collection (at most ``max_pages`` pages), keeps the
rows that match, sorts them and answers the window at the cursor's offset into that
sorted result. A collection longer than the budget is refused: a sort over part of
it would be a wrong answer, not a short one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from adapters.filtering import CANONICAL_PREDICATES, Predicate, matches
from adapters.paging import ListQuery, Window
from kernel.errors import BadRequest, FieldError
from kernel.tracing import span

SCAN_STEP = 100
T = TypeVar("T")
Fetch = Callable[[ListQuery], Awaitable[Window[T]]]
OLDEST = datetime.min.replace(tzinfo=UTC)


async def scan(
    fetch: Fetch[T],
    query: ListQuery,
    emulated: Mapping[str, Any],
    max_pages: int,
    predicates: Mapping[str, Predicate] = CANONICAL_PREDICATES,
    *,
    until_miss: bool = False,
) -> Window[T]:
    found: list[T] = []
    offset, resume = query.offset, query.resume
    for page in range(max_pages):
        step = SCAN_STEP - offset % SCAN_STEP
        with span("scan page", {"gateway.scan.page": page, "gateway.scan.offset": offset}):
            window = await fetch(replace(query, offset=offset, limit=step, resume=resume))
        for index, row in enumerate(window.items):
            if matches(row, emulated, predicates):
                found.append(row)
                if len(found) == query.limit:
                    consumed = offset + index + 1 - query.offset
                    more = index + 1 < len(window.items) or window.has_more
                    return Window(found, None, more, consumed, resume=_after(window, index))
            elif until_miss:
                consumed = offset + index + 1 - query.offset
                return Window(found, None, False, consumed, resume=_after(window, index))
        offset, resume = offset + len(window.items), window.resume
        if not window.has_more or not window.items:
            return Window(found, None, False, consumed=offset - query.offset, resume=resume)
    return Window(found, None, True, consumed=offset - query.offset, resume=resume)


def _after(window: Window[T], index: int) -> str | None:
    """The upstream position after row ``index`` of ``window`` (cursor paging)."""
    return window.after[index] if window.after else None


async def sorted_scan(
    fetch: Fetch[T],
    query: ListQuery,
    emulated: Mapping[str, Any],
    max_pages: int,
    predicates: Mapping[str, Predicate],
    connection: str,
) -> Window[T]:
    key = query.sort_key or ""
    whole = await scan(
        fetch,
        replace(query, offset=0, limit=max_pages * SCAN_STEP, sort=None),
        emulated,
        max_pages,
        predicates,
    )
    if whole.has_more:
        raise BadRequest(
            f"sorting by {key} is emulated on connection {connection!r} and reads at most "
            f"{max_pages * SCAN_STEP} rows (max_scan_pages {max_pages}); this list has more",
            connection=connection,
            details=[FieldError("sort", "narrow the list with native filters, or drop sort")],
        )
    rows = sorted(whole.items, key=lambda row: _sort_value(row, key), reverse=query.descending)
    chunk = rows[query.offset : query.offset + query.limit]
    return Window(chunk, len(rows), query.offset + len(chunk) < len(rows))


def _sort_value(row: Any, key: str) -> tuple[datetime, str]:
    """Timestamps in time order (rows without one first), the ID breaking ties."""
    value = getattr(row, key, None)
    moment = datetime.fromisoformat(value) if isinstance(value, str) else OLDEST
    return moment, str(getattr(row, "id", ""))
