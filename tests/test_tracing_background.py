"""Background work in traces of its own (API.md section 14): a poller scan, and a webhook
delivery linked to the write whose event it carries, its trace id kept on the delivery."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from gateway.app import create_app
from gateway.config.text import parse_config
from tests.conftest import client_for, sandbox_of
from tests.test_poller import polled_config
from tests.test_webhooks import Receiver, deliveries, gateway, hook, hooks_config, serving, until

pytestmark = pytest.mark.anyio
TRACED = "server:\n  tracing: {enabled: true}\n"


async def test_a_delivery_has_its_own_trace_linked_to_the_write(
    spans: InMemorySpanExporter,
) -> None:
    async with (
        serving(Receiver()) as receiver,
        gateway(hooks_config(hook("erp", receiver.url)).replace("server:\n", TRACED, 1)) as app,
    ):
        async with client_for(app) as client:
            patched = await client.patch("/v1/customers/borderbolt:501", json={"name": "Traced"})
            assert patched.status_code == 200
        await until(lambda: receiver.seen, "the delivery")
        await until(
            lambda: any(s.name == "webhook delivery" for s in spans.get_finished_spans()),
            "the delivery's span",
        )
        (delivery,) = await deliveries(app)
    finished = spans.get_finished_spans()
    (write,) = [s for s in finished if s.kind is SpanKind.SERVER and s.name.startswith("PATCH")]
    (sent,) = [s for s in finished if s.name == "webhook delivery"]
    assert sent.parent is None  # a trace of its own ...
    assert sent.context.trace_id != write.context.trace_id
    (link,) = sent.links  # ... linked to the write that caused the event
    assert (link.context.trace_id, link.context.span_id) == (
        write.context.trace_id,
        write.context.span_id,
    )
    assert (sent.attributes or {})["gateway.webhook"] == "erp"
    assert delivery["trace_id"] == f"{sent.context.trace_id:032x}"  # kept on the delivery
    headers, _ = receiver.seen[0]
    _version, trace_id, parent, flags = headers["traceparent"].split("-")
    assert (trace_id, parent) == (f"{sent.context.trace_id:032x}", f"{sent.context.span_id:016x}")
    assert int(flags, 16) & 1  # sampled


async def test_untraced_deliveries_show_no_trace_id() -> None:
    async with (
        serving(Receiver()) as receiver,
        gateway(hooks_config(hook("erp", receiver.url))) as app,
    ):
        async with client_for(app) as client:
            await client.patch("/v1/customers/borderbolt:501", json={"name": "Plain"})
        await until(lambda: receiver.seen, "the delivery")
        (delivery,) = await deliveries(app)
    assert "trace_id" not in delivery and "traceparent" not in receiver.seen[0][0]


async def test_a_poller_scan_is_a_trace_with_its_upstream_calls(
    spans: InMemorySpanExporter,
) -> None:
    text = polled_config({"crm": "changes: {poll_every: 3600, resources: [customers]}"})
    app = create_app(parse_config(text.replace("server:\n", TRACED, 1)))
    try:
        sandbox_of(app, "crm").calls.clear()
        assert await app.state.host.pollers.scan_now("crm")
    finally:
        await app.state.runtime.aclose()
    finished = spans.get_finished_spans()
    (scan,) = [s for s in finished if s.name == "poller scan"]
    assert scan.parent is None and (scan.attributes or {})["gateway.connection"] == "crm"
    calls = [s for s in finished if s.kind is SpanKind.CLIENT]
    assert calls and all(
        s.context.trace_id == scan.context.trace_id and s.parent is not None for s in calls
    )
    assert len(calls) == len(sandbox_of(app, "crm").calls)
