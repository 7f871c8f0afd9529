"""CRM <-> canonical, as pure functions (no HTTP).

The CRM holds one billing and one shipping address (canonical ``shipping_addresses``
has at most one entry here), string IDs, and commercial fields kept under ``extra``.
Writes refuse, with 422 and the canonical field name, anything the CRM cannot hold.
Addresses are sent whole: ``merge_address`` applies a merge patch to the current one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.rows import canonical, customer_reader
from adapters.timestamps import iso_utc
from kernel.errors import FieldError, ValidationFailed
from kernel.ids import format_id
from schemas import Address, Contact, CreditCheck, CustomerAnalytics, Order, Period

CUSTOMER_EXTRA_KEYS = (
    "fax",
    "payment_terms",
    "currency",
    "credit_limit",
    "current_balance",
    "discount_rate",
    "preferred_shipping",
    "customer_since",
    "lifetime_value",
    "total_orders",
)
EXTRA_WRITABLE = (
    "fax",
    "payment_terms",
    "currency",
    "credit_limit",
    "discount_rate",
    "preferred_shipping",
)
SAME_NAME = ("name", "email", "phone", "website", "tax_id", "is_active", "notes")
ADDRESS_KEYS = ("line1", "line2", "city", "state", "postal_code", "country")
CONTACT_KEYS = ("name", "title", "email", "phone", "is_primary")
ORDER_KEYS = ("order_number", "status", "total_amount", "items_count")
ORDER_TIMES = ("order_date", "ship_date", "delivery_date")


def customer_fields(
    raw: Mapping[str, Any], connection: str, include_remote_data: bool = False
) -> dict[str, Any]:
    """The canonical customer's fields (adapters/rows.py validates them)."""
    remote_id = str(raw["id"])
    contacts = raw.get("contacts")
    shipping = address_fields(raw.get("shipping_address"))
    extra = {key: raw[key] for key in CUSTOMER_EXTRA_KEYS if key in raw}
    if "customer_since" in extra:
        extra["customer_since"] = iso_utc(extra["customer_since"])
    return {
        "id": format_id(connection, remote_id),
        "connection": connection,
        "remote_id": remote_id,
        "name": raw.get("name") or "",
        "is_company": True,
        "email": raw.get("email"),
        "phone": raw.get("phone"),
        "website": raw.get("website"),
        "tax_id": raw.get("tax_id"),
        "billing_address": address_fields(raw.get("billing_address")),
        "shipping_addresses": [shipping] if shipping else [],
        "is_active": raw.get("is_active"),
        "notes": raw.get("notes"),
        "contacts": (
            [contact_fields(c, connection, remote_id) for c in contacts]
            if isinstance(contacts, list)
            else None
        ),
        "extra": extra,
        "remote_data": dict(raw) if include_remote_data else None,
        "created_at": iso_utc(raw.get("created_at")),
        "updated_at": iso_utc(raw.get("updated_at")),
    }


customer_to_canonical = customer_reader(customer_fields)


def address_to_canonical(raw: Any) -> Address | None:
    values = address_fields(raw)
    return Address(**values) if values else None


def address_fields(raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, Mapping) or not any(raw.get(k) for k in ADDRESS_KEYS):
        return None
    values = {key: raw.get(key) or None for key in ADDRESS_KEYS}
    if values["country"]:
        values["country"] = str(values["country"]).upper()
    return values


def contact_to_canonical(raw: Mapping[str, Any], connection: str, customer_id: str) -> Contact:
    return canonical(Contact, contact_fields(raw, connection, customer_id), connection)


def contact_fields(raw: Mapping[str, Any], connection: str, customer_id: str) -> dict[str, Any]:
    return {
        "id": format_id(connection, str(raw["id"])),
        "customer_id": format_id(connection, str(raw.get("customer_id") or customer_id)),
        **{key: raw.get(key) for key in CONTACT_KEYS},
        "created_at": iso_utc(raw.get("created_at")),
        "updated_at": iso_utc(raw.get("updated_at")),
    }


def order_to_canonical(
    raw: Mapping[str, Any], connection: str, customer_id: str, *, include_remote_data: bool = False
) -> Order:
    known = {"id", "shipping_address", *ORDER_KEYS, *ORDER_TIMES}
    return Order(
        id=format_id(connection, str(raw["id"])),
        customer_id=format_id(connection, customer_id),
        **{key: raw.get(key) for key in ORDER_KEYS},
        **{key: iso_utc(raw.get(key)) for key in ORDER_TIMES},
        shipping_address=address_to_canonical(raw.get("shipping_address")),
        extra={k: v for k, v in raw.items() if k not in known},
        remote_data=dict(raw) if include_remote_data else None,
    )


