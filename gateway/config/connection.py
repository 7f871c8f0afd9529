"""``connections.NAME``: one upstream, how to reach it and how to treat it."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

from adapters import ADAPTERS
from gateway.config.base import RateLimit, Secret, _Model, _no_masked_credentials
from gateway.config.changes import ChangesConfig
from gateway.config.observability import HealthConfig
from kernel.wording import in_words, suggestion

SANDBOX = "sandbox:"


class BudgetLimit(RateLimit):
    """The upstream's budget, shared by every key and instance: every HTTP call the gateway
    makes to it counts (retries, scanned pages, fan-out legs, token fetches, passthrough,
    the poller's scans). A call over budget waits for a slot up to `max_wait` seconds, else
    the request is 429 (see [Quotas](quotas.md))."""

    max_wait: float = Field(default=2.0, ge=0, le=60)
    """Seconds a call may wait for a slot before the request is refused."""


class BearerAuth(_Model):
    """A static token the upstream takes as `Authorization: Bearer`."""

    type: Literal["bearer"]
    """This kind of credentials."""
    token: Secret = Field(examples=["${UPSTREAM_TOKEN}"])
    """The token: a secret (write a `${ENV}` reference)."""


class TimeoutConfig(_Model):
    """Seconds; an upstream that does not answer in time is 504."""

    connect: float = Field(default=2.0, gt=0)
    """To open a connection."""
    read: float = Field(default=10.0, gt=0)
    """Between two reads of the answer."""
    write: float = Field(default=10.0, gt=0)
    """Between two writes of the request."""
    pool: float = Field(default=5.0, gt=0)
    """Waiting for a free connection of the pool."""
    total: float = Field(default=15.0, gt=0)
    """Every attempt of one upstream call together, retries and backoff included."""


class OAuth2ClientCredentialsAuth(_Model):
    """OAuth2's client credentials grant: the token is fetched on first use, shared by
    concurrent requests, kept until 30 s before it expires, and fetched again once if the
    upstream answers 401."""

    type: Literal["oauth2_client_credentials"]
    """This kind of credentials."""
    token_url: str = Field(min_length=1, examples=["/oauth/token"])
    """The token endpoint: a full URL, or a path on the connection's `base_url`."""
    client_id: str = Field(min_length=1, examples=["gateway"])
    """The client's id."""
    client_secret: Secret = Field(examples=["${POS_SECRET}"])
    """The client's secret: a secret (write a `${ENV}` reference)."""
    scope: str | None = Field(default=None, examples=["customers"])
    """The scope to ask for, when the upstream wants one."""

    @field_validator("token_url")
    @classmethod
    def _url_or_path(cls, url: str) -> str:
        if not (url.startswith("/") or re.match(r"^https?://[^\s/]+", url)):
            raise ValueError("an http(s) URL, or a path on the connection's base_url")
        return url


Auth = Annotated[BearerAuth | OAuth2ClientCredentialsAuth, Field(discriminator="type")]


class RetryConfig(_Model):
    """Retries of one upstream call, with exponential backoff and jitter. GETs are retried
    on timeouts, dropped connections, 5xx and 429; a write that may have reached the
    upstream never is (see [Concepts](concepts.md#errors-and-failures))."""

    attempts: int = Field(default=3, ge=1, le=10)
    """Attempts per call (1: no retry)."""
    wait_initial: float = Field(default=0.1, ge=0)
    """Seconds before the first retry; doubled for each next one."""
    wait_max: float = Field(default=2.0, ge=0)
    """At most this many seconds between two attempts."""
    wait_jitter: float = Field(default=0.1, ge=0)
    """Up to this many seconds added at random to each wait."""
    max_retry_after: float = Field(default=5.0, ge=0)
    """A 429's `Retry-After` up to this many seconds is waited out; a longer one is passed
    to the client."""


class CircuitBreakerConfig(_Model):
    """The connection's circuit breaker: open, calls fail fast with 503 without touching
    the upstream; one state per connection across instances on Redis."""

    failures: int = Field(default=5, ge=1)
    """Consecutive failed attempts that open the circuit."""
    reset_after: float = Field(default=30.0, gt=0)
    """Seconds the circuit stays open before one trial call decides."""


class CacheConfig(_Model):
    """The read cache of the connection, per API key (see
    [Concepts](concepts.md#reads-cache-idempotency-fan-out))."""

    ttl: float = Field(default=30.0, ge=0)
    """Seconds a read stays fresh (0: no cache)."""
    stale_if_error: float = Field(default=300.0, ge=0)
    """Seconds more an entry may answer (`X-Cache: STALE`) while the upstream fails."""
    max_entries: int = Field(default=10_000, ge=1)
    """Entries kept per process (the `local` state store), the least recently used
    dropped first."""


class ConnectionConfig(_Model):
    """One upstream. `NAME` is `[A-Za-z0-9_-]{1,64}` and prefixes the canonical IDs of its
    records (`NAME:remote_id`); at least one connection is required. What each adapter
    can do is on [Upstreams](upstreams.md)."""

    adapter: str = Field(examples=sorted(ADAPTERS)[:1], json_schema_extra={"enum": [*ADAPTERS]})
    """The adapter that speaks to the upstream (what each can do is on
    [Upstreams](upstreams.md))."""
    base_url: str = Field(examples=["https://upstream.example.com/tenant", "sandbox:"])
    """`"sandbox:"` (the built-in simulator, in process), or the upstream's origin plus
    any path prefix; no query string."""
    auth: Auth
    """The gateway's own credentials at the upstream."""
    api_version: int | None = Field(default=None, validate_default=True, examples=[10])
    """Only for adapters with versions, and required there (which versions each offers is
    on [Upstreams](upstreams.md))."""
    timeout: TimeoutConfig = TimeoutConfig()
    """How long an upstream call may take."""
    retry: RetryConfig = RetryConfig()
    """How an upstream call is retried."""
    circuit_breaker: CircuitBreakerConfig = CircuitBreakerConfig()
    """When calls stop reaching a failing upstream."""
    cache: CacheConfig = CacheConfig()
    """The read cache."""
    max_scan_pages: int = Field(default=10, ge=1, le=100)
    """Upstream pages one request may scan for an emulated filter or sort (see
    [Concepts](concepts.md#emulation))."""
    rate_limit: BudgetLimit | None = Field(
        default=None, examples=[{"requests": 10, "per": 1, "max_wait": 2}]
    )
    """The upstream's budget (none: calls are not counted)."""
    changes: ChangesConfig = ChangesConfig()
    """The poller that finds changes made in the upstream itself (off unless `poll_every`
    is set; see [Changes](changes.md))."""
    health: HealthConfig = HealthConfig()
    """When the connection counts as `degraded` (see
    [Observability](observability.md#connection-health))."""
    field_mapping: dict[str, dict[str, Annotated[str, Field(min_length=1)]]] = Field(
        default_factory=dict,
        examples=[{"customer": {"extra.segment": "custom_fields.segment"}}],
    )
    """Upstream fields brought into the canonical resources, per kind (`customer`,
    `contact`, `item`): `{target: upstream.dot.path}`, checked against the adapter (see
    [Field mapping](field-mapping.md))."""

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
