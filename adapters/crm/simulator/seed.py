"""The simulated CRM tenant, seeded deterministically.

``cust_456`` is the doc's "Customer XYZ" with its contact ``cont_101``, read from the
same fixture JSON the mapping tests use; the others are generated from a fixed seed,
and every customer's orders are generated on first use from its own seed.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.crm.simulator.shapes import stamp
from adapters.sandbox.helpers import fixture

SEED = 456
CUSTOMER_COUNT = 150
FIRST_ID = 400
DOC_CUSTOMER_ID = "cust_456"
REFERENCE_DATE = datetime(2026, 11, 1, tzinfo=UTC)
PERIOD_DAYS = {"30d": 30, "90d": 90, "1y": 365, "all": None}
ORDER_STATUSES = ("pending", "processing", "shipped", "delivered", "cancelled")
_NAMES = (
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Wonka",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Tyrell",
    "Cyberdyne",
    "Aperture",
    "Gringotts",
    "Monarch",
)
_KINDS = ("Corp", "Industries", "Supply", "Retail", "Foods", "Labs", "Trading", "Partners")
_CITIES = (
    ("New York", "NY", "10001", "US"),
    ("Austin", "TX", "73301", "US"),
    ("Toronto", "ON", "M5H 2N2", "CA"),
    ("Chicago", "IL", "60601", "US"),
    ("London", None, "EC1A 1BB", "GB"),
    ("Denver", "CO", "80202", "US"),
)
_SEGMENTS = ("enterprise", "mid_market", "smb")
_MANAGERS = ("Dana Reyes", "Sam Okafor", "Lee Chen", None)
_PRODUCTS = (
    ("prod_123", "Smart Widget"),
    ("prod_124", "Gadget Pro"),
    ("prod_125", "Flux Cap"),
    ("prod_126", "Sprocket"),
    ("prod_127", "Cog Set"),
)


def doc_customer() -> dict[str, Any]:
    """The doc's customer as the tenant stores it (totals are computed from orders)."""
    stored = dict(fixture("crm", "get_customer")["data"])
    for computed in ("lifetime_value", "total_orders"):
        stored.pop(computed, None)
    return stored


