"""The request path's shortcuts answer as the general code they spare would."""

from __future__ import annotations

import io
import logging

import httpx
import pytest
from starlette.datastructures import Headers

from gateway.http.endpoint import RequestHeaders, parse_query
from gateway.http.middleware import REQUEST_ID, new_request_id
from gateway.http.queries import Paged, Read
from gateway.observability.logging import configure_logging
from kernel.log_level import enabled_for

RAW = [(b"accept", b"a"), (b"x-twice", b"first"), (b"x-twice", b"second"), (b"empty", b"")]


@pytest.mark.parametrize("name", ["accept", "Accept", "X-TWICE", "empty", "missing"])
def test_request_headers_get_as_starlette(name: str) -> None:
    ours, theirs = RequestHeaders(raw=list(RAW)), Headers(raw=list(RAW))
    assert ours.get(name) == theirs.get(name)
    assert ours.get(name, "default") == theirs.get(name, "default")


def test_request_headers_are_starlette_headers_otherwise() -> None:
    headers = RequestHeaders(raw=list(RAW))
    assert headers.getlist("x-twice") == ["first", "second"]
    assert "ACCEPT" in headers and "missing" not in headers
    assert headers["x-twice"] == "first"


def test_a_query_without_parameters_is_the_models_defaults() -> None:
    empty = parse_query(Paged, {})
    assert empty == Paged() and empty.limit == 25
    assert parse_query(Paged, {}) is empty  # validated once: the models are frozen
    assert parse_query(Paged, {"limit": "5"}).limit == 5
    assert parse_query(Read, {}) == Read()


def test_made_request_ids_are_32_random_hex_digits() -> None:
    made = {new_request_id() for _ in range(1000)}
    assert len(made) == 1000
    assert all(len(i) == 32 and REQUEST_ID.fullmatch(i) for i in made)


def test_the_level_asked_follows_configure_logging() -> None:
    try:
        configure_logging("warning")
        assert not enabled_for(logging.INFO) and enabled_for(logging.WARNING)
        configure_logging("info")
        assert enabled_for(logging.INFO) and not enabled_for(logging.DEBUG)
    finally:
        configure_logging("debug")
    assert enabled_for(logging.DEBUG)


@pytest.mark.anyio
async def test_no_access_line_above_info_and_one_at_info(client: httpx.AsyncClient) -> None:
    for level, lines in (("warning", 0), ("info", 1)):
        stream = io.StringIO()
        configure_logging(level, stream)
        try:
            response = await client.get("/v1/customers/borderbolt:501")
        finally:
            configure_logging("debug")
        assert response.status_code == 200
        written = [line for line in stream.getvalue().splitlines() if '"request"' in line]
        assert len(written) == lines, (level, stream.getvalue())
