"""Paging as declared strategies (adapters/paging.py): windows over an upstream that
pages by number or by a next-page cursor, with no gap and no repeat."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from adapters.paging import ListQuery, NextCursor, PageNumbers

pytestmark = pytest.mark.anyio
ROWS = [{"id": str(n)} for n in range(1, 48)]  # 47 rows


class CursorUpstream:
    """A list API like HubSpot's: ``?after=<token>&limit=N``, the next token in
    ``paging.next.after`` (here the ID of the next row), at most 10 rows a page."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    async def read(self, params: Mapping[str, Any]) -> dict[str, Any]:
        self.calls.append(dict(params))
        start = int(params.get("after", 1)) - 1
        page = ROWS[start : start + min(int(params["limit"]), 10)]
        body: dict[str, Any] = {"results": page}
        if start + len(page) < len(ROWS):
            body["paging"] = {"next": {"after": str(start + len(page) + 1)}}
        return body


async def follow(paging: Any, read: Any, limit: int) -> list[str]:
    """Every row, window after window, as the gateway's cursor would carry them."""
    seen: list[str] = []
    query = ListQuery(limit=limit)
    while True:
        rows = await paging.read(read, {}, query)
        window = rows.window([row["id"] for row in rows.rows])
        seen += window.items
        if not window.has_more:
            return seen
        query = window.next_query(query)


@pytest.mark.parametrize("limit", [1, 3, 10, 25, 100])
async def test_a_next_cursor_upstream_is_read_to_the_end_without_gaps(limit: int) -> None:
    upstream = CursorUpstream()
    assert await follow(NextCursor(max_per_page=10), upstream.read, limit) == [
        row["id"] for row in ROWS
    ]
    assert all(call["limit"] <= 10 for call in upstream.calls)


async def test_a_window_that_ends_mid_page_resumes_inside_it() -> None:
    upstream = CursorUpstream()
    paging = NextCursor(max_per_page=10)
    first = await paging.read(upstream.read, {}, ListQuery(limit=4))
    window = first.window(first.rows)
    assert [r["id"] for r in first.rows] == ["1", "2", "3", "4"] and window.has_more
    second = await paging.read(upstream.read, {}, window.next_query(ListQuery(limit=4)))
    assert [r["id"] for r in second.rows] == ["5", "6", "7", "8"]


async def test_an_offset_without_a_position_is_read_from_the_start() -> None:
    upstream = CursorUpstream()
    rows = await NextCursor(max_per_page=10).read(upstream.read, {}, ListQuery(offset=12, limit=5))
    assert [r["id"] for r in rows.rows] == ["13", "14", "15", "16", "17"]


async def test_the_last_window_has_no_position_after_it() -> None:
    upstream = CursorUpstream()
    rows = await NextCursor(max_per_page=10).read(upstream.read, {}, ListQuery(offset=40, limit=25))
    assert [r["id"] for r in rows.rows][-1] == "47" and not rows.more and rows.after[-1] is None


LAST_PAGE = PageNumbers(last_page="meta.last_page")
HAS_MORE = PageNumbers(has_more="meta.hasMore")


@pytest.mark.parametrize(
    ("paging", "body", "more"),
    [
        (
            PageNumbers(last_page="meta.last_page"),
            {"data": [{}] * 2, "meta": {"last_page": 3}},
            True,
        ),
        (
            PageNumbers(last_page="meta.last_page"),
            {"data": [{}] * 2, "meta": {"last_page": 1}},
            False,
        ),
        (
            PageNumbers(has_more="meta.hasMore"),
            {"data": [{}] * 2, "meta": {"hasMore": False}},
            False,
        ),
        (PageNumbers(), {"data": [{}] * 2, "meta": {"total": 10}}, True),
        (PageNumbers(), {"data": [{}] * 2}, True),  # a full page: maybe more
        (PageNumbers(), {"data": [{}]}, False),
    ],
)
async def test_how_a_numbered_page_says_more_follow(
    paging: PageNumbers, body: dict[str, Any], more: bool
) -> None:
    async def read(params: Mapping[str, Any]) -> dict[str, Any]:
        return body

    rows = await paging.read(read, {}, ListQuery(limit=2))
    assert rows.more is more


async def test_a_page_without_its_rows_is_refused() -> None:
    async def read(params: Mapping[str, Any]) -> dict[str, Any]:
        return {"items": []}

    with pytest.raises(ValueError, match="'results'"):
        await NextCursor().read(read, {}, ListQuery())
