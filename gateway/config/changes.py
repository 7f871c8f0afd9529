"""Config of change tracking (API.md section 9): event retention, the poller of each
connection, webhooks and how their deliveries are retried."""

from __future__ import annotations

import base64
import binascii
import re
from fnmatch import fnmatchcase
from typing import Annotated

from pydantic import AfterValidator, Field, SecretStr, field_validator

from adapters.kinds import EVENT_TYPES, PLURALS
from gateway.config.base import _Model
from gateway.config.secrets import masked_url_given
from kernel.wording import suggestion

RESOURCES = tuple(PLURALS)  # the kinds a poller may scan, by their plural (adapters/kinds.py)
# Events of the gateway itself, not of a resource (API.md section 15). A webhook gets
# them only when its ``events`` name them (``connection.*`` or the type itself): ``*``
# stays every resource event, so a receiver of records is sent no other shape.
HEALTH_EVENT = "connection.health_changed"
GATEWAY_EVENTS = (HEALTH_EVENT,)


def _resource(name: str) -> str:
    if name not in PLURALS:
        raise ValueError(f"{name!r} is not a resource" + suggestion(name, RESOURCES))
    return name


Resource = Annotated[str, AfterValidator(_resource)]
SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix the spec defines, not a secret


class EventsConfig(_Model):
    """The change feed, `GET /v1/events` (see [Changes](changes.md))."""

    retention: float = Field(default=604_800, gt=0)
    """Seconds events (and finished webhook deliveries) are kept (7 days)."""


class DeliveryConfig(_Model):
    """How webhook deliveries are retried: after `first_retry` seconds, doubling up to
    `max_retry` between attempts, until `give_up_after` seconds since the event (then
    `failed`)."""

    first_retry: float = Field(default=5.0, gt=0)
    """Seconds before the first retry."""
    max_retry: float = Field(default=3600.0, gt=0)
    """At most this many seconds between two attempts."""
    give_up_after: float = Field(default=86_400.0, gt=0)
    """Seconds after the event when a delivery is given up."""
    concurrency: int = Field(default=8, ge=1, le=100)
    """Attempts in flight per webhook and instance: a slow receiver delays no other."""


class ChangesConfig(_Model):
    """The poller of one connection: a full scan every `poll_every` seconds of the
    `resources` named, reporting what changed in the upstream itself; it runs once per
    connection across instances."""

    poll_every: float | None = Field(default=None, gt=0, examples=[300])
    """Seconds between two scans (none: no poller)."""
    resources: list[Resource] = Field(default_factory=lambda: list(RESOURCES), min_length=1)
    """What to scan (default: all the connection has; contacts cost one upstream read per
    customer per scan)."""


class WebhookConfig(_Model):
    """A receiver of change events, each POSTed signed per Standard Webhooks, at least once
    (see [Changes](changes.md))."""

    name: str = Field(
        min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$", examples=["billing-sync"]
    )
    """The webhook's name, unique."""
    url: str = Field(examples=["https://hooks.example.com/gateway"])
    """Where to POST: http(s) only, and allowed by the
    [egress policy](changes.md#egress-policy)."""
    events: list[str] = Field(default_factory=lambda: ["*"], min_length=1)
    """Event types, as globs (`customer.*`); `*` is every resource event, and
    `connection.health_changed` is sent only when named (`connection.*` too)."""
    connections: list[str] = Field(default_factory=lambda: ["*"], min_length=1)
    """Connections whose events to send, as globs."""
    secret: SecretStr = Field(examples=["${WEBHOOK_SECRET}"])
    """The signing key, `whsec_<base64 of 24 to 64 bytes>`: a secret, masked everywhere."""
    timeout: float = Field(default=10.0, gt=0, le=60)
    """Seconds one attempt may take as a whole, the answer included."""

    @field_validator("url")
    @classmethod
    def _http(cls, url: str) -> str:
        if not re.match(r"^https?://[^\s/?#]+[^\s]*$", url):
            raise ValueError("a webhook URL must be http:// or https://")
        if masked_url_given(url):
            raise ValueError(
                "the URL carries the mask GET /admin/config shows in place of a credential: "
                "write the credential itself, or a ${VAR} reference"
            )
        return url

    @field_validator("events")
    @classmethod
    def _known_events(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            if not any(fnmatchcase(t, pattern) for t in (*EVENT_TYPES, *GATEWAY_EVENTS)):
                known = ", ".join((*EVENT_TYPES, *GATEWAY_EVENTS))
                raise ValueError(f"{pattern!r} matches no event type; types: {known}")
        return patterns

    @field_validator("secret")
    @classmethod
    def _whsec(cls, secret: SecretStr) -> SecretStr:
        value = secret.get_secret_value()
        if not value.startswith(SECRET_PREFIX):
            raise ValueError(f"a webhook secret is {SECRET_PREFIX}<base64 key> (Standard Webhooks)")
        try:
            key = base64.b64decode(value.removeprefix(SECRET_PREFIX), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(f"the part after {SECRET_PREFIX} must be base64") from None
        if not 24 <= len(key) <= 64:
            raise ValueError("the decoded key must be 24 to 64 bytes")
        return secret

    def wants(self, event_type: str, connection: str) -> bool:
        named = (
            [p for p in self.events if p.startswith("connection.")]
            if event_type in GATEWAY_EVENTS
            else self.events
        )
        return any(fnmatchcase(event_type, p) for p in named) and any(
            fnmatchcase(connection, p) for p in self.connections
        )
