"""Canonical models from mapped upstream rows, validated by pydantic-core.

The mappings turn an upstream object into the canonical model's fields (a dict, nested
objects as dicts); ``canonical`` validates one, ``canonical_page`` a whole page in one
pydantic-core call (no Python-level model construction per row and per address: about
a quarter of a 25-row page's mapping cost). Validation is what keeps an upstream's
surprise (a number as a name, a list as a code) out of the canonical answer; it is
the upstream's fault, so it is answered as a 502 naming the canonical field, never
as a 500.

``plain_page`` validates a page the same way into plain dicts (the model's own core
schema with each model made a typed dict: same fields, order, defaults, coercions and
errors), for a page that is only rendered: no model object per row and per address,
about a fifth of what validating and rendering a page cost in isolation
(bench/rows.py). tests/adapters/test_plain_rows.py holds the two to the same bytes and
the same 502s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import SchemaValidator

from kernel.errors import UpstreamError
from kernel.wording import observed
from schemas import Customer

M = TypeVar("M", bound=BaseModel)


@cache
def _page_of(model: type[M]) -> TypeAdapter[list[M]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


@cache
def _plain_page_of(model: type[BaseModel]) -> SchemaValidator:
    schema = plain_schema(model.__pydantic_core_schema__)
    if schema["type"] == "definitions":
        return SchemaValidator(
            {**schema, "schema": {"type": "list", "items_schema": schema["schema"]}}
        )
    return SchemaValidator({"type": "list", "items_schema": schema})


def plain_schema(schema: Any) -> Any:
    """A pydantic-core schema with every model in it validated as a typed dict of the
    same fields (a field with a default is optional and gets its default)."""
    if isinstance(schema, list):
        return [plain_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if schema.get("type") != "model":
        return {key: plain_schema(value) for key, value in schema.items()}
    inner = schema["schema"]
    if inner["type"] != "model-fields" or inner.get("computed_fields"):
        raise TypeError(f"{schema['cls'].__name__} cannot be validated as plain data")
    typed = {
        "type": "typed-dict",
        "fields": {
            name: {
                "type": "typed-dict-field",
                "schema": plain_schema(field["schema"]),
                "required": field["schema"]["type"] != "default",
            }
            for name, field in inner["fields"].items()
        },
        "config": schema.get("config", {}),
    }
    return {**typed, "ref": schema["ref"]} if "ref" in schema else typed


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


def plain_page(
    model: type[BaseModel], rows: list[dict[str, Any]], connection: str
) -> list[dict[str, Any]]:
    """``canonical_page`` as plain dicts: the JSON ``model`` would render, validated alike."""
    try:
        page: list[dict[str, Any]] = _plain_page_of(model).validate_python(rows)
    except ValidationError as exc:
        raise unreadable(model, exc, connection, page=True) from None
    return page


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
    what = re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()  # PendingChange: pending change
    article = "an" if what[0] in "aeiou" else "a"
    return UpstreamError(
        f"upstream answered {article} {what}{where} this gateway cannot read: {field} {said}",
        connection=connection,
    )
