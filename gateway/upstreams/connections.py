"""Live connections: one adapter and one ``httpx.AsyncClient`` per configured connection."""

from __future__ import annotations

import functools
import hashlib
import ssl
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from adapters import ADAPTERS, Adapter
from adapters.sandbox import Credentials, Sandbox, SandboxTransport
from adapters.upstream import Upstream
from gateway.caching.cache import ResponseCache
from gateway.config.model import BearerAuth, ConnectionConfig
from gateway.guarantees.quotas import BudgetTransport, Quotas
from gateway.store import Store
from gateway.upstreams.auth import BearerToken, ClientCredentials
from gateway.upstreams.egress import Egress
from gateway.upstreams.lean_transport import LeanTransport
from gateway.upstreams.transport import UpstreamClient
from kernel.resilience import RetryPolicy

USER_AGENT = "customer-gateway/0.1"


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
    cache: ResponseCache  # or the shared one of gateway/store/shared_cache.py

    async def aclose(self) -> None:
        await self.client.aclose()
        await self.cache.aclose()


def upstream_auth(
    name: str, config: ConnectionConfig, observe: Callable[[str, str, float], None] | None = None
) -> httpx.Auth:
    """The connection's credentials; ``observe`` hears a token endpoint's refusal."""
    auth = config.auth
    if isinstance(auth, BearerAuth):
        return BearerToken(auth.token.get_secret_value())
    return ClientCredentials(
        connection=name,
        token_url=auth.token_url,
        client_id=auth.client_id,
        client_secret=auth.client_secret.get_secret_value(),
        scope=auth.scope,
        on_refused=(lambda: observe("POST", "token_refused", 0.0)) if observe else None,
    )


def sandbox_credentials(config: ConnectionConfig) -> Credentials:
    auth = config.auth
    if isinstance(auth, BearerAuth):
        return Credentials(token=auth.token.get_secret_value())
    return Credentials(
        client_id=auth.client_id, client_secret=auth.client_secret.get_secret_value()
    )


def namespace(config: ConnectionConfig) -> str:
    """A digest of a connection's config (secrets masked): shared cache entries and
    breaker state of one configuration never mix with another's."""
    return hashlib.sha256(config.model_dump_json().encode()).hexdigest()[:16]


def open_connection(
    name: str,
    config: ConnectionConfig,
    store: Store,
    quotas: Quotas,
    *,
    observe: Callable[[str, str, float], None] | None = None,
    previous: Connection | None = None,
    egress: Egress | None = None,
) -> Connection:
    """A live connection. A ``previous`` one of the same name lends its sandbox (so a
    config change does not wipe the simulator's data) when adapter, version and
    credentials are unchanged. ``egress``: the policy its upstream addresses pass."""
    adapter_class = ADAPTERS[config.adapter]
    t = config.timeout
    timeout = httpx.Timeout(connect=t.connect, read=t.read, write=t.write, pool=t.pool)
    sandbox: Sandbox | None = None
    transport: httpx.AsyncBaseTransport
    if config.is_sandbox:
        if (
            previous is not None
            and previous.sandbox is not None
            and _same_upstream(previous.config, config)
        ):
            sandbox = previous.sandbox
        else:
            sandbox = adapter_class.sandbox(
                credentials=sandbox_credentials(config), api_version=config.api_version
            )
        transport = SandboxTransport(sandbox)
        base_url = f"http://{name}.sandbox"
    else:
        # Every connection is kept alive (as aiohttp's pool did): 20 would close and
        # reopen one per request above 20 concurrent calls to one upstream.
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
        transport = LeanTransport(limits=limits, ssl_context=tls_context(), egress=egress)
        base_url = config.base_url
    if config.rate_limit is not None:
        transport = BudgetTransport(transport, quotas, name, config.rate_limit)
    client = UpstreamClient(
        connection=name,
        base_url=base_url,
        auth=upstream_auth(name, config, observe),
        headers={"User-Agent": USER_AGENT},
        timeout=timeout,
        transport=transport,
    )
    upstream = Upstream(
        name,
        client,
        retry=RetryPolicy(**config.retry.model_dump(), deadline=t.total),
        breaker=store.breaker(name, namespace(config), config.circuit_breaker),
        observe=observe,
        wait_hint=adapter_class.wait_after_429,
    )
    adapter = adapter_class(
        connection=name,
        upstream=upstream,
        api_version=config.api_version,
        field_mapping=adapter_class.compile_mapping(name, config.field_mapping),
    )
    cache = store.response_cache(name, namespace(config), config.cache)
    return Connection(name, config, adapter, client, sandbox, cache)


def _same_upstream(old: ConnectionConfig, new: ConnectionConfig) -> bool:
    return (old.adapter, old.api_version, old.base_url, old.auth) == (
        new.adapter,
        new.api_version,
        new.base_url,
        new.auth,
    )
