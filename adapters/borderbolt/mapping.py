"""BorderBolt <-> canonical, as pure functions (no HTTP).

Reads: ``customer_to_canonical`` and ``contact_to_canonical`` take the upstream JSON
object (``customer_fields`` and ``contact_fields`` give the fields, for a page to be
validated at once: adapters/rows.py). Writes: ``customer_to_upstream`` and
``contact_to_upstream`` take the fields a client set (``model_dump(exclude_unset=True)``,
so ``None`` means "clear") and refuse, with 422 and the canonical field name, anything
BorderBolt cannot hold: nothing a client sends is silently dropped. ``field_errors``
maps BorderBolt's 422 field names back to canonical ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from adapters.rows import canonical, customer_reader
from adapters.timestamps import iso_utc
from kernel.errors import FieldError, ValidationFailed
from kernel.ids import format_id
from schemas import Contact

CUSTOMER_EXTRA_KEYS = (
    "representation_type",
    "customs_declaration_office",
    "warehouse_licence",
    "warehouse_licence_type",
    "portal_access_enabled",
    "poa_valid_until",
)
EXTRA_WRITABLE_ON_CREATE = ("representation_type", "customs_declaration_office")
EXTRA_WRITABLE_ON_UPDATE = (*EXTRA_WRITABLE_ON_CREATE, "portal_access_enabled")

CUSTOMER_FIELDS = {
    "code": "customer_code",
    "name": "customer_name",
    "eori_number": "customer_eori_number",
    "vat_number": "customer_vat_number",
}
ADDRESS_FIELDS = {
    "line1": "customer_address",
    "house_number": "customer_address_number",
    "postal_code": "customer_postal_code",
    "city": "customer_city",
    "country": "customer_country_code",
}
CONTACT_FIELDS = (
    "name",
    "email",
    "phone",
    "department",
    "is_primary",
    "language",
    "receives_notifications",
    "receives_approvals",
    "notes",
)
CONTACT_CREATE_FIELDS = ("name", "email", "phone", "title", "is_primary")
CONTACT_UPDATE_FIELDS = (*CONTACT_FIELDS, "title")

CANONICAL_FIELD = {
    **{upstream: canonical for canonical, upstream in CUSTOMER_FIELDS.items()},
    **{upstream: f"billing_address.{canonical}" for canonical, upstream in ADDRESS_FIELDS.items()},
    **{key: f"extra.{key}" for key in CUSTOMER_EXTRA_KEYS},
    "role": "title",
    "position": "title",
}


def customer_fields(
    raw: Mapping[str, Any], connection: str, include_remote_data: bool = False
) -> dict[str, Any]:
    """The canonical customer's fields (adapters/rows.py validates them)."""
    remote_id = str(raw["id"])
    contacts = raw.get("contacts")
    return {
        "id": format_id(connection, remote_id),
        "connection": connection,
        "remote_id": remote_id,
        "code": raw.get("customer_code"),
        "name": raw.get("customer_name") or "",
        "is_company": True,
        "eori_number": raw.get("customer_eori_number"),
        "vat_number": raw.get("customer_vat_number"),
        "billing_address": _address(raw),
        "contacts": (
            [contact_fields(c, connection, remote_id) for c in contacts]
            if isinstance(contacts, list)
            else None
        ),
        "extra": {key: raw[key] for key in CUSTOMER_EXTRA_KEYS if key in raw},
        "remote_data": dict(raw) if include_remote_data else None,
        "created_at": iso_utc(raw.get("created_at")),
        "updated_at": iso_utc(raw.get("updated_at")),
    }


customer_to_canonical = customer_reader(customer_fields)


def contact_to_canonical(raw: Mapping[str, Any], connection: str, customer_id: str) -> Contact:
    return canonical(Contact, contact_fields(raw, connection, customer_id), connection)


