"""The simulated BorderBolt tenant, seeded deterministically.

Customer 501 and its contact 1001 are the docs' examples, read from the same fixture
JSON the mapping tests use; the rest are generated from a fixed seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.borderbolt.simulator.shapes import stamp
from adapters.sandbox.helpers import fixture

SEED = 501
CUSTOMER_COUNT = 156
_CITIES = {
    "NL": [("Amsterdam", "1012AB"), ("Rotterdam", "3011AA"), ("Utrecht", "3511AB")],
    "BE": [("Antwerpen", "2000"), ("Gent", "9000")],
    "DE": [("Hamburg", "20095"), ("Duisburg", "47051"), ("Berlin", "10115")],
    "FR": [("Lille", "59000"), ("Le Havre", "76600")],
    "GB": [("Felixstowe", "IP11 3SY"), ("Dover", "CT16 1JA")],
    "PL": [("Gdansk", "80-001")],
}
_STREETS = ("Hoofdstraat", "Havenweg", "Kerkstraat", "Industrieweg", "Dorpsstraat", "Kade")
_WORDS = (
    "Nordic",
    "Delta",
    "Atlas",
    "Polder",
    "Zuid",
    "Rijn",
    "Maas",
    "Hanse",
    "Baltic",
    "Orion",
    "Vega",
    "Lumen",
    "Kestrel",
    "Tulip",
    "Beacon",
    "Harbor",
    "Summit",
)
_KINDS = ("Logistics", "Trading", "Foods", "Electronics", "Textiles", "Chemicals", "Parts")
_SUFFIX = {"NL": "B.V.", "BE": "NV", "DE": "GmbH", "FR": "SARL", "GB": "Ltd", "PL": "Sp. z o.o."}
_PEOPLE = (
    "Anna de Vries",
    "Pieter Jansen",
    "Sophie Müller",
    "Lucas Peeters",
    "Emma Smith",
    "Noah Bakker",
    "Julia Nowak",
    "Thomas Dubois",
    "Eva Visser",
    "Max Schneider",
)
_POSITIONS = ("Logistics Manager", "Customs Coordinator", "Finance Manager", "CEO", None)


@dataclass
class Tenant:
    customers: dict[int, dict[str, Any]] = field(default_factory=dict)
    contacts: dict[int, dict[str, Any]] = field(default_factory=dict)
    linked_declarations: set[int] = field(default_factory=set)


def doc_records() -> tuple[dict[str, Any], dict[str, Any]]:
    """The docs' customer 501 (without its embedded contacts) and contact 1001."""
    customer = dict(fixture("borderbolt", "get_customer")["data"])
    customer.pop("contacts")
    contact = fixture("borderbolt", "list_contacts")["data"][0]
    return customer, contact


def seed_tenant(rng: random.Random, count: int) -> Tenant:
    tenant = Tenant()
    customers, contacts = tenant.customers, tenant.contacts
    doc_customer, doc_contact = doc_records()
    customers[doc_customer["id"]] = doc_customer
    contacts[doc_contact["id"]] = doc_contact
    base = datetime(2024, 1, 15, 10, 0, tzinfo=UTC)
    next_contact = max(contacts) + 1
    for index in range(1, count):
        customer_id = 501 + index
        country = rng.choice(list(_CITIES))
        city, postal = rng.choice(_CITIES[country])
        name = f"{rng.choice(_WORDS)} {rng.choice(_KINDS)} {_SUFFIX[country]}"
        created = base + timedelta(days=index * 3, hours=rng.randrange(24))
        digits = "".join(str(rng.randrange(10)) for _ in range(12))
        customers[customer_id] = {
            "id": customer_id,
            "customer_code": f"CUST{index + 1:03d}",
            "customer_name": name,
            "customer_eori_number": f"{country}{digits}" if rng.random() < 0.9 else None,
            "customer_vat_number": f"{country}{digits[:9]}B01" if rng.random() < 0.8 else None,
            "customer_address": rng.choice(_STREETS),
            "customer_address_number": str(rng.randrange(1, 250)),
            "customer_postal_code": postal,
            "customer_city": city,
            "customer_country_code": country,
            "representation_type": rng.choice(("1", "2")),
            "customs_declaration_office": f"{country}{rng.randrange(1000, 9999):06d}",
            "warehouse_licence": None,
            "warehouse_licence_type": None,
            "portal_access_enabled": rng.random() < 0.4,
            "poa_valid_until": (created + timedelta(days=730)).date().isoformat(),
            "created_at": stamp(created),
            "updated_at": stamp(created + timedelta(days=rng.randrange(1, 300))),
        }
        if index % 5 == 0:
            tenant.linked_declarations.add(customer_id)
        for _ in range(rng.randrange(4)):
            contacts[next_contact] = {
                "id": next_contact,
                "customer_masterdata_id": customer_id,
                "name": rng.choice(_PEOPLE),
                "email": f"contact{next_contact}@example.com",
                "phone": f"+31 10 {rng.randrange(1000000, 9999999)}",
                "position": rng.choice(_POSITIONS),
                "department": rng.choice(("Logistics", "Finance", "Customs", None)),
                "is_primary": False,
                "receives_notifications": rng.random() < 0.5,
                "receives_approvals": rng.random() < 0.3,
                "language": rng.choice(("nl", "en")),
                "notes": None,
                "created_at": stamp(created),
                "updated_at": stamp(created),
            }
            next_contact += 1
    _custom_attributes(tenant, rng, skip=(doc_customer["id"], doc_contact["id"]))
    return tenant


def _custom_attributes(tenant: Tenant, rng: random.Random, skip: tuple[int, ...]) -> None:
    """Fields a tenant keeps that the adapter does not map (API.md §10 maps them):
    a customer's ``internal_reference`` and ``settings``, a contact's ``extension``.
    The docs' own records (``skip``) stay exactly as the docs show them."""
    for customer in tenant.customers.values():
        if customer["id"] in skip:
            continue
        customer.setdefault("internal_reference", f"BB-{rng.randrange(10000, 99999)}")
        customer.setdefault(
            "settings",
            {
                "incoterm": rng.choice(("DAP", "DDP", "EXW", "FCA")),
                "invoice_language": rng.choice(("nl", "en", "de")),
                "consolidate_shipments": rng.random() < 0.5,
            },
        )
    for contact in tenant.contacts.values():
        if contact["id"] not in skip:
            extension = str(rng.randrange(100, 999)) if rng.random() < 0.7 else None
            contact.setdefault("extension", extension)
