"""HubSpot mapping, search bodies and the 429 hint on the docs' own example payloads,
without HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.hubspot import mapping, search
from adapters.hubspot.adapter import HubSpotAdapter
from kernel.errors import ValidationFailed
from tests.adapters.hubspot.conftest import doc

pytestmark = pytest.mark.anyio


def as_object(request: dict[str, Any], object_id: str = "123456") -> dict[str, Any]:
    """A create request's properties as HubSpot answers the object (the docs' shape)."""
    shape = doc("object")
    return {**shape, "id": object_id, "properties": dict(request["properties"])}


def test_the_docs_company_reads_as_a_customer() -> None:
    customer = mapping.customer_to_canonical(as_object(doc("create_company_request")), "hs")
    assert (customer.id, customer.remote_id, customer.name) == ("hs:123456", "123456", "HubSpot")
    assert customer.is_company is True and customer.phone == "555-555-555"
    assert customer.billing_address is not None
    assert (customer.billing_address.city, customer.billing_address.state) == (
        "Cambridge",
        "Massachusetts",
    )
    assert customer.extra == {
        "domain": "hubspot.com",
        "industry": "Technology",
        "lifecyclestage": "51439524",
    }
    assert customer.contacts is None and customer.email is None
    assert (customer.created_at, customer.updated_at) == (
        "2019-10-30T03:30:17.883000Z",
        "2019-12-07T16:50:06.678000Z",
    )


def test_the_docs_company_is_written_back_as_the_docs_request() -> None:
    canonical = {
        "name": "HubSpot",
        "phone": "555-555-555",
        "billing_address": {"city": "Cambridge", "state": "Massachusetts"},
        "extra": {"domain": "hubspot.com", "industry": "Technology", "lifecyclestage": "51439524"},
    }
    assert mapping.company_properties(canonical) == doc("create_company_request")["properties"]


def test_the_docs_contact_both_ways() -> None:
    request = doc("create_contact_request")
    contact = mapping.contact_to_canonical(as_object(request, "101"), "hs", "123456", True)
    assert (contact.id, contact.customer_id, contact.name, contact.is_primary) == (
        "hs:101",
        "hs:123456",
        "Jane Doe",
        True,
    )
    assert (contact.email, contact.phone) == ("example@hubspot.com", "(555) 555-5555")
    canonical = {
        "name": "Jane Doe",
        "email": "example@hubspot.com",
        "phone": "(555) 555-5555",
        "extra": {
            "company": "HubSpot",
            "website": "hubspot.com",
            "lifecyclestage": "marketingqualifiedlead",
        },
    }
    assert mapping.contact_properties(canonical) == request["properties"]
    assert mapping.contact_properties({"name": "Cher"}) == {"firstname": "Cher", "lastname": ""}
    assert mapping.contact_properties({"name": "Mary Ann Smith", "title": None}) == {
        "firstname": "Mary Ann",
        "lastname": "Smith",
        "jobtitle": "",
    }


def test_countries_are_free_text_in_hubspot_and_iso_codes_here() -> None:
    read = mapping.customer_to_canonical(
        as_object({"properties": {"name": "X", "country": "Deutschland"}}), "hs"
    )
    assert read.billing_address is not None and read.billing_address.country == "DE"
    unknown = mapping.address_fields({"country": "Atlantis"})
    assert unknown is None  # no country code, and nothing else of an address
    assert mapping.company_properties({"billing_address": {"country": "NL", "line2": None}}) == {
        "country": "Netherlands",
        "address2": "",
    }
    assert mapping.company_properties({"billing_address": None}) == dict.fromkeys(
        ("address", "address2", "city", "state", "zip", "country"), ""
    )


def test_what_hubspot_cannot_hold_is_refused_by_canonical_name() -> None:
    with pytest.raises(ValidationFailed) as caught:
        mapping.company_properties(
            {
                "code": "C1",
                "vat_number": "NL1",
                "is_company": False,
                "name": None,
                "shipping_addresses": [{"city": "A"}],
                "billing_address": {"house_number": "5"},
                "extra": {"hs_object_id": "1", "industry": ["A"]},
            }
        )
    assert sorted(d.field for d in caught.value.details) == [
        "billing_address.house_number",
        "code",
        "extra.hs_object_id",
        "extra.industry",
        "is_company",
        "name",
        "shipping_addresses",
        "vat_number",
    ]
    with pytest.raises(ValidationFailed) as contact:
        mapping.contact_properties({"department": "Sales", "notes": "x", "name": None})
    assert sorted(d.field for d in contact.value.details) == ["department", "name", "notes"]


def test_field_errors_are_named_canonically() -> None:
    said = doc("error")  # the error responses page's example: errors[].in
    assert [(e.field, e.message) for e in mapping.field_errors(said, "customer")] == [
        ("name", said["errors"][0]["message"])
    ]
    body = {
        "category": "VALIDATION_ERROR",
        "errors": [
            {"message": "bad", "code": "X", "context": {"propertyName": ["zip", "industry"]}},
            {"message": "worse", "code": "Y", "context": {"propertyName": ["hs_lead_status"]}},
        ],
    }
    mapped = {"hs_lead_status": "extra.lead_status"}
    assert [e.field for e in mapping.field_errors(body, "customer", mapped)] == [
        "billing_address.postal_code",
        "extra.industry",
        "extra.lead_status",
    ]
    jobs = {"errors": [{"message": "m", "context": {"propertyName": ["jobtitle", "lastname"]}}]}
    assert [e.field for e in mapping.field_errors(jobs, "contact")] == ["title", "name"]
    conflict = mapping.field_errors(doc("conflict"), "contact")
    assert [e.field for e in conflict] == ["email"] and "37765128953" in conflict[0].message
    assert mapping.field_errors("not an object", "customer") == []


def test_native_filters_and_sorts_make_one_search_body() -> None:
    sent = search.body(
        {"name": "hooli", "updated_since": "2026-03-20T14:30:00.000500Z", "industry": "RETAIL"},
        "-updated_at",
        ["name"],
    )
    assert sent == {
        "properties": ["name"],
        "filterGroups": [
            {
                "filters": [
                    {"propertyName": "name", "operator": "CONTAINS_TOKEN", "value": "*hooli*"},
                    {
                        "propertyName": "hs_lastmodifieddate",
                        "operator": "GTE",
                        "value": "1774017000001",  # rounded up to the next millisecond
                    },
                    {"propertyName": "industry", "operator": "EQ", "value": "RETAIL"},
                ]
            }
        ],
        "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "DESCENDING"}],
    }
    assert search.epoch_ms("2026-03-20T14:30:00Z") == 1774017000000
    assert search.body({}, "name", []) == {
        "properties": [],
        "sorts": [{"propertyName": "name", "direction": "ASCENDING"}],
    }
    assert [search.one_word(v) for v in ("acme", "Acme-Corp", "acme corp", "ac*me", "")] == [
        True,
        True,
        False,
        False,
        False,
    ]


def test_a_429_without_retry_after_is_given_its_window() -> None:
    wait = HubSpotAdapter.wait_after_429
    assert wait({"x-hubspot-ratelimit-interval-milliseconds": "10000"}) == 10.0
    assert wait({}) is None  # search answers have no rate-limit headers
