"""``config.yaml``: its pydantic models, ``${VAR}`` expansion and loading.

Loading is three steps, each with errors that name the path of the problem:
parse YAML -> expand ``${VAR}`` / ``${VAR:-default}`` in string values (``$$`` is a
literal ``$``) -> validate with the models below. Any failure is one ``ConfigError``
carrying every problem found, so ``gateway check-config`` can print them all.
"""

from __future__ import annotations

import hashlib
import ipaddress
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from gateway.config.base import MASK, RateLimit, Secret, _Model
from gateway.config.changes import DeliveryConfig, EventsConfig, WebhookConfig
from gateway.config.connection import (
    SANDBOX,
    Auth,
    BearerAuth,
    BudgetLimit,
    CacheConfig,
    CircuitBreakerConfig,
    ConnectionConfig,
    OAuth2ClientCredentialsAuth,
    RetryConfig,
    TimeoutConfig,
)
from gateway.config.observability import AccessLogConfig
from gateway.config.state import (
    LocalState,
    RedisClusterState,
    RedisSentinelState,
    RedisState,
    SharedState,
    StateConfig,
)
from kernel.wording import suggestion

# Models live in base.py, state.py, connection.py, changes.py and observability.py;
# importing them from here keeps working.
__all__ = [
    "MASK",
    "SANDBOX",
    "Auth",
    "BearerAuth",
    "BudgetLimit",
    "CacheConfig",
    "CircuitBreakerConfig",
    "Config",
    "ConfigError",
    "ConnectionConfig",
    "LocalState",
    "OAuth2ClientCredentialsAuth",
    "RateLimit",
    "RedisClusterState",
    "RedisSentinelState",
    "RedisState",
    "RetryConfig",
    "Secret",
    "SharedState",
    "StateConfig",
    "TimeoutConfig",
]

DEFAULT_PATH = "config.yaml"
CONNECTION_NAME = r"^[A-Za-z0-9_-]{1,64}$"
SCOPES = frozenset(
    {
        "customers:read",
        "customers:write",
        "customers:delete",
        "items:read",
        "items:write",
        "items:delete",
        "passthrough",
        "admin",
    }
)


class ConfigError(Exception):
    """Every problem of one config, each as ``(path, message)``."""

    def __init__(
        self,
        problems: list[tuple[str, str]],
        positions: list[tuple[int, int] | None] | None = None,
    ) -> None:
        self.problems = problems
        # Each problem's line and column in the text (1-based), where the text has it.
        self.positions = positions or [None] * len(problems)
        super().__init__("; ".join(f"{p}: {m}" if p else m for p, m in problems))

    def located(self) -> list[tuple[str, str, tuple[int, int] | None]]:
        return [(p, m, pos) for (p, m), pos in zip(self.problems, self.positions, strict=True)]


class Limits(_Model):
    """What one client may hold of the server (gateway/serving/server.py): slow clients
    cannot hold it."""

    header_timeout: float = Field(default=10.0, gt=0)
    """Seconds a client has to send a request's line and headers; a silent or slowloris
    connection is closed then (a trickle of bytes does not extend it)."""
    keep_alive: float = Field(default=5.0, gt=0)
    """Seconds an idle kept-alive connection stays open."""
    max_connections: int = Field(default=1000, ge=1)
    """Open connections and requests; past it new requests are answered 503 at once."""
    backlog: int = Field(default=2048, ge=1)
    """The listen backlog."""


class AuditConfig(_Model):
    """The audit log (see [Audit and config history](admin.md#audit-and-config-history))."""

    retention: float = Field(default=90 * 86_400, gt=0)
    """Seconds audit records are kept (90 days)."""


class EgressConfig(_Model):
    """Where the gateway may connect for a configured URL (gateway/upstreams/egress.py; see
    [Egress policy](changes.md#egress-policy)): link-local and cloud metadata addresses and
    the state store's address are always refused, for webhooks and upstreams alike."""

    deny_private: bool = False
    """Also refuse loopback and private ranges (`127/8`, `10/8`, `192.168/16`, ...) as
    webhook receivers."""


class TracingConfig(_Model):
    """OpenTelemetry traces exported over OTLP/HTTP (API.md section 14); the standard
    `OTEL_*` variables say where to (see [Tracing](observability.md#tracing))."""

    enabled: bool = False
    """Make traces."""
    sample_ratio: float = Field(default=1.0, ge=0, le=1)
    """The share of traces started here that are kept (a caller's sampled `traceparent`
    is followed)."""


