"""The egress policy (gateway/upstreams/egress.py): link-local and cloud metadata addresses and
the state store's own address are refused for every URL a config names, loopback and
private ranges for webhooks when ``server.egress.deny_private`` is on; at config time
on what the URL says, and at connect time on what a name resolves to.

Names are resolved by a resolver the test gives (offline, no DNS name resolves to a
metadata address); everything after resolution is real: receivers, sockets, Redis."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from gateway.config.model import ConfigError, LocalState, RedisState
from gateway.config.text import parse_config
from gateway.upstreams.connections import tls_context
from gateway.upstreams.egress import REFUSED, Egress, address, store_addresses
from gateway.upstreams.lean_transport import LeanTransport
from tests.conftest import CONFIG, client_for
from tests.servers import ROOT, free_port
from tests.test_webhooks import Receiver, deliveries, gateway, hook, hooks_config, serving, until

pytestmark = pytest.mark.anyio


class Names(AbstractResolver):
    """A resolver that knows the names it is given, and no other."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if host not in self.names:
            raise OSError(f"{host} is not a name this test knows")
        ip = self.names[host]
        kind = socket.AF_INET6 if ":" in ip else socket.AF_INET
        return [
            ResolveResult(
                hostname=host, host=ip, port=port, family=kind, proto=0, flags=socket.AI_NUMERICHOST
            )
        ]

    async def close(self) -> None:
        return None


def problems(text: str) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as refused:
        parse_config(text)
    return refused.value.problems


def test_addresses_are_read_in_every_form_the_resolver_accepts() -> None:
    forms = {
        "169.254.169.254": "169.254.169.254",
        "2852039166": "169.254.169.254",  # one decimal number
        "0xa9.0xfe.0xa9.0xfe": "169.254.169.254",
        "127.1": "127.0.0.1",
        "[::ffff:169.254.169.254]": "169.254.169.254",
        "[64:ff9b::a9fe:a9fe]": "169.254.169.254",  # NAT64
        "[fd00:ec2::254]": "fd00:ec2::254",
        "hooks.example.com": None,
    }
    assert {form: str(a) if (a := address(form)) else None for form in forms} == forms


def test_the_store_is_where_its_url_and_any_sentinels_say() -> None:
    assert store_addresses(RedisState(backend="redis", url="redis://LocalHost/0")) == (
        ("loopback", 6379),
    )
    sentinels = SimpleNamespace(sentinels=["10.0.0.7:26379", "[fd00::7]:26379", "bad"])
    assert store_addresses(sentinels) == (("10.0.0.7", 26379), ("fd00::7", 26379))
    assert store_addresses(LocalState()) == ()
    unix = RedisState(backend="redis", url="unix:///run/redis.sock")
    assert store_addresses(unix) == ()


def test_metadata_link_local_and_the_store_are_refused_at_config_time() -> None:
    state = '  state: {backend: redis, url: "redis://127.0.0.1:6390/0"}\n'
    refused = [
        "http://169.254.169.254/latest/meta-data/",
        "http://2852039166/",
        "http://[::ffff:169.254.169.254]/",
        "http://[fd00:ec2::254]/",
        "http://169.254.10.20:8080/",
        "http://localhost:6390/",  # the store, by another name for this machine
        "http://[::1]:6390/",
    ]
    allowed = ["http://127.0.0.1:9100/hook", "http://10.1.2.3/hook", "https://hooks.example.com/"]
    text = hooks_config(
        *(hook(f"h{i}", url) for i, url in enumerate(refused + allowed)), state=state
    )
    found = problems(text)
    assert [path for path, _ in found] == [f"webhooks.{i}.url" for i in range(len(refused))]
    assert all(message.startswith(REFUSED) for _, message in found)
    assert "cloud metadata" in found[0][1] and "state store" in found[-1][1]


