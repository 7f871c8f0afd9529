"""gateway/http/forwarded.py: the client's address behind trusted proxies, and only those."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from gateway.config.model import ConfigError
from gateway.config.text import parse_config
from gateway.http.forwarded import client_address, forwarded_https, networks
from tests.servers import demo_gateway
from tests.test_config import MINIMAL

TRUSTED = networks(("10.0.0.0/8", "::1"))


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "client"),
    [
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not a proxy: its header is ignored
        ("10.0.0.2", "198.51.100.1", "198.51.100.1"),
        ("10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.7", "198.51.100.1"),  # spoofed left part
        ("10.0.0.2", "", "10.0.0.2"),  # a proxy's own request
        ("::1", "2001:db8::5", "2001:db8::5"),
        ("10.0.0.2", "10.0.0.3, 10.0.0.4", "10.0.0.3"),  # every hop trusted: the first
    ],
)
def test_the_client_is_the_last_untrusted_hop(peer: str, forwarded_for: str, client: str) -> None:
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
    assert client_address(peer, headers, TRUSTED) == client


def test_without_trusted_proxies_the_headers_are_ignored() -> None:
    headers = {"x-forwarded-for": "198.51.100.1", "x-forwarded-proto": "https"}
    assert client_address("10.0.0.2", headers, ()) == "10.0.0.2"
    assert not forwarded_https("10.0.0.2", headers, ())
    assert forwarded_https("10.0.0.2", headers, TRUSTED)
    assert not forwarded_https("203.0.113.9", headers, TRUSTED)


def test_trusted_proxies_must_be_addresses_or_networks() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(MINIMAL + "server: {trusted_proxies: [10.0.0.0/8, lb.internal]}\n", env={})
    assert caught.value.problems == [
        (
            "server.trusted_proxies",
            "'lb.internal' is not an IP address or network (e.g. 10.0.0.0/8)",
        )
    ]


def test_a_served_gateway_believes_no_forwarded_header_without_trusted_proxies(
    tmp_path: Path,
) -> None:
    """uvicorn's own proxy-header trust is off: with ``server.trusted_proxies`` unset, a
    client on loopback changing ``X-Forwarded-For`` on every try is still one client
    to the console's sign-in limit (10 a minute), in a real ``gateway serve``."""
    with demo_gateway(tmp_path) as served, httpx.Client(base_url=served.url) as client:
        statuses = [
            client.post(
                "/admin/ui/login",
                data={"key": f"guess-{n}"},
                headers={"X-Forwarded-For": f"198.51.100.{n}"},
            ).status_code
            for n in range(14)
        ]
    assert statuses == [401] * 10 + [429] * 4
