"""The Redis client of each shared state backend (API.md sections 7 and 12).

- ``redis``: one Redis or Valkey from its URL (``redis://``, ``rediss://`` for TLS,
  ``unix://``).
- ``redis-sentinel``: redis-py's ``Sentinel``; every new connection asks the sentinels
  for the current master of ``service`` (``master_for``), so after a failover the next
  connection reaches the promoted replica, and a connection still open to a demoted
  master fails on its first write (``READONLY``) instead of writing there.
- ``redis-cluster``: redis-py's ``RedisCluster``, found from the one node of ``url``;
  MOVED and ASK redirects are followed, and a node that fails makes the next call
  refresh the slot map.

Every client has the store's timeout on connect and on each reply, and no retry of
its own: a store call that fails is reported at once (gateway/store/base.py). Each
client's TCP connections finish a connect once started, even when the caller is
cancelled, and then close (``_CancelSafe``). ``limits_storage`` gives the ``limits``
package (per-key rate limits, gateway/guarantees/quotas.py) the same topology.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from urllib.parse import urlsplit

import redis.asyncio as aioredis
from limits.aio.storage import RedisClusterStorage, RedisSentinelStorage, RedisStorage
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.connection import parse_url
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import Sentinel, SentinelManagedConnection
from redis.backoff import NoBackoff

from gateway.config.model import RedisClusterState, RedisSentinelState, RedisState, SharedState

TURNS = 64  # store calls in flight per process (``RedisStore.call``); more queue for a turn
URGENT = 12  # calls in flight that must not queue behind requests (``RedisStore.call_now``)
# Connections per Redis server: every call in flight and a few spare; each near-cache
# subscription on the shared pool adds one while it lives (``NearSync.link``).
POOL = TURNS + URGENT + 4
URL_PARTS = {"host", "port", "username", "password", "db", "connection_class", "path"}
Client = aioredis.Redis | RedisCluster


class _CancelSafe(aioredis.Connection):
    """A connect, once started, finishes even if the caller is cancelled (a background
    loop stopping), and the connection is then closed: redis-py leaves the socket of a
    connect cancelled mid-handshake open."""

    async def connect(self) -> None:
        attempt = asyncio.ensure_future(super().connect())  # type: ignore[no-untyped-call]
        try:
            await asyncio.shield(attempt)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await attempt
            await self.disconnect()
            raise


class _Connection(_CancelSafe):
    pass


class _TLSConnection(_CancelSafe, aioredis.SSLConnection):
    pass


class _SentinelConnection(_CancelSafe, SentinelManagedConnection):
    pass


def standalone(url: str) -> RedisState:
    return RedisState(backend="redis", url=url)


def sentinel_addresses(state: RedisSentinelState) -> list[tuple[str, int]]:
    found = []
    for entry in state.sentinels:
        host, _, port = entry.rpartition(":")
        found.append((host.removeprefix("[").removesuffix("]"), int(port)))
    return found


def addresses(state: SharedState) -> list[str]:
    """Where the client connects first, as ``host:port`` (the sentinels for
    ``redis-sentinel``): what a message about an unreachable store names."""
    if isinstance(state, RedisSentinelState):
        return list(state.sentinels)
    parts = urlsplit(state.url)
    if parts.scheme == "unix":
        return [parts.path]
    host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
    return [f"{host}:{parts.port or 6379}"]


def _secret(value: Any) -> str | None:
    return None if value is None else str(value.get_secret_value())


def make_client(state: SharedState, timeout: float) -> tuple[Client, Sentinel | None]:
    """The client for ``state`` (bytes in, bytes out), and the ``Sentinel`` behind it to
    close with it, if any. Nothing connects before the first call."""
    common: dict[str, Any] = {
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "retry": Retry(NoBackoff(), 0),
    }
    if isinstance(state, RedisSentinelState):
        sentinel = Sentinel(
            sentinel_addresses(state),
            sentinel_kwargs={**common, "password": _secret(state.sentinel_password)},
        )
        master = sentinel.master_for(
            state.service,
            connection_class=_SentinelConnection,
            max_connections=POOL,
            db=state.db,
            username=state.username,
            password=_secret(state.password),
            retry_on_timeout=False,
            **common,
        )
        return master, sentinel
    if isinstance(state, RedisClusterState):
        cluster = RedisCluster.from_url(
            state.url, max_connections=POOL, require_full_coverage=False, **common
        )
        # RedisCluster takes no connection class; every node it finds is made with
        # the class in its connection kwargs (one dict, shared with its nodes manager).
        tls = state.url.startswith("rediss://")
        safe = _TLSConnection if tls else _Connection
        cluster.connection_kwargs["connection_class"] = safe
        for node in cluster.startup_nodes:
            node.connection_class = safe
        return cluster, None
    scheme = state.url.partition("://")[0]
    kinds: dict[str, Any] = {"redis": _Connection, "rediss": _TLSConnection}
    extra: dict[str, Any] = {"connection_class": kinds[scheme]} if scheme in kinds else {}
    pool = aioredis.ConnectionPool.from_url(
        state.url, max_connections=POOL, retry_on_timeout=False, **extra, **common
    )
    return aioredis.Redis.from_pool(pool), None


def limits_storage(state: SharedState, key_prefix: str, timeout: float) -> RedisStorage:
    """The ``limits`` package's storage on the same Redis (its own connections)."""
    options: dict[str, Any] = {
        "implementation": "redispy",
        "key_prefix": key_prefix,
        "wrap_exceptions": True,
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
    }
    if isinstance(state, RedisSentinelState):
        where = ",".join(state.sentinels)
        options["sentinel_kwargs"] = {
            "username": None,
            "password": _secret(state.sentinel_password),
            "socket_timeout": timeout,
            "socket_connect_timeout": timeout,
        }
        options.update(use_replicas=False, db=state.db)
        if state.username:
            options["username"] = state.username
        if state.password:
            options["password"] = _secret(state.password)
        return RedisSentinelStorage(f"async+redis+sentinel://{where}/{state.service}", **options)
    if isinstance(state, RedisClusterState):
        # the URL's options (TLS ones: ssl_ca_certs, ...) as redis-py reads them; limits'
        # cluster URI carries only the nodes and credentials
        read = parse_url(state.url)
        options.update({k: v for k, v in read.items() if k not in URL_PARTS})
        options["max_connections"] = POOL
        if state.url.startswith("rediss://"):
            options["ssl"] = True
        netloc = urlsplit(state.url).netloc
        return RedisClusterStorage(f"async+redis+cluster://{netloc}", **options)
    return RedisStorage("async+" + state.url, **options)


async def close_limits_storage(storage: RedisStorage) -> None:
    """Close the connections a ``limits_storage`` opened."""
    bridge = getattr(storage, "bridge", None)
    for name in ("storage", "storage_replica", "sentinel"):
        client = getattr(bridge, name, None)
        if client is not None:
            await client.aclose()
