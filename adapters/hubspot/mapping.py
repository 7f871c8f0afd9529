"""HubSpot <-> canonical, as pure functions (no HTTP).

A HubSpot object is ``{"id", "properties": {name: string}, "createdAt", "updatedAt",
"archived"}``; every value is a string, ``""`` or null meaning none.

- Company -> customer: ``name`` (else ``domain``), ``phone``, ``website``,
  ``description`` -> ``notes``; ``address``, ``address2``, ``city``, ``state``,
  ``zip``, ``country`` -> ``billing_address`` (HubSpot's country is free text, read as
  an ISO code when it names a country, and written as its English name); a company is
  always ``is_company``; ``domain``, ``industry``, ``lifecyclestage``, ``type``,
  ``numberofemployees``, ``annualrevenue`` -> ``extra`` (as HubSpot's strings).
- Contact -> contact: ``firstname`` and ``lastname`` -> ``name`` (written back split at
  its last space), ``jobtitle`` -> ``title``, ``hs_language`` -> ``language``;
  ``company``, ``website``, ``mobilephone``, ``lifecyclestage`` -> ``extra``.
  ``is_primary``: the company is the contact's primary one (association label).
- Writes refuse with 422, by canonical name, what HubSpot does not hold (a code, a VAT
  number, shipping addresses, a person); null clears a property (``""``).
- Errors: ``errors[].context.propertyName`` (or ``errors[].in``) named canonically.

``flat`` is the view a connection's field mapping reads and writes (docs/field-mapping.md):
the properties by name beside ``id``, ``createdAt``, ``updatedAt``,
``archived``, so a source is a property name (``hs_lead_status``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from babel import Locale

from adapters.countries import to_alpha2
from adapters.rows import canonical
from adapters.timestamps import iso_utc
from kernel.errors import FieldError, ValidationFailed
from kernel.ids import format_id
from schemas import Contact, Customer

COMPANY_FIELDS = {"name": "name", "phone": "phone", "website": "website", "notes": "description"}
ADDRESS = {
    "line1": "address",
    "line2": "address2",
    "city": "city",
    "state": "state",
    "postal_code": "zip",
    "country": "country",
}
COMPANY_EXTRA = (
    "domain",
    "industry",
    "lifecyclestage",
    "type",
    "numberofemployees",
    "annualrevenue",
)
COMPANY_PROPERTIES = (*COMPANY_FIELDS.values(), *ADDRESS.values(), *COMPANY_EXTRA)
CONTACT_FIELDS = {
    "email": "email",
    "phone": "phone",
    "title": "jobtitle",
    "language": "hs_language",
}
CONTACT_EXTRA = ("company", "website", "mobilephone", "lifecyclestage")
CONTACT_PROPERTIES = ("firstname", "lastname", *CONTACT_FIELDS.values(), *CONTACT_EXTRA)
OBJECT_KEYS = ("id", "createdAt", "updatedAt", "archived")
CANONICAL: dict[str, dict[str, str]] = {
    "customer": {
        **{prop: name for name, prop in COMPANY_FIELDS.items()},
        **{prop: f"billing_address.{name}" for name, prop in ADDRESS.items()},
        **{prop: f"extra.{prop}" for prop in COMPANY_EXTRA},
    },
    "contact": {
        "firstname": "name",
        "lastname": "name",
        **{prop: name for name, prop in CONTACT_FIELDS.items()},
        **{prop: f"extra.{prop}" for prop in CONTACT_EXTRA},
    },
}


def properties(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    found = raw.get("properties")
    return found if isinstance(found, Mapping) else {}


def flat(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The field mapping's view of an object: its properties and its own keys."""
    return {**properties(raw), **{key: raw.get(key) for key in OBJECT_KEYS}}


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


# Reads ------------------------------------------------------------------------------


def customer_to_canonical(
    raw: Mapping[str, Any], connection: str, *, include_remote_data: bool = False
) -> Customer:
    return canonical(Customer, customer_fields(raw, connection, include_remote_data), connection)


def customer_fields(
    raw: Mapping[str, Any], connection: str, include_remote_data: bool = False
) -> dict[str, Any]:
    """The canonical customer's fields of a company (adapters/rows.py validates them)."""
    props = properties(raw)
    remote_id = str(raw["id"])
    return {
        "id": format_id(connection, remote_id),
        "connection": connection,
        "remote_id": remote_id,
        "name": _text(props.get("name")) or _text(props.get("domain")) or "",
        "is_company": True,
        "phone": _text(props.get("phone")),
        "website": _text(props.get("website")),
        "notes": _text(props.get("description")),
        "billing_address": address_fields(props),
        "extra": {key: props[key] for key in COMPANY_EXTRA if _text(props.get(key))},
        "remote_data": dict(raw) if include_remote_data else None,
        "created_at": iso_utc(raw.get("createdAt")),
        "updated_at": iso_utc(raw.get("updatedAt")),
    }


def address_fields(props: Mapping[str, Any]) -> dict[str, Any] | None:
    values = {name: _text(props.get(prop)) for name, prop in ADDRESS.items()}
    values["country"] = to_alpha2(values["country"])
    return values if any(values.values()) else None


def contact_to_canonical(
    raw: Mapping[str, Any], connection: str, customer_id: str, primary: bool
) -> Contact:
    return canonical(Contact, contact_fields(raw, connection, customer_id, primary), connection)


