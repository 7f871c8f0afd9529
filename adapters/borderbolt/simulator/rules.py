"""What the simulated BorderBolt accepts: its fields, filters and Laravel validation rules."""

from __future__ import annotations

import re
from typing import Any

LIST_HIDDEN = ("warehouse_licence", "warehouse_licence_type", "poa_valid_until")
CREATE_FIELDS = (
    "customer_code",
    "customer_name",
    "customer_address",
    "customer_address_number",
    "customer_postal_code",
    "customer_city",
    "customer_country_code",
    "customer_eori_number",
    "customer_vat_number",
    "representation_type",
    "customs_declaration_office",
    "internal_reference",
)
OBJECT_FIELDS = ("settings",)  # replaced whole on update
UPDATE_FIELDS = (*CREATE_FIELDS[1:], *OBJECT_FIELDS, "portal_access_enabled")
CONTACT_CREATE_FIELDS = ("name", "email", "phone", "role", "is_primary", "extension")
CONTACT_UPDATE_FIELDS = (
    "name",
    "email",
    "phone",
    "role",
    "department",
    "is_primary",
    "receives_notifications",
    "receives_approvals",
    "language",
    "notes",
    "extension",
)
NESTED_CONTACT_KEYS = (
    "id",
    "name",
    "email",
    "phone",
    "position",
    "department",
    "is_primary",
    "receives_notifications",
    "receives_approvals",
    "language",
)
# The partial objects the doc shows create and update answering with.
CREATED_CUSTOMER_KEYS = (
    "id",
    "customer_code",
    "customer_name",
    "customer_eori_number",
    "customer_country_code",
    "created_at",
    "updated_at",
)
CREATED_CONTACT_KEYS = (
    "id",
    "customer_masterdata_id",
    "name",
    "email",
    "phone",
    "is_primary",
    "created_at",
    "updated_at",
)
UPDATED_CONTACT_KEYS = ("id", "name", "email", "is_primary", "updated_at")
SORTS = ("customer_code", "customer_name", "customer_country_code", "created_at")
MAX_LENGTHS = {"customer_code": 50, "customer_name": 255}
CONTACT_MAX_LENGTHS = {"name": 255, "phone": 50, "role": 100}


LIST_FILTERS = ("code", "name", "eori", "country", "portal_access")  # what ``matches`` reads


def matches(customer: dict[str, Any], q: Any) -> bool:
    for param, field in (
        ("code", "customer_code"),
        ("name", "customer_name"),
        ("eori", "customer_eori_number"),
    ):
        wanted = q.get(param)
        if wanted and wanted.lower() not in str(customer.get(field) or "").lower():
            return False
    country = q.get("country")
    if country and country.upper() != customer.get("customer_country_code"):
        return False
    portal = q.get("portal_access")
    return portal is None or customer["portal_access_enabled"] == (portal in ("true", "1"))


def validate_customer(body: dict[str, Any], *, required: tuple[str, ...]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in required:
        if not body.get(name):
            errors[name] = [f"The {name.replace('_', ' ')} field is required."]
    for name in CREATE_FIELDS:
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            errors.setdefault(name, []).append(f"The {name.replace('_', ' ')} must be a string.")
        elif isinstance(value, str) and len(value) > MAX_LENGTHS.get(name, 255):
            errors.setdefault(name, []).append(
                f"The {name.replace('_', ' ')} may not be greater than "
                f"{MAX_LENGTHS.get(name, 255)} characters."
            )
    country = body.get("customer_country_code")
    if isinstance(country, str) and not re.fullmatch(r"[A-Z]{2}", country):
        errors.setdefault("customer_country_code", []).append(
            "The customer country code must be 2 characters."
        )
    eori = body.get("customer_eori_number")
    if isinstance(eori, str) and not re.fullmatch(r"[A-Z]{2}[A-Za-z0-9]{1,15}", eori):
        errors.setdefault("customer_eori_number", []).append(
            "The customer eori number format is invalid."
        )
    for name in OBJECT_FIELDS:
        if body.get(name) is not None and not isinstance(body[name], dict):
            errors[name] = [f"The {name} must be an array."]  # Laravel's word for an object
    portal = body.get("portal_access_enabled")
    if portal is not None and not isinstance(portal, bool):
        errors["portal_access_enabled"] = ["The portal access enabled field must be true or false."]
    return errors


def validate_contact(body: dict[str, Any], *, required: bool) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if (required or "name" in body) and not body.get("name"):
        errors["name"] = ["The name field is required."]
    for name, limit in CONTACT_MAX_LENGTHS.items():
        value = body.get(name)
        if isinstance(value, str) and len(value) > limit:
            errors[name] = [f"The {name} may not be greater than {limit} characters."]
    return errors
