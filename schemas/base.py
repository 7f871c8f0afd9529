"""Shared model bases and field types."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints

CountryCode = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z]{2}$", to_upper=True, strip_whitespace=True)
]
ShortText = Annotated[str, StringConstraints(max_length=255)]
LongText = Annotated[str, StringConstraints(max_length=10_000)]
Extra = dict[str, Any]


class Resource(BaseModel):
    """A canonical resource as the gateway answers it."""

    model_config = ConfigDict(extra="forbid")


class Input(BaseModel):
    """A request body: unknown fields and type coercion are refused (422)."""

    model_config = ConfigDict(extra="forbid", strict=True)
