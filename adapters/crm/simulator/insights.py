"""The simulated CRM's orders, analytics and credit checks."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.crm.simulator.rules import (
    MAX_LIMIT,
)
from adapters.crm.simulator.seed import PERIOD_DAYS, REFERENCE_DATE, CrmTenant
from adapters.crm.simulator.shapes import invalid, missing, now, paged, stamp
from adapters.sandbox.helpers import query_int


class InsightRoutes(CrmTenant):
    async def list_orders(self, request: Request) -> Response:
        customer_id = request.path_params["id"]
        if customer_id not in self.customers:
            return missing("Customer")
        q = request.query_params
        page, limit = query_int(q.get("page"), 1), query_int(q.get("limit"), 20)
        if page is None or page < 1 or limit is None or limit < 1:
            return invalid([("page", "page and limit must be positive integers")])
        limit = min(limit, MAX_LIMIT)
        status, date_from, date_to = q.get("status"), q.get("date_from"), q.get("date_to")
        rows = [
            o
            for o in self.orders(customer_id)
            if (not status or o["status"] == status)
            and (not date_from or o["order_date"][:10] >= date_from[:10])
            and (not date_to or o["order_date"][:10] <= date_to[:10])
        ]
        public = [{k: v for k, v in o.items() if not k.startswith("_")} for o in rows]
        return paged(public, page, limit)

    async def analytics(self, request: Request) -> Response:
        customer = self.customers.get(request.path_params["id"])
        if customer is None:
            return missing("Customer")
        period = request.query_params.get("period", "all")
        if period not in PERIOD_DAYS:
            return invalid([("period", "must be one of 30d, 90d, 1y, all")])
        days = PERIOD_DAYS[period]
        cutoff = stamp(REFERENCE_DATE - timedelta(days=days)) if days else ""
        customer = self._with_totals(customer)
        orders = [
            o
            for o in self.orders(customer["id"])
            if o["status"] != "cancelled" and o["order_date"] >= cutoff
        ]
        revenue = round(sum(o["total_amount"] for o in orders), 2)
        months: dict[str, list[float]] = defaultdict(list)
        products: dict[str, list[Any]] = {}
        for order in orders:
            months[order["order_date"][:7]].append(order["total_amount"])
            product_id, product_name, quantity = order["_product"]
            entry = products.setdefault(product_id, [product_name, 0, 0.0])
            entry[1] += quantity
            entry[2] = round(entry[2] + order["total_amount"], 2)
        last = orders[0]["order_date"] if orders else None
        average = round(revenue / len(orders), 2) if orders else 0.0
        utilization = (
            round(100 * customer["current_balance"] / customer["credit_limit"], 1)
            if customer["credit_limit"]
            else 0.0
        )
        return JSONResponse(
            {
                "data": {
                    "customer": {"id": customer["id"], "name": customer["name"]},
                    "overview": {
                        "lifetime_value": customer["lifetime_value"],
                        "total_orders": customer["total_orders"],
                        "avg_order_value": average,
                        "last_order_date": last,
                        "customer_since": customer["customer_since"],
                        "days_since_last_order": (
                            REFERENCE_DATE - datetime.fromisoformat(last)
                        ).days
                        if last
                        else None,
                    },
                    "financial_summary": {
                        "total_revenue": revenue,
                        "current_balance": customer["current_balance"],
                        "credit_limit": customer["credit_limit"],
                        "credit_utilization": utilization,
                        "avg_payment_days": 12,
                    },
                    "order_history": [
                        {
                            "month": month,
                            "orders": len(v),
                            "revenue": round(sum(v), 2),
                            "avg_order_value": round(sum(v) / len(v), 2),
                        }
                        for month, v in sorted(months.items(), reverse=True)
                    ],
                    "top_products": [
                        {
                            "product_id": pid,
                            "product_name": e[0],
                            "quantity_ordered": e[1],
                            "revenue": e[2],
                        }
                        for pid, e in sorted(products.items(), key=lambda kv: -kv[1][2])[:5]
                    ],
                    "customer_segment": "high_value"
                    if customer["lifetime_value"] > 20000
                    else "standard",
                    "risk_score": "low" if utilization < 50 else "medium",
                }
            }
        )

    async def credit_check(self, request: Request) -> Response:
        customer = self.customers.get(request.path_params["id"])
        if customer is None:
            return missing("Customer")
        score = 550 + int(hashlib.sha256(customer["id"].encode()).hexdigest(), 16) % 300
        rating = next(
            r
            for floor, r in ((740, "excellent"), (670, "good"), (580, "fair"), (0, "poor"))
            if score >= floor
        )
        factor = {"excellent": 1.5, "good": 1.2, "fair": 1.0, "poor": 0.5}[rating]
        return JSONResponse(
            {
                "data": {
                    "customer_id": customer["id"],
                    "credit_score": score,
                    "credit_rating": rating,
                    "recommended_credit_limit": round(customer["credit_limit"] * factor, 2),
                    "current_credit_limit": customer["credit_limit"],
                    "risk_assessment": "low"
                    if score >= 670
                    else "medium"
                    if score >= 580
                    else "high",
                    "last_checked": now(),
                }
            }
        )
