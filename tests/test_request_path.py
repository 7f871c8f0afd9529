"""The request path's shortcuts answer as the general code they spare would."""

from __future__ import annotations

import gc
import io
import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.datastructures import Headers, QueryParams
from starlette.responses import Response

from adapters.upstream import Upstream
from gateway.app import shutdown
from gateway.asgi import create
from gateway.caching.cache import CacheStatus, etag_of
from gateway.caching.reads import ReadAnswer
from gateway.http.middleware import (
    DOT_SEGMENT,
    HIDDEN_SEPARATOR,
    REQUEST_ID,
    _hides_or_climbs,
    new_request_id,
)
from gateway.http.queries import Paged, Read
from gateway.http.reading import LONGEST, RequestHeaders, parse_query, query_of, query_string
from gateway.observability.logging import configure_logging
from gateway.serving.collector import YOUNG, tune_for_serving
from gateway.upstreams.transport import UpstreamClient
from kernel.errors import BadRequest
from kernel.log_level import enabled_for
from tests.conftest import CONFIG
from tests.servers import gateway

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


def test_a_query_string_is_parsed_as_starlette_parses_it() -> None:
    raw = b"limit=5&connection=a&x=%20b&x=c&blank="
    parsed = query_string(raw)
    assert parsed.params == QueryParams(raw)
    assert parsed.normalised == "blank=&connection=a&limit=5&x= b&x=c"
    assert query_string(raw) is parsed  # remembered
    assert query_string(b"").params == QueryParams() and query_string(b"").normalised == ""


def test_a_validated_query_is_remembered_per_model_and_string() -> None:
    empty = query_of(Paged, query_string(b""))
    assert empty == Paged() and empty.limit == 25
    assert query_of(Paged, query_string(b"")) is empty  # the models are frozen
    five = query_of(Paged, query_string(b"limit=5"))
    assert five.limit == 5 and query_of(Paged, query_string(b"limit=5")) is five
    assert query_of(Read, query_string(b"")) == Read()
    assert parse_query(Paged, {"limit": "5"}) == five


def test_a_refused_query_string_is_refused_every_time() -> None:
    for _ in range(2):
        with pytest.raises(BadRequest, match="limit"):
            query_of(Paged, query_string(b"limit=0"))
        with pytest.raises(BadRequest, match="unknown query parameter 'nope'"):
            query_of(Paged, query_string(b"nope=1"))


def test_a_long_query_string_is_parsed_each_time() -> None:
    raw = b"cursor=" + b"c" * LONGEST
    assert query_string(raw) is not query_string(raw)
    assert query_of(Paged, query_string(raw)).cursor == "c" * LONGEST


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


