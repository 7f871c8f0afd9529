"""``config.yaml``: its pydantic models, ``${VAR}`` expansion and loading.

Loading is three steps, each with errors that name the path of the problem:
parse YAML -> expand ``${VAR}`` / ``${VAR:-default}`` in string values (``$$`` is a
literal ``$``) -> validate with the models below. Any failure is one ``ConfigError``
carrying every problem found, so ``gateway check-config`` can print them all.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from adapters import ADAPTERS
from gateway.config.changes import ChangesConfig, DeliveryConfig, EventsConfig, WebhookConfig
from gateway.config.observability import AccessLogConfig, HealthConfig
from gateway.config.secrets import masked_url_given
from kernel.wording import in_words, suggestion

DEFAULT_PATH = "config.yaml"
MASK = "***"
CONNECTION_NAME = r"^[A-Za-z0-9_-]{1,64}$"
SANDBOX = "sandbox:"
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


def _not_the_mask(secret: SecretStr) -> SecretStr:
    value = secret.get_secret_value()
    if value == MASK:
        raise ValueError(
            f"{value!r} is the mask GET /admin/config shows in place of a secret: write the "
            "secret itself, or a ${VAR} reference"
        )
    return secret


def _no_masked_credentials(url: str) -> str:
    if masked_url_given(url):
        raise ValueError(
            "the URL carries the mask GET /admin/config shows in place of a credential: "
            "write the credential itself, or a ${VAR} reference"
        )
    return url


# A secret: never the mask an admin read shows (a masked config saved as the file
# would otherwise make '***' a valid key or token).
Secret = Annotated[SecretStr, AfterValidator(_not_the_mask)]


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


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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


class RateLimit(_Model):
    """At most ``requests`` in any span of ``per`` seconds (a sliding window)."""

    requests: int = Field(ge=1)
    per: int = Field(ge=1, le=86_400)


class BudgetLimit(RateLimit):
    """An upstream's budget: a call over it waits for a slot up to ``max_wait`` seconds."""

    max_wait: float = Field(default=2.0, ge=0, le=60)


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


class BearerAuth(_Model):
    type: Literal["bearer"]
    token: Secret


class TimeoutConfig(_Model):
    connect: float = Field(default=2.0, gt=0)
    read: float = Field(default=10.0, gt=0)
    write: float = Field(default=10.0, gt=0)
    pool: float = Field(default=5.0, gt=0)
    total: float = Field(default=15.0, gt=0)  # every attempt of one call, retries included


class OAuth2ClientCredentialsAuth(_Model):
    type: Literal["oauth2_client_credentials"]
    token_url: str = Field(min_length=1)
    client_id: str = Field(min_length=1)
    client_secret: Secret
    scope: str | None = None

    @field_validator("token_url")
    @classmethod
    def _url_or_path(cls, url: str) -> str:
        if not (url.startswith("/") or re.match(r"^https?://[^\s/]+", url)):
            raise ValueError("an http(s) URL, or a path on the connection's base_url")
        return url


Auth = Annotated[BearerAuth | OAuth2ClientCredentialsAuth, Field(discriminator="type")]


class RetryConfig(_Model):
    attempts: int = Field(default=3, ge=1, le=10)
    wait_initial: float = Field(default=0.1, ge=0)
    wait_max: float = Field(default=2.0, ge=0)
    wait_jitter: float = Field(default=0.1, ge=0)
    max_retry_after: float = Field(default=5.0, ge=0)


class CircuitBreakerConfig(_Model):
    failures: int = Field(default=5, ge=1)
    reset_after: float = Field(default=30.0, gt=0)


class CacheConfig(_Model):
    ttl: float = Field(default=30.0, ge=0)
    stale_if_error: float = Field(default=300.0, ge=0)
    max_entries: int = Field(default=10_000, ge=1)


class ConnectionConfig(_Model):
    adapter: str
    base_url: str
    auth: Auth
    api_version: int | None = Field(default=None, validate_default=True)
    timeout: TimeoutConfig = TimeoutConfig()
    retry: RetryConfig = RetryConfig()
    circuit_breaker: CircuitBreakerConfig = CircuitBreakerConfig()
    cache: CacheConfig = CacheConfig()
    max_scan_pages: int = Field(default=10, ge=1, le=100)
    rate_limit: BudgetLimit | None = None  # every call to this upstream, across instances
    changes: ChangesConfig = ChangesConfig()
    health: HealthConfig = HealthConfig()  # when it counts as degraded (API.md section 15)
    # kind -> {target: upstream dot path}; checked against the adapter (adapters/field_mapping.py)
    field_mapping: dict[str, dict[str, Annotated[str, Field(min_length=1)]]] = Field(
        default_factory=dict
    )

    @field_validator("adapter")
    @classmethod
    def _known_adapter(cls, name: str) -> str:
        if name not in ADAPTERS:
            raise ValueError(f"unknown adapter {name!r}" + suggestion(name, ADAPTERS))
        return name

    @field_validator("base_url")
    @classmethod
    def _http_or_sandbox(cls, url: str) -> str:
        _no_masked_credentials(url)
        if url != SANDBOX and not re.match(r"^https?://[^\s/]+", url):
            raise ValueError(f"must be {SANDBOX!r} or an http(s) URL")
        if url != SANDBOX and re.search(r"[?#]", url):
            raise ValueError(
                "must not carry a query string or fragment: give the origin and any path "
                "prefix (https://upstream.example.com/tenant), and credentials under auth"
            )
        return url.rstrip("/") if url != SANDBOX else url

    @field_validator("api_version")
    @classmethod
    def _api_version_fits(cls, version: int | None, info: ValidationInfo) -> int | None:
        adapter = info.data.get("adapter")
        if adapter is None:  # the adapter itself is the problem, reported on its own
            return version
        versions = ADAPTERS[adapter].api_versions
        if versions and version not in versions:
            said = "is required" if version is None else f"{version} is not offered"
            choices = in_words([str(v) for v in versions])
            raise ValueError(f"{said}: adapter {adapter!r} serves API version {choices}")
        if not versions and version is not None:
            raise ValueError(f"adapter {adapter!r} takes no api_version")
        return version

    @property
    def is_sandbox(self) -> bool:
        return self.base_url == SANDBOX


class Config(_Model):
    server: ServerConfig = ServerConfig()
    api_keys: list[ApiKeyConfig] = Field(default_factory=list)
    connections: dict[Annotated[str, Field(pattern=CONNECTION_NAME)], ConnectionConfig] = Field(
        min_length=1
    )
    webhooks: list[WebhookConfig] = Field(default_factory=list)
