"""Inventorum <-> canonical, as pure functions (no HTTP).

- Name rule: a company (``is_b2b``) needs ``company``, a person first and last name.
  Canonical ``name`` reads as ``company`` when set, else ``"first last"``. Writing a
  person with only ``name``, it is split at its last space.
- ``is_b2b`` <-> ``is_company``; ``tax_number`` <-> ``vat_number``; ``note`` <->
  ``notes``; ``address1/address2/zipcode`` <-> ``line1/line2/postal_code``.
- Countries may come as full names ("Deutschland"): read as ISO alpha-2.
- Empty strings are Inventorum's "no value": read as ``null``, and ``null`` is written
  as ``""`` where the upstream keeps strings.
- ``birthday`` comes with an offset and is answered in UTC with ``Z`` in ``extra``.
- Phones differ by API version: see adapters/inventorum/versions.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.countries import to_alpha2
from adapters.inventorum.versions import PhoneLayer
from adapters.rows import canonical
from adapters.timestamps import iso_utc
from kernel.errors import FieldError, ValidationFailed
from kernel.ids import format_id
from kernel.numbers import ascii_int
from schemas import Address, Customer

EXTRA_KEYS = (
    "account_scoped_id",
    "title",
    "middle_name",
    "is_vip",
    "is_favourite",
    "email_marketing_agreed",
    "group",
    "customer_note",
    "is_confirmed",
    "channel",
    "birthday",
    "total_sales",
)
EXTRA_WRITABLE = (
    "title",
    "is_vip",
    "is_favourite",
    "email_marketing_agreed",
    "is_confirmed",
    "birthday",
)
EXTRA_CREATE_ONLY = ("channel",)
ADDRESS_FIELDS = {
    "line1": "address1",
    "line2": "address2",
    "postal_code": "zipcode",
    "city": "city",
    "state": "state",
    "country": "country",
}
ADDRESS_CANONICAL = {upstream: canonical for canonical, upstream in ADDRESS_FIELDS.items()}
STRING_FIELDS = {
    "email": "email",
    "vat_number": "tax_number",
    "notes": "note",
    "first_name": "first_name",
    "last_name": "last_name",
}
CANONICAL_FIELD = {
    "company": "name",
    "is_b2b": "is_company",
    "tax_number": "vat_number",
    "note": "notes",
    "phone_number": "phone",
    "phone_numbers": "phone",
    **{key: f"extra.{key}" for key in (*EXTRA_KEYS,)},
}


def customer_to_canonical(
    raw: Mapping[str, Any],
    connection: str,
    phones: PhoneLayer,
    *,
    include_remote_data: bool = False,
) -> Customer:
    fields = customer_fields(raw, connection, phones, include_remote_data)
    return canonical(Customer, fields, connection)


def customer_fields(
    raw: Mapping[str, Any], connection: str, phones: PhoneLayer, include_remote_data: bool = False
) -> dict[str, Any]:
    """The canonical customer's fields (adapters/rows.py validates them)."""
    remote_id = str(raw["id"])
    first, last = _text(raw.get("first_name")), _text(raw.get("last_name"))
    company = _text(raw.get("company"))
    phone, phone_extra = phones.read(raw)
    extra = {key: raw[key] for key in EXTRA_KEYS if key in raw}
    if "birthday" in extra:
        extra["birthday"] = iso_utc(extra["birthday"])
    shipping = raw.get("shipping_address")
    return {
        "id": format_id(connection, remote_id),
        "connection": connection,
        "remote_id": remote_id,
        "name": company or " ".join(p for p in (first, last) if p),
        "is_company": bool(raw.get("is_b2b")),
        "first_name": first,
        "last_name": last,
        "email": _text(raw.get("email")),
        "phone": phone,
        "vat_number": _text(raw.get("tax_number")),
        "billing_address": address_fields(raw.get("billing_address")),
        "shipping_addresses": [
            a
            for a in map(address_fields, shipping if isinstance(shipping, list) else [])
            if a is not None
        ],
        "notes": _text(raw.get("note")),
        "contacts": None,
        "extra": {**extra, **phone_extra},
        "remote_data": dict(raw) if include_remote_data else None,
    }


def address_fields(raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, Mapping):
        return None
    values = {field: _text(raw.get(upstream)) for field, upstream in ADDRESS_FIELDS.items()}
    values["country"] = to_alpha2(values["country"])
    return values if any(values.values()) else None


