"""Traces as a collector receives them: the gateway as a real process, configured by the
standard OTEL_* variables, exporting OTLP/HTTP to a receiver in this test that decodes
each ``ExportTraceServiceRequest`` with the protocol's own classes (opentelemetry-proto).
Upstreams are simulator processes; one answers 503 once, so a retry is in the tree."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue

from tests.servers import Process, free_port, gateway, simulator

CALLER_TRACE = "0af7651916cd43dd8448eb211c80319c"
CALLER_SPAN = "b7ad6b7169203331"
SERVER, CLIENT = 2, 3  # Span.SpanKind in the protocol


@dataclass
class Received:
    service: str
    name: str
    kind: int
    trace_id: str
    span_id: str
    parent: str
    attributes: dict[str, Any]


def value(of: AnyValue) -> Any:
    return getattr(of, of.WhichOneof("value") or "string_value")


class Collector(ThreadingHTTPServer):
    """A minimal OTLP/HTTP trace receiver (``POST /v1/traces``, protobuf)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", free_port()), Handler)
        self.spans: list[Received] = []
        self.paths: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def take(self, body: bytes) -> None:
        export = ExportTraceServiceRequest()
        export.ParseFromString(body)
        for resource_spans in export.resource_spans:
            resource = {a.key: value(a.value) for a in resource_spans.resource.attributes}
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    self.spans.append(
                        Received(
                            service=resource.get("service.name", ""),
                            name=span.name,
                            kind=span.kind,
                            trace_id=span.trace_id.hex(),
                            span_id=span.span_id.hex(),
                            parent=span.parent_span_id.hex(),
                            attributes={a.key: value(a.value) for a in span.attributes},
                        )
                    )


class Handler(BaseHTTPRequestHandler):
    server: Collector

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.server.paths.append(self.path)
        self.server.take(body)
        answer = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def collector() -> Iterator[Collector]:
    server = Collector()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def site(
    tmp_path: Path, collector: Collector, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Process, Process]]:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.url)
    monkeypatch.setenv("OTEL_SERVICE_NAME", "gateway-under-test")
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "always_on")
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "50")
    bb = simulator("borderbolt", "bb-token", tmp_path).start()
    crm = simulator("crm", "crm-token", tmp_path)
    processes: list[Process] = [bb]
    try:
        processes.append(crm.start())
        config = tmp_path / "config.yaml"
        config.write_text(f"""
server:
  tracing: {{enabled: true, sample_ratio: 0.0}}
api_keys:
  - {{name: reader, key: reader-key, scopes: [customers:read]}}
connections:
  borderbolt:
    adapter: borderbolt
    base_url: "{bb.url}"
    auth: {{type: bearer, token: bb-token}}
  crm:
    adapter: crm
    base_url: "{crm.url}"
    auth: {{type: bearer, token: crm-token}}
""")
        processes.append(gateway(config, tmp_path).start())
        yield bb, processes[-1]
    finally:
        for process in processes:
            process.stop(kill=True)


def wait_for_trace(collector: Collector, trace_id: str, count: int) -> list[Received]:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        found = [s for s in collector.spans if s.trace_id == trace_id]
        if len(found) >= count and any(s.kind == SERVER for s in found):
            return found
        time.sleep(0.05)
    raise AssertionError(f"trace {trace_id} not received: {collector.spans}")


def test_a_fanned_out_list_with_a_retry_reaches_a_real_otlp_receiver(
    collector: Collector, site: tuple[Process, Process]
) -> None:
    bb, gw = site
    fault = {"status": 503, "path_prefix": "/api/v1/customers", "method": "GET"}
    assert httpx.post(f"{bb.url}/__sandbox__/faults", json=fault).status_code == 201
    answer = httpx.get(
        f"{gw.url}/v1/customers",
        params={"connection": "*", "q": "no such name"},  # emulated on borderbolt
        headers={
            "Authorization": "Bearer reader-key",
            # not sampled by the caller: only OTEL_TRACES_SAMPLER=always_on (over the
            # config's parent-based ratio 0) makes the gateway record it
            "traceparent": f"00-{CALLER_TRACE}-{CALLER_SPAN}-00",
        },
        timeout=10,
    )
    assert answer.status_code == 200
    spans = wait_for_trace(collector, CALLER_TRACE, count=7)
    assert collector.paths and set(collector.paths) == {"/v1/traces"}
    assert {s.service for s in spans} == {"gateway-under-test"}  # OTEL_SERVICE_NAME
    (server,) = [s for s in spans if s.kind == SERVER]
    assert server.parent == CALLER_SPAN  # the caller's trace continued
    assert server.name == "GET /v1/customers"
    assert server.attributes["http.route"] == "/v1/customers"
    assert server.attributes["http.response.status_code"] == 200
    assert server.attributes["gateway.api_key"] == "reader"
    assert server.attributes["gateway.cache"] == answer.headers["x-cache"]
    by_parent: dict[str, list[Received]] = {}
    for span in spans:
        by_parent.setdefault(span.parent, []).append(span)
    legs = by_parent[server.span_id]
    assert sorted(s.attributes["gateway.connection"] for s in legs) == ["borderbolt", "crm"]
    assert {s.name for s in legs} == {"fan-out leg"}
    (bb_leg,) = [s for s in legs if s.attributes["gateway.connection"] == "borderbolt"]
    pages = sorted(by_parent[bb_leg.span_id], key=lambda s: s.attributes["gateway.scan.page"])
    assert {s.name for s in pages} == {"scan page"}
    first_page = pages[0]
    assert first_page.attributes["gateway.scan.page"] == 0
    attempts = by_parent[first_page.span_id]
    assert [s.kind for s in attempts] == [CLIENT, CLIENT]
    assert sorted(s.attributes["http.response.status_code"] for s in attempts) == [200, 503]
    (retry,) = [s for s in attempts if s.attributes["http.response.status_code"] == 200]
    assert retry.attributes["http.request.resend_count"] == 1
    assert retry.attributes["server.address"] == "127.0.0.1"
    assert retry.attributes["server.port"] == bb.port
    (crm_leg,) = [s for s in legs if s.attributes["gateway.connection"] == "crm"]
    assert [s.name for s in by_parent[crm_leg.span_id]] == ["GET"]  # q is native there


def test_a_cache_miss_then_hit_reach_the_receiver(
    collector: Collector, site: tuple[Process, Process]
) -> None:
    _, gw = site
    seen = []
    for n in range(2):
        trace_id = f"{n + 1:032x}"
        answer = httpx.get(
            f"{gw.url}/v1/customers",
            params={"connection": "borderbolt", "limit": 5},
            headers={
                "Authorization": "Bearer reader-key",
                "traceparent": f"00-{trace_id}-{CALLER_SPAN}-01",
            },
            timeout=10,
        )
        assert answer.status_code == 200
        (server,) = [s for s in wait_for_trace(collector, trace_id, count=1) if s.kind == SERVER]
        seen.append((server.attributes["gateway.cache"], answer.headers["x-cache"]))
        attempts = [s for s in collector.spans if s.trace_id == trace_id and s.kind == CLIENT]
        assert len(attempts) == (1 if n == 0 else 0)  # a hit asks no upstream
    assert seen == [("MISS", "MISS"), ("HIT", "HIT")]
