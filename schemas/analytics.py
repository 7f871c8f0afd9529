"""A customer's analytics and credit check (CRM)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from schemas.base import Extra, Resource

Period = Literal["30d", "90d", "1y", "all"]


class Overview(BaseModel):
    lifetime_value: float | None = None
    total_orders: int | None = None
    avg_order_value: float | None = None
    last_order_date: str | None = None
    customer_since: str | None = None
    days_since_last_order: int | None = None


class FinancialSummary(BaseModel):
    total_revenue: float | None = None
    current_balance: float | None = None
    credit_limit: float | None = None
    credit_utilization: float | None = None
    avg_payment_days: float | None = None


class MonthFigures(BaseModel):
    month: str
    orders: int | None = None
    revenue: float | None = None
    avg_order_value: float | None = None


class ProductFigures(BaseModel):
    product_id: str | None = None
    product_name: str | None = None
    quantity_ordered: int | None = None
    revenue: float | None = None


class CustomerAnalytics(Resource):
    customer_id: str
    period: Period
    overview: Overview
    financial_summary: FinancialSummary
    order_history: list[MonthFigures] = Field(default_factory=list)
    top_products: list[ProductFigures] = Field(default_factory=list)
    segment: str | None = None
    risk_score: str | None = None
    extra: Extra = Field(default_factory=dict)


class CreditCheck(Resource):
    customer_id: str
    credit_score: int | None = None
    credit_rating: str | None = None
    recommended_credit_limit: float | None = None
    current_credit_limit: float | None = None
    risk_assessment: str | None = None
    checked_at: str | None = None
    extra: Extra = Field(default_factory=dict)
