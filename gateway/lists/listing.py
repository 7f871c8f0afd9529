"""Canonical lists: the cursor, offset and limit of one connection's list, and the page
envelope (API.md section 4)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

from adapters.base import ListQuery, Window
from gateway.http.edge import Call
from gateway.lists.cursor import CursorCodec, binding
from kernel.errors import InvalidCursor


class Listing:
    """One list request's cursor binding, offset and limit."""

    def __init__(
        self,
        codec: CursorCodec,
        route: str,
        connection: str,
        *,
        limit: int,
        cursor: str | None,
        **bound: Any,
    ) -> None:
        self.codec = codec
        self.connection = connection
        self.limit = limit
        self._binding = {"route": route, "connection": connection, **bound}
        self.offset = 0
        self.resume: str | None = None  # the upstream's position (cursor paging)
        if cursor:
            position = self.codec.decode(cursor, self.bound_to)
            offset, resume = position.get("o"), position.get("r")
            if not isinstance(offset, int) or offset < 0 or not isinstance(resume, str | None):
                raise InvalidCursor("the cursor is not one this gateway issued")
            self.offset, self.resume = offset, resume

    @cached_property
    def bound_to(self) -> str:
        """The digest a cursor is bound to: made only when a cursor is read or issued
        (a cache hit, or a last page, never needs it)."""
        return binding(**self._binding)

    @classmethod
    def of(cls, call: Call, route: str, connection: str, **bound: Any) -> Listing:
        """The listing of a call whose query has ``limit`` and ``cursor``."""
        codec, query = call.runtime.cursors, call.query
        return cls(codec, route, connection, limit=query.limit, cursor=query.cursor, **bound)

    def query(
        self,
        filters: Mapping[str, Any],
        *,
        sort: str | None = None,
        include_remote_data: bool = False,
    ) -> ListQuery:
        """The adapter's page request for this listing; its rows are only rendered
        (``plain``: they may come as validated dicts, not models)."""
        return ListQuery(
            offset=self.offset,
            limit=self.limit,
            filters=filters,
            sort=sort,
            include_remote_data=include_remote_data,
            resume=self.resume,
            plain=True,
        )

    def page(self, window: Window[Any], emulated: Sequence[str] = ()) -> dict[str, Any]:
        next_cursor = (
            self.codec.encode(self.bound_to, position(self.offset + window.advance, window))
            if window.has_more and window.advance
            else None
        )
        return envelope(
            window.items,
            next_cursor=next_cursor,
            limit=self.limit,
            total=window.total,
            connections=[self.connection],
            emulated=emulated,
        )


def position(offset: int, window: Window[Any]) -> dict[str, Any]:
    """What a cursor keeps of where the next page starts: the offset, and the upstream's
    own position when it pages by cursor."""
    return {"o": offset, "r": window.resume} if window.resume else {"o": offset}


def envelope(
    rows: Sequence[Any],
    *,
    next_cursor: str | None,
    limit: int,
    total: int | None,
    connections: Sequence[str],
    emulated: Sequence[str] = (),
    errors: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The list answer: ``{"data": [...], "meta": {...}}``. Rows stay as they came (models,
    or a plain page's validated dicts): the page is serialised whole by pydantic-core
    (gateway/caching/reads.py ``render``), in one pass."""
    return {
        "data": list(rows),
        "meta": {
            "next_cursor": next_cursor,
            "limit": limit,
            "total": total,
            "connections": list(connections),
            "emulated": list(emulated),
            "errors": list(errors),
        },
    }


def whole(rows: Sequence[Any], connection: str, limit: int | None = None) -> dict[str, Any]:
    """The envelope of an upstream list that comes whole (no cursor)."""
    return envelope(
        rows, next_cursor=None, limit=limit or len(rows), total=len(rows), connections=[connection]
    )