@pytest.mark.anyio
async def test_an_upstream_call_leaves_no_garbage_for_the_collector() -> None:
    """httpx's response and its stream point at each other; the call breaks that cycle,
    so a response is freed when the call is done, not by the next collection."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"id": 1}, headers={"X-Seen": "yes"})

    transport = httpx.MockTransport(answer)
    async with UpstreamClient(base_url="http://up.test", transport=transport) as client:
        upstream = Upstream("up", client)
        await upstream.call("GET", "/warm")  # first-use caches are not this call's garbage
        gc.collect()
        enabled = gc.isenabled()
        gc.disable()
        try:
            result = await upstream.call("GET", "/things/1")
            found = gc.collect()
        finally:
            if enabled:
                gc.enable()
    assert result.json() == {"id": 1} and result.headers["x-seen"] == "yes"
    assert found == 0


@pytest.fixture
def threshold() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    yield before
    gc.set_threshold(*before)


def test_serving_raises_the_young_threshold_and_never_lowers_it(
    threshold: tuple[int, int, int],
) -> None:
    gc.set_threshold(700, 10, 10)
    tune_for_serving()
    assert gc.get_threshold() == (YOUNG, 10, 10)
    gc.set_threshold(50_000, 5, 5)
    tune_for_serving()
    assert gc.get_threshold() == (50_000, 5, 5)
    gc.set_threshold(0, 10, 10)  # collection off: left off
    tune_for_serving()
    assert gc.get_threshold() == (0, 10, 10)


@pytest.mark.anyio
async def test_a_worker_made_by_the_asgi_factory_is_tuned(
    threshold: tuple[int, int, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        "server: {state: {backend: local, path: " + str(tmp_path / "state.db") + "}}\n"
        "api_keys: [{name: a, key: k, scopes: [customers:read]}]\n"
        "connections: {bb: {adapter: borderbolt, base_url: 'sandbox:', "
        "auth: {type: bearer, token: t}}}\n"
    )
    monkeypatch.setenv("GATEWAY_CONFIG", str(config))
    gc.set_threshold(700, 10, 10)
    try:
        app = create()
    finally:
        configure_logging("debug")  # create() configured it as the file says
    await shutdown(app)
    assert gc.get_threshold()[0] == YOUNG


def test_a_kept_alive_connection_lives_on_and_its_slow_request_is_cut(tmp_path: Path) -> None:
    """One timer per connection (gateway/serving/server.py): requests answered one after
    another for longer than header_timeout keep it; a request whose headers then stall
    on the same connection is cut about header_timeout after its first byte."""
    text = CONFIG.replace(
        "  max_body_bytes: 2048\n", "  max_body_bytes: 2048\n  limits: {header_timeout: 1}\n"
    )
    path = tmp_path / "config.yaml"
    path.write_text(text)
    served = gateway(path, tmp_path).start()
    request = (
        b"GET /v1/customers/borderbolt:501 HTTP/1.1\r\nHost: x\r\n"
        b"Authorization: Bearer demo-key\r\n\r\n"
    )
    try:
        with socket.create_connection(("127.0.0.1", served.port)) as sock:
            sock.settimeout(5)
            reader = sock.makefile("rb")
            until = time.monotonic() + 2.5  # two and a half header timeouts
            answered = 0
            while time.monotonic() < until:
                sock.sendall(request)
                assert reader.readline().startswith(b"HTTP/1.1 200")
                length = 0
                while (line := reader.readline()) != b"\r\n":
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                reader.read(length)
                answered += 1
                time.sleep(0.1)
            assert answered >= 15
            sock.sendall(b"GET /v1/customers HTTP/1.1\r\nHost: x\r\n")  # and no more
            started = time.monotonic()
            assert reader.read() == b""  # closed by the gateway
            assert 0.8 < time.monotonic() - started < 2.5
    finally:
        served.stop()


@pytest.mark.parametrize(
    ("raw", "refused"),
    [
        (b"/v1/customers/bb:501", False),
        (b"/v1/customers/bb:5.01", False),
        (b"/v1/customers/bb%3A501", False),
        (b"/v1/customers/a%2Fb", True),
        (b"/v1/customers/a%5cb", True),
        (b"/v1/customers/../admin", True),
        (b"/v1/customers/%2e%2E/admin", True),
        (b"/v1/customers/.", True),
        (b"/v1/customers/..", True),
    ],
)
def test_the_raw_path_guard_refuses_as_its_patterns_do(raw: bytes, refused: bool) -> None:
    assert _hides_or_climbs(raw) is refused
    assert bool(HIDDEN_SEPARATOR.search(raw) or DOT_SEGMENT.search(raw)) is refused


@pytest.mark.parametrize("result", list(CacheStatus))
@pytest.mark.parametrize("status", [200, 304])
def test_a_read_answer_has_the_headers_starlette_would_write(
    result: CacheStatus, status: int
) -> None:
    etag = etag_of(b'{"id":"bb:501"}')
    headers = {"ETag": etag, "X-Cache": result.value}
    if status == 304:
        theirs = Response(status_code=304, headers=headers)
    else:
        theirs = Response(b'{"id":"bb:501"}', media_type="application/json", headers=headers)
    ours = ReadAnswer(b'{"id":"bb:501"}' if status == 200 else b"", etag, result, status)
    assert ours.raw_headers == theirs.raw_headers
    assert (ours.status_code, ours.body) == (theirs.status_code, theirs.body)
    assert ours.headers["etag"] == etag
