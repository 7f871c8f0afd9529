"""The running gateway: config, keys, connections and cursor codec, built from a Config.

A config change builds a new ``Gateway`` from the previous one: connections whose
config is unchanged are carried over whole (client, cache, breaker, sandbox), the
cursor secret and idempotency answers too. Each request pins the gateway it started
with (``enter``/``exit``); the previous gateway closes the connections it alone owned
once its last request has finished, so a reload fails no request in flight.
"""

from __future__ import annotations

import asyncio
import secrets

from gateway.auth import KeyStore
from gateway.config import BearerAuth, Config
from gateway.connections import Connection, open_connection
from gateway.cursor import CursorCodec
from gateway.errors import BadRequest, ConnectionRequired
from gateway.idempotency import IdempotencyStore
from gateway.logging import redactor
from gateway.metrics import Metrics


class Gateway:
    metrics: Metrics
    cursors: CursorCodec
    idempotency: IdempotencyStore

    def __init__(
        self, config: Config, *, metrics: Metrics | None = None, previous: Gateway | None = None
    ) -> None:
        self.config = config
        self.metrics = metrics or (previous.metrics if previous else Metrics())
        self.keys = KeyStore(config.api_keys)
        before = previous.connections if previous else {}
        self.connections: dict[str, Connection] = {}
        for name, conn in config.connections.items():
            old = before.get(name)
            if old is not None and old.config == conn:
                self.connections[name] = old
            else:
                observe = self.metrics.upstream_observer(name)
                self.connections[name] = open_connection(name, conn, observe=observe, previous=old)
        secret = config.server.cursor_secret
        if previous is not None and secret == previous.config.server.cursor_secret:
            self.cursors = previous.cursors
        else:
            self.cursors = CursorCodec(
                secret.get_secret_value().encode() if secret else secrets.token_bytes(32)
            )
        self.idempotency = previous.idempotency if previous else IdempotencyStore()
        self._active = 0
        self._leftovers: list[Connection] = []
        self._closing: set[asyncio.Task[None]] = set()
        redactor.set_secrets(config_secrets(config))

    def enter(self) -> None:
        self._active += 1

    def exit(self) -> None:
        self._active -= 1
        self._close_leftovers_when_idle()

    def retire(self, successor: Gateway) -> None:
        """Hand over to ``successor``; close what it did not take once requests drain."""
        kept = {id(c) for c in successor.connections.values()}
        self._leftovers = [c for c in self.connections.values() if id(c) not in kept]
        self._close_leftovers_when_idle()

    def _close_leftovers_when_idle(self) -> None:
        if self._active or not self._leftovers:
            return
        leftovers, self._leftovers = self._leftovers, []
        task = asyncio.get_running_loop().create_task(_close_all(leftovers))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    def choose(self, query_value: str | None, header_value: str | None) -> Connection:
        """The connection a create or list names (query, header, default, the only one)."""
        if query_value and header_value and query_value != header_value:
            raise BadRequest(
                f"the query names connection {query_value!r} and X-Connection names "
                f"{header_value!r}; give one"
            )
        name = query_value or header_value or self.config.server.default_connection
        if name is None:
            if len(self.connections) == 1:
                return next(iter(self.connections.values()))
            raise ConnectionRequired(
                "name a connection with ?connection= or X-Connection; "
                f"one of {sorted(self.connections)}"
            )
        if name == "*" or "," in name:
            raise BadRequest("only GET /v1/customers lists across several connections")
        connection = self.connections.get(name)
        if connection is None:
            raise BadRequest(f"no connection named {name!r}; one of {sorted(self.connections)}")
        return connection

    async def aclose(self) -> None:
        await asyncio.gather(*(c.aclose() for c in self.connections.values()))


async def _close_all(connections: list[Connection]) -> None:
    await asyncio.gather(*(c.aclose() for c in connections))


def config_secrets(config: Config) -> list[str]:
    found = [k.key.get_secret_value() for k in config.api_keys if k.key is not None]
    for connection in config.connections.values():
        auth = connection.auth
        secret = auth.token if isinstance(auth, BearerAuth) else auth.client_secret
        found.append(secret.get_secret_value())
    if config.server.cursor_secret is not None:
        found.append(config.server.cursor_secret.get_secret_value())
    return found
