"""What every config model shares: unknown keys refused, frozen; secrets that are never
the mask an admin read shows.

Each model's fields are described by the docstring under each field, from which
gateway/config/reference.py generates the configuration reference (docs/configuration.md).
They are read from the source there, not by pydantic at import (its
``use_attribute_docstrings`` reads every class's source at start: a cost the CLI and
each worker would pay for text only the reference uses).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr

from gateway.config.secrets import masked_url_given

MASK = "***"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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


class RateLimit(_Model):
    """At most `requests` in any span of `per` seconds: a sliding window, counted in the
    state store, so with Redis it holds across every worker and instance (see
    [Quotas](quotas.md))."""

    requests: int = Field(ge=1, examples=[600])
    """Requests allowed in the window."""
    per: int = Field(ge=1, le=86_400, examples=[60])
    """The window, in whole seconds."""