def test_upstream_urls_are_refused_the_same_way_but_private_ones_stay_allowed() -> None:
    remote = CONFIG.replace(
        'base_url: "https://bb.example.test/tenant"', 'base_url: "http://[fd00:ec2::254]"'
    )
    shop = remote.replace(
        'token_url: "https://auth.example.test/oauth/token"',
        'token_url: "http://169.254.169.254/token"',
    )
    assert [path for path, _ in problems(shop)] == [
        "connections.shopremote.auth.token_url",
        "connections.remote.base_url",
    ]
    private = CONFIG.replace("https://bb.example.test/tenant", "http://10.0.0.5/tenant").replace(
        "  max_body_bytes: 2048\n", "  max_body_bytes: 2048\n  egress: {deny_private: true}\n"
    )
    assert parse_config(private).connections["remote"].base_url == "http://10.0.0.5/tenant"


def test_deny_private_refuses_loopback_and_private_webhooks_at_config_time() -> None:
    private = [
        "http://127.0.0.1:9100/",
        "http://localhost:9100/",
        "http://[::1]:9100/",
        "http://10.1.2.3/",
        "http://192.168.1.5/",
        "http://100.64.0.1/",
    ]
    text = hooks_config(
        *(hook(f"h{i}", url) for i, url in enumerate([*private, "https://hooks.example.com/"])),
        state="  egress: {deny_private: true}\n",
    )
    found = problems(text)
    assert [path for path, _ in found] == [f"webhooks.{i}.url" for i in range(len(private))]
    assert "deny_private" in found[0][1]
    assert problems(hooks_config(hook("x", "http://[::1/"))) == [
        (
            "webhooks.0.url",
            "not a valid URL: check the host (an IPv6 address in [brackets]) and the port "
            "(1 to 65535)",
        )
    ]


