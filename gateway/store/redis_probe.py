"""Whether a shared state backend can be used at start, and why not (API.md section 12).

``gateway check-config`` cannot know whether the Redis a config names answers, takes
its password or is the topology it says; ``gateway serve`` asks before it starts
serving (``problem``), and exits with one line naming the backend, each address tried
and what it answered, never a traceback:

- ``redis``: the URL's server answers ``PING`` (with the URL's credentials).
- ``redis-sentinel``: a sentinel names the master of ``service``, and that master
  answers ``PING`` with ``password``.
- ``redis-cluster``: the URL's node is a cluster node and its cluster is ``ok``.

``reason`` words a failure the same way for ``/readyz`` when the store fails later.
No message ever holds a password: only what the server said about it.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import MasterNotFoundError
from redis.backoff import NoBackoff
from redis.exceptions import AuthenticationError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeout

from gateway.config.model import RedisClusterState, RedisSentinelState, SharedState
from gateway.store.redis_clients import addresses, sentinel_addresses

WITHIN = 8.0  # seconds the whole check may take: serve exits within 10 s


NO_PASSWORD_GIVEN = ("noauth", "authentication required", "must be called with the client")


def reason(exc: BaseException, timeout: float) -> str:
    """What a failed call to Redis says about the store, in a few words."""
    text = str(exc)
    lowered = text.lower()
    if isinstance(exc, MasterNotFoundError):
        return "no sentinel names a master for the service"
    if any(words in lowered for words in NO_PASSWORD_GIVEN):
        return "it asks for a password, and none was given"
    if isinstance(exc, AuthenticationError) or "wrongpass" in lowered:
        return "the password (or username) was refused"
    if isinstance(exc, TimeoutError | RedisTimeout):
        return f"no answer within {timeout:g} s"
    causes = [exc, exc.__cause__, exc.__context__]
    if any(isinstance(c, ConnectionRefusedError) for c in causes) or "refused" in lowered:
        return "connection refused"
    if any(isinstance(c, socket.gaierror) for c in causes):
        return "the host name does not resolve"
    return f"{type(exc).__name__}: {text}"[:200]


def _options(timeout: float) -> dict[str, Any]:
    return {
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "retry": Retry(NoBackoff(), 0),
    }


async def problem(state: SharedState) -> str | None:
    """Why the store ``state`` names cannot be used now; None when it answers."""
    where = f"server.state (backend {state.backend})"
    try:
        async with asyncio.timeout(WITHIN):
            found = await _problem(state)
    except TimeoutError:
        found = f"no answer within {WITHIN:g} s from {', '.join(addresses(state))}"
    return None if found is None else f"{where}: {found}"


async def _problem(state: SharedState) -> str | None:
    if isinstance(state, RedisSentinelState):
        return await _sentinel_problem(state)
    address = addresses(state)[0]
    client = aioredis.Redis.from_url(state.url, **_options(state.timeout))
    try:
        if isinstance(state, RedisClusterState):
            info = await client.cluster("INFO")
            if isinstance(info, dict) and info.get("cluster_state") != "ok":
                return f"the cluster at {address} reports cluster_state {info.get('cluster_state')}"
        else:
            await client.ping()
    except ResponseError as exc:
        if "cluster support disabled" in str(exc):
            return (
                f"{address} is not a cluster node (cluster support disabled); for a single "
                "Redis use backend: redis"
            )
        return f"{address}: {reason(exc, state.timeout)}"
    except Exception as exc:
        return f"{address}: {reason(exc, state.timeout)}"
    finally:
        await client.aclose()
    return None


async def _sentinel_problem(state: RedisSentinelState) -> str | None:
    password = state.sentinel_password
    secret = None if password is None else password.get_secret_value()
    tried = []
    master: tuple[str, int] | None = None
    for host, port in sentinel_addresses(state):
        sentinel = aioredis.Redis(host=host, port=port, password=secret, **_options(state.timeout))
        try:
            named = await sentinel.sentinel_get_master_addr_by_name(state.service)
        except Exception as exc:
            tried.append(f"{host}:{port} ({reason(exc, state.timeout)})")
            continue
        finally:
            await sentinel.aclose()
        if not isinstance(named, tuple):
            tried.append(f"{host}:{port} (monitors no master named {state.service!r})")
            continue
        master = (_text(named[0]), int(named[1]))
        break
    if master is None:
        return f"no sentinel named the master of {state.service!r}: {', '.join(tried)}"
    word = state.password
    client = aioredis.Redis(
        host=master[0],
        port=master[1],
        db=state.db,
        username=state.username,
        password=None if word is None else word.get_secret_value(),
        **_options(state.timeout),
    )
    try:
        await client.ping()
    except Exception as exc:
        named_by = f"the master {master[0]}:{master[1]} the sentinels name"
        return f"{named_by}: {reason(exc, state.timeout)}"
    finally:
        await client.aclose()
    return None


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
