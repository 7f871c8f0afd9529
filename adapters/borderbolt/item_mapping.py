"""BorderBolt item master <-> canonical Item, as pure functions (no HTTP).

Most fields share their names. ``item_code`` is ``code``; ``customer_id`` is a
canonical customer ID on the same connection (``borderbolt:501``) or ``null``;
documents and pending changes get canonical IDs and UTC timestamps. ``item_fields`` gives
the fields (nested ones as dicts) for adapters/rows.py to validate: one item, or a list
page at once (as models, or as plain dicts for a page only rendered).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from adapters.borderbolt import item_fields as documented
from adapters.borderbolt import mapping
from adapters.rows import canonical
from adapters.timestamps import iso_utc
from kernel.errors import FieldError, ValidationFailed
from kernel.ids import format_id, remote_part
from schemas import Document, Item, PendingChange

SAME_NAME = (*documented.DETAIL, "status")
NUMBERS = (
    "net_weight",
    "gross_weight",
    "supplementary_units",
    "unit_value",
    "duty_rate",
    "vat_rate",
)
TIMES = ("verified_at", "created_at", "updated_at")
KNOWN = {"id", "item_code", "customer_id", "documents", "pending_changes", *SAME_NAME, *TIMES}
CANONICAL_FIELD = {"item_code": "code", "customer_id": "customer_id"}


def item_to_canonical(
    raw: Mapping[str, Any], connection: str, *, include_remote_data: bool = False
) -> Item:
    return canonical(Item, item_fields(raw, connection, include_remote_data), connection)


def item_fields(
    raw: Mapping[str, Any], connection: str, include_remote_data: bool = False
) -> dict[str, Any]:
    """The canonical item's fields, nested documents and changes as dicts (validated by
    adapters/rows.py: one item, or a list page at once)."""
    remote_id = str(raw["id"])
    documents, changes = raw.get("documents"), raw.get("pending_changes")
    values = {key: raw.get(key) for key in SAME_NAME}
    for key in NUMBERS:
        values[key] = _number(values[key])
    if values["status"] not in ("active", "inactive", "pending"):
        values["status"] = None
    customer = raw.get("customer_id")
    return {
        "id": format_id(connection, remote_id),
        "code": raw.get("item_code"),
        "customer_id": (
            format_id(connection, str(customer)) if customer not in (None, "") else None
        ),
        **values,
        "documents": (
            [document_fields(d, connection) for d in documents if isinstance(d, Mapping)]
            if isinstance(documents, list)
            else None
        ),
        "pending_changes": (
            [
                pending_change_fields(c, connection, remote_id)
                for c in changes
                if isinstance(c, Mapping)
            ]
            if isinstance(changes, list)
            else None
        ),
        "extra": {k: v for k, v in raw.items() if k not in KNOWN},
        "remote_data": dict(raw) if include_remote_data else None,
        **{key: iso_utc(raw.get(key)) for key in TIMES},
    }


def document_to_canonical(raw: Mapping[str, Any], connection: str) -> Document:
    return canonical(Document, document_fields(raw, connection), connection)


def document_fields(raw: Mapping[str, Any], connection: str) -> dict[str, Any]:
    known = {"id", "type", "filename", "created_at"}
    return {
        "id": format_id(connection, str(raw.get("id"))),
        "type": raw.get("type"),
        "filename": raw.get("filename"),
        "created_at": iso_utc(raw.get("created_at")),
        "extra": {k: v for k, v in raw.items() if k not in known},
    }


def pending_change_to_canonical(
    raw: Mapping[str, Any], connection: str, item_id: str
) -> PendingChange:
    return canonical(PendingChange, pending_change_fields(raw, connection, item_id), connection)


def pending_change_fields(raw: Mapping[str, Any], connection: str, item_id: str) -> dict[str, Any]:
    known = {
        "id",
        "item_id",
        "field",
        "current_value",
        "proposed_value",
        "status",
        "requested_by",
        "created_at",
        "reviewed_at",
    }
    return {
        "id": format_id(connection, str(raw.get("id"))),
        "item_id": format_id(connection, str(raw.get("item_id") or item_id)),
        "field": raw.get("field"),
        "current_value": raw.get("current_value"),
        "proposed_value": raw.get("proposed_value"),
        "status": raw.get("status"),
        "requested_by": raw.get("requested_by"),
        "created_at": iso_utc(raw.get("created_at")),
        "reviewed_at": iso_utc(raw.get("reviewed_at")),
        "extra": {k: v for k, v in raw.items() if k not in known},
    }


def item_to_upstream(
    fields: Mapping[str, Any], connection: str, valid_id: Callable[[str], bool]
) -> dict[str, Any]:
    """The BorderBolt body for a create or an update (``fields`` as the client set them)."""
    body: dict[str, Any] = {}
    problems: list[FieldError] = []
    for name, value in fields.items():
        if name == "code":
            body["item_code"] = value
        elif name == "customer_id":
            body["customer_id"] = _remote_customer(value, connection, valid_id, problems)
        elif name in SAME_NAME:
            body[name] = value
        elif name == "extra" and value:
            problems += [
                FieldError(f"extra.{k}", "BorderBolt items take no extra fields") for k in value
            ]
    for name in ("code", "description"):
        if name in fields and fields[name] is None:
            problems.append(FieldError(name, "cannot be cleared"))
    if problems:
        raise ValidationFailed("the body does not fit this connection", details=problems)
    return body


def field_errors(errors: Any) -> list[FieldError]:
    """BorderBolt's Laravel field errors, named as the canonical Item names them."""
    return mapping.field_errors(errors, CANONICAL_FIELD)


def _remote_customer(
    value: Any, connection: str, valid_id: Callable[[str], bool], problems: list[FieldError]
) -> int | None:
    if value is None:
        return None
    remote = remote_part(str(value), connection, valid_id)
    if remote is None:
        problems.append(
            FieldError("customer_id", f"a customer ID on {connection!r}, e.g. '{connection}:501'")
        )
        return None
    return int(remote)


def _number(value: Any) -> float | None:
    """Laravel may send decimals as strings (``"10.00"``); the canonical Item has numbers."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return None