def customer_to_upstream(
    fields: Mapping[str, Any], phones: PhoneLayer, *, current: Customer | None = None
) -> dict[str, Any]:
    """The Inventorum body for a create (``current is None``) or an update of ``current``."""
    body: dict[str, Any] = {}
    problems: list[FieldError] = []
    for name, value in fields.items():
        if name in STRING_FIELDS:
            body[STRING_FIELDS[name]] = value or ""
        elif name == "phone":
            body.update(phones.write(value))
        elif name == "is_company":
            if value is None:
                problems.append(FieldError(name, "cannot be cleared"))
        elif name == "billing_address":
            merged = _merge(current.billing_address if current else None, value)
            body[name] = _address_to_upstream(merged, name, problems)
        elif name == "shipping_addresses":
            body["shipping_address"] = [
                _address_to_upstream(a, f"{name}.{i}", problems) for i, a in enumerate(value or [])
            ]
        elif name == "extra":
            writable = EXTRA_WRITABLE if current else (*EXTRA_WRITABLE, *EXTRA_CREATE_ONLY)
            body.update(_extra_to_upstream(value or {}, writable, problems))
        elif name != "name" and value is not None:
            problems.append(FieldError(name, "Inventorum does not hold this field"))
    body.update(_names(fields, current, problems))
    if problems:
        raise ValidationFailed("the body does not fit this connection", details=problems)
    return body


def field_errors(body: Any) -> list[FieldError]:
    """``{"error": {"fields": {name: [message]}}}`` with canonical names."""
    error = body.get("error") if isinstance(body, Mapping) else None
    fields = error.get("fields") if isinstance(error, Mapping) else None
    if not isinstance(fields, Mapping):
        return []
    return [
        FieldError(canonical_field(str(name)), str(message))
        for name, messages in fields.items()
        for message in (messages if isinstance(messages, list) else [messages])
    ]


def canonical_field(name: str) -> str:
    """``billing_address.zipcode`` -> ``billing_address.postal_code``,
    ``shipping_address.0.address1`` -> ``shipping_addresses.0.line1``, ``company`` -> ``name``."""
    head, *rest = name.split(".")
    if head == "billing_address":
        return ".".join([head, *map(_address_leaf, rest)])
    if head == "shipping_address":
        if not rest or ascii_int(rest[0]) is None:
            rest = ["0", *rest]
        return ".".join(["shipping_addresses", rest[0], *map(_address_leaf, rest[1:])])
    return CANONICAL_FIELD.get(name, name)


def _address_leaf(upstream: str) -> str:
    return ADDRESS_CANONICAL.get(upstream, upstream)


def _names(
    fields: Mapping[str, Any], current: Customer | None, problems: list[FieldError]
) -> dict[str, Any]:
    """company / first_name / last_name / is_b2b after the name rule."""
    is_company = fields.get("is_company")
    if is_company is None:
        if current is not None:
            is_company = current.is_company
        else:
            is_company = not (fields.get("first_name") or fields.get("last_name"))
    name = fields.get("name")
    changes_kind = current is None or "is_company" in fields
    body: dict[str, Any] = {"is_b2b": is_company} if changes_kind else {}
    if is_company:
        if name is not None or current is None:
            body["company"] = name or ""
        return body
    first = fields.get("first_name", current.first_name if current else None)
    last = fields.get("last_name", current.last_name if current else None)
    if name is not None and not ("first_name" in fields or "last_name" in fields):
        first, _, last = name.rpartition(" ")
        if not first:
            problems.append(FieldError("name", "a person needs a first and a last name"))
        body.update(first_name=first, last_name=last)
    elif changes_kind and not (first and last):
        problems.append(
            FieldError(
                "last_name" if first else "first_name", "a person needs a first and a last name"
            )
        )
    if changes_kind:
        body["company"] = ""
    return body


def _merge(current: Address | None, patch: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if patch is None:
        return None
    merged = current.model_dump() if current else {}
    merged.update(patch)
    return merged


def _address_to_upstream(
    address: Mapping[str, Any] | None, where: str, problems: list[FieldError]
) -> dict[str, Any]:
    body = dict.fromkeys(ADDRESS_FIELDS.values(), "")
    for key, value in (address or {}).items():
        if key in ADDRESS_FIELDS:
            body[ADDRESS_FIELDS[key]] = value or ""
        elif value is not None:
            problems.append(FieldError(f"{where}.{key}", "Inventorum does not hold this"))
    return body


def _extra_to_upstream(
    extra: Mapping[str, Any], writable: tuple[str, ...], problems: list[FieldError]
) -> dict[str, Any]:
    body = {}
    for key, value in extra.items():
        if key not in writable:
            problems.append(FieldError(f"extra.{key}", f"writable here: {writable}"))
        elif key == "birthday" and value is not None:
            normalised = iso_utc(value)
            if normalised is None:
                problems.append(FieldError("extra.birthday", "an ISO 8601 date-time"))
            body[key] = normalised
        else:
            body[key] = value
    return body


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None