async def test_admin_validate_and_check_config_name_the_refused_url(tmp_path: Path) -> None:
    bad = (
        'connections:\n  bb: {adapter: borderbolt, base_url: "sandbox:", '
        "auth: {type: bearer, token: t}}\n"
        f"webhooks:\n  - {hook('meta', 'http://169.254.169.254/hook')}\n"
    )
    ok = hooks_config(hook("ok", "https://hooks.example.com/"))
    async with (
        gateway(ok, tmp_path / "config.yaml") as app,
        client_for(app, key="admin-key") as admin,
    ):
        answer = await admin.post(
            "/admin/config/validate", content=bad, headers={"Content-Type": "application/yaml"}
        )
    assert answer.status_code == 422, answer.text
    [detail] = answer.json()["error"]["details"]
    assert detail["field"] == "webhooks.0.url" and detail["message"].startswith(REFUSED)
    path = tmp_path / "bad.yaml"
    path.write_text(bad)
    command = [sys.executable, "-m", "gateway", "check-config", str(path)]
    checked = await asyncio.to_thread(
        subprocess.run, command, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert checked.returncode != 0
    assert "webhooks.0.url: refused by the egress policy" in checked.stdout + checked.stderr


async def test_a_name_resolving_to_a_private_address_is_refused_when_deny_private_is_on() -> None:
    """Both webhooks' names resolve to loopback: one has a live receiver, the other
    nothing. Both are refused alike, before a connection: the delivery says nothing of
    whether the target answers."""
    live = Receiver()
    text = hooks_config(
        hook("live", f"http://receiver.test:{live.port}/hook"),
        hook("dead", f"http://nobody.test:{free_port()}/hook"),
        state="  egress: {deny_private: true}\n",
    )
    async with serving(live), gateway(text) as app:
        app.state.host.deliveries.resolver = Names(
            {"receiver.test": "127.0.0.1", "nobody.test": "127.0.0.1"}
        )
        async with client_for(app) as client:
            await client.patch("/v1/customers/borderbolt:501", json={"name": "Probe"})
        await until(lambda: _all_tried(app, 2), "both attempts")
        found = {d["webhook"]: d for d in await deliveries(app)}
    assert live.seen == []
    outcomes = {name: (d["last_status"], d["last_error"]) for name, d in found.items()}
    assert outcomes == {"live": (None, REFUSED), "dead": (None, REFUSED)}


async def test_names_resolving_to_metadata_or_the_store_are_refused_loopback_is_not(
    redis: Any,
) -> None:
    receiver = Receiver()
    state = f'  state: {{backend: redis, url: "{redis.url}", prefix: "e{uuid.uuid4().hex[:6]}:"}}\n'
    text = hooks_config(
        hook("meta", "http://metadata.test/latest/meta-data/"),
        hook("store", f"http://store.test:{redis.port}/"),
        hook("ok", f"http://receiver.test:{receiver.port}/hook"),
        state=state,
    )
    async with serving(receiver), gateway(text) as app:
        app.state.host.deliveries.resolver = Names(
            {
                "metadata.test": "169.254.169.254",
                "store.test": "127.0.0.1",
                "receiver.test": "127.0.0.1",
            }
        )
        async with client_for(app) as client:
            await client.patch("/v1/customers/borderbolt:501", json={"name": "Probe"})
        await until(lambda: _all_tried(app, 3), "three attempts")
        found = {d["webhook"]: d for d in await deliveries(app)}
    assert (found["meta"]["last_status"], found["meta"]["last_error"]) == (None, REFUSED)
    assert (found["store"]["last_status"], found["store"]["last_error"]) == (None, REFUSED)
    assert found["ok"]["status"] == "delivered" and len(receiver.seen) == 1


async def _all_tried(app: Any, count: int) -> bool:
    """Every delivery has an outcome: delivered, or an attempt that failed."""
    found = await deliveries(app)
    done = [d for d in found if d["status"] == "delivered" or d["last_error"] is not None]
    return len(found) == count == len(done)


class Listener:
    """A TCP server that counts the connections it is given and answers 204."""

    def __init__(self) -> None:
        self.port = free_port()
        self.connections = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()


async def test_upstream_connections_refuse_the_store_and_metadata_at_connect_time() -> None:
    """The transport under every upstream client: a name resolving to the state store's
    address (here a listener standing in for it) or to the metadata address is never
    connected to and is "never reached"; another port on the same host is fine."""
    store, upstream = Listener(), Listener()
    servers = [await asyncio.start_server(s.handle, "127.0.0.1", s.port) for s in (store, upstream)]
    state = RedisState(backend="redis", url=f"redis://state.internal:{store.port}/0")
    names = Names(
        {"state.internal": "127.0.0.1", "api.test": "127.0.0.1", "meta.test": "169.254.169.254"}
    )
    transport = LeanTransport(
        limits=httpx.Limits(max_connections=10),
        ssl_context=tls_context(),
        egress=Egress(store_addresses(state)),
        resolver=names,
    )
    try:
        async with httpx.AsyncClient(transport=transport) as client:
            for url in (f"http://api.test:{store.port}/", "http://meta.test/latest"):
                with pytest.raises(httpx.ConnectError) as refused:
                    await client.get(url)
                assert str(refused.value) == REFUSED
            assert (await client.get(f"http://api.test:{upstream.port}/")).status_code == 204
    finally:
        for server in servers:
            server.close()
            await server.wait_closed()
    assert (store.connections, upstream.connections) == (0, 1)


async def test_each_upstream_transport_knows_the_store_address(redis: Any) -> None:
    state = f'  state: {{backend: redis, url: "{redis.url}", prefix: "e{uuid.uuid4().hex[:6]}:"}}\n'
    async with gateway(hooks_config(hook("ok", "https://hooks.example.com/"), state=state)) as app:
        transport = app.state.runtime.connections["remote"].client._transport
        assert isinstance(transport, LeanTransport)
        assert transport.egress.refusal("127.0.0.1", redis.port) is not None
        assert transport.egress.refusal("127.0.0.1", redis.port + 1) is None
