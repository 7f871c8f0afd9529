"""Paging as declared strategies (adapters/paging.py, adapters/link_paging.py): windows
over an upstream that pages by number, by offset, by a next-page cursor in the body or
in a Link header, with no gap and no repeat."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
import pytest
import respx

from adapters.base import Adapter
from adapters.link_paging import LinkHeader, next_link
from adapters.paging import ListQuery, NextCursor, Offsets, PageNumbers
from adapters.upstream import Upstream
from kernel.errors import UpstreamError

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


async def follow_with(read: Any, params: dict[str, Any], limit: int) -> list[str]:
    """Every row, window after window, as the gateway's cursor would carry them;
    ``read(params, query)`` reads one window."""
    seen: list[str] = []
    query = ListQuery(limit=limit)
    while True:
        rows = await read(params, query)
        window = rows.window([row["id"] for row in rows.rows])
        seen += window.items
        if not window.has_more:
            return seen
        query = window.next_query(query)


async def follow(paging: Any, read: Any, limit: int) -> list[str]:
    """Every row, window after window, as the gateway's cursor would carry them."""
    return await follow_with(lambda params, query: paging.read(read, params, query), {}, limit)


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


class OffsetUpstream:
    """``?offset=N&limit=M``, at most 10 rows a page; ``has_more`` in the body when
    ``flag``, else nothing but the rows (the end told by a short page)."""

    def __init__(self, flag: bool) -> None:
        self.flag, self.calls = flag, list[dict[str, Any]]()

    async def read(self, params: Mapping[str, Any]) -> dict[str, Any]:
        self.calls.append(dict(params))
        start = int(params["offset"])
        page = ROWS[start : start + min(int(params["limit"]), 10)]
        body: dict[str, Any] = {"data": page}
        if self.flag:
            body["has_more"] = start + len(page) < len(ROWS)
        return body


@pytest.mark.parametrize("flag", [True, False])
@pytest.mark.parametrize("limit", [1, 3, 10, 25, 100])
async def test_an_offset_upstream_is_read_to_the_end_without_gaps(limit: int, flag: bool) -> None:
    upstream = OffsetUpstream(flag)
    paging = Offsets(max_per_page=10, has_more="has_more" if flag else None)
    assert await follow(paging, upstream.read, limit) == [row["id"] for row in ROWS]
    assert all(call["limit"] <= 10 for call in upstream.calls)


async def test_an_offset_window_starts_where_the_cursor_says_and_tells_the_total() -> None:
    async def read(params: Mapping[str, Any]) -> dict[str, Any]:
        start = int(params["offset"])
        return {"data": ROWS[start : start + int(params["limit"])], "total": len(ROWS)}

    rows = await Offsets().read(read, {}, ListQuery(offset=44, limit=5))
    assert [r["id"] for r in rows.rows] == ["45", "46", "47"]
    assert rows.total == 47 and not rows.more


def link_upstream(router: respx.Router, host: str) -> list[httpx.Request]:
    """A GitHub-style list at ``/issues``: a bare list a page, the next page's address in
    ``Link`` (on another host, to show only its query string is followed), 10 at most."""
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        page, size = int(request.url.params.get("page", 1)), int(request.url.params["per_page"])
        size = min(size, 10)
        rows = ROWS[(page - 1) * size : page * size]
        links = [f'<{host}/issues?state=open&page=1&per_page={size}>; rel="first"']
        if page * size < len(ROWS):
            links.append(f'<{host}/issues?state=open&page={page + 1}&per_page={size}>; rel="next"')
        return httpx.Response(200, json=rows, headers={"Link": ", ".join(links)})

    router.get("http://up.test/issues").mock(side_effect=answer)
    return seen


class LinkAdapter(Adapter):
    capabilities = frozenset()
    paging = LinkHeader(max_per_page=10)


@pytest.mark.parametrize("limit", [1, 4, 10, 25])
async def test_a_link_header_upstream_is_read_to_the_end_on_its_own_path(limit: int) -> None:
    with respx.mock(assert_all_called=False) as router:
        seen = link_upstream(router, "https://elsewhere.example/v2")
        async with httpx.AsyncClient(base_url="http://up.test") as client:
            adapter = LinkAdapter(connection="gh", upstream=Upstream("gh", client))
            read = lambda params, query: adapter.read_pages("/issues", params, query)  # noqa: E731
            assert await follow_with(read, {"state": "open"}, limit) == [r["id"] for r in ROWS]
    assert {request.url.host for request in seen} == {"up.test"}
    assert all(request.url.params["state"] == "open" for request in seen)


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ('<https://a.test/x?page=2>; rel="next"', "https://a.test/x?page=2"),
        (
            '<https://a.test/x?page=1>; rel="prev", <https://a.test/x?page=3>; rel=next',
            "https://a.test/x?page=3",
        ),
        ('<https://a.test/x?page=9>; rel="last"; title="end"', None),
        (
            '<https://a.test/x?after=abc>; title="more"; rel="next last"',
            "https://a.test/x?after=abc",
        ),
        ("", None),
    ],
)
def test_the_next_link_is_found_among_others(header: str, target: str | None) -> None:
    assert next_link(header) == target


async def test_a_next_link_without_a_query_string_is_a_502_not_a_silent_end() -> None:
    with respx.mock() as router:
        router.get("http://up.test/issues").respond(
            200, json=ROWS[:10], headers={"Link": '<http://up.test/issues/page/2>; rel="next"'}
        )
        async with httpx.AsyncClient(base_url="http://up.test") as client:
            adapter = LinkAdapter(connection="gh", upstream=Upstream("gh", client))
            with pytest.raises(UpstreamError, match="no query string"):
                await adapter.read_pages("/issues", {}, ListQuery(limit=10))
