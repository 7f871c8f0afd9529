"""Canonical windows (offset, limit) and how they map onto page-numbered upstream pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ListQuery:
    """One canonical page request: filters already parsed, offset from the cursor."""

    offset: int = 0
    limit: int = 25
    filters: Mapping[str, Any] = field(default_factory=dict)
    sort: str | None = None
    include_remote_data: bool = False

    @property
    def sort_key(self) -> str | None:
        return self.sort.lstrip("-") if self.sort else None

    @property
    def descending(self) -> bool:
        return bool(self.sort and self.sort.startswith("-"))


@dataclass(frozen=True, slots=True)
class Window(Generic[T]):
    """A slice of an upstream collection starting at the query's offset.

    ``consumed`` is how many upstream rows the slice covers when that differs from
    ``len(items)`` (rows scanned but filtered out); the next page starts after them.
    """

    items: list[T]
    total: int | None
    has_more: bool
    consumed: int | None = None

    @property
    def advance(self) -> int:
        return len(self.items) if self.consumed is None else self.consumed

    @classmethod
    def of(cls, items: list[T], offset: int, limit: int) -> Window[T]:
        """A window over a list the upstream answers whole (e.g. a customer's contacts)."""
        chunk = list(items[offset : offset + limit])
        return cls(chunk, len(items), offset + len(chunk) < len(items))


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


def count(value: object) -> int | None:
    """A count an upstream reported (``total``, ``last_page``): an int, never a bool."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def more_after(page: int, per_page: int, total: int | None, rows: int) -> bool:
    """Whether pages follow ``page``: from the total when given, else a full page."""
    return page * per_page < total if total is not None else rows == per_page


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
