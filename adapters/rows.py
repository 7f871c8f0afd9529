"""Canonical models from mapped upstream rows, validated by pydantic-core.

The mappings turn an upstream object into the canonical model's fields (a dict, nested
objects as dicts); ``canonical`` validates one, ``canonical_page`` a whole page in one
pydantic-core call (no Python-level model construction per row and per address: about
a quarter of a 25-row page's mapping cost). Validation is what keeps an upstream's
surprise (a number as a name, a list as a code) out of the canonical answer; it is
the upstream's fault, so it is answered as a 502 naming the canonical field, never
as a 500.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from kernel.errors import UpstreamError
from kernel.wording import observed
from schemas import Customer

M = TypeVar("M", bound=BaseModel)


@cache
def _page_of(model: type[M]) -> TypeAdapter[list[M]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def canonical(model: type[M], fields: dict[str, Any], connection: str) -> M:
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        raise unreadable(model, exc, connection) from None


def customer_reader(
    fields: Callable[[Mapping[str, Any], str, bool], dict[str, Any]],
) -> Callable[..., Customer]:
    """``customer_to_canonical(raw, connection, *, include_remote_data=False)`` of an
    adapter whose mapping gives ``customer_fields(raw, connection, include_remote_data)``."""

    def customer_to_canonical(
        raw: Mapping[str, Any], connection: str, *, include_remote_data: bool = False
    ) -> Customer:
        return canonical(Customer, fields(raw, connection, include_remote_data), connection)

    return customer_to_canonical


def canonical_page(model: type[M], rows: list[dict[str, Any]], connection: str) -> list[M]:
    try:
        return _page_of(model).validate_python(rows)
    except ValidationError as exc:
        raise unreadable(model, exc, connection, page=True) from None


def unreadable(
    model: type[BaseModel], exc: ValidationError, connection: str, *, page: bool = False
) -> UpstreamError:
    """A 502 that says which canonical field of which object could not be read."""
    first = exc.errors(include_url=False, include_input=False)[0]
    location = list(first["loc"])
    row = location.pop(0) if page and location and isinstance(location[0], int) else None
    row = row if isinstance(row, int) else None
    field = ".".join(str(part) for part in location) or "the object"
    said = observed(first)
    where = f" (row {row + 1} of the page)" if row is not None else ""
    return UpstreamError(
        f"upstream answered a {model.__name__.lower()}{where} this gateway cannot read: "
        f"{field} {said}",
        connection=connection,
    )
