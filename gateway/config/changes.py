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
    retention: float = Field(default=604_800, gt=0)  # seconds events are kept


class DeliveryConfig(_Model):
    """How webhook deliveries are retried: after ``first_retry`` seconds, doubling up to
    ``max_retry`` between attempts, until ``give_up_after`` seconds since the event."""

    first_retry: float = Field(default=5.0, gt=0)
    max_retry: float = Field(default=3600.0, gt=0)
    give_up_after: float = Field(default=86_400.0, gt=0)
    concurrency: int = Field(default=8, ge=1, le=100)  # deliveries in flight per webhook


class ChangesConfig(_Model):
    """The poller of one connection: a full scan every ``poll_every`` seconds of the
    ``resources`` named (default: all the connection has; contacts cost one upstream
    read per customer per scan)."""

    poll_every: float | None = Field(default=None, gt=0)
    resources: list[Resource] = Field(default_factory=lambda: list(RESOURCES), min_length=1)


class WebhookConfig(_Model):
    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    url: str
    events: list[str] = Field(default_factory=lambda: ["*"], min_length=1)
    connections: list[str] = Field(default_factory=lambda: ["*"], min_length=1)
    secret: SecretStr
    timeout: float = Field(default=10.0, gt=0, le=60)  # seconds per delivery attempt

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
