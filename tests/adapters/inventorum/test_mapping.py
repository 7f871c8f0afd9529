"""Inventorum mapping, per API version, on the doc's own example payloads (no HTTP)."""

from __future__ import annotations

import pytest

from adapters.inventorum import mapping
from adapters.inventorum.versions import PhoneV9, PhoneV10, phone_layer
from kernel.errors import ValidationFailed
from schemas import Address
from tests.conftest import fixture


def doc(name: str):
    return fixture("inventorum", name)


def test_person_row_v10() -> None:
    [row] = doc("list_customers")["data"]
    customer = mapping.customer_to_canonical(row, "shop", PhoneV10())
    assert (customer.id, customer.name, customer.is_company) == ("shop:196906", "J K", False)
    assert (customer.first_name, customer.last_name, customer.phone) == ("J", "K", "8277236")
    assert customer.email is None and customer.vat_number is None  # "" is "no value"
    assert customer.billing_address == Address(country="DE")
    assert customer.shipping_addresses == [Address(country="DE")]
    assert customer.notes == "abi" and customer.contacts is None
    assert customer.extra["title"] == "Mr." and customer.extra["is_favourite"] is False
    assert customer.extra["birthday"] is None


def test_company_v10_from_the_create_answer() -> None:
    customer = mapping.customer_to_canonical(doc("create_customer_response"), "shop", PhoneV10())
    assert (customer.name, customer.is_company) == ("Inventorum", True)
    assert (customer.first_name, customer.last_name) == ("Ana", "Schmidt")
    assert customer.vat_number == "DE288362273" and customer.phone == "978437427278"
    assert customer.billing_address == Address(
        line1="Voltastrasse",
        line2="5",
        postal_code="61-222",
        city="Berlin",
        state="Berlin",
        country="DE",
    )
    assert customer.shipping_addresses[0].city == "Bremen"
    assert customer.extra["birthday"] == "1985-04-30T10:49:52Z"  # +02:00 -> UTC
    assert customer.extra["total_sales"] == "0" and customer.extra["is_vip"] is True


def test_person_row_v9_reads_phone_numbers_and_the_docs_county_code_typo() -> None:
    [row] = doc("list_customers_v9")["data"]
    customer = mapping.customer_to_canonical(row, "shop9", PhoneV9())
    assert customer.phone == "8277236"
    assert customer.extra["phone_numbers"] == [
        {"national_number": "8277236", "type": "mobile", "country_code": "DE"}
    ]


@pytest.mark.parametrize(
    ("sent", "iso"),
    [
        ("Deutschland", "DE"),
        ("germany", "DE"),
        ("Österreich", "AT"),
        ("de", "DE"),
        ("Atlantis", None),
    ],
)
def test_country_names(sent: str, iso: str | None) -> None:
    address = mapping.address_fields({"country": sent, "city": "X"})
    assert address is not None and address["country"] == iso


def test_create_request_v10_matches_the_doc() -> None:
    request = doc("create_customer_request")
    canonical = {
        "name": "Inventorum",
        "is_company": True,
        "first_name": "Ana",
        "last_name": "Schmidt",
        "email": None,
        "notes": "Some additional data",
        "vat_number": "DE288362273",
        "billing_address": {
            "line1": "Voltastrasse",
            "line2": "5",
            "postal_code": "61-222",
            "city": "Berlin",
            "state": "Berlin",
            "country": "DE",
        },
        "shipping_addresses": [
            {
                "line1": "Berlinerstrasse",
                "line2": "10",
                "postal_code": "44-444",
                "city": "Bremen",
                "state": "Bremen",
                "country": "DE",
            }
        ],
        "extra": {
            "birthday": "1985-04-30T10:49:52Z",
            "email_marketing_agreed": True,
            "is_favourite": True,
            "is_vip": True,
            "title": "Mrs.",
            "channel": 1,
        },
    }
    body = mapping.customer_to_upstream(canonical, PhoneV10())
    # The doc also repeats names and titles inside each address; the canonical Address
    # has no place for them, so those keys are the only difference.
    per_address = ("company", "first_name", "last_name", "title")
    expected = dict(request)
    expected["billing_address"] = {
        k: v for k, v in request["billing_address"].items() if k not in per_address
    }
    expected["shipping_address"] = [
        {k: v for k, v in a.items() if k not in per_address} for a in request["shipping_address"]
    ]
    assert body == expected


