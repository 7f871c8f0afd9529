"""BorderBolt item mapping on the item-master doc's own example payloads (no HTTP)."""

from __future__ import annotations

import pytest

from adapters.borderbolt import item_mapping
from kernel.errors import ValidationFailed
from tests.conftest import fixture


def doc(name: str):
    return fixture("borderbolt", name)


def valid(remote: str) -> bool:
    return remote.isdigit()


def test_full_item() -> None:
    item = item_mapping.item_to_canonical(doc("item_get")["data"], "borderbolt")
    dumped = item.model_dump()
    assert dumped["id"] == "borderbolt:801" and dumped["code"] == "PROD-001"
    assert dumped["customer_id"] is None and dumped["status"] == "active"
    assert (dumped["hs_code"], dumped["country_of_origin"], dumped["duty_rate"]) == (
        "85423190",
        "CN",
        3.5,
    )
    assert dumped["verified_at"] == "2025-06-02T09:00:00Z"
    assert dumped["pending_changes"] == []
    assert dumped["documents"] == [
        {
            "id": "borderbolt:5001",
            "type": "certificate_of_origin",
            "filename": "COO-PROD-001.pdf",
            "created_at": "2025-06-01T11:00:00Z",
            "extra": {},
        }
    ]
    assert dumped["extra"] == {} and dumped["remote_data"] is None


def test_list_and_search_rows() -> None:
    [row] = doc("item_list")["data"]
    listed = item_mapping.item_to_canonical(row, "bb")
    assert listed.documents is None and listed.taric_code is None and listed.unit_value == 10.0
    [hit] = doc("item_search")["data"]
    found = item_mapping.item_to_canonical(hit, "bb")
    assert (found.id, found.code, found.customer_id) == ("bb:801", "PROD-001", None)
    owned = item_mapping.item_to_canonical({**hit, "customer_id": 501}, "bb")
    assert owned.customer_id == "bb:501"


def test_partial_answers_map_without_inventing() -> None:
    copy = item_mapping.item_to_canonical(doc("item_duplicate_response")["data"], "bb")
    assert copy.code == "PROD-001_COPY" and copy.verified_at is None and copy.hs_code is None
    verified = item_mapping.item_to_canonical(doc("item_verify_response")["data"], "bb")
    assert verified.verified_at == "2026-03-25T11:00:00Z"


def test_create_and_update_bodies_are_the_docs() -> None:
    canonical = {
        "code": "PROD-002",
        "description": "Machinery Parts - Ball Bearings",
        "hs_code": "84821090",
        "country_of_origin": "DE",
        "net_weight": 0.15,
        "gross_weight": 0.18,
        "unit_value": 5.50,
        "unit_currency": "EUR",
        "manufacturer_name": "German Bearings GmbH",
    }
    assert item_mapping.item_to_upstream(canonical, "bb", valid) == doc("item_create_request")
    patch = {"unit_value": 6.00, "notes": "Price updated per supplier notification"}
    assert item_mapping.item_to_upstream(patch, "bb", valid) == doc("item_update_request")


def test_customer_id_must_be_on_the_connection() -> None:
    assert item_mapping.item_to_upstream({"customer_id": "bb:501"}, "bb", valid) == {
        "customer_id": 501
    }
    assert item_mapping.item_to_upstream({"customer_id": None}, "bb", valid) == {
        "customer_id": None
    }
    for foreign in ("crm:cust_1", "bb:..", "501"):
        with pytest.raises(ValidationFailed) as caught:
            item_mapping.item_to_upstream({"customer_id": foreign}, "bb", valid)
        assert caught.value.details[0].field == "customer_id"


def test_code_and_description_cannot_be_cleared_and_extra_is_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        item_mapping.item_to_upstream(
            {"code": None, "description": None, "extra": {"x": 1}}, "bb", valid
        )
    assert sorted(d.field for d in caught.value.details) == ["code", "description", "extra.x"]


def test_decimals_sent_as_strings_are_numbers() -> None:
    item = item_mapping.item_to_canonical(
        {"id": 1, "unit_value": "10.00", "duty_rate": "n/a", "status": "archived"}, "bb"
    )
    assert item.unit_value == 10.0 and item.duty_rate is None and item.status is None


def test_field_errors() -> None:
    errors = {"item_code": ["The item code has already been taken."], "hs_code": "too long"}
    assert [(e.field, e.message) for e in item_mapping.field_errors(errors)] == [
        ("code", "The item code has already been taken."),
        ("hs_code", "too long"),
    ]
