"""The canonical postal address."""

from __future__ import annotations

from schemas.base import CountryCode, Input, Resource, ShortText


class Address(Resource):
    line1: str | None = None
    line2: str | None = None
    house_number: str | None = None
    postal_code: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None


class AddressInput(Input):
    """An address in a request body; in a PATCH, absent keys stay as they are."""

    line1: ShortText | None = None
    line2: ShortText | None = None
    house_number: ShortText | None = None
    postal_code: ShortText | None = None
    city: ShortText | None = None
    state: ShortText | None = None
    country: CountryCode | None = None
