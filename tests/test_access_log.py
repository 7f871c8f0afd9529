"""gateway/observability/access.py: the access log's fields, its sampling, no secret in it."""

from __future__ import annotations

import io
import json

import httpx
import pytest

from adapters.sandbox import Fault
from gateway.config.model import Config, ConfigError
from gateway.config.text import parse_config
from tests.conftest import CONFIG, sandbox_of
from tests.test_config import MINIMAL

SERVER = "server:\n  trusted_proxies: [127.0.0.1]\n"


def with_server(settings: str) -> Config:
    return parse_config(CONFIG.replace("server:\n", SERVER + settings, 1), env={})


def access_lines(stream: io.StringIO) -> list[dict[str, object]]:
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [line for line in lines if line["event"] == "request"]


@pytest.fixture
def config() -> Config:
    return with_server("")


@pytest.mark.anyio
async def test_a_line_says_who_what_and_where_the_time_went(
    client: httpx.AsyncClient, app, log_lines: io.StringIO
) -> None:
    sandbox_of(app).faults.add(Fault(status=503, method="GET"))
    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    first = await client.get("/v1/customers/borderbolt:501", headers=forwarded)
    again = await client.get("/v1/customers/borderbolt:501", headers=forwarded)
    assert (first.status_code, again.status_code) == (200, 200)
    missed, hit = access_lines(log_lines)
    assert missed["client"] == "203.0.113.7"  # through server.trusted_proxies
    assert missed["key_name"] == "demo"
    assert missed["route"] == "/v1/customers/{id}"
    assert missed["connection"] == "borderbolt"
    assert missed["upstream_attempts"] == 2  # the 503, then the retry
    assert 0 < missed["upstream_ms"] <= missed["duration_ms"]
    assert missed["cache"] == "MISS"
    assert missed["bytes_out"] == len(first.content)
    assert (hit["cache"], hit["upstream_attempts"], hit["upstream_ms"]) == ("HIT", 0, 0)
    for line in (missed, hit):
        assert line["trace_id"] is None and line["span_id"] is None  # no tracing here
        assert line["request_id"] and line["status"] == 200


@pytest.mark.anyio
async def test_a_write_counts_the_bytes_it_sent(
    client: httpx.AsyncClient, log_lines: io.StringIO
) -> None:
    body = b'{"code": "T-9", "name": "Acme"}'
    answer = await client.post(
        "/v1/customers", content=body, headers={"Content-Type": "application/json"}
    )
    [line] = access_lines(log_lines)
    assert line["status"] == answer.status_code == 201
    assert (line["bytes_in"], line["bytes_out"]) == (len(body), len(answer.content))
    assert line["route"] == "/v1/customers" and line["upstream_attempts"] >= 1


@pytest.mark.anyio
@pytest.mark.parametrize("config", [with_server("  access_log: {sample_ratio: 0, slow_ms: 40}\n")])
async def test_sampled_away_lines_are_never_errors_nor_slow_ones(
    client: httpx.AsyncClient, app, log_lines: io.StringIO
) -> None:
    for _ in range(5):
        assert (await client.get("/v1/customers/borderbolt:501")).status_code == 200
    assert (await client.get("/v1/customers/borderbolt:999999")).status_code == 404
    sandbox_of(app).faults.add(Fault(latency=0.06))
    slow = await client.get("/v1/customers?limit=1")
    assert slow.status_code == 200
    statuses = [(line["status"], line["path"]) for line in access_lines(log_lines)]
    assert statuses == [(404, "/v1/customers/borderbolt:999999"), (200, "/v1/customers")]


@pytest.mark.anyio
@pytest.mark.parametrize("config", [with_server("  access_log: {enabled: false}\n")])
async def test_the_switch_turns_the_log_off(
    client: httpx.AsyncClient, log_lines: io.StringIO
) -> None:
    assert (await client.get("/v1/customers/borderbolt:501")).status_code == 200
    assert (await client.get("/v1/customers/borderbolt:999999")).status_code == 404
    assert access_lines(log_lines) == []


@pytest.mark.anyio
async def test_no_secret_reaches_any_field_of_the_line(
    client: httpx.AsyncClient, log_lines: io.StringIO
) -> None:
    """Each field a caller can steer, steered with a configured secret."""
    secrets = ("demo-key", "bb-upstream-token", "test-cursor-secret", "admin-key")
    for secret in secrets:
        await client.get(
            f"/v1/customers/borderbolt:{secret}",
            headers={"X-Forwarded-For": f"{secret}, 203.0.113.7", "X-Request-ID": secret},
        )
        await client.get(f"/v1/{secret}", headers={"X-Forwarded-For": secret})
    lines = access_lines(log_lines)
    assert len(lines) == 2 * len(secrets)
    for line in lines:
        assert set(line) >= {"client", "route", "path", "request_id", "key_name", "cache"}
        text = json.dumps(line)
        assert not [secret for secret in secrets if secret in text], text


def test_the_settings_are_checked_with_their_path_in_check_config_words() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(
            MINIMAL + "server: {access_log: {sample_ratio: 2, slow_ms: -1, sample: 1}}\n", env={}
        )
    assert caught.value.problems == [
        ("server.access_log.sample_ratio", "must be at most 1.0"),
        ("server.access_log.slow_ms", "must be at least 0.0"),
        ("server.access_log.sample", "not a field here; did you mean 'sample_ratio'?"),
    ]
