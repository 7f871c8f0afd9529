"""BorderBolt mapping on the doc's own example payloads, without HTTP."""

from __future__ import annotations

import pytest

from adapters.borderbolt import mapping
from kernel.errors import ValidationFailed
from tests.conftest import DOC_CREATE_CANONICAL, fixture


def doc(name: str):
    return fixture("borderbolt", name)


def test_list_row_to_canonical() -> None:
    [row] = doc("list_customers")["data"]
    customer = mapping.customer_to_canonical(row, "borderbolt")
    assert customer.model_dump() == {
        "id": "borderbolt:501",
        "connection": "borderbolt",
        "remote_id": "501",
        "code": "CUST001",
        "name": "Example B.V.",
        "is_company": True,
        "first_name": None,
        "last_name": None,
        "email": None,
        "phone": None,
        "website": None,
        "vat_number": "NL123456789B01",
        "tax_id": None,
        "eori_number": "NL123456789012",
        "billing_address": {
            "line1": "Hoofdstraat",
            "line2": None,
            "house_number": "1",
            "postal_code": "1012AB",
            "city": "Amsterdam",
            "state": None,
            "country": "NL",
        },
        "shipping_addresses": [],
        "is_active": None,
        "notes": None,
        "contacts": None,
        "extra": {
            "representation_type": "2",
            "customs_declaration_office": "NL000412",
            "portal_access_enabled": False,
        },
        "remote_data": None,
        "created_at": "2025-01-15T10:00:00Z",
        "updated_at": "2026-03-20T14:30:00Z",
    }


def test_single_read_embeds_contacts_with_position_as_title() -> None:
    raw = doc("get_customer")["data"]
    customer = mapping.customer_to_canonical(raw, "bb", include_remote_data=True)
    assert customer.extra["poa_valid_until"] == "2027-01-01"
    assert customer.extra["warehouse_licence_type"] == "U"
    assert customer.remote_data == raw
    [john] = customer.contacts or []
    assert john.model_dump() == {
        "id": "bb:1001",
        "customer_id": "bb:501",
        "name": "John Doe",
        "email": "john.doe@example.nl",
        "phone": "+31 20 1234568",
        "title": "Logistics Manager",
        "department": "Logistics",
        "is_primary": True,
        "language": "nl",
        "receives_notifications": True,
        "receives_approvals": False,
        "notes": None,
        "extra": {},
        "created_at": None,
        "updated_at": None,
    }


def test_contact_list_row() -> None:
    [row] = doc("list_contacts")["data"]
    contact = mapping.contact_to_canonical(row, "borderbolt", "501")
    assert contact.customer_id == "borderbolt:501"
    assert contact.updated_at == "2025-01-15T10:00:00Z"


def test_partial_create_answer_maps_without_inventing_fields() -> None:
    customer = mapping.customer_to_canonical(doc("create_customer_response")["data"], "bb")
    assert customer.vat_number is None
    assert customer.billing_address is not None
    assert customer.billing_address.country == "NL"
    assert customer.billing_address.city is None


def test_create_body_is_the_docs_request() -> None:
    canonical = DOC_CREATE_CANONICAL | {"is_company": True}
    assert mapping.customer_to_upstream(canonical, update=False) == doc("create_customer_request")


def test_update_body_is_the_docs_request() -> None:
    patch = {"eori_number": "NL111111111012", "extra": {"customs_declaration_office": "NL000412"}}
    assert mapping.customer_to_upstream(patch, update=True) == doc("update_customer_request")


def test_update_clears_the_whole_address_with_null() -> None:
    assert mapping.customer_to_upstream({"billing_address": None}, update=True) == {
        "customer_address": None,
        "customer_address_number": None,
        "customer_postal_code": None,
        "customer_city": None,
        "customer_country_code": None,
    }


def test_portal_access_is_writable_on_update_only() -> None:
    assert mapping.customer_to_upstream(
        {"extra": {"portal_access_enabled": False}}, update=True
    ) == {"portal_access_enabled": False}
    with pytest.raises(ValidationFailed) as caught:
        mapping.customer_to_upstream(
            {"code": "A", "name": "B", "extra": {"portal_access_enabled": False}}, update=False
        )
    assert [d.field for d in caught.value.details] == ["extra.portal_access_enabled"]


def test_fields_borderbolt_cannot_hold_are_refused_not_dropped() -> None:
    with pytest.raises(ValidationFailed) as caught:
        mapping.customer_to_upstream(
            {
                "code": "A",
                "name": "B",
                "email": "x@y.z",
                "is_company": False,
                "notes": "n",
                "shipping_addresses": [{"city": "X"}],
            },
            update=False,
        )
    assert sorted(d.field for d in caught.value.details) == [
        "email",
        "is_company",
        "notes",
        "shipping_addresses",
    ]


def test_add_contact_body_is_the_docs_request() -> None:
    canonical = {
        "name": "Jane Smith",
        "email": "jane.smith@example.nl",
        "phone": "+31 20 7654321",
        "title": "Customs Coordinator",
        "is_primary": False,
    }
    assert mapping.contact_to_upstream(canonical, update=False) == doc("add_contact_request")


def test_update_contact_body_is_the_docs_request() -> None:
    patch = {"email": "jane.new@example.nl", "is_primary": True}
    assert mapping.contact_to_upstream(patch, update=True) == doc("update_contact_request")


def test_upstream_field_errors_get_canonical_names() -> None:
    errors = {
        "customer_code": ["The customer code has already been taken."],
        "customer_postal_code": "too long",
        "role": ["too long"],
        "mystery": ["?"],
    }
    assert [(e.field, e.message) for e in mapping.field_errors(errors)] == [
        ("code", "The customer code has already been taken."),
        ("billing_address.postal_code", "too long"),
        ("title", "too long"),
        ("mystery", "?"),
    ]
    assert mapping.field_errors(["not", "a", "mapping"]) == []
