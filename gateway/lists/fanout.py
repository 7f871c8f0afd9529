"""Fan-out lists: one canonical list over several connections (API.md section 4).

``connection=*`` (every connection the key may use that can list customers) or
``connection=a,b``. Rows come connection by connection in config order, each in its
own upstream order; a page that drains one connection continues with the next. The
cursor holds which connection and where in it. A connection that fails leaves its
rows out and adds its error to ``meta.errors`` (HTTP 200); with ``partial=false`` any
failure fails the whole request (502). ``sort`` cannot be combined (400): there is no
order common to several upstreams.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.base import ListQuery, Operation
from gateway.http.auth import Identity
from gateway.lists.cursor import CursorCodec, binding
from gateway.lists.listing import envelope
from gateway.runtime import Runtime
from gateway.upstreams.connections import Connection
from kernel.errors import (
    BadRequest,
    FieldError,
    Forbidden,
    InvalidCursor,
    RateLimited,
    UnsupportedOperation,
    UpstreamError,
)
from kernel.tracing import span
from kernel.wording import in_words, quoted

FAILURES = (UpstreamError, RateLimited)


def is_fan_out(value: str | None) -> bool:
    return bool(value) and (value == "*" or "," in (value or ""))


def targets(state: Runtime, identity: Identity, value: str, op: Operation) -> list[Connection]:
    """The connections a fan-out names, in config order."""
    if value == "*":
        chosen = [
            c
            for c in state.connections.values()
            if identity.may_use(c.name) and op in c.adapter.capabilities
        ]
        if not chosen:
            raise Forbidden("this API key may use no connection that can do this")
        return chosen
    names = [n.strip() for n in value.split(",") if n.strip()]
    unknown = sorted(set(names) - set(state.connections))
    if unknown or not names:
        named = (
            f"no connection named {in_words(quoted(unknown), 'or')}"
            if unknown
            else "no connection named"
        )
        raise BadRequest(f"{named}; connections are {in_words(sorted(state.connections), 'and')}")
    for name in names:
        identity.require_connection(name)
        if op not in state.connections[name].adapter.capabilities:
            raise UnsupportedOperation(
                f"connection {name!r} cannot {op.value.replace('_', ' ')}", connection=name
            )
    return [c for c in state.connections.values() if c.name in names]


async def fan_out_customers(
    codec: CursorCodec,
    connections: list[Connection],
    filters: Mapping[str, Any],
    *,
    limit: int,
    cursor: str | None,
    partial: bool,
    include_remote_data: bool,
) -> dict[str, Any]:
    plans = [(c, *c.adapter.plan_filters(filters, None)) for c in connections]
    bound = binding(route="customers", fan_out=[c.name for c in connections], filters=filters)
    index, offset, resume = _position(codec, cursor, bound, len(connections))
    rows: list[Any] = []
    errors: list[dict[str, Any]] = []
    emulated: set[str] = set()
    totals: list[int | None] = []
    while index < len(plans) and len(rows) < limit:
        connection, native, emulating = plans[index]
        query = ListQuery(
            offset=offset,
            limit=limit - len(rows),
            filters=native,
            include_remote_data=include_remote_data,
            resume=resume,
            plain=True,
        )
        try:
            max_pages = connection.config.max_scan_pages
            with span("fan-out leg", {"gateway.connection": connection.name}):
                window = await connection.adapter.find_customers(query, emulating, max_pages)
        except FAILURES as exc:
            if not partial:
                raise UpstreamError(
                    f"connection {connection.name!r} failed and partial=false: {exc.message}",
                    connection=connection.name,
                    upstream_status=exc.upstream_status,
                ) from exc
            errors.append(exc.envelope(None)["error"])
            index, offset, resume = index + 1, 0, None
            continue
        rows += window.items
        emulated |= set(emulating)
        totals.append(window.total)
        if window.has_more:
            offset, resume = offset + window.advance, window.resume
            break
        index, offset, resume = index + 1, 0, None
    more = index < len(plans)
    at = {"c": index, "o": offset, **({"r": resume} if resume else {})}
    return envelope(
        rows,
        next_cursor=codec.encode(bound, at) if more else None,
        limit=limit,
        total=sum(t or 0 for t in totals) if _complete(totals, errors, plans) else None,
        connections=[c.name for c in connections],
        emulated=sorted(emulated),
        errors=errors,
    )


def _position(
    codec: CursorCodec, cursor: str | None, bound: str, count: int
) -> tuple[int, int, str | None]:
    """Which connection, where in it, and its upstream position (cursor paging)."""
    if not cursor:
        return 0, 0, None
    position = codec.decode(cursor, bound)
    index, offset, resume = position.get("c"), position.get("o"), position.get("r")
    if not (
        isinstance(index, int)
        and isinstance(offset, int)
        and 0 <= index < count
        and offset >= 0
        and isinstance(resume, str | None)
    ):
        raise InvalidCursor("the cursor is not one this gateway issued")
    return index, offset, resume


def _complete(totals: list[int | None], errors: list[Any], plans: list[Any]) -> bool:
    """A total is only honest when every connection was counted and none failed."""
    return not errors and len(totals) == len(plans) and all(t is not None for t in totals)


def reject_sort(sort: str | None) -> None:
    if sort:
        raise BadRequest(
            "sort cannot be combined with a fan-out over several connections",
            details=[FieldError("sort", "list one connection to sort")],
        )
