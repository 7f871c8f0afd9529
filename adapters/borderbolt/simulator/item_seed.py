"""The simulated item master, seeded deterministically: 342 items, ids 801..1142.

Item 801 is the docs' PROD-001 with its document 5001, read from the same fixture
JSON the mapping tests use; some items belong to a customer, some are pending, some
carry pending classification changes.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.borderbolt.simulator.shapes import stamp
from adapters.sandbox.helpers import fixture

ITEM_COUNT = 342
FIRST_ID = 801
CHANGE_STATUSES = ("pending", "approved", "rejected")
_GOODS = (
    ("Electronic Components - Integrated Circuits", "85423190", "CN"),
    ("Machinery Parts - Ball Bearings", "84821090", "DE"),
    ("Cotton T-Shirts", "61091000", "BD"),
    ("Olive Oil, Extra Virgin", "15091020", "ES"),
    ("Bicycle Frames, Aluminium", "87149110", "TW"),
    ("Ceramic Tableware", "69111000", "PT"),
    ("Lithium-Ion Batteries", "85076000", "KR"),
    ("Roasted Coffee Beans", "09012100", "BR"),
    ("Steel Screws", "73181595", "IT"),
    ("Wooden Furniture Parts", "94039010", "PL"),
)


def doc_item() -> dict[str, Any]:
    """The docs' item 801 as the tenant stores it (pending changes are kept apart)."""
    item = dict(fixture("borderbolt", "item_get")["data"])
    item.pop("pending_changes", None)
    item.pop("id")
    return {"customer_id": None, **item}


def seed_items(
    customers: dict[int, dict[str, Any]], rng: random.Random
) -> tuple[dict[int, dict[str, Any]], dict[int, list[dict[str, Any]]]]:
    base = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    customer_ids = sorted(customers)
    items: dict[int, dict[str, Any]] = {}
    changes: dict[int, list[dict[str, Any]]] = {}
    for index in range(ITEM_COUNT):
        item_id = FIRST_ID + index
        description, hs_code, origin = _GOODS[index % len(_GOODS)]
        created = base + timedelta(hours=index * 19)
        status = "pending" if index % 11 == 5 else "inactive" if index % 13 == 7 else "active"
        weight = round(rng.uniform(0.05, 25), 2)
        items[item_id] = {
            "id": item_id,
            "item_code": f"PROD-{index + 1:03d}",
            "description": description if index < 10 else f"{description} #{index + 1}",
            "customer_id": customer_ids[index % len(customer_ids)] if index % 3 == 1 else None,
            "hs_code": hs_code,
            "taric_code": None,
            "country_of_origin": origin,
            "preferential_origin": None,
            "status": status,
            "net_weight": weight,
            "gross_weight": round(weight * 1.08, 2),
            "supplementary_units": None,
            "packaging_type": rng.choice(("CT", "PK", "BX", None)),
            "packaging_marks": None,
            "unit_value": round(rng.uniform(1, 500), 2),
            "unit_currency": "EUR",
            "duty_rate": rng.choice((0.0, 1.7, 3.5, 6.5, 12.0)),
            "vat_rate": 21.0,
            "licensing_required": index % 17 == 0,
            "manufacturer_name": None,
            "manufacturer_part_number": None,
            "sku": f"SKU-{index + 1:04d}",
            "part_number": f"PN-{rng.randrange(10000, 99999)}",
            "notes": None,
            "created_at": stamp(created),
            "updated_at": stamp(created + timedelta(days=rng.randrange(0, 400))),
            "verified_at": None if status == "pending" else stamp(created + timedelta(days=1)),
            "documents": [],
        }
        if index % 9 == 4:
            change_status = CHANGE_STATUSES[(index // 9) % 3]
            reviewed = None if change_status == "pending" else stamp(created + timedelta(days=3))
            changes[item_id] = [
                {
                    "id": 9000 + index,
                    "item_id": item_id,
                    "field": "hs_code",
                    "current_value": hs_code,
                    "proposed_value": hs_code[:6] + "99",
                    "status": change_status,
                    "requested_by": "customs.expert@example.nl",
                    "created_at": stamp(created + timedelta(days=2)),
                    "reviewed_at": reviewed,  # a change still pending was not reviewed
                }
            ]
    items[FIRST_ID].update(doc_item())
    for item in items.values():  # not mapped by the adapter: API.md §10 maps it
        if item["id"] == FIRST_ID:
            continue  # the docs' item stays as the docs show it
        item.setdefault(
            "attributes",
            {
                "brand": rng.choice(("Noordkust", "Polderwerk", "Delta Goods", None)),
                "pallet_quantity": rng.choice((24, 48, 96, None)),
            },
        )
    return items, changes
