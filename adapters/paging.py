"""Mapping a canonical (offset, limit) window onto page-numbered upstream pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class PageSpan:
    """Upstream pages ``first..last`` (1-based) of ``per_page`` rows, and where to cut."""

    per_page: int
    first: int
    last: int
    skip: int

    @property
    def pages(self) -> range:
        return range(self.first, self.last + 1)


def page_span(offset: int, limit: int, max_per_page: int) -> PageSpan:
    """The fewest upstream pages that cover rows ``[offset, offset + limit)``.

    When the window lines up with pages of ``limit`` rows (the usual case: the client
    keeps its limit while following cursors) one upstream page of exactly ``limit``
    rows is fetched; otherwise pages of the upstream's maximum size are used.
    """
    if limit <= max_per_page and offset % limit == 0:
        page = offset // limit + 1
        return PageSpan(limit, page, page, 0)
    first = offset // max_per_page + 1
    last = (offset + limit - 1) // max_per_page + 1
    return PageSpan(max_per_page, first, last, offset - (first - 1) * max_per_page)


@dataclass(frozen=True, slots=True)
class UpstreamPage:
    """One upstream page as an adapter read it: its rows, the total if told, and
    whether the upstream says more pages follow."""

    rows: list[dict[str, Any]]
    total: int | None
    more: bool


async def read_window(
    offset: int,
    limit: int,
    max_per_page: int,
    fetch_page: Callable[[int, int], Awaitable[UpstreamPage]],
) -> tuple[list[dict[str, Any]], int | None, bool]:
    """Rows ``[offset, offset + limit)`` of a page-numbered upstream collection.

    ``fetch_page(page, per_page)`` reads one upstream page. Returns the rows, the
    upstream's total (if it gives one) and whether rows follow the window.
    """
    span = page_span(offset, limit, max_per_page)
    rows: list[dict[str, Any]] = []
    total: int | None = None
    more = False
    for page in span.pages:
        upstream = await fetch_page(page, span.per_page)
        rows.extend(upstream.rows)
        total, more = upstream.total, upstream.more
        if not more:
            break
    window = rows[span.skip : span.skip + limit]
    return window, total, len(rows) > span.skip + limit or more
