"""A customer's sales order (CRM)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from schemas.address import Address
from schemas.base import Extra, Resource


class Order(Resource):
    id: str
    customer_id: str
    order_number: str | None = None
    status: str | None = None
    order_date: str | None = None
    ship_date: str | None = None
    delivery_date: str | None = None
    total_amount: float | None = None
    items_count: int | None = None
    shipping_address: Address | None = None
    extra: Extra = Field(default_factory=dict)
    remote_data: dict[str, Any] | None = None
