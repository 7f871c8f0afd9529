"""Live connections: one adapter and one ``httpx.AsyncClient`` per configured connection."""

from __future__ import annotations

import functools
import ssl
from collections.abc import Generator
from dataclasses import dataclass

import httpx

from adapters import ADAPTERS, Adapter
from adapters.sandbox import Sandbox, SandboxTransport
from gateway.config import ConnectionConfig

USER_AGENT = "customer-gateway/0.1"


class BearerToken(httpx.Auth):
    """Adds ``Authorization: Bearer`` on each upstream request; the token stays out of repr."""

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every upstream client: building one takes tens of
    milliseconds, and each connection (and each live reload) would otherwise pay it."""
    return httpx.create_ssl_context()


@dataclass(slots=True)
class Connection:
    name: str
    config: ConnectionConfig
    adapter: Adapter
    client: httpx.AsyncClient
    sandbox: Sandbox | None

    async def aclose(self) -> None:
        await self.client.aclose()


def open_connection(name: str, config: ConnectionConfig) -> Connection:
    adapter_class = ADAPTERS[config.adapter]
    token = config.auth.token.get_secret_value()
    t = config.timeout
    timeout = httpx.Timeout(connect=t.connect, read=t.read, write=t.write, pool=t.pool)
    sandbox: Sandbox | None = None
    transport: httpx.AsyncBaseTransport
    if config.is_sandbox:
        sandbox = adapter_class.sandbox(token=token, api_version=config.api_version)
        transport = SandboxTransport(sandbox)
        base_url = f"http://{name}.sandbox"
    else:
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
        transport = httpx.AsyncHTTPTransport(limits=limits, verify=tls_context())
        base_url = config.base_url
    client = httpx.AsyncClient(
        base_url=base_url,
        auth=BearerToken(token),
        headers={"User-Agent": USER_AGENT},
        timeout=timeout,
        transport=transport,
    )
    adapter = adapter_class(connection=name, client=client, api_version=config.api_version)
    return Connection(name, config, adapter, client, sandbox)
