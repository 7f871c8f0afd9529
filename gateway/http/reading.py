"""A request's headers and query string, read the way starlette reads them, for less.

A gateway sees the same few query strings again and again (``limit=25``, a filter and a
page size): each distinct string is parsed once (``parse_qsl``) into its parameters and
the normalised form the read cache keys on, and validated once per query model; the
answers are kept (the query models are frozen, so one instance serves every request
that sent the same string). A string that fails validation is not kept: its error is
made again each time. Strings longer than ``LONGEST`` (cursors make most of those
unique) are not kept, and at most ``KEPT`` of each kind are: all are forgotten when full.

``RequestHeaders`` are starlette's ``Headers`` with a ``get`` that answers a missing
header without raising and catching a ``KeyError`` (``Mapping.get``'s way): most of the
headers a call asks about (``X-Connection``, ``If-None-Match``, ``Idempotency-Key``) are
absent on most requests.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import ValidationError
from starlette.datastructures import Headers, QueryParams

from gateway.http.queries import Query
from kernel.errors import BadRequest, FieldError
from kernel.wording import field_problems, sentence, unknown_name

KEPT = 1024  # query strings remembered, and (model, string) pairs validated
LONGEST = 512  # bytes: a longer query string is parsed every time
K = TypeVar("K")
V = TypeVar("V")


class RequestHeaders(Headers):
    """Starlette's request headers; ``get`` without an exception (module docstring). The
    first of repeated headers, as starlette's."""

    def get(self, key: str, default: Any = None) -> Any:
        wanted = key.lower().encode("latin-1")
        for name, value in self._list:
            if name == wanted:
                return value.decode("latin-1")
        return default


@dataclass(frozen=True, slots=True)
class QueryString:
    """A request's query string, parsed."""

    raw: bytes
    params: QueryParams  # as starlette's ``request.query_params``
    normalised: str  # the sorted ``name=value`` pairs: what the read cache keys on


_strings: dict[bytes, QueryString] = {}
_queries: dict[tuple[type[Query], bytes], Query] = {}


def _keep(memo: dict[K, V], key: K, value: V) -> V:
    if len(memo) >= KEPT:
        memo.clear()
    memo[key] = value
    return value


def query_string(raw: bytes) -> QueryString:
    """``raw`` (the ASGI ``query_string``) parsed, or as parsed before."""
    found = _strings.get(raw)
    if found is not None:
        return found
    params = QueryParams(raw)
    normalised = "&".join(sorted(f"{k}={v}" for k, v in params.multi_items()))
    parsed = QueryString(raw, params, normalised)
    return _keep(_strings, raw, parsed) if len(raw) <= LONGEST else parsed


def query_of(model: type[Query], string: QueryString) -> Query:
    """``parse_query`` of ``string``'s parameters, or its answer from before."""
    key = (model, string.raw)
    found = _queries.get(key)
    if found is not None:
        return found
    query = parse_query(model, string.params)
    return _keep(_queries, key, query) if len(string.raw) <= LONGEST else query


@functools.cache
def _names(model: type[Query]) -> frozenset[str]:
    return frozenset(model.model_fields)


def parse_query(model: type[Query], params: Any) -> Query:
    """``params`` validated as ``model``: 400 for a parameter it does not declare or a
    value it refuses, naming the parameter."""
    known = _names(model)
    unknown = sorted(set(params) - known) if params else ()
    if unknown:
        details = [
            FieldError(name[:64], unknown_name(name, known, "a parameter here")) for name in unknown
        ]
        first = details[0]
        raise BadRequest(
            f"unknown query parameter {first.field!r}: {first.message}"
            + (f" (and {len(details) - 1} more)" if len(details) > 1 else ""),
            details=details,
        )
    try:
        return model.model_validate(dict(params))
    except ValidationError as exc:  # a type without its own check; say which parameter
        name, phrase = field_problems(model, exc)[0]
        raise BadRequest(sentence(name, phrase), details=[FieldError(name, phrase)]) from exc
