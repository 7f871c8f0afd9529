"""A stateful simulator of the generic CRM, faithful to upstream-docs/crm-customers.txt.

Seeded deterministically: 150 customers ``cust_400``..``cust_549``, where ``cust_456``
is the doc's "Customer XYZ" with its contact ``cont_101`` and 75 orders; every
customer has 0-40 sales orders dated before ``REFERENCE_DATE``, which analytics
periods count back from.

Faithful where it matters: list rows lack the detail fields and the contacts, and
``meta`` has ``total, page, limit, hasMore``; single reads embed contacts; create and
update answer with partial objects; there is no customer DELETE and no contact list
(both 405). Where the doc is silent: ``limit`` defaults to 20 and is capped at 100;
errors are ``{"error": {"code", "message", "details": [{"field", "message"}]}}`` with
404 and 422; ``search`` matches name or email, case-insensitively.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.sandbox import Credentials, Sandbox, query_int

SEED = 456
CUSTOMER_COUNT = 150
FIRST_ID = 400
DOC_CUSTOMER_ID = "cust_456"
REFERENCE_DATE = datetime(2026, 11, 1, tzinfo=UTC)
MAX_LIMIT = 100
PERIOD_DAYS = {"30d": 30, "90d": 90, "1y": 365, "all": None}
LIST_KEYS = (
    "id",
    "name",
    "email",
    "phone",
    "website",
    "billing_address",
    "shipping_address",
    "payment_terms",
    "credit_limit",
    "current_balance",
    "customer_since",
    "is_active",
    "created_at",
    "updated_at",
)
CREATED_KEYS = (
    "id",
    "name",
    "email",
    "phone",
    "billing_address",
    "contacts",
    "payment_terms",
    "currency",
    "credit_limit",
    "current_balance",
    "discount_rate",
    "customer_since",
    "is_active",
    "created_at",
    "updated_at",
)
WRITABLE = (
    "name",
    "email",
    "phone",
    "fax",
    "website",
    "tax_id",
    "billing_address",
    "shipping_address",
    "payment_terms",
    "currency",
    "credit_limit",
    "discount_rate",
    "preferred_shipping",
    "is_active",
    "notes",
)
CONTACT_WRITABLE = ("name", "title", "email", "phone", "is_primary")
ADDRESS_KEYS = ("line1", "line2", "city", "state", "postal_code", "country")
ORDER_STATUSES = ("pending", "processing", "shipped", "delivered", "cancelled")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

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
_PRODUCTS = (
    ("prod_123", "Smart Widget"),
    ("prod_124", "Gadget Pro"),
    ("prod_125", "Flux Cap"),
    ("prod_126", "Sprocket"),
    ("prod_127", "Cog Set"),
)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _now() -> str:
    return _stamp(datetime.now(UTC))


class CrmSimulator:
    def __init__(self, *, token: str, seed: int = SEED, customers: int = CUSTOMER_COUNT) -> None:
        self.customers: dict[str, dict[str, Any]] = {}
        self._orders: dict[str, list[dict[str, Any]]] = {}
        self._order_counts: dict[str, int] = {}
        self._seed_value = seed
        self._seed(random.Random(seed), customers)
        self._next_customer = FIRST_ID + customers
        self._next_contact = 1000
        app = Starlette(
            routes=[
                Route("/api/customers", self.list_customers, methods=["GET"]),
                Route("/api/customers", self.create_customer, methods=["POST"]),
                Route("/api/customers/{id}", self.get_customer, methods=["GET"]),
                Route("/api/customers/{id}", self.update_customer, methods=["PUT"]),
                Route("/api/customers/{id}/orders", self.list_orders, methods=["GET"]),
                Route("/api/customers/{id}/analytics", self.analytics, methods=["GET"]),
                Route("/api/customers/{id}/contacts", self.add_contact, methods=["POST"]),
                Route("/api/customers/{id}/contacts/{cid}", self.update_contact, methods=["PUT"]),
                Route(
                    "/api/customers/{id}/contacts/{cid}", self.remove_contact, methods=["DELETE"]
                ),
                Route("/api/customers/{id}/credit-check", self.credit_check, methods=["POST"]),
            ],
            exception_handlers={404: _no_route, 405: _no_route},
        )
        self.sandbox = Sandbox(
            app,
            simulator=self,
            authorized=lambda presented: presented == token,
            unauthorized=b'{"error": {"code": "unauthorized", "message": "Invalid API token"}}',
        )

    # -- seed ---------------------------------------------------------------------------

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
                "customer_since": _stamp(since),
                "is_active": rng.random() < 0.85,
                "notes": None,
                "created_at": _stamp(since),
                "updated_at": _stamp(since + timedelta(days=rng.randrange(1, 50))),
            }
            doc_orders = customer_id == DOC_CUSTOMER_ID
            self._order_counts[customer_id] = 75 if doc_orders else rng.randrange(41)
        if DOC_CUSTOMER_ID in self.customers:
            self.customers[DOC_CUSTOMER_ID].update(_DOC_CUSTOMER)

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
            if k in ("line1", "city", "state", "postal_code")
        }
        orders = []
        doc_customer = customer_id == DOC_CUSTOMER_ID
        for n in range(count):
            ordered = REFERENCE_DATE - timedelta(days=rng.randrange(1, span))
            status = rng.choice(ORDER_STATUSES[:-1] if doc_customer else ORDER_STATUSES)
            product_id, product_name = rng.choice(_PRODUCTS)
            quantity = rng.randrange(1, 10)
            # The doc's customer: 75 orders averaging 600.00, lifetime value 45000.00.
            amount = 600.0 if doc_customer else round(quantity * 99.99, 2)
            shipped = status in ("shipped", "delivered")
            orders.append(
                {
                    "id": f"so_{customer_id[5:]}{n:03d}",
                    "order_number": f"SO-{ordered.year}-{customer_id[5:]}{n:03d}",
                    "status": status,
                    "order_date": _stamp(ordered.replace(hour=0, minute=0, second=0)),
                    "ship_date": _stamp(ordered + timedelta(days=1)) if shipped else None,
                    "delivery_date": (
                        _stamp(ordered + timedelta(days=3)) if status == "delivered" else None
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

    # -- customers ----------------------------------------------------------------------

    async def list_customers(self, request: Request) -> Response:
        q = request.query_params
        page, limit = query_int(q.get("page"), 1), query_int(q.get("limit"), 20)
        errors = []
        if page is None or page < 1:
            errors.append(("page", "must be a positive integer"))
        if limit is None or limit < 1:
            errors.append(("limit", "must be a positive integer"))
        active = q.get("is_active")
        if active is not None and active not in ("true", "false"):
            errors.append(("is_active", "must be true or false"))
        if errors:
            return _invalid(errors)
        assert page is not None and limit is not None
        limit = min(limit, MAX_LIMIT)
        search = (q.get("search") or "").lower()
        rows = [
            c
            for c in self.customers.values()
            if (active is None or c["is_active"] == (active == "true"))
            and (not search or search in c["name"].lower() or search in (c["email"] or "").lower())
        ]
        return _paged([{k: c.get(k) for k in LIST_KEYS} for c in rows], page, limit)

    async def get_customer(self, request: Request) -> Response:
        customer = self.customers.get(request.path_params["id"])
        if customer is None:
            return _missing("Customer")
        return JSONResponse({"data": self._with_totals(customer)})

    async def create_customer(self, request: Request) -> Response:
        body = await _checked(request, lambda sent: _validate(sent, create=True))
        if isinstance(body, Response):
            return body
        customer_id = f"cust_{self._next_customer}"
        self._next_customer += 1
        now = _now()
        record: dict[str, Any] = dict.fromkeys(WRITABLE)
        record.update({k: body[k] for k in WRITABLE if k in body})
        record.update(
            id=customer_id,
            current_balance=0.0,
            customer_since=now,
            created_at=now,
            updated_at=now,
            lifetime_value=0.0,
            total_orders=0,
            contacts=[],
        )
        record["is_active"] = body.get("is_active", True)
        record["currency"] = body.get("currency") or "USD"
        for contact in body.get("contacts") or []:
            if isinstance(contact, dict) and contact.get("name"):
                record["contacts"].append(self._new_contact(customer_id, contact))
        self.customers[customer_id] = record
        return JSONResponse({"data": {k: record.get(k) for k in CREATED_KEYS}}, status_code=201)

    async def update_customer(self, request: Request) -> Response:
        customer = self.customers.get(request.path_params["id"])
        if customer is None:
            return _missing("Customer")
        body = await _checked(request, lambda sent: _validate(sent, create=False))
        if isinstance(body, Response):
            return body
        changed = {k: body[k] for k in WRITABLE if k in body}
        customer.update(changed, updated_at=_now())
        return JSONResponse(
            {"data": {"id": customer["id"], **changed, "updated_at": customer["updated_at"]}}
        )

    # -- contacts -----------------------------------------------------------------------

    def _new_contact(self, customer_id: str, body: dict[str, Any]) -> dict[str, Any]:
        contact = {"id": f"cont_{self._next_contact}", **dict.fromkeys(CONTACT_WRITABLE)}
        self._next_contact += 1
        contact.update({k: body[k] for k in CONTACT_WRITABLE if k in body})
        contact["is_primary"] = bool(contact["is_primary"])
        return contact

    async def add_contact(self, request: Request) -> Response:
        customer = self.customers.get(request.path_params["id"])
        if customer is None:
            return _missing("Customer")
        body = await _checked(request, lambda sent: _validate_contact(sent, create=True))
        if isinstance(body, Response):
            return body
        contact = self._new_contact(customer["id"], body)
        customer["contacts"].append(contact)
        return JSONResponse(
            {"data": {**contact, "customer_id": customer["id"], "created_at": _now()}},
            status_code=201,
        )

    async def update_contact(self, request: Request) -> Response:
        found = self._contact(request)
        if isinstance(found, Response):
            return found
        body = await _checked(request, lambda sent: _validate_contact(sent, create=False))
        if isinstance(body, Response):
            return body
        found.update({k: body[k] for k in CONTACT_WRITABLE if k in body})
        return JSONResponse({"data": found})

    async def remove_contact(self, request: Request) -> Response:
        found = self._contact(request)
        if isinstance(found, Response):
            return found
        self.customers[request.path_params["id"]]["contacts"].remove(found)
        return JSONResponse({"data": {"message": "Contact successfully removed"}})

    def _contact(self, request: Request) -> dict[str, Any] | Response:
        customer = self.customers.get(request.path_params["id"])
        if customer is None:
            return _missing("Customer")
        for contact in customer["contacts"]:
            if contact["id"] == request.path_params["cid"]:
                return contact  # type: ignore[no-any-return]
        return _missing("Contact")

    # -- orders, analytics, credit ------------------------------------------------------

    async def list_orders(self, request: Request) -> Response:
        customer_id = request.path_params["id"]
        if customer_id not in self.customers:
            return _missing("Customer")
        q = request.query_params
        page, limit = query_int(q.get("page"), 1), query_int(q.get("limit"), 20)
        if page is None or page < 1 or limit is None or limit < 1:
            return _invalid([("page", "page and limit must be positive integers")])
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
        return _paged(public, page, limit)

    async def analytics(self, request: Request) -> Response:
        customer = self.customers.get(request.path_params["id"])
        if customer is None:
            return _missing("Customer")
        period = request.query_params.get("period", "all")
        if period not in PERIOD_DAYS:
            return _invalid([("period", "must be one of 30d, 90d, 1y, all")])
        days = PERIOD_DAYS[period]
        cutoff = _stamp(REFERENCE_DATE - timedelta(days=days)) if days else ""
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
            return _missing("Customer")
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
                    "last_checked": _now(),
                }
            }
        )


_DOC_CUSTOMER: dict[str, Any] = {
    "name": "Customer XYZ",
    "email": "orders@customerxyz.com",
    "phone": "+1-555-0456",
    "fax": "+1-555-0457",
    "website": "https://customerxyz.com",
    "tax_id": "98-7654321",
    "billing_address": {
        "line1": "456 Customer Blvd",
        "line2": "Floor 3",
        "city": "Customer City",
        "state": "NY",
        "postal_code": "10001",
        "country": "US",
    },
    "shipping_address": {
        "line1": "456 Customer Blvd",
        "city": "Customer City",
        "state": "NY",
        "postal_code": "10001",
        "country": "US",
    },
    "contacts": [
        {
            "id": "cont_101",
            "name": "Alice Johnson",
            "title": "Procurement Manager",
            "email": "alice.johnson@customerxyz.com",
            "phone": "+1-555-0458",
            "is_primary": True,
        }
    ],
    "payment_terms": "net_15",
    "currency": "USD",
    "credit_limit": 10000.00,
    "current_balance": 2500.00,
    "discount_rate": 5.0,
    "preferred_shipping": "UPS_GROUND",
    "customer_since": "2023-06-15T00:00:00Z",
    "is_active": True,
    "notes": "High-value customer with consistent orders",
    "created_at": "2023-06-15T00:00:00Z",
    "updated_at": "2024-01-15T10:30:00Z",
}


def _validate(body: dict[str, Any], *, create: bool) -> list[tuple[str, str]]:
    errors = []
    if (create or "name" in body) and not (
        isinstance(body.get("name"), str) and body["name"].strip()
    ):
        errors.append(("name", "is required"))
    email = body.get("email")
    if email is not None and (not isinstance(email, str) or not EMAIL.fullmatch(email)):
        errors.append(("email", "must be a valid email address"))
    for key in ("billing_address", "shipping_address"):
        address = body.get(key)
        if address is not None and not isinstance(address, dict):
            errors.append((key, "must be an object"))
        elif (
            address
            and address.get("country")
            and not re.fullmatch(r"[A-Z]{2}", str(address["country"]))
        ):
            errors.append((f"{key}.country", "must be an ISO 3166-1 alpha-2 code"))
    for key in ("credit_limit", "discount_rate"):
        value = body.get(key)
        if value is not None and (
            not isinstance(value, int | float) or isinstance(value, bool) or value < 0
        ):
            errors.append((key, "must be a non-negative number"))
    if "is_active" in body and not isinstance(body["is_active"], bool):
        errors.append(("is_active", "must be a boolean"))
    return errors


def _validate_contact(body: dict[str, Any], *, create: bool) -> list[tuple[str, str]]:
    errors = []
    if (create or "name" in body) and not body.get("name"):
        errors.append(("name", "is required"))
    email = body.get("email")
    if email is not None and (not isinstance(email, str) or not EMAIL.fullmatch(email)):
        errors.append(("email", "must be a valid email address"))
    return errors


async def _checked(
    request: Request, validate: Callable[[dict[str, Any]], list[tuple[str, str]]]
) -> dict[str, Any] | Response:
    """The JSON object sent if it is valid, else the CRM's 400/422 answer."""
    body = await _body(request)
    if isinstance(body, Response):
        return body
    errors = validate(body)
    return _invalid(errors) if errors else body


