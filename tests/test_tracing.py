"""Traces (API.md section 14) read back from the SDK's in-memory exporter: the span tree
of a request, names and attributes per the HTTP semantic conventions, retries as
siblings, and the ``traceparent`` the sandbox simulators receive."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from starlette.applications import Starlette

from adapters.sandbox import Fault
from gateway.app import create_app, shutdown
from gateway.config.text import parse_config
from gateway.observability import tracing
from tests.conftest import client_for, sandbox_of

pytestmark = pytest.mark.anyio

CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"
CALLER = {"traceparent": f"00-{CALLER_TRACE}-{CALLER_SPAN}-01", "tracestate": "vendor=x"}


def config_text(enabled: bool) -> str:
    return f"""
server:
  default_connection: borderbolt
  tracing: {{enabled: {str(enabled).lower()}, sample_ratio: 1.0}}
api_keys:
  - {{name: demo, key: demo-key, scopes: [customers:read, customers:write]}}
connections:
  borderbolt:
    adapter: borderbolt
    base_url: "sandbox:"
    auth: {{type: bearer, token: bb-upstream-token}}
  shop:
    adapter: inventorum
    api_version: 10
    base_url: "sandbox:"
    auth: {{type: oauth2_client_credentials, token_url: /oauth/token, client_id: shop-client,
            client_secret: shop-client-secret}}
