"""Canonical windows (offset, limit) and how they map onto an upstream's pages.

An adapter declares how its upstream pages (``Adapter.paging``), as data:

- ``PageNumbers``: ``?page=N&per_page=M`` (the parameter names, the largest page, where
  the rows are, and how the body says more follow: a total, a last page number, a
  has-more flag, or a full page);
- ``NextCursor``: ``?after=<token>&limit=M`` with the next token in the body
  (``paging.next.after``) — a position cannot be computed from an offset, so each
  window says where the row after each of its rows is (``Window.after``) and the
  gateway carries that position in its own signed cursor (``ListQuery.resume``);
- ``Offsets``: ``?offset=N&limit=M``, more told by a has-more flag, a total or a full
  page;
- ``LinkHeader`` (adapters/link_paging.py): a next-page cursor in an RFC 8288 ``Link``
  header (GitHub's style), the page often a bare list (``records=""``).

Each reads a window ``[offset, offset + limit)`` with the fewest upstream calls, through
one ``read(params)`` the adapter gives (a GET of its list path, errors raised) that
answers the body, or an ``Answer`` with the headers too (``Adapter.read_pages`` does).
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Answer:
    """A page as read: its body, and its headers (where a ``Link`` header is)."""

    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)


Read = Callable[[Mapping[str, Any]], Awaitable["Answer | dict[str, Any]"]]


def answer(got: Answer | dict[str, Any]) -> Answer:
    return got if isinstance(got, Answer) else Answer(got)


@dataclass(frozen=True, slots=True)
class ListQuery:
    """One canonical page request: filters already parsed, offset from the cursor."""

    offset: int = 0
    limit: int = 25
    filters: Mapping[str, Any] = field(default_factory=dict)
    sort: str | None = None
    include_remote_data: bool = False
    resume: str | None = None  # the upstream position of the row at ``offset``, if it has one
    # rows only rendered (a page as it is answered): customers may come as validated
    # dicts instead of models (adapters/rows.py ``plain_page``)
    plain: bool = False

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
    ``after`` is, for an upstream that pages by cursor, the position after each item;
    ``resume`` the position after the last row the window covers (by default after its
    last item), which the next page starts from.
    """

    items: list[T]
    total: int | None
    has_more: bool
    consumed: int | None = None
    after: tuple[str | None, ...] = ()
    resume: str | None = None

    def __post_init__(self) -> None:
        if self.resume is None and self.after:
            object.__setattr__(self, "resume", self.after[-1])

    @property
    def advance(self) -> int:
        return len(self.items) if self.consumed is None else self.consumed

    def next_query(self, query: ListQuery, **changes: Any) -> ListQuery:
        """``query`` moved to the row after this window."""
        moved = query.offset + self.advance
        return replace_query(query, offset=moved, resume=self.resume, **changes)

    @classmethod
    def of(cls, items: list[T], offset: int, limit: int) -> Window[T]:
        """A window over a list the upstream answers whole (e.g. a customer's contacts)."""
        chunk = list(items[offset : offset + limit])
        return cls(chunk, len(items), offset + len(chunk) < len(items))


def replace_query(query: ListQuery, **changes: Any) -> ListQuery:
    return replace(query, **changes)


@dataclass(frozen=True, slots=True)
class Rows:
    """What a paging strategy read: a window's upstream rows, the total if told, whether
    rows follow, and (cursor paging) the position after each row."""

    rows: list[dict[str, Any]]
    total: int | None
    more: bool
    after: tuple[str | None, ...] = ()

    def window(self, items: list[T]) -> Window[T]:
        """The canonical window of these rows (``items``: them, mapped)."""
        return Window(items, self.total, self.more, after=self.after)


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


def path_in(body: Any, path: str) -> Any:
    """The value at a dotted ``path`` of a JSON body (``paging.next.after``), or None."""
    node = body
    for part in path.split(".") if path else ():
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _rows(body: Any, records: str) -> list[dict[str, Any]]:
    """A page's rows: at ``records`` in an object, or the whole body when it is ""."""
    rows = path_in(body, records) if records else body
    if not isinstance(rows, list):
        where = f"a {records!r} list" if records else "a list"
        raise ValueError(f"upstream answered a page without {where}")
    return rows


class Paging(ABC):
    """How an upstream's list pages (module docstring)."""

    records: str  # where a page's rows are in its body
    max_per_page: int

    @abstractmethod
    async def read(self, read: Read, params: Mapping[str, Any], query: ListQuery) -> Rows:
        """The upstream rows of ``query``'s window."""