def contact_fields(raw: Mapping[str, Any], connection: str, customer_id: str) -> dict[str, Any]:
    parent = raw.get("customer_masterdata_id") or customer_id
    return {
        "id": format_id(connection, str(raw["id"])),
        "customer_id": format_id(connection, str(parent)),
        "title": raw.get("position", raw.get("role")),
        **{key: raw.get(key) for key in CONTACT_FIELDS},
        "created_at": iso_utc(raw.get("created_at")),
        "updated_at": iso_utc(raw.get("updated_at")),
    }


def customer_to_upstream(fields: Mapping[str, Any], *, update: bool) -> dict[str, Any]:
    """The BorderBolt body for a create (``update=False``) or a partial update."""
    body: dict[str, Any] = {}
    problems: list[FieldError] = []
    for name, value in fields.items():
        if name in CUSTOMER_FIELDS:
            body[CUSTOMER_FIELDS[name]] = value
        elif name == "billing_address":
            body.update(_address_to_upstream(value, problems))
        elif name == "extra":
            writable = EXTRA_WRITABLE_ON_UPDATE if update else EXTRA_WRITABLE_ON_CREATE
            body.update(_extra_to_upstream(value or {}, writable, problems))
        elif name == "is_company" and value in (None, True):
            continue
        elif value is not None and value != []:
            problems.append(FieldError(name, "BorderBolt does not hold this field"))
    if not update and not fields.get("code"):
        problems.append(FieldError("code", "required on BorderBolt"))
    if update and "name" in fields and fields["name"] is None:
        problems.append(FieldError("name", "cannot be cleared"))
    if problems:
        raise ValidationFailed("the body does not fit this connection", details=problems)
    return body


def contact_to_upstream(fields: Mapping[str, Any], *, update: bool) -> dict[str, Any]:
    """The BorderBolt body for adding a contact (``role``) or updating one."""
    writable = CONTACT_UPDATE_FIELDS if update else CONTACT_CREATE_FIELDS
    body: dict[str, Any] = {}
    problems = []
    for name, value in fields.items():
        if name == "extra" and not value:
            continue
        if name not in writable:
            hint = "; set it with PATCH after adding" if name in CONTACT_UPDATE_FIELDS else ""
            problems.append(FieldError(name, f"BorderBolt does not take this field here{hint}"))
        elif name == "name" and value is None:
            problems.append(FieldError(name, "cannot be cleared"))
        else:
            body["role" if name == "title" else name] = value
    if problems:
        raise ValidationFailed("the body does not fit this connection", details=problems)
    return body


def field_errors(errors: Any, names: Mapping[str, str] = CANONICAL_FIELD) -> list[FieldError]:
    """BorderBolt's ``{"errors": {"customer_code": ["..."]}}`` with canonical ``names``."""
    if not isinstance(errors, Mapping):
        return []
    return [
        FieldError(names.get(str(name), str(name)), str(message))
        for name, messages in errors.items()
        for message in _as_list(messages)
    ]


def _address(raw: Mapping[str, Any]) -> dict[str, Any] | None:
    values = {field: raw.get(upstream) or None for field, upstream in ADDRESS_FIELDS.items()}
    if not any(values.values()):
        return None
    if values["country"]:
        values["country"] = str(values["country"]).upper()
    return values


def _address_to_upstream(address: Any, problems: list[FieldError]) -> dict[str, Any]:
    if address is None:
        return dict.fromkeys(ADDRESS_FIELDS.values())
    body = {}
    for name, value in address.items():
        if name in ADDRESS_FIELDS:
            body[ADDRESS_FIELDS[name]] = value
        elif value is not None:
            problems.append(FieldError(f"billing_address.{name}", "BorderBolt does not hold this"))
    return body


def _extra_to_upstream(
    extra: Mapping[str, Any], writable: Iterable[str], problems: list[FieldError]
) -> dict[str, Any]:
    allowed = tuple(writable)
    for key in extra:
        if key not in allowed:
            problems.append(FieldError(f"extra.{key}", f"not writable here; writable: {allowed}"))
    return {key: value for key, value in extra.items() if key in allowed}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
