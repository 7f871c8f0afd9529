"""Query parameters, declared once per endpoint as pydantic models.

Every value arrives as a string; each type below parses it the one way the contract
says (ASCII digits, ``true``/``false``, ISO codes) and refuses anything else with a
400 naming the parameter. Choices come from the schema ``Literal``s. A parameter not
declared on the endpoint's model is 400 too (``gateway/http/endpoint.py``). The models'
JSON schema is what ``/openapi.json`` publishes for each parameter.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    create_model,
)

from adapters import ADAPTERS
from adapters.filtering import ExtraFilter
from kernel.errors import BadRequest, FieldError
from kernel.wording import COUNTRY_RULE, did_you_mean, in_words, quoted
from schemas import ChangeStatus, CustomerSortKey, ItemSortKey, ItemStatus, Period

TRUE, FALSE = "true", "false"
DIGITS = re.compile(r"[0-9]{1,9}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?", re.ASCII)
MAX_LIMIT = 100


def parse_bool(name: str, value: str) -> bool:
    lowered = value.lower()
    if lowered == TRUE:
        return True
    if lowered == FALSE:
        return False
    raise BadRequest(f"{name} must be true or false", details=[FieldError(name, "true or false")])


def _bool(value: Any, info: ValidationInfo) -> Any:
    return parse_bool(str(info.field_name), value) if isinstance(value, str) else value


def _limit(value: Any, info: ValidationInfo) -> Any:
    if isinstance(value, str) and DIGITS.fullmatch(value) and 1 <= int(value) <= MAX_LIMIT:
        return int(value)
    if isinstance(value, int):
        return value
    raise BadRequest(
        f"limit must be a whole number from 1 to {MAX_LIMIT}",
        details=[FieldError("limit", f"1..{MAX_LIMIT}")],
    )


def _text(value: Any, info: ValidationInfo) -> Any:
    if not 1 <= len(value) <= 255:
        name = info.field_name
        raise BadRequest(
            f"{name} must be 1 to 255 characters", details=[FieldError(name, "1..255 characters")]
        )
    return value


def _named(value: Any, info: ValidationInfo) -> Any:
    """``connection=`` with no value names nothing: 400, not the default in disguise."""
    if value == "":
        rule = "must name a connection; leave it out for the default one"
        raise BadRequest(f"connection {rule}", details=[FieldError("connection", rule)])
    return value


def _country(value: Any, info: ValidationInfo) -> Any:
    if not re.fullmatch(r"[A-Za-z]{2}", value):
        name = info.field_name
        raise BadRequest(f"{name} {COUNTRY_RULE}", details=[FieldError(name, COUNTRY_RULE)])
    return value.upper()


def _date(value: Any, info: ValidationInfo) -> Any:
    if not DATE.fullmatch(value):
        name = info.field_name
        raise BadRequest(
            f"{name} must be an ISO 8601 date", details=[FieldError(name, "YYYY-MM-DD")]
        )
    return value


def _instant(value: Any, info: ValidationInfo) -> Any:
    """An ISO 8601 date or date-time, as canonical UTC (``2026-03-20T14:30:00Z``); a
    value without an offset is UTC."""
    name = info.field_name
    try:
        parsed = datetime.fromisoformat(value) if DATE.fullmatch(value) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise BadRequest(
            f"{name} must be an ISO 8601 date or date-time, e.g. 2026-03-20T14:30:00Z",
            details=[FieldError(str(name), "YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ")],
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat().replace("+00:00", "Z")


def choice(allowed: Any, description: str = "") -> Any:
    """A parameter that takes one of a ``Literal``'s values."""
    values = list(get_args(allowed))

    def check(value: Any, info: ValidationInfo) -> Any:
        if value not in values:
            name, rule = info.field_name, f"must be {in_words(quoted(values))}"
            hint = did_you_mean(str(value), values)
            raise BadRequest(f"{name} {rule}{hint}", details=[FieldError(name, rule + hint)])
        return value

    schema = {"type": "string", "enum": values, "description": description}
    return Annotated[str, BeforeValidator(check), WithJsonSchema(schema)]


def sort_of(keys: Any) -> Any:
    """``sort``: one of a ``Literal``'s keys, ``-`` in front for descending."""
    allowed = list(get_args(keys))

    def check(value: Any, info: ValidationInfo) -> Any:
        if value.lstrip("-") not in allowed or value.startswith("--"):
            rule = f"must be {in_words(quoted(allowed))}, with '-' in front for descending"
            hint = did_you_mean(str(value).lstrip("-"), allowed)
            raise BadRequest(f"sort {rule}{hint}", details=[FieldError("sort", rule + hint)])
        return value

    schema = {
        "type": "string",
        "enum": [f"{d}{k}" for k in allowed for d in ("", "-")],
        "description": "sort key; '-' in front for descending",
    }
    return Annotated[str, BeforeValidator(check), WithJsonSchema(schema)]


def _schema(schema: dict[str, Any]) -> WithJsonSchema:
    return WithJsonSchema(schema)