class CrmTenant:
    """The CRM's data: customers with their contacts, and each customer's orders."""

    def __init__(self, *, seed: int = SEED, customers: int = CUSTOMER_COUNT) -> None:
        self.customers: dict[str, dict[str, Any]] = {}
        self._orders: dict[str, list[dict[str, Any]]] = {}
        self._order_counts: dict[str, int] = {}
        self._seed_value = seed
        self._seed(random.Random(seed), customers)
        self._next_customer = FIRST_ID + customers
        self._next_contact = 1000

    def _seed(self, rng: random.Random, count: int) -> None:
        for index in range(count):
            customer_id = f"cust_{FIRST_ID + index}"
            city, state, postal, country = rng.choice(_CITIES)
            since = REFERENCE_DATE - timedelta(days=rng.randrange(60, 1400))
            name = f"{rng.choice(_NAMES)} {rng.choice(_KINDS)} {index + 1}"
            address = {
                "line1": f"{rng.randrange(1, 999)} Market St",
                "line2": None,
                "city": city,
                "state": state,
                "postal_code": postal,
                "country": country,
            }
            slug = name.lower().replace(" ", "")
            self.customers[customer_id] = {
                "id": customer_id,
                "name": name,
                "email": f"orders@{slug}.example.com",
                "phone": f"+1-555-{rng.randrange(1000, 9999)}",
                "fax": None,
                "website": f"https://{slug}.example.com",
                "tax_id": f"{rng.randrange(10, 99)}-{rng.randrange(1000000, 9999999)}",
                "billing_address": address,
                "shipping_address": dict(address) if rng.random() < 0.7 else None,
                "contacts": [],
                "payment_terms": rng.choice(("net_15", "net_30", "net_60")),
                "currency": "USD",
                "credit_limit": float(rng.choice((5000, 10000, 25000, 50000))),
                "current_balance": float(rng.randrange(0, 5000)),
                "discount_rate": float(rng.choice((0, 2.5, 5))),
                "preferred_shipping": rng.choice(("UPS_GROUND", "FEDEX_GROUND", None)),
                "customer_since": stamp(since),
                "is_active": rng.random() < 0.85,
                "notes": None,
                "custom_fields": {
                    "segment": rng.choice(_SEGMENTS),
                    "account_manager": rng.choice(_MANAGERS),
                    "nps_score": rng.randrange(0, 11) if rng.random() < 0.6 else None,
                },
                "created_at": stamp(since),
                "updated_at": stamp(since + timedelta(days=rng.randrange(1, 50))),
            }
            doc_orders = customer_id == DOC_CUSTOMER_ID
            self._order_counts[customer_id] = 75 if doc_orders else rng.randrange(41)
        if DOC_CUSTOMER_ID in self.customers:
            self.customers[DOC_CUSTOMER_ID] = {
                **{
                    k: v for k, v in self.customers[DOC_CUSTOMER_ID].items() if k != "custom_fields"
                },
                **doc_customer(),
            }

    def orders(self, customer_id: str) -> list[dict[str, Any]]:
        """The customer's orders, newest first, seeded on first use with the customer's
        own RNG, so they do not depend on which customers were looked at before."""
        if customer_id not in self._orders:
            rng = random.Random(f"{self._seed_value}:{customer_id}")
            count = self._order_counts.get(customer_id, 0)
            self._orders[customer_id] = self._seed_orders(rng, customer_id, count)
        return self._orders[customer_id]

    def _seed_orders(
        self, rng: random.Random, customer_id: str, count: int
    ) -> list[dict[str, Any]]:
        customer = self.customers[customer_id]
        span = max(2, (REFERENCE_DATE - datetime.fromisoformat(customer["customer_since"])).days)
        where = {
            k: v
            for k, v in (customer["billing_address"] or {}).items()
            if k in ("line1", "city", "state", "postal_code", "country")
        }
        orders = []
        doc_customer = customer_id == DOC_CUSTOMER_ID
        # The doc's customer: 75 orders averaging 600.00 (lifetime value 45000.00), each
        # its own amount: pairs of 600 + d and 600 - d, the odd one out exactly 600.
        swing = [round(rng.uniform(20, 480), 2) for _ in range(count // 2)] if doc_customer else []
        for n in range(count):
            ordered = REFERENCE_DATE - timedelta(days=rng.randrange(1, span))
            status = rng.choice(ORDER_STATUSES[:-1] if doc_customer else ORDER_STATUSES)
            product_id, product_name = rng.choice(_PRODUCTS)
            quantity = rng.randrange(1, 10)
            amount = round(quantity * 99.99, 2)
            if doc_customer:
                pair, minus = divmod(n, 2)
                d = swing[pair] if pair < len(swing) else 0.0
                amount = round(600.0 - d if minus else 600.0 + d, 2)
            shipped = status in ("shipped", "delivered")
            orders.append(
                {
                    "id": f"so_{customer_id[5:]}{n:03d}",
                    "order_number": f"SO-{ordered.year}-{customer_id[5:]}{n:03d}",
                    "status": status,
                    "order_date": stamp(ordered.replace(hour=0, minute=0, second=0)),
                    "ship_date": stamp(ordered + timedelta(days=1)) if shipped else None,
                    "delivery_date": (
                        stamp(ordered + timedelta(days=3)) if status == "delivered" else None
                    ),
                    "total_amount": amount,
                    "items_count": quantity,
                    "shipping_address": dict(where),
                    "_product": (product_id, product_name, quantity),
                }
            )
        return sorted(orders, key=lambda o: o["order_date"], reverse=True)

    def _with_totals(self, customer: dict[str, Any]) -> dict[str, Any]:
        orders = self.orders(customer["id"])
        kept = [o["total_amount"] for o in orders if o["status"] != "cancelled"]
        return {**customer, "total_orders": len(orders), "lifetime_value": round(sum(kept), 2)}