"""


async def gateway(enabled: bool) -> AsyncIterator[Starlette]:
    app = create_app(parse_config(config_text(enabled), env={}))
    yield app
    await app.state.runtime.aclose()


@pytest.fixture
async def traced_app() -> AsyncIterator[Starlette]:
    async for app in gateway(True):
        yield app


@pytest.fixture
async def untraced_app() -> AsyncIterator[Starlette]:
    async for app in gateway(False):
        yield app


def children(parent: ReadableSpan, finished: tuple[ReadableSpan, ...]) -> list[ReadableSpan]:
    return sorted(
        (
            s
            for s in finished
            if s.parent is not None and s.parent.span_id == parent.context.span_id
        ),
        key=lambda s: s.start_time or 0,
    )


def one(finished: tuple[ReadableSpan, ...], kind: SpanKind) -> ReadableSpan:
    found = [s for s in finished if s.kind is kind]
    assert len(found) == 1, [s.name for s in found]
    return found[0]


async def test_a_fanned_out_list_with_a_retry_shows_the_tree(
    spans: InMemorySpanExporter, traced_app: Starlette
) -> None:
    sandbox_of(traced_app).faults.add(Fault(status=503, path_prefix="/api/v1/customers"))
    async with client_for(traced_app) as client:
        response = await client.get(
            "/v1/customers", params={"connection": "*", "q": "no such name"}
        )
    assert response.status_code == 200
    finished = spans.get_finished_spans()
    server = one(finished, SpanKind.SERVER)
    assert server.name == "GET /v1/customers"
    attributes = dict(server.attributes or {})
    assert attributes["http.request.method"] == "GET"
    assert attributes["http.route"] == "/v1/customers"
    assert attributes["http.response.status_code"] == 200
    assert attributes["url.scheme"] == "http"
    assert attributes["gateway.api_key"] == "demo"
    assert attributes["gateway.cache"] == response.headers["x-cache"] == "BYPASS"  # fanned out
    assert "error.type" not in attributes
    legs = children(server, finished)
    assert [(s.name, (s.attributes or {})["gateway.connection"]) for s in legs] == [
        ("fan-out leg", "borderbolt"),
        ("fan-out leg", "shop"),
    ]
    pages = children(legs[0], finished)  # q is emulated: the gateway scans pages
    assert pages and {s.name for s in pages} == {"scan page"}
    assert [(s.attributes or {})["gateway.scan.page"] for s in pages] == list(range(len(pages)))
    first, retry, *_ = children(pages[0], finished)
    assert (first.name, first.kind, retry.name, retry.kind) == (
        "GET",
        SpanKind.CLIENT,
        "GET",
        SpanKind.CLIENT,
    )
    assert first.parent == retry.parent  # siblings, not nested
    assert (first.attributes or {})["http.response.status_code"] == 503
    assert (first.attributes or {})["error.type"] == "503"
    assert "http.request.resend_count" not in (first.attributes or {})
    assert (retry.attributes or {})["http.request.resend_count"] == 1
    assert (retry.attributes or {})["http.response.status_code"] == 200
    assert str((retry.attributes or {})["url.full"]).startswith("http://borderbolt.sandbox/")
    shop_pages = children(legs[1], finished)
    token, *calls = children(shop_pages[0], finished)
    assert token.name == "POST token" and calls and {s.name for s in calls} == {"GET"}
    assert all(s.context.trace_id == server.context.trace_id for s in finished)


async def test_each_attempt_sends_its_own_span_as_the_parent(
    spans: InMemorySpanExporter, traced_app: Starlette
) -> None:
    sim = sandbox_of(traced_app)
    sim.faults.add(Fault(status=503, path_prefix="/api/v1/customers"))
    sim.calls.clear()
    async with client_for(traced_app) as client:
        response = await client.get("/v1/customers", params={"limit": 1}, headers=CALLER)
    assert response.status_code == 200
    finished = spans.get_finished_spans()
    server = one(finished, SpanKind.SERVER)
    assert f"{server.context.trace_id:032x}" == CALLER_TRACE  # the caller's trace continued
    assert (server.attributes or {})["gateway.cache"] == response.headers["x-cache"] == "MISS"
    assert server.parent is not None and f"{server.parent.span_id:016x}" == CALLER_SPAN
    attempts = [s for s in finished if s.kind is SpanKind.CLIENT]
    received = [c.headers["traceparent"] for c in sim.calls if c.path == "/api/v1/customers"]
    assert received == [
        f"00-{CALLER_TRACE}-{s.context.span_id:016x}-01" for s in attempts
    ]  # each retry its own span id, in the caller's trace
    assert len(set(received)) == 2
    assert all(c.headers.get("tracestate") == "vendor=x" for c in sim.calls)


async def test_off_a_callers_traceparent_reaches_the_upstream_unchanged(
    spans: InMemorySpanExporter, untraced_app: Starlette
) -> None:
    sim = sandbox_of(untraced_app)
    sim.calls.clear()
    async with client_for(untraced_app) as client:
        assert (await client.get("/v1/customers", params={"limit": 1})).status_code == 200
        sent = await client.get("/v1/customers", params={"limit": 2}, headers=CALLER)
        assert sent.status_code == 200
    first, second = sim.calls
    assert "traceparent" not in first.headers
    assert (second.headers["traceparent"], second.headers["tracestate"]) == (
        CALLER["traceparent"],
        CALLER["tracestate"],
    )
    assert spans.get_finished_spans() == ()


async def test_a_replayed_write_says_so_on_its_span(
    spans: InMemorySpanExporter, traced_app: Starlette
) -> None:
    headers = {"Idempotency-Key": "trace-1"}
    body = {"code": "TRACE-1", "name": "Traced"}
    async with client_for(traced_app) as client:
        for _ in range(2):
            assert (await client.post("/v1/customers", json=body, headers=headers)).is_success
    servers = [s for s in spans.get_finished_spans() if s.kind is SpanKind.SERVER]
    assert [s.name for s in servers] == ["POST /v1/customers"] * 2
    assert [(s.attributes or {})["gateway.idempotency"] for s in servers] == ["new", "replayed"]
    assert (servers[0].attributes or {})["gateway.connection"] == "borderbolt"


async def test_an_unrouted_request_is_named_by_its_method_and_a_500_is_an_error(
    spans: InMemorySpanExporter, traced_app: Starlette
) -> None:
    async with client_for(traced_app) as client:
        assert (await client.get("/v1/nothing-here")).status_code == 404
    server = one(spans.get_finished_spans(), SpanKind.SERVER)
    assert server.name == "GET"
    assert "http.route" not in (server.attributes or {})
    assert (server.attributes or {})["http.response.status_code"] == 404


async def test_current_trace_ids_name_the_request_span_while_it_runs(
    spans: InMemorySpanExporter, traced_app: Starlette
) -> None:
    assert tracing.current_trace_ids() is None
    seen: list[tuple[str, str] | None] = []

    async def probe(request: httpx.Request) -> httpx.Response:
        seen.append(tracing.current_trace_ids())
        return httpx.Response(200, json={"data": [], "meta": {}})

    connection = traced_app.state.runtime.connections["borderbolt"]
    inner = connection.client._transport
    connection.client._transport = httpx.MockTransport(probe)
    try:
        async with client_for(traced_app) as client:
            await client.get("/v1/customers", params={"limit": 1}, headers=CALLER)
    finally:
        connection.client._transport = inner
    server = one(spans.get_finished_spans(), SpanKind.SERVER)
    assert seen == [(CALLER_TRACE, f"{server.context.span_id:016x}")]


async def test_store_calls_on_redis_are_spans_of_the_request(
    spans: InMemorySpanExporter, redis: Any
) -> None:
    state = f"  state: {{backend: redis, url: '{redis.url}', prefix: 't{uuid.uuid4().hex[:8]}:'}}\n"
    text = config_text(True).replace("server:\n", f"server:\n{state}", 1)
    app = create_app(parse_config(text, env={}))
    try:
        async with client_for(app) as client:
            answer = await client.get("/v1/customers/borderbolt:501")
        assert answer.status_code == 200 and answer.headers["x-cache"] == "MISS"
    finally:
        await shutdown(app)
    finished = spans.get_finished_spans()
    server = one(finished, SpanKind.SERVER)
    store = [s for s in children(server, finished) if s.name.startswith("redis ")]
    assert {"redis cache_get", "redis cache_put"} <= {s.name for s in store}
    assert all((s.attributes or {})["db.system.name"] == "redis" for s in store)


async def test_the_access_log_line_names_the_request_span(
    spans: InMemorySpanExporter, traced_app: Starlette, log_lines: io.StringIO
) -> None:
    """The access log (gateway/observability/access.py) and the trace meet: the line's
    trace_id/span_id are the server span's, so a log line leads to its trace."""
    async with client_for(traced_app) as client:
        assert (await client.get("/v1/customers/borderbolt:501", headers=CALLER)).status_code == 200
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    (line,) = [line for line in lines if line["event"] == "request"]
    server = one(spans.get_finished_spans(), SpanKind.SERVER)
    assert (line["trace_id"], line["span_id"]) == (CALLER_TRACE, f"{server.context.span_id:016x}")


