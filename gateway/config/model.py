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
    """What one client may hold of the server (gateway/serving/server.py)."""

    header_timeout: float = Field(default=10.0, gt=0)  # request line and headers, seconds
    keep_alive: float = Field(default=5.0, gt=0)  # idle between requests, seconds
    max_connections: int = Field(default=1000, ge=1)  # open connections and requests; then 503
    backlog: int = Field(default=2048, ge=1)


class AuditConfig(_Model):
    retention: float = Field(default=90 * 86_400, gt=0)  # seconds records are kept


class EgressConfig(_Model):
    """Where webhooks may connect (gateway/upstreams/egress.py). Link-local and cloud metadata
    addresses and the state store's are always refused; ``deny_private`` refuses
    loopback and private ranges too."""

    deny_private: bool = False


class TracingConfig(_Model):
    """Traces (API.md section 14); the standard OTEL_* variables choose the exporter."""

    enabled: bool = False
    sample_ratio: float = Field(default=1.0, ge=0, le=1)


class ServerConfig(_Model):
    default_connection: str | None = None
    audit: AuditConfig = AuditConfig()
    events: EventsConfig = EventsConfig()
    webhooks: DeliveryConfig = DeliveryConfig()
    egress: EgressConfig = EgressConfig()
    state: StateConfig = LocalState()
    limits: Limits = Limits()
    # seconds from SIGTERM within which requests in flight finish (gateway/serving/drain.py)
    shutdown_grace: float = Field(default=20.0, gt=0, le=3600)
    max_body_bytes: int = Field(default=1_048_576, ge=1)
    cursor_secret: Secret | None = None
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    access_log: AccessLogConfig = AccessLogConfig()
    tracing: TracingConfig = TracingConfig()
    # Proxies (addresses or networks) whose X-Forwarded-For/-Proto are believed.
    trusted_proxies: list[str] = Field(default_factory=list)

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
    name: str = Field(min_length=1)
    key: Secret | None = None
    key_sha256: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{64}$")
    scopes: list[str] = Field(min_length=1)
    connections: list[str] = Field(default_factory=lambda: ["*"])
    rate_limit: RateLimit | None = None

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
    server: ServerConfig = ServerConfig()
    api_keys: list[ApiKeyConfig] = Field(default_factory=list)
    connections: dict[Annotated[str, Field(pattern=CONNECTION_NAME)], ConnectionConfig] = Field(
        min_length=1
    )
    webhooks: list[WebhookConfig] = Field(default_factory=list)