async def _body(request: Request) -> dict[str, Any] | Response:
    try:
        body = await request.json()
    except ValueError:
        return JSONResponse(
            {"error": {"code": "bad_request", "message": "Malformed JSON"}}, status_code=400
        )
    if not isinstance(body, dict):
        return _invalid([("body", "must be a JSON object")])
    return body


def _paged(rows: list[dict[str, Any]], page: int, limit: int) -> Response:
    meta = {"total": len(rows), "page": page, "limit": limit, "hasMore": page * limit < len(rows)}
    return JSONResponse({"data": rows[(page - 1) * limit : page * limit], "meta": meta})


def _invalid(errors: list[tuple[str, str]]) -> Response:
    return JSONResponse(
        {
            "error": {
                "code": "validation_error",
                "message": "Validation failed",
                "details": [{"field": f, "message": m} for f, m in errors],
            }
        },
        status_code=422,
    )


def _missing(what: str) -> Response:
    return JSONResponse(
        {"error": {"code": "not_found", "message": f"{what} not found"}}, status_code=404
    )


async def _no_route(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 404)
    code = "method_not_allowed" if status == 405 else "not_found"
    return JSONResponse(
        {"error": {"code": code, "message": "No such endpoint"}}, status_code=status
    )


def sandbox(*, credentials: Credentials, api_version: int | None = None) -> Sandbox:
    """The sandbox of a fresh, seeded simulator (the adapter's ``simulator`` factory)."""
    return CrmSimulator(token=credentials.token or "").sandbox