# A boolean, as generators and Swagger UI expect; the edge takes true or false in any
# case (API.md section 2), which is what a client sends for a boolean query parameter.
BOOL_SCHEMA = {"type": "boolean", "description": "true or false (any case)"}
Bool = Annotated[bool, BeforeValidator(_bool), _schema(BOOL_SCHEMA)]
Limit = Annotated[
    int,
    BeforeValidator(_limit),
    _schema({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 25}),
]
Text = Annotated[
    str, BeforeValidator(_text), _schema({"type": "string", "minLength": 1, "maxLength": 255})
]
Country = Annotated[
    str, BeforeValidator(_country), _schema({"type": "string", "pattern": "^[A-Za-z]{2}$"})
]
ConnectionName = Annotated[str, BeforeValidator(_named)]
Date = Annotated[str, BeforeValidator(_date), _schema({"type": "string", "format": "date"})]
Instant = Annotated[
    str, BeforeValidator(_instant), _schema({"type": "string", "format": "date-time"})
]
SINCE = "rows with updated_at at or after this instant (ISO 8601; no offset means UTC)"


class Query(BaseModel):
    """No parameters at all (admin and operations endpoints)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class OnConnection(Query):
    connection: ConnectionName | None = Field(
        None, description="the connection to use; an ID already names its own"
    )


class Read(OnConnection):
    include_remote_data: Bool = Field(False, description="add the upstream's raw object")


class Paged(OnConnection):
    limit: Limit = Field(25, description="rows per page, 1..100")
    cursor: str | None = Field(
        None, description="meta.next_cursor of the previous page, with the same query"
    )


class PagedRead(Paged):
    include_remote_data: Bool = Field(False, description="add the upstream's raw object")


CANONICAL_FILTERS = (
    "q",
    "name",
    "code",
    "email",
    "country",
    "is_active",
    "eori_number",
    "updated_since",
)


class CustomerList(PagedRead):
    """The canonical filters; ``CUSTOMER_LIST`` adds those the adapters declare."""

    connection: ConnectionName | None = Field(
        None, description="a connection name, '*' for every one, or 'a,b' (fan-out)"
    )
    sort: sort_of(CustomerSortKey) | None = None  # type: ignore[valid-type]
    q: Text | None = Field(None, description="text in name, email or code")
    name: Text | None = Field(None, description="text in the name")
    code: Text | None = Field(None, description="text in the customer code")
    email: Text | None = Field(None, description="text in the email address")
    country: Country | None = Field(None, description="billing country, ISO 3166-1 alpha-2")
    is_active: Bool | None = Field(None, description="active customers only (or inactive)")
    eori_number: Text | None = Field(None, description="text in the EORI number")
    updated_since: Instant | None = Field(None, description=SINCE)
    partial: Bool = Field(
        True, description="fan-out: false makes any failing connection fail the request"
    )
    filter_names: ClassVar[tuple[str, ...]] = CANONICAL_FILTERS

    def filters(self) -> dict[str, Any]:
        return {k: v for k in self.filter_names if (v := getattr(self, k)) is not None}


FILTER_TYPES: dict[str, Any] = {"bool": Bool, "text": Text}


def extra_filters() -> dict[str, tuple[ExtraFilter, list[str]]]:
    """Every filter an adapter declares on a field only its upstream has, with the
    adapters that declare it; adapters declaring one name must agree on its type."""
    found: dict[str, tuple[ExtraFilter, list[str]]] = {}
    for adapter_name, adapter in ADAPTERS.items():
        for name, extra in adapter.extra_filters.items():
            first = found.setdefault(name, (extra, []))
            if first[0].type != extra.type:
                raise TypeError(f"filter {name!r} is {first[0].type} and {extra.type}")
            first[1].append(adapter_name)
    return found


def customer_list() -> type[CustomerList]:
    """``CustomerList`` with every adapter-declared filter as a parameter of its type,
    described by the adapter (and which adapters take it)."""
    extras = extra_filters()
    fields: dict[str, Any] = {
        name: (
            FILTER_TYPES[extra.type] | None,
            Field(None, description=f"{extra.description} (adapters: {', '.join(owners)})"),
        )
        for name, (extra, owners) in sorted(extras.items())
    }
    model: type[CustomerList] = create_model("CustomerList", __base__=CustomerList, **fields)
    model.filter_names = (*CANONICAL_FILTERS, *sorted(extras))
    return model


CUSTOMER_LIST = customer_list()
CUSTOMER_FILTERS = CUSTOMER_LIST.filter_names


class ItemList(PagedRead):
    sort: sort_of(ItemSortKey) | None = None  # type: ignore[valid-type]
    q: Text | None = Field(None, description="text in code or description")
    status: choice(ItemStatus, "item status") | None = None  # type: ignore[valid-type]
    customer_id: str | None = Field(
        None, description="a canonical customer ID on the same connection"
    )
    updated_since: Instant | None = Field(None, description=SINCE)


class ItemSearch(OnConnection):
    q: Text | None = Field(None, description="the search term (required)")
    customer_id: str | None = Field(
        None, description="a canonical customer ID on the same connection"
    )


class OrderList(PagedRead):
    status: str | None = Field(None, description="order status, as the upstream names it")
    date_from: Date | None = Field(None, description="orders on or after this date")
    date_to: Date | None = Field(None, description="orders on or before this date")

    def filters(self) -> dict[str, Any]:
        names = ("status", "date_from", "date_to")
        return {k: v for k in names if (v := getattr(self, k)) is not None}


class Analytics(OnConnection):
    period: choice(Period, "the period the figures cover") = "all"  # type: ignore[valid-type]


class PendingChanges(OnConnection):
    status: choice(ChangeStatus, "which changes") = "pending"  # type: ignore[valid-type]
