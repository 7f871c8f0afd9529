"""The canonical item (BorderBolt item master)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from schemas.base import CountryCode, Extra, Input, LongText, Resource, ShortText

ItemStatus = Literal["active", "inactive", "pending"]
ItemSortKey = Literal["code", "description", "hs_code", "status", "created_at", "updated_at"]
ChangeStatus = Literal["pending", "approved", "rejected"]
NonNegative = Annotated[float, Field(ge=0)]


class Document(Resource):
    id: str
    type: str | None = None
    filename: str | None = None
    created_at: str | None = None
    extra: Extra = Field(default_factory=dict)


class PendingChange(Resource):
    id: str
    item_id: str
    field: str | None = None
    current_value: Any = None
    proposed_value: Any = None
    status: str | None = None
    requested_by: str | None = None
    created_at: str | None = None
    reviewed_at: str | None = None
    extra: Extra = Field(default_factory=dict)


class Item(Resource):
    id: str
    code: str | None = None
    description: str | None = None
    customer_id: str | None = None
    hs_code: str | None = None
    taric_code: str | None = None
    country_of_origin: str | None = None
    preferential_origin: str | None = None
    status: ItemStatus | None = None
    net_weight: float | None = None
    gross_weight: float | None = None
    supplementary_units: float | None = None
    unit_value: float | None = None
    unit_currency: str | None = None
    duty_rate: float | None = None
    vat_rate: float | None = None
    licensing_required: bool | None = None
    packaging_type: str | None = None
    packaging_marks: str | None = None
    manufacturer_name: str | None = None
    manufacturer_part_number: str | None = None
    sku: str | None = None
    part_number: str | None = None
    notes: str | None = None
    verified_at: str | None = None
    documents: list[Document] | None = None
    pending_changes: list[PendingChange] | None = None
    extra: Extra = Field(default_factory=dict)
    remote_data: dict[str, Any] | None = None
    created_at: str | None = None
    updated_at: str | None = None


class ItemPatch(Input):
    """JSON merge patch of an item: absent = unchanged, null = clear."""

    code: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    description: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None
    customer_id: ShortText | None = None
    hs_code: Annotated[str, StringConstraints(max_length=20)] | None = None
    taric_code: ShortText | None = None
    country_of_origin: CountryCode | None = None
    preferential_origin: CountryCode | None = None
    status: ItemStatus | None = None
    net_weight: NonNegative | None = None
    gross_weight: NonNegative | None = None
    supplementary_units: NonNegative | None = None
    unit_value: NonNegative | None = None
    unit_currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None
    duty_rate: NonNegative | None = None
    vat_rate: NonNegative | None = None
    licensing_required: bool | None = None
    packaging_type: ShortText | None = None
    packaging_marks: ShortText | None = None
    manufacturer_name: ShortText | None = None
    manufacturer_part_number: ShortText | None = None
    sku: ShortText | None = None
    part_number: ShortText | None = None
    notes: LongText | None = None
    extra: Extra | None = None


class ItemCreate(ItemPatch):
    code: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    description: Annotated[str, StringConstraints(min_length=1, max_length=500)]
