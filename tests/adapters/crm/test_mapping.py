"""CRM mapping on the doc's own example payloads, without HTTP."""

from __future__ import annotations

import pytest

from adapters.crm import mapping
from kernel.errors import ValidationFailed
from schemas import Address
from tests.conftest import fixture


def doc(name: str):
    return fixture("crm", name)


def test_single_read_to_canonical() -> None:
    customer = mapping.customer_to_canonical(doc("get_customer")["data"], "crm")
    assert customer.id == "crm:cust_456"
    assert customer.code is None and customer.is_company is True
    assert (customer.email, customer.phone, customer.website, customer.tax_id) == (
        "orders@customerxyz.com",
        "+1-555-0456",
        "https://customerxyz.com",
        "98-7654321",
    )
    assert customer.billing_address == Address(
        line1="456 Customer Blvd",
        line2="Floor 3",
        city="Customer City",
        state="NY",
        postal_code="10001",
        country="US",
    )
    assert [a.line2 for a in customer.shipping_addresses] == [None]
    assert customer.is_active is True
    assert customer.notes == "High-value customer with consistent orders"
    assert customer.extra == {
        "fax": "+1-555-0457",
        "payment_terms": "net_15",
        "currency": "USD",
        "credit_limit": 10000.0,
        "current_balance": 2500.0,
        "discount_rate": 5.0,
        "preferred_shipping": "UPS_GROUND",
        "customer_since": "2023-06-15T00:00:00Z",
        "lifetime_value": 45000.0,
        "total_orders": 75,
    }
    [alice] = customer.contacts or []
    assert (alice.id, alice.customer_id, alice.title, alice.is_primary) == (
        "crm:cont_101",
        "crm:cust_456",
        "Procurement Manager",
        True,
    )
    assert customer.created_at == "2023-06-15T00:00:00Z"


def test_list_row_has_no_contacts() -> None:
    [row] = doc("list_customers")["data"]
    customer = mapping.customer_to_canonical(row, "crm")
    assert customer.contacts is None
    assert customer.tax_id is None


def test_create_request_from_canonical() -> None:
    request = doc("create_customer_request")
    canonical = {
        "name": request["name"],
        "email": request["email"],
        "phone": request["phone"],
        "website": request["website"],
        "tax_id": request["tax_id"],
        "billing_address": request["billing_address"],
        "shipping_addresses": [request["shipping_address"]],
        "extra": {
            k: request[k]
            for k in (
                "payment_terms",
                "currency",
                "credit_limit",
                "discount_rate",
                "preferred_shipping",
            )
        },
    }
    expected = {k: v for k, v in request.items() if k != "contacts"}
    assert mapping.customer_to_upstream(canonical) == expected


def test_update_request_from_canonical() -> None:
    patch = {
        "name": "Updated Customer Name",
        "email": "new.orders@customer.com",
        "is_active": True,
        "extra": {"credit_limit": 15000.0, "discount_rate": 7.5},
    }
    assert mapping.customer_to_upstream(patch) == doc("update_customer_request")


def test_fields_the_crm_cannot_hold_are_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        mapping.customer_to_upstream(
            {
                "code": "C1",
                "vat_number": "X",
                "is_company": False,
                "billing_address": {"house_number": "5"},
                "shipping_addresses": [{"city": "A"}, {"city": "B"}],
                "extra": {"lifetime_value": 1},
            }
        )
    assert sorted(d.field for d in caught.value.details) == [
        "billing_address.house_number",
        "code",
        "extra.lifetime_value",
        "is_company",
        "shipping_addresses",
        "vat_number",
    ]


def test_merge_address() -> None:
    current = Address(line1="1 Main", city="Austin", country="US")
    assert mapping.merge_address(current, {"city": "Dallas"}) == {
        "line1": "1 Main",
        "line2": None,
        "house_number": None,
        "postal_code": None,
        "city": "Dallas",
        "state": None,
        "country": "US",
    }
    assert mapping.merge_address(current, None) is None
    assert mapping.merge_address(None, {"city": "X"}) == {"city": "X"}


def test_contacts_both_ways() -> None:
    created = mapping.contact_to_canonical(doc("add_contact_response")["data"], "crm", "x")
    assert (created.id, created.customer_id, created.created_at) == (
        "crm:cont_103",
        "crm:cust_456",
        "2024-01-15T22:30:00Z",
    )
    body = {
        "name": "Sarah Davis",
        "title": "Finance Manager",
        "email": "sarah.davis@customer.com",
        "phone": "+1-555-1100",
        "is_primary": False,
    }
    assert mapping.contact_to_upstream(body) == doc("add_contact_request")
    patch = {"title": "Senior Finance Manager", "phone": "+1-555-1101", "is_primary": True}
    assert mapping.contact_to_upstream(patch) == doc("update_contact_request")
    with pytest.raises(ValidationFailed):
        mapping.contact_to_upstream({"name": "A", "department": "Sales"})


def test_orders_analytics_credit_check() -> None:
    [order] = doc("list_orders")["data"]
    canonical = mapping.order_to_canonical(order, "crm", "cust_456")
    assert (canonical.id, canonical.customer_id, canonical.order_number, canonical.status) == (
        "crm:so_123",
        "crm:cust_456",
        "SO-2024-001",
        "delivered",
    )
    assert canonical.delivery_date == "2024-01-18T00:00:00Z"
    assert canonical.shipping_address is not None and canonical.shipping_address.country is None
    analytics = mapping.analytics_to_canonical(doc("analytics")["data"], "crm", "cust_456", "90d")
    assert analytics.customer_id == "crm:cust_456" and analytics.period == "90d"
    assert analytics.overview.total_orders == 75
    assert analytics.overview.last_order_date == "2024-01-15T00:00:00Z"
    assert analytics.financial_summary.credit_utilization == 25.0
    assert [m.month for m in analytics.order_history] == ["2024-01", "2023-12"]
    assert analytics.top_products[0].product_name == "Smart Widget"
    assert (analytics.segment, analytics.risk_score) == ("high_value", "low")
    check = mapping.credit_check_to_canonical(doc("credit_check")["data"], "crm", "cust_456")
    assert check.model_dump() == {
        "customer_id": "crm:cust_456",
        "credit_score": 750,
        "credit_rating": "excellent",
        "recommended_credit_limit": 15000.0,
        "current_credit_limit": 10000.0,
        "risk_assessment": "low",
        "checked_at": "2024-01-15T23:00:00Z",
        "extra": {},
    }


@pytest.mark.parametrize(
    "body",
    [
        {"errors": {"email": ["must be valid"], "shipping_address.city": "required"}},
        {"error": {"fields": {"email": "must be valid", "shipping_address.city": ["required"]}}},
        {
            "error": {
                "details": [
                    {"field": "email", "message": "must be valid"},
                    {"field": "shipping_address.city", "message": "required"},
                ]
            }
        },
        {
            "errors": [
                {"field": "email", "message": "must be valid"},
                {"field": "shipping_address.city", "message": "required"},
            ]
        },
    ],
)
def test_field_errors_in_every_plausible_shape(body: dict) -> None:
    assert [(e.field, e.message) for e in mapping.field_errors(body)] == [
        ("email", "must be valid"),
        ("shipping_addresses.0.city", "required"),
    ]


def test_extra_field_errors_are_named_under_extra() -> None:
    assert [e.field for e in mapping.field_errors({"errors": {"credit_limit": "x"}})] == [
        "extra.credit_limit"
    ]
