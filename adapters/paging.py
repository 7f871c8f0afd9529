"""Mapping a canonical (offset, limit) window onto page-numbered upstream pages."""

from __future__ import annotations

from dataclasses import dataclass


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
