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
    """An upstream's budget: a call over it waits for a slot up to ``max_wait`` seconds."""

    max_wait: float = Field(default=2.0, ge=0, le=60)


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
