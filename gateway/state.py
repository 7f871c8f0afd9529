"""The running gateway: config, keys, connections and cursor codec, built from a Config."""

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


class Gateway:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.keys = KeyStore(config.api_keys)
        self.connections: dict[str, Connection] = {
            name: open_connection(name, conn) for name, conn in config.connections.items()
        }
        secret = config.server.cursor_secret
        self.cursors = CursorCodec(
            secret.get_secret_value().encode() if secret else secrets.token_bytes(32)
        )
        self.idempotency = IdempotencyStore()
        redactor.set_secrets(config_secrets(config))

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


def config_secrets(config: Config) -> list[str]:
    found = [k.key.get_secret_value() for k in config.api_keys if k.key is not None]
    for connection in config.connections.values():
        auth = connection.auth
        secret = auth.token if isinstance(auth, BearerAuth) else auth.client_secret
        found.append(secret.get_secret_value())
    if config.server.cursor_secret is not None:
        found.append(config.server.cursor_secret.get_secret_value())
    return found