@dataclass(frozen=True)
class PageNumbers(Paging):
    """``?page=N&<size>=M``; more pages follow when the body says so (``has_more``, a
    flag), or its ``last_page`` is further, or its ``total`` is larger, else when the
    page was full."""

    size_param: str = "per_page"
    page_param: str = "page"
    max_per_page: int = 100
    records: str = "data"
    total: Sequence[str] = ("meta.total", "total")
    last_page: str | None = None
    has_more: str | None = None

    async def read(self, read: Read, params: Mapping[str, Any], query: ListQuery) -> Rows:
        async def fetch_page(page: int, per_page: int) -> UpstreamPage:
            got = await read({**params, self.page_param: page, self.size_param: per_page})
            body = answer(got).body
            rows = _rows(body, self.records)
            return UpstreamPage(rows, *self.page_meta(body, page, per_page, len(rows)))

        rows, total, more = await read_window(
            query.offset, query.limit, self.max_per_page, fetch_page
        )
        return Rows(rows, total, more)

    def page_meta(self, body: Any, page: int, per_page: int, rows: int) -> tuple[int | None, bool]:
        total, flag = told(body, self.total, self.has_more)
        if flag is not None:
            return total, flag
        last = count(path_in(body, self.last_page)) if self.last_page else None
        if last is not None:
            return total, page < last
        return total, more_after(page, per_page, total, rows)


def told(body: Any, totals: Sequence[str], has_more: str | None) -> tuple[int | None, bool | None]:
    """The total a page's body reports (the first of ``totals`` found) and its has-more
    flag, each None when not told."""
    total = next((c for path in totals if (c := count(path_in(body, path))) is not None), None)
    flag = path_in(body, has_more) if has_more else None
    return total, flag if isinstance(flag, bool) else None


@dataclass(frozen=True)
class Offsets(Paging):
    """``?<offset>=N&<size>=M``; rows follow when the body's ``has_more`` flag says so,
    or its ``total`` is larger, else when the page was full."""

    offset_param: str = "offset"
    size_param: str = "limit"
    max_per_page: int = 100
    records: str = "data"
    total: Sequence[str] = ("total",)
    has_more: str | None = None

    async def read(self, read: Read, params: Mapping[str, Any], query: ListQuery) -> Rows:
        rows: list[dict[str, Any]] = []
        total: int | None = None
        while True:
            at, size = query.offset + len(rows), min(self.max_per_page, query.limit - len(rows))
            body = answer(await read({**params, self.offset_param: at, self.size_param: size})).body
            page = _rows(body, self.records)
            rows += page[:size]
            total, flag = told(body, self.total, self.has_more)
            if flag is not None:
                more = flag
            else:
                more = at + len(page) < total if total is not None else len(page) >= size
            if not more or not page or len(rows) >= query.limit:
                return Rows(rows, total, more)


@dataclass(frozen=True)
class NextCursor(Paging):
    """``?<cursor>=<token>&<size>=M``, the next page's token at ``next`` in the body
    (absent on the last page). A position is ``[token of its page, rows to skip]``."""

    cursor_param: str = "after"
    size_param: str = "limit"
    next: str = "paging.next.after"
    max_per_page: int = 100
    records: str = "results"

    async def read(self, read: Read, params: Mapping[str, Any], query: ListQuery) -> Rows:
        token, skip = _position(query.resume) if query.resume else (None, query.offset)
        wanted = skip + query.limit
        rows: list[dict[str, Any]] = []
        after: list[str | None] = []
        while True:
            size = min(self.max_per_page, max(wanted - len(rows), 1))
            got = answer(await read(self.sent(params, token, size)))
            page = _rows(got.body, self.records)
            following = self.following(got)
            for index in range(len(page)):
                last = index + 1 == len(page)
                after.append(_encode(following, 0) if last else _encode(token, index + 1))
            rows += page
            if following is None or len(rows) >= wanted or not page:
                break
            token = following
        more = len(rows) > wanted or following is not None
        if following is None and after and len(rows) <= wanted:
            after[-1] = None  # the end: nothing after the last row
        return Rows(rows[skip:wanted], None, more, tuple(after[skip:wanted]))

    def sent(self, params: Mapping[str, Any], token: str | None, size: int) -> dict[str, Any]:
        """What a page is read with: the list's parameters, its size, the token."""
        sent = {**params, self.size_param: size}
        if token is not None:
            sent[self.cursor_param] = token
        return sent

    def following(self, got: Answer) -> str | None:
        """The next page's token, None on the last page."""
        following = path_in(got.body, self.next)
        return str(following) if following not in (None, "") else None


def _encode(token: str | None, skip: int) -> str | None:
    return json.dumps([token, skip], separators=(",", ":")) if token or skip else None


def _position(resume: str) -> tuple[str | None, int]:
    try:
        token, skip = json.loads(resume)
    except (ValueError, TypeError):
        raise ValueError("not a position this paging made") from None
    if not (token is None or isinstance(token, str)) or not isinstance(skip, int) or skip < 0:
        raise ValueError("not a position this paging made")
    return token, skip