def analytics_to_canonical(
    raw: Mapping[str, Any], connection: str, customer_id: str, period: Period
) -> CustomerAnalytics:
    overview = dict(raw.get("overview") or {})
    for key in ("last_order_date", "customer_since"):
        overview[key] = iso_utc(overview.get(key))
    known = {
        "customer",
        "overview",
        "financial_summary",
        "order_history",
        "top_products",
        "customer_segment",
        "risk_score",
    }
    return CustomerAnalytics.model_validate(
        {
            "customer_id": format_id(connection, customer_id),
            "period": period,
            "overview": overview,
            "financial_summary": raw.get("financial_summary") or {},
            "order_history": raw.get("order_history") or [],
            "top_products": raw.get("top_products") or [],
            "segment": raw.get("customer_segment"),
            "risk_score": raw.get("risk_score"),
            "extra": {k: v for k, v in raw.items() if k not in known},
        }
    )


def credit_check_to_canonical(
    raw: Mapping[str, Any], connection: str, customer_id: str
) -> CreditCheck:
    known = {
        "customer_id",
        "credit_score",
        "credit_rating",
        "recommended_credit_limit",
        "current_credit_limit",
        "risk_assessment",
        "last_checked",
    }
    return CreditCheck(
        customer_id=format_id(connection, customer_id),
        credit_score=raw.get("credit_score"),
        credit_rating=raw.get("credit_rating"),
        recommended_credit_limit=raw.get("recommended_credit_limit"),
        current_credit_limit=raw.get("current_credit_limit"),
        risk_assessment=raw.get("risk_assessment"),
        checked_at=iso_utc(raw.get("last_checked")),
        extra={k: v for k, v in raw.items() if k not in known},
    )


def customer_to_upstream(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The CRM body for a create or an update; addresses must already be whole."""
    body: dict[str, Any] = {}
    problems: list[FieldError] = []
    for name, value in fields.items():
        if name in SAME_NAME:
            body[name] = value
        elif name == "billing_address":
            body[name] = _address_to_upstream(value, name, problems)
        elif name == "shipping_addresses":
            if value and len(value) > 1:
                problems.append(FieldError(name, "the CRM holds one shipping address"))
            first = value[0] if value else None
            body["shipping_address"] = _address_to_upstream(first, f"{name}.0", problems)
        elif name == "extra":
            for key, item in (value or {}).items():
                if key in EXTRA_WRITABLE:
                    body[key] = item
                else:
                    problems.append(FieldError(f"extra.{key}", f"writable: {EXTRA_WRITABLE}"))
        elif name == "is_company" and value in (None, True):
            continue
        elif value is not None:
            problems.append(FieldError(name, "the CRM does not hold this field"))
    if "name" in fields and fields["name"] is None:
        problems.append(FieldError("name", "cannot be cleared"))
    if problems:
        raise ValidationFailed("the body does not fit this connection", details=problems)
    return body


def merge_address(
    current: Address | None, patch: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """The whole address after applying a merge ``patch`` (``None`` clears it)."""
    if patch is None:
        return None
    merged = current.model_dump() if current else {}
    merged.update(patch)
    return merged


def contact_to_upstream(fields: Mapping[str, Any]) -> dict[str, Any]:
    problems = [
        FieldError(name, "the CRM does not hold this contact field")
        for name, value in fields.items()
        if name not in CONTACT_KEYS and value not in (None, {})
    ]
    if "name" in fields and fields["name"] is None:
        problems.append(FieldError("name", "cannot be cleared"))
    if problems:
        raise ValidationFailed("the body does not fit this connection", details=problems)
    return {name: value for name, value in fields.items() if name in CONTACT_KEYS}


def field_errors(body: Any) -> list[FieldError]:
    """Field errors from the shapes a CRM plausibly answers with, canonically named:
    ``{"errors": {field: [msg]}}``, ``{"error": {"fields": {...}}}`` or
    ``{"error": {"details": [{"field", "message"}]}}``."""
    if not isinstance(body, Mapping):
        return []
    nested = body.get("error")
    error: Mapping[str, Any] = nested if isinstance(nested, Mapping) else {}
    found: list[tuple[str, Any]] = []
    for source in (body.get("errors"), error.get("fields"), error.get("errors")):
        if isinstance(source, Mapping):
            found += [(str(k), v) for k, v in source.items()]
    for source in (body.get("errors"), error.get("details")):
        if isinstance(source, list):
            found += [
                (str(d.get("field")), d.get("message")) for d in source if isinstance(d, Mapping)
            ]
    return [
        FieldError(canonical_field(name), str(message))
        for name, messages in found
        for message in (messages if isinstance(messages, list) else [messages])
    ]


def canonical_field(name: str) -> str:
    if name.startswith("shipping_address"):
        return "shipping_addresses.0" + name.removeprefix("shipping_address")
    if name.split(".")[0] in CUSTOMER_EXTRA_KEYS:
        return f"extra.{name}"
    return name


def _address_to_upstream(
    address: Mapping[str, Any] | None, where: str, problems: list[FieldError]
) -> dict[str, Any] | None:
    if address is None:
        return None
    body = {}
    for key, value in address.items():
        if key in ADDRESS_KEYS:
            body[key] = value
        elif value is not None:
            problems.append(FieldError(f"{where}.{key}", "the CRM does not hold this"))
    return body