def contact_fields(
    raw: Mapping[str, Any], connection: str, customer_id: str, primary: bool
) -> dict[str, Any]:
    props = properties(raw)
    names = [n for n in (_text(props.get("firstname")), _text(props.get("lastname"))) if n]
    return {
        "id": format_id(connection, str(raw["id"])),
        "customer_id": format_id(connection, customer_id),
        "name": " ".join(names) or None,
        **{name: _text(props.get(prop)) for name, prop in CONTACT_FIELDS.items()},
        "is_primary": primary,
        "extra": {key: props[key] for key in CONTACT_EXTRA if _text(props.get(key))},
        "created_at": iso_utc(raw.get("createdAt")),
        "updated_at": iso_utc(raw.get("updatedAt")),
    }


# Writes -----------------------------------------------------------------------------


@cache
def _country_names() -> Mapping[str, str]:
    return Locale.parse("en").territories


def company_properties(fields: Mapping[str, Any]) -> dict[str, str]:
    """The ``properties`` of a company create or update; 422 for what HubSpot cannot
    hold. A partial ``billing_address`` writes only its keys (each is a property)."""
    body: dict[str, str] = {}
    problems: list[FieldError] = []
    for name, value in fields.items():
        if name in COMPANY_FIELDS:
            if name == "name" and value is None:
                problems.append(FieldError(name, "cannot be cleared"))
            body[COMPANY_FIELDS[name]] = _write(value)
        elif name == "billing_address":
            body.update(_address(value, problems))
        elif name == "extra":
            body.update(_extra(value or {}, COMPANY_EXTRA, problems))
        elif name == "shipping_addresses" and value:
            problems.append(FieldError(name, "HubSpot companies hold no shipping address"))
        elif name == "is_company" and value is False:
            problems.append(FieldError(name, "HubSpot customers are companies"))
        elif name not in ("shipping_addresses", "is_company") and value is not None:
            problems.append(FieldError(name, "HubSpot companies do not hold this field"))
    if problems:
        raise ValidationFailed("the body does not fit this connection", details=problems)
    return body


def contact_properties(fields: Mapping[str, Any]) -> dict[str, str]:
    """The ``properties`` of a contact create or update (``is_primary`` is not one)."""
    body: dict[str, str] = {}
    problems: list[FieldError] = []
    for name, value in fields.items():
        if name == "name":
            if value is None:
                problems.append(FieldError(name, "cannot be cleared"))
            first, _, last = str(value or "").rpartition(" ")
            body.update(firstname=first or last, lastname=last if first else "")
        elif name in CONTACT_FIELDS:
            body[CONTACT_FIELDS[name]] = _write(value)
        elif name == "extra":
            body.update(_extra(value or {}, CONTACT_EXTRA, problems))
        elif value is not None:
            problems.append(FieldError(name, "HubSpot contacts do not hold this field"))
    if problems:
        raise ValidationFailed("the body does not fit this connection", details=problems)
    return body


def _write(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _address(address: Mapping[str, Any] | None, problems: list[FieldError]) -> dict[str, str]:
    if address is None:
        return dict.fromkeys(ADDRESS.values(), "")
    body = {}
    for key, value in address.items():
        if key == "country" and value is not None:
            body["country"] = _country_names().get(str(value).upper(), str(value))
        elif key in ADDRESS:
            body[ADDRESS[key]] = _write(value)
        elif value is not None:
            problems.append(FieldError(f"billing_address.{key}", "HubSpot does not hold this"))
    return body


def _extra(
    extra: Mapping[str, Any], writable: tuple[str, ...], problems: list[FieldError]
) -> dict[str, str]:
    body = {}
    for key, value in extra.items():
        if key not in writable:
            problems.append(FieldError(f"extra.{key}", f"writable here: {', '.join(writable)}"))
        elif isinstance(value, dict | list):
            problems.append(FieldError(f"extra.{key}", "a string, a number or true/false"))
        else:
            body[key] = _write(value)
    return body


# Errors -----------------------------------------------------------------------------


def field_errors(body: Any, kind: str, mapped: Mapping[str, str] | None = None) -> list[FieldError]:
    """The canonical field errors of a HubSpot error body: each ``errors[]`` entry by
    the property it names (``context.propertyName``, else ``in``); ``mapped`` names
    the properties a field mapping reads (property -> canonical target)."""
    if not isinstance(body, Mapping):
        return []
    found = []
    for entry in body.get("errors") or ():
        if not isinstance(entry, Mapping):
            continue
        context = entry.get("context")
        named = context.get("propertyName") if isinstance(context, Mapping) else None
        names = named if isinstance(named, list) else [entry.get("in")]
        message = str(entry.get("message") or "refused by HubSpot")
        for name in names:
            if name is not None:
                found.append(FieldError(canonical_field(str(name), kind, mapped), message))
    if not found and body.get("category") == "CONFLICT" and kind == "contact":
        message = str(body.get("message") or "")
        found.append(FieldError("email", f"a HubSpot contact already has this email ({message})"))
    return found


def canonical_field(name: str, kind: str, mapped: Mapping[str, str] | None = None) -> str:
    """A HubSpot property's canonical field name (``zip`` -> ``billing_address.postal_code``)."""
    if mapped and name in mapped:
        return mapped[name]
    return CANONICAL.get(kind, {}).get(name, name)
