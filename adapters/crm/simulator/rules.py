"""What the simulated CRM accepts: writable fields and its validation rules."""

from __future__ import annotations

import re
from typing import Any

MAX_LIMIT = 100
LIST_KEYS = (
    "id",
    "name",
    "email",
    "phone",
    "website",
    "billing_address",
    "shipping_address",
    "payment_terms",
    "credit_limit",
    "current_balance",
    "customer_since",
    "is_active",
    "custom_fields",
    "created_at",
    "updated_at",
)
CREATED_KEYS = (
    "id",
    "name",
    "email",
    "phone",
    "billing_address",
    "contacts",
    "payment_terms",
    "currency",
    "credit_limit",
    "current_balance",
    "discount_rate",
    "customer_since",
    "is_active",
    "created_at",
    "updated_at",
)
WRITABLE = (
    "name",
    "email",
    "phone",
    "fax",
    "website",
    "tax_id",
    "billing_address",
    "shipping_address",
    "payment_terms",
    "currency",
    "credit_limit",
    "discount_rate",
    "preferred_shipping",
    "is_active",
    "notes",
    "custom_fields",
)
CONTACT_WRITABLE = ("name", "title", "email", "phone", "is_primary", "social")
ADDRESS_KEYS = ("line1", "line2", "city", "state", "postal_code", "country")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def validate(body: dict[str, Any], *, create: bool) -> list[tuple[str, str]]:
    errors = []
    if (create or "name" in body) and not (
        isinstance(body.get("name"), str) and body["name"].strip()
    ):
        errors.append(("name", "is required"))
    email = body.get("email")
    if email is not None and (not isinstance(email, str) or not EMAIL.fullmatch(email)):
        errors.append(("email", "must be a valid email address"))
    for key in ("billing_address", "shipping_address"):
        address = body.get(key)
        if address is not None and not isinstance(address, dict):
            errors.append((key, "must be an object"))
        elif (
            address
            and address.get("country")
            and not re.fullmatch(r"[A-Z]{2}", str(address["country"]))
        ):
            errors.append((f"{key}.country", "must be an ISO 3166-1 alpha-2 code"))
    for key in ("credit_limit", "discount_rate"):
        value = body.get(key)
        if value is not None and (
            not isinstance(value, int | float) or isinstance(value, bool) or value < 0
        ):
            errors.append((key, "must be a non-negative number"))
    if "is_active" in body and not isinstance(body["is_active"], bool):
        errors.append(("is_active", "must be a boolean"))
    errors += _flat_object(body, "custom_fields")
    return errors


def _flat_object(body: dict[str, Any], key: str) -> list[tuple[str, str]]:
    """A custom-fields style object: string keys, scalar or null values (sent whole)."""
    value = body.get(key)
    if value is None:
        return []
    if not isinstance(value, dict):
        return [(key, "must be an object")]
    return [
        (f"{key}.{name}", "must be a string, number, boolean or null")
        for name, field in value.items()
        if field is not None and not isinstance(field, str | int | float | bool)
    ]


def validate_contact(body: dict[str, Any], *, create: bool) -> list[tuple[str, str]]:
    errors = []
    if (create or "name" in body) and not body.get("name"):
        errors.append(("name", "is required"))
    email = body.get("email")
    if email is not None and (not isinstance(email, str) or not EMAIL.fullmatch(email)):
        errors.append(("email", "must be a valid email address"))
    return errors + _flat_object(body, "social")
