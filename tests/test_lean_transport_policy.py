"""LeanTransport (gateway/upstreams/lean_transport.py) where it meets the network's
policy: the egress policy refuses an address before connecting (and names resolve once
per connection's life), TLS checks the certificate and sends the host name by SNI. The
loopback servers and the client are tests/test_lean_transport.py's."""

from __future__ import annotations

import socket
import ssl
from pathlib import Path

import httpx
import pytest
from aiohttp.abc import ResolveResult

from gateway.upstreams.egress import REFUSED, Egress
from tests.test_egress import Names
from tests.test_lean_transport import OK, answering, client, serving
from tests.test_lean_transport import anyio_backend as anyio_backend  # both loops
from tests.test_store_tls import certificates

pytestmark = pytest.mark.anyio


async def test_the_egress_policy_refuses_before_connecting_and_names_resolve_once() -> None:
    class Counted(Names):
        calls = 0

        async def resolve(
            self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
        ) -> list[ResolveResult]:
            Counted.calls += 1
            return await super().resolve(host, port, family)

    closing = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"
    async with serving(await answering(closing)) as upstream:
        names = Counted({"api.test": "127.0.0.1"})
        async with client(resolver=names) as http:
            for _ in range(3):
                assert (await http.get(f"http://api.test:{upstream.port}/")).content == b"ok"
        refusing = Egress([("loopback", upstream.port)])  # as if the store listened there
        async with client(upstream, egress=refusing) as http:
            with pytest.raises(httpx.ConnectError) as refused:
                await http.get("/")
    assert str(refused.value) == REFUSED
    assert Counted.calls == 1 and upstream.connections == 3


async def test_tls_checks_the_certificate_and_the_host_name_sent_by_sni(tmp_path: Path) -> None:
    ca, cert, key = certificates(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    names_seen: list[str | None] = []
    server_tls.sni_callback = lambda _sock, name, _ctx: names_seen.append(name)
    trusting = ssl.create_default_context(cafile=str(ca))
    resolver = Names({"other.test": "127.0.0.1"})
    async with serving(await answering(OK), tls=server_tls) as upstream:
        url = f"https://127.0.0.1:{upstream.port}/secure"
        async with client(ssl_context=trusting, resolver=resolver) as http:
            answers = [await http.get(url) for _ in range(2)]
            with pytest.raises(httpx.ConnectError):  # the certificate names 127.0.0.1
                await http.get(f"https://other.test:{upstream.port}/")
        async with client(ssl_context=ssl.create_default_context()) as http:
            with pytest.raises(httpx.ConnectError):  # a CA the client does not trust
                await http.get(url)
    assert [a.content for a in answers] == [b"ok", b"ok"]
    assert "other.test" in names_seen
    assert len(upstream.requests) == 2