class ServerConfig(_Model):
    """The gateway itself: how it serves, where it keeps shared state, what it logs."""

    default_connection: str | None = Field(default=None, examples=["shop"])
    """The connection for lists and creates that name none; with none set and one
    connection, that one."""
    audit: AuditConfig = AuditConfig()
    """The audit log."""
    events: EventsConfig = EventsConfig()
    """The change feed."""
    webhooks: DeliveryConfig = DeliveryConfig()
    """How webhook deliveries are retried."""
    egress: EgressConfig = EgressConfig()
    """Where configured URLs may point."""
    state: StateConfig = LocalState()
    """Where shared state lives: one backend of the four below (see
    [Running several instances](instances.md))."""
    limits: Limits = Limits()
    """What one client may hold of the server."""
    shutdown_grace: float = Field(default=20.0, gt=0, le=3600)
    """Seconds from SIGTERM within which requests in flight finish; the rest are cut off
    (503 `shutting_down`). See [Graceful shutdown](instances.md#graceful-shutdown)."""
    max_body_bytes: int = Field(default=1_048_576, ge=1)
    """Larger request bodies are 413."""
    cursor_secret: Secret | None = Field(default=None, examples=["${GATEWAY_CURSOR_SECRET}"])
    """The HMAC key of list cursors (none: made once and kept in the state store); set it
    to control it yourself. A cursor from any instance works on every other either way."""
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    """`debug` also logs each upstream call."""
    access_log: AccessLogConfig = AccessLogConfig()
    """One JSON line per request (see [the access log](observability.md#the-access-log))."""
    tracing: TracingConfig = TracingConfig()
    """Traces."""
    trusted_proxies: list[str] = Field(default_factory=list, examples=[["10.0.0.0/8"]])
    """Addresses or networks of the proxies in front: only their `X-Forwarded-For` and
    `X-Forwarded-Proto` are believed (the client is the right-most address not a trusted
    proxy); used by the console's sign-in limit and its `Secure` cookie. It is the only
    rule: `gateway serve` turns uvicorn's own proxy-header trust off (which would believe
    the headers from 127.0.0.1); serving `gateway.asgi:create` with uvicorn yourself, pass
    `--no-proxy-headers`."""

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, entries: list[str]) -> list[str]:
        for entry in entries:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError as exc:
                raise ValueError(
                    f"{entry!r} is not an IP address or network (e.g. 10.0.0.0/8)"
                ) from exc
        return entries


class ApiKeyConfig(_Model):
    """A client's API key (`Authorization: Bearer <key>`): exactly one of `key` and
    `key_sha256`. `gateway keys new` makes a key and prints the `key_sha256` line to paste;
    `gateway keys hash` hashes an existing one."""

    name: str = Field(min_length=1, examples=["reporting"])
    """Shown in logs and the audit, never the key; unique."""
    key: Secret | None = Field(default=None, examples=["${REPORTING_KEY}"])
    """The bearer token itself: a secret."""
    key_sha256: str | None = Field(
        default=None,
        pattern=r"^[0-9a-fA-F]{64}$",
        examples=["2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"],
    )
    """The token's sha256, hex (preferred: the config then holds no key)."""
    scopes: list[str] = Field(min_length=1, examples=[["customers:read", "items:read"]])
    """What the key may do: `customers:read`, `customers:write`, `customers:delete`,
    `items:read`, `items:write`, `items:delete`, `passthrough`, `admin`."""
    connections: list[str] = Field(default_factory=lambda: ["*"], examples=[["shop"]])
    """The connections the key may use (`*`: every one)."""
    rate_limit: RateLimit | None = Field(default=None, examples=[{"requests": 600, "per": 60}])
    """The key's own limit (none: not limited, and no `RateLimit-*` headers)."""

    @field_validator("scopes")
    @classmethod
    def _known_scopes(cls, scopes: list[str]) -> list[str]:
        unknown = sorted(set(scopes) - SCOPES)
        if unknown:
            raise ValueError(
                "; ".join(f"unknown scope {name!r}" + suggestion(name, SCOPES) for name in unknown)
            )
        return scopes

    @model_validator(mode="after")
    def _one_secret(self) -> ApiKeyConfig:
        if (self.key is None) == (self.key_sha256 is None):
            raise ValueError("give exactly one of 'key' or 'key_sha256'")
        if self.key is not None and not self.key.get_secret_value():
            raise ValueError("'key' is empty")
        return self

    @property
    def digest(self) -> str:
        """The sha256 hex digest the presented bearer token must hash to."""
        if self.key_sha256 is not None:
            return self.key_sha256.lower()
        assert self.key is not None
        return hashlib.sha256(self.key.get_secret_value().encode()).hexdigest()


class Config(_Model):
    """The whole file."""

    server: ServerConfig = ServerConfig()
    """The gateway itself."""
    api_keys: list[ApiKeyConfig] = Field(default_factory=list)
    """The clients' keys (none: every call that needs a key is 401)."""
    connections: dict[Annotated[str, Field(pattern=CONNECTION_NAME)], ConnectionConfig] = Field(
        min_length=1
    )
    """The upstreams, by name: at least one."""
    webhooks: list[WebhookConfig] = Field(default_factory=list)
    """Where change events are POSTed (see [Changes](changes.md))."""
