"""The canonical customer."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from schemas.address import Address, AddressInput
from schemas.base import Extra, Input, LongText, Resource, ShortText
from schemas.contact import Contact

CustomerSortKey = Literal["name", "code", "country", "created_at", "updated_at"]


class Customer(Resource):
    id: str
    connection: str
    remote_id: str
    code: str | None = None
    name: str
    is_company: bool
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    vat_number: str | None = None
    tax_id: str | None = None
    eori_number: str | None = None
    billing_address: Address | None = None
    shipping_addresses: list[Address] = Field(default_factory=list)
    is_active: bool | None = None
    notes: str | None = None
    contacts: list[Contact] | None = Field(
        None,
        description=(
            "On single reads, the contacts as the customer's upstream embeds them; null "
            "where the connection has no contacts. An upstream may embed less than its "
            "contact reads give (BorderBolt: no notes, no timestamps, null here): "
            "GET /v1/customers/{id}/contacts has every field."
        ),
    )
    extra: Extra = Field(default_factory=dict)
    remote_data: dict[str, Any] | None = None
    created_at: str | None = None
    updated_at: str | None = None


class CustomerPatch(Input):
    """JSON merge patch of a customer: absent = unchanged, null = clear."""

    code: ShortText | None = Field(default=None, min_length=1)
    name: ShortText | None = Field(default=None, min_length=1)
    is_company: bool | None = None
    first_name: ShortText | None = None
    last_name: ShortText | None = None
    email: ShortText | None = None
    phone: ShortText | None = None
    website: ShortText | None = None
    vat_number: ShortText | None = None
    tax_id: ShortText | None = None
    eori_number: ShortText | None = None
    billing_address: AddressInput | None = None
    shipping_addresses: list[AddressInput] | None = None
    is_active: bool | None = None
    notes: LongText | None = None
    extra: Extra | None = None


class CustomerCreate(CustomerPatch):
    name: ShortText = Field(min_length=1)
