"""Canonical lists: filters, sort, cursor and the page envelope (API.md section 4)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request

from adapters.base import FilterSupport, Window
from gateway.connections import Connection
from gateway.cursor import binding
from gateway.errors import BadRequest, FieldError, InvalidCursor, UnsupportedFilter
from gateway.filters import FilterKind
from gateway.web import gateway, parse_bool, query_limit

CUSTOMER_SORTS = ("name", "code", "country", "created_at")
LIST_PARAMS = ("limit", "cursor", "connection", "sort", "include_remote_data")


def parse_filters(request: Request, spec: Mapping[str, FilterKind]) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    for name, kind in spec.items():
        raw = request.query_params.get(name)
        if raw is None:
            continue
        if kind == "bool":
            filters[name] = parse_bool(name, raw)
        elif kind == "country":
            if not re.fullmatch(r"[A-Za-z]{2}", raw):
                raise BadRequest(
                    "country must be an ISO 3166-1 alpha-2 code",
                    details=[FieldError(name, "two letters, e.g. NL")],
                )
            filters[name] = raw.upper()
        elif not 1 <= len(raw) <= 255:
            raise BadRequest(
                f"{name} must be 1 to 255 characters",
                details=[FieldError(name, "1..255 characters")],
            )
        else:
            filters[name] = raw
    return filters


def parse_sort(request: Request, allowed: Sequence[str]) -> str | None:
    sort = request.query_params.get("sort")
    if sort is None:
        return None
    if sort.lstrip("-") not in allowed or sort.startswith("--"):
        raise BadRequest(
            f"sort must be one of {list(allowed)}, with '-' for descending",
            details=[FieldError("sort", f"one of {list(allowed)}")],
        )
    return sort


def split_filters(
    connection: Connection, filters: Mapping[str, Any], sort: str | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(native, emulated)`` filters for ``connection``; 400 for what it cannot do."""
    adapter = connection.adapter
    support = {name: adapter.filter_support(name, value) for name, value in filters.items()}
    unsupported = sorted(n for n, s in support.items() if s is FilterSupport.UNSUPPORTED)
    if unsupported:
        supported = sorted(adapter.customer_filters)
        raise UnsupportedFilter(
            f"connection {connection.name!r} cannot filter by {unsupported}",
            connection=connection.name,
            details=[FieldError(name, f"supported here: {supported}") for name in unsupported],
        )
    if sort and sort.lstrip("-") not in adapter.customer_sorts:
        raise BadRequest(
            f"connection {connection.name!r} cannot sort by {sort.lstrip('-')!r}",
            connection=connection.name,
            details=[FieldError("sort", f"supported here: {sorted(adapter.customer_sorts)}")],
        )
    native = {k: v for k, v in filters.items() if support[k] is FilterSupport.NATIVE}
    emulated = {k: v for k, v in filters.items() if support[k] is FilterSupport.EMULATED}
    return native, emulated


class Listing:
    """One list request's cursor binding, offset and limit."""

    def __init__(self, request: Request, route: str, connection: Connection, **bound: Any) -> None:
        self.codec = gateway(request).cursors
        self.connection = connection
        self.limit = query_limit(request)
        self.bound_to = binding(route=route, connection=connection.name, **bound)
        cursor = request.query_params.get("cursor")
        self.offset = 0
        if cursor:
            offset = self.codec.decode(cursor, self.bound_to).get("o")
            if not isinstance(offset, int) or offset < 0:
                raise InvalidCursor("the cursor is not one this gateway issued")
            self.offset = offset

    def page(self, window: Window[Any], emulated: Sequence[str] = ()) -> dict[str, Any]:
        next_cursor = (
            self.codec.encode(self.bound_to, {"o": self.offset + window.advance})
            if window.has_more and window.advance
            else None
        )
        return {
            "data": [_dump(item) for item in window.items],
            "meta": {
                "next_cursor": next_cursor,
                "limit": self.limit,
                "total": window.total,
                "connections": [self.connection.name],
                "emulated": list(emulated),
                "errors": [],
            },
        }

    def slice(self, items: Sequence[Any]) -> Window[Any]:
        """A window over a list the upstream answers whole (e.g. a customer's contacts)."""
        chunk = list(items[self.offset : self.offset + self.limit])
        return Window(chunk, len(items), self.offset + len(chunk) < len(items))


def _dump(item: Any) -> Any:
    return item.model_dump(mode="json") if isinstance(item, BaseModel) else item
