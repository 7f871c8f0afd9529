"""API keys: who is calling, with which scopes, on which connections.

Keys are looked up by the sha256 of the presented bearer token, so configs may hold
only ``key_sha256`` and no plain key is compared or kept beyond config loading.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from gateway.config.model import ApiKeyConfig, RateLimit
from kernel.errors import Forbidden, Unauthorized

WWW_AUTHENTICATE = {"WWW-Authenticate": 'Bearer realm="customer-gateway"'}


@dataclass(frozen=True, slots=True)
class Identity:
    """An authenticated API key (its name, never its secret)."""

    name: str
    digest: str
    scopes: frozenset[str]
    connections: frozenset[str]
    rate_limit: RateLimit | None = None

    def require_scope(self, scope: str) -> None:
        if scope not in self.scopes:
            raise Forbidden(f"this API key lacks the scope {scope!r}")

    def may_use(self, connection: str) -> bool:
        return "*" in self.connections or connection in self.connections

    def require_connection(
        self, connection: str, defaulted: bool = False, configured: Iterable[str] = ()
    ) -> None:
        """403 unless this key may use ``connection``. ``defaulted``: the call named no
        connection and got the default, so the answer says which one to name instead
        (of the ``configured`` connections the key may use)."""
        if self.may_use(connection):
            return
        message = f"this API key may not use the connection {connection!r}"
        usable = sorted(name for name in configured if self.may_use(name))
        if defaulted and usable:
            named = " or ".join(f"connection={name}" for name in usable)
            message += f" (the default, as the call named none); pass {named}"
        raise Forbidden(message, connection=connection)


class KeyStore:
    def __init__(self, keys: Iterable[ApiKeyConfig]) -> None:
        self._by_digest = {
            key.digest: Identity(
                key.name,
                key.digest,
                frozenset(key.scopes),
                frozenset(key.connections),
                key.rate_limit,
            )
            for key in keys
        }

    def by_digest(self, digest: str) -> Identity | None:
        """The key with this sha256, while the config still has it (console sessions)."""
        return self._by_digest.get(digest)

    def authenticate(self, authorization: str | None) -> Identity:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized(
                "send an API key as 'Authorization: Bearer <key>'", headers=WWW_AUTHENTICATE
            )
        digest = hashlib.sha256(token.strip().encode()).hexdigest()
        for known, identity in self._by_digest.items():
            if hmac.compare_digest(known, digest):
                return identity
        raise Unauthorized("unknown API key", headers=WWW_AUTHENTICATE)
