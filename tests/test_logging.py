"""Structured logs: one JSON line per request, secrets never in them."""

from __future__ import annotations

import io
import json

import httpx
import pytest

from gateway.observability.logging import REDACTED, Redactor


def parsed(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.anyio
async def test_request_log_line(client: httpx.AsyncClient, log_lines: io.StringIO) -> None:
    await client.get("/v1/customers/borderbolt:501", headers={"X-Request-ID": "rid-1"})
    events = parsed(log_lines)
    [request] = [e for e in events if e["event"] == "request"]
    assert request["request_id"] == "rid-1"
    assert request["status"] == 200
    assert request["key_name"] == "demo"
    assert request["connection"] == "borderbolt"
    assert request["path"] == "/v1/customers/borderbolt:501"
    [upstream] = [e for e in events if e["event"] == "upstream_call"]
    assert upstream["request_id"] == "rid-1"


@pytest.mark.anyio
async def test_no_secret_reaches_the_log(
    client: httpx.AsyncClient, log_lines: io.StringIO, app
) -> None:
    adapter = app.state.runtime.connections["borderbolt"].adapter

    async def leak(*args: object, **kwargs: object) -> None:
        raise RuntimeError("upstream said: bad token bb-upstream-token for key demo-key")

    adapter.get_customer = leak
    await client.get("/v1/customers/borderbolt:501")
    await client.get("/v1/customers", headers={"Authorization": "Bearer reader-key"})
    text = log_lines.getvalue()
    assert "unhandled_error" in text
    for secret in (
        "bb-upstream-token",
        "demo-key",
        "reader-key",
        "tenant2-upstream-token",
        "test-cursor-secret",
    ):
        assert secret not in text


def test_redactor_by_key_and_by_value() -> None:
    redactor = Redactor()
    redactor.set_secrets(["s3cr3t-value"])
    event = {
        "event": "x",
        "authorization": "Bearer abc",
        "client_secret": "zzz",
        "nested": {"token": "t", "note": "has s3cr3t-value inside"},
        "items": ["s3cr3t-value", 1],
        "count": 2,
    }
    assert redactor(None, "info", event) == {
        "event": "x",
        "authorization": REDACTED,
        "client_secret": REDACTED,
        "nested": {"token": REDACTED, "note": f"has {REDACTED} inside"},
        "items": [REDACTED, 1],
        "count": 2,
    }