def test_person_name_is_split_at_the_last_space() -> None:
    body = mapping.customer_to_upstream(
        {"name": "Anna Maria Müller", "is_company": False}, PhoneV10()
    )
    assert (body["first_name"], body["last_name"], body["company"], body["is_b2b"]) == (
        "Anna Maria",
        "Müller",
        "",
        False,
    )
    given = mapping.customer_to_upstream(
        {"name": "x", "first_name": "A", "last_name": "B"}, PhoneV10()
    )
    assert (given["first_name"], given["last_name"], given["is_b2b"]) == ("A", "B", False)
    company = mapping.customer_to_upstream({"name": "Café Blau"}, PhoneV10())
    assert (company["company"], company["is_b2b"]) == ("Café Blau", True)
    with pytest.raises(ValidationFailed) as caught:
        mapping.customer_to_upstream({"name": "Madonna", "is_company": False}, PhoneV10())
    assert [d.field for d in caught.value.details] == ["name"]


def test_update_of_a_person_renames_through_first_and_last() -> None:
    current = mapping.customer_to_canonical(doc("list_customers")["data"][0], "shop", PhoneV10())
    body = mapping.customer_to_upstream({"name": "Jo Kay"}, PhoneV10(), current=current)
    assert body == {"first_name": "Jo", "last_name": "Kay"}
    to_company = mapping.customer_to_upstream(
        {"is_company": True, "name": "JK GmbH"}, PhoneV10(), current=current
    )
    assert to_company == {"is_b2b": True, "company": "JK GmbH"}


def test_update_merges_the_billing_address() -> None:
    current = mapping.customer_to_canonical(doc("create_customer_response"), "shop", PhoneV10())
    body = mapping.customer_to_upstream(
        {"billing_address": {"city": "Potsdam"}}, PhoneV10(), current=current
    )
    assert body["billing_address"] == {
        "address1": "Voltastrasse",
        "address2": "5",
        "zipcode": "61-222",
        "city": "Potsdam",
        "state": "Berlin",
        "country": "DE",
    }


def test_phones_by_version() -> None:
    assert phone_layer(10).write("0301234") == {"phone_number": "0301234"}
    assert phone_layer(10).write(None) == {"phone_number": ""}
    assert phone_layer(9).write("0301234") == {
        "phone_numbers": [{"national_number": "0301234", "type": "phone", "country_code": None}]
    }
    assert phone_layer(9).write(None) == {"phone_numbers": []}
    assert isinstance(phone_layer(8), PhoneV9)


def test_unheld_fields_and_extras_are_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        mapping.customer_to_upstream(
            {
                "name": "A B",
                "code": "X",
                "website": "w",
                "is_active": True,
                "billing_address": {"house_number": "5"},
                "extra": {"total_sales": "9"},
            },
            PhoneV10(),
        )
    assert sorted(d.field for d in caught.value.details) == [
        "billing_address.house_number",
        "code",
        "extra.total_sales",
        "is_active",
        "website",
    ]
    current = mapping.customer_to_canonical(doc("create_customer_response"), "shop", PhoneV10())
    with pytest.raises(ValidationFailed):
        mapping.customer_to_upstream({"extra": {"channel": 2}}, PhoneV10(), current=current)


def test_doc_error_fields_map_to_canonical_names() -> None:
    assert [(e.field, e.message) for e in mapping.field_errors(doc("error_400"))] == [
        ("first_name", "Name or company must be set"),
        ("last_name", "Name or company must be set"),
        ("name", "Name or company must be set"),
    ]
    nested = {
        "error": {
            "fields": {
                "billing_address.zipcode": ["too long"],
                "tax_number": "bad",
                "shipping_address": ["x"],
                "phone_numbers": ["y"],
            }
        }
    }
    assert [e.field for e in mapping.field_errors(nested)] == [
        "billing_address.postal_code",
        "vat_number",
        "shipping_addresses.0",
        "phone",
    ]
    assert mapping.field_errors(doc("error_404")) == []
