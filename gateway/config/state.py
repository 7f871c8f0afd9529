"""``server.state``: where the state every worker and instance shares lives."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from gateway.config.base import Secret, _Model, _no_masked_credentials


class LocalState(_Model):
    """One process; an embedded SQLite file for what must outlive a restart. A relative
    ``path`` is relative to the config file's folder."""

    backend: Literal["local"] = "local"
    path: str = Field(default=".gateway/state.db", min_length=1)


PREFIX = r"^[A-Za-z0-9:_.-]{0,64}$"  # no braces: a key's hash tag is the gateway's own


class RedisState(_Model):
    """Every worker and instance shares one Redis (6.2+) or Valkey."""

    backend: Literal["redis"]
    url: Annotated[str, AfterValidator(_no_masked_credentials)] = Field(
        pattern=r"^(redis|rediss|unix)://"
    )
    prefix: str = Field(default="gw:", pattern=PREFIX)
    timeout: float = Field(default=1.0, gt=0, le=5)  # seconds per store call


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
    """Redis with Sentinel: the sentinels name the current master of ``service``, and
    the gateway follows it through a failover."""

    backend: Literal["redis-sentinel"]
    sentinels: list[Annotated[str, AfterValidator(_host_port)]] = Field(min_length=1)
    service: Annotated[str, AfterValidator(_service_name)] = "mymaster"
    db: int = Field(default=0, ge=0)
    prefix: str = Field(default="gw:", pattern=PREFIX)
    username: str | None = None
    password: Secret | None = None  # the master's (and its replicas')
    sentinel_password: Secret | None = None  # the sentinels' own, when they have one
    timeout: float = Field(default=1.0, gt=0, le=5)


def _cluster_url(url: str) -> str:
    path = url.split("://", 1)[1].partition("?")[0].partition("/")[2]
    if path not in ("", "0"):
        raise ValueError(
            f"a Redis Cluster has only database 0: remove '/{path}' from the URL "
            "(separate deployments by prefix)"
        )
    return _no_masked_credentials(url)


class RedisClusterState(_Model):
    """Redis Cluster: ``url`` names any node; the others are found from it."""

    backend: Literal["redis-cluster"]
    url: Annotated[str, AfterValidator(_cluster_url)] = Field(pattern=r"^(redis|rediss)://")
    prefix: str = Field(default="gw:", pattern=PREFIX)
    timeout: float = Field(default=1.0, gt=0, le=5)


SharedState = RedisState | RedisSentinelState | RedisClusterState
StateConfig = Annotated[
    LocalState | RedisState | RedisSentinelState | RedisClusterState,
    Field(discriminator="backend"),
]
