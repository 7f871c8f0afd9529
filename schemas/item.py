"""The canonical item (BorderBolt item master)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from schemas.base import Extra, Resource


class Item(Resource):
    id: str
    code: str | None = None
    description: str | None = None
    customer_id: str | None = None
    hs_code: str | None = None
    taric_code: str | None = None
    country_of_origin: str | None = None
    preferential_origin: str | None = None
    status: Literal["active", "inactive", "pending"] | None = None
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
    documents: list[dict[str, Any]] | None = None
    pending_changes: list[dict[str, Any]] | None = None
    extra: Extra = Field(default_factory=dict)
    remote_data: dict[str, Any] | None = None
    created_at: str | None = None
    updated_at: str | None = None