@pytest.mark.parametrize(
    "sent",
    [
        {"traceparent": "not-a-traceparent", "tracestate": "vendor=x"},
        {"traceparent": CALLER["traceparent"] + "\x00"},
        {"tracestate": "vendor=x"},
    ],
)
async def test_off_a_malformed_traceparent_is_dropped_not_refused(
    untraced_app: Starlette, sent: dict[str, str]
) -> None:
    sim = sandbox_of(untraced_app)
    sim.calls.clear()
    async with client_for(untraced_app) as client:
        answer = await client.get("/v1/customers", params={"limit": 1}, headers=sent)
    assert answer.status_code == 200
    (call,) = sim.calls
    assert "traceparent" not in call.headers and "tracestate" not in call.headers


async def test_off_an_oversized_tracestate_is_dropped(untraced_app: Starlette) -> None:
    sim = sandbox_of(untraced_app)
    sim.calls.clear()
    sent = {"traceparent": CALLER["traceparent"], "tracestate": "v=" + "x" * 600}
    async with client_for(untraced_app) as client:
        assert (await client.get("/v1/customers", params={"limit": 1}, headers=sent)).is_success
    (call,) = sim.calls
    assert call.headers["traceparent"] == CALLER["traceparent"]
    assert "tracestate" not in call.headers
