"""What the simulated Inventorum accepts: writable fields, phones per version, validation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

TITLES = ("Mr.", "Mrs.", "Ms.")
ADDRESS_KEYS = (
    "address1",
    "address2",
    "zipcode",
    "city",
    "state",
    "first_name",
    "last_name",
    "company",
    "title",
    "country",
)
WRITABLE = (
    "company",
    "first_name",
    "last_name",
    "email",
    "email_marketing_agreed",
    "is_b2b",
    "is_favourite",
    "is_vip",
    "note",
    "tax_number",
    "title",
    "birthday",
    "is_confirmed",
    "loyalty",
    "tags",
)


def phones_of(body: dict[str, Any], version: int) -> list[str]:
    if version <= 9:
        return [
            str(p.get("national_number"))
            for p in body.get("phone_numbers") or []
            if isinstance(p, dict) and p.get("national_number")
        ]
    return [str(body["phone_number"])] if body.get("phone_number") else []


def validate(body: dict[str, Any], merged: dict[str, Any], version: int) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not merged.get("company") and not (merged.get("first_name") and merged.get("last_name")):
        for key in ("first_name", "last_name", "company"):
            errors[key] = ["Name or company must be set"]
    wrong = "phone_number" if version <= 9 else "phone_numbers"
    if wrong in body:
        errors[wrong] = [f"Not available in API version {version}."]
    if (
        version > 9
        and body.get("phone_number") is not None
        and not isinstance(body["phone_number"], str)
    ):
        errors["phone_number"] = ["Not a valid string."]
    if body.get("title") not in (None, "", *TITLES):
        errors["title"] = [f'"{body["title"]}" is not a valid choice.']
    birthday = body.get("birthday")
    if birthday is not None:
        try:
            datetime.fromisoformat(str(birthday))
        except ValueError:
            errors["birthday"] = ["Datetime has wrong format."]
    for key in ("is_b2b", "is_favourite", "is_vip", "email_marketing_agreed", "is_confirmed"):
        if key in body and not isinstance(body[key], bool):
            errors[key] = ["Must be a valid boolean."]
    for key in ("billing_address",):
        if key in body and not isinstance(body[key], dict):
            errors[key] = ["Invalid data. Expected a dictionary."]
    if "shipping_address" in body and not isinstance(body["shipping_address"], list):
        errors["shipping_address"] = ["Expected a list of items."]
    if body.get("loyalty") is not None and not isinstance(body["loyalty"], dict):
        errors["loyalty"] = ["Invalid data. Expected a dictionary."]
    tags = body.get("tags")
    if tags is not None and not (
        isinstance(tags, list) and all(isinstance(t, str | None) for t in tags)
    ):
        errors["tags"] = ["Expected a list of strings."]
    return errors
