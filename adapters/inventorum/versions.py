"""What differs between Inventorum API versions: how phone numbers travel.

v10 (and later) reads and writes ``phone_number``, one string. v9 (and earlier) reads
and writes ``phone_numbers``, a list of ``{national_number, type, country_code}``
(the doc also spells it ``county_code``; both are read). ``phone_layer(version)``
picks the layer; everything else in the mapping is version-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class PhoneLayer(Protocol):
    field: str

    def read(self, raw: Mapping[str, Any]) -> tuple[str | None, dict[str, Any]]:
        """The canonical phone and any extra fields it came with."""

    def write(self, phone: str | None) -> dict[str, Any]:
        """The upstream fields that set ``phone`` (``None`` clears)."""


class PhoneV10:
    field = "phone_number"

    def read(self, raw: Mapping[str, Any]) -> tuple[str | None, dict[str, Any]]:
        phone = raw.get("phone_number")
        return (str(phone) if phone else None), {}

    def write(self, phone: str | None) -> dict[str, Any]:
        return {"phone_number": phone or ""}


class PhoneV9:
    field = "phone_numbers"

    def read(self, raw: Mapping[str, Any]) -> tuple[str | None, dict[str, Any]]:
        numbers = [
            {
                "national_number": n.get("national_number"),
                "type": n.get("type"),
                "country_code": n.get("country_code", n.get("county_code")),
            }
            for n in raw.get("phone_numbers") or []
            if isinstance(n, Mapping)
        ]
        first = next((n["national_number"] for n in numbers if n["national_number"]), None)
        return (str(first) if first else None), ({"phone_numbers": numbers} if numbers else {})

    def write(self, phone: str | None) -> dict[str, Any]:
        if not phone:
            return {"phone_numbers": []}
        return {
            "phone_numbers": [{"national_number": phone, "type": "phone", "country_code": None}]
        }


def phone_layer(version: int) -> PhoneLayer:
    return PhoneV9() if version <= 9 else PhoneV10()
