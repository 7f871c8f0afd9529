"""``server.state``: where the state every worker and instance shares lives."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from gateway.config.base import Secret, _Model, _no_masked_credentials


class LocalState(_Model):
    """One process (the default; nothing to install): a SQLite file holds what must survive
    a restart (idempotency answers, the cursor secret, config versions), with the read
    cache and circuit breakers in memory. `gateway serve --workers N` with N > 1 is refused
    on it (see [Running several instances](instances.md))."""

    backend: Literal["local"] = "local"
    """This backend."""
    path: str = Field(default=".gateway/state.db", min_length=1)
    """The SQLite file, relative to the config file's folder; locked by the one process
    that serves it."""


PREFIX = r"^[A-Za-z0-9:_.-]{0,64}$"  # no braces: a key's hash tag is the gateway's own


class RedisState(_Model):
    """Every worker and instance shares one Redis (6.2+) or Valkey, standalone. Credentials
    in the URL are secrets: write `${ENV}` references; they are masked like every other."""

    backend: Literal["redis"]
    """This backend."""
    url: Annotated[str, AfterValidator(_no_masked_credentials)] = Field(
        pattern=r"^(redis|rediss|unix)://",
        examples=["redis://:${REDIS_PASSWORD}@10.0.0.5:6379/0"],
    )
    """The Redis to use: `redis://`, `rediss://` for TLS (with redis-py's query options such
    as `?ssl_ca_certs=/etc/gw/ca.pem`), `unix://` for a socket."""
    prefix: str = Field(default="gw:", pattern=PREFIX)
    """Every key the gateway keeps starts with it: deployments sharing one Redis are kept
    apart by it."""
    timeout: float = Field(default=1.0, gt=0, le=5)
    """Seconds per store call; past it the call fails like a store that is down."""


def _host_port(address: str) -> str:
    host, _, port = address.rpartition(":")
    if not host.strip("[]") or not port.isascii() or not port.isdigit():
        raise ValueError(f"{address!r} is not host:port (e.g. 10.0.0.5:26379)")
    if not 0 < int(port) < 65536:
        raise ValueError(f"{address!r}: the port must be 1 to 65535")
    return address


def _service_name(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", name):
        raise ValueError(
            f"{name!r} is not a master name as Sentinel monitors it (letters, digits, "
            "'_', '.' and '-', at most 64)"
        )
    return name


class RedisSentinelState(_Model):
    """Redis with Sentinel: the sentinels name the current master of `service`, and the
    gateway follows it through a failover (see
    [High availability](instances.md#high-availability-redis-sentinel-and-redis-cluster))."""

    backend: Literal["redis-sentinel"]
    """This backend."""
    sentinels: list[Annotated[str, AfterValidator(_host_port)]] = Field(
        min_length=1, examples=[["10.0.0.7:26379", "10.0.0.8:26379", "10.0.0.9:26379"]]
    )
    """The sentinels, as `host:port`; any of them that answers names the master."""
    service: Annotated[str, AfterValidator(_service_name)] = "mymaster"
    """The master's name, as the sentinels monitor it."""
    db: int = Field(default=0, ge=0)
    """The database number on the master."""
    prefix: str = Field(default="gw:", pattern=PREFIX)
    """Every key the gateway keeps starts with it."""
    username: str | None = Field(default=None, examples=["gateway"])
    """The master's and replicas' ACL user, when they have one."""
    password: Secret | None = Field(default=None, examples=["${REDIS_PASSWORD}"])
    """The master's (and its replicas') password: a secret."""
    sentinel_password: Secret | None = Field(default=None, examples=["${SENTINEL_PASSWORD}"])
    """The sentinels' own password, when they have one: a secret."""
    timeout: float = Field(default=1.0, gt=0, le=5)
    """Seconds per store call."""


def _cluster_url(url: str) -> str:
    path = url.split("://", 1)[1].partition("?")[0].partition("/")[2]
    if path not in ("", "0"):
        raise ValueError(
            f"a Redis Cluster has only database 0: remove '/{path}' from the URL "
            "(separate deployments by prefix)"
        )
    return _no_masked_credentials(url)


class RedisClusterState(_Model):
    """Redis Cluster: `url` names any node; the others are found from it. A cluster has
    database 0 only (separate deployments by `prefix`)."""

    backend: Literal["redis-cluster"]
    """This backend."""
    url: Annotated[str, AfterValidator(_cluster_url)] = Field(
        pattern=r"^(redis|rediss)://", examples=["redis://:${REDIS_PASSWORD}@10.0.1.5:7000"]
    )
    """Any node of the cluster; credentials and TLS options go in the URL, as for
    `redis`."""
    prefix: str = Field(default="gw:", pattern=PREFIX)
    """Every key the gateway keeps starts with it."""
    timeout: float = Field(default=1.0, gt=0, le=5)
    """Seconds per store call."""


SharedState = RedisState | RedisSentinelState | RedisClusterState
StateConfig = Annotated[
    LocalState | RedisState | RedisSentinelState | RedisClusterState,
    Field(discriminator="backend"),
]
