"""The simulated Inventorum tenant, seeded deterministically.

The docs' customers 196906 (the person "J K") and 553910 (Ana Schmidt / Inventorum, a
favourite) are read from the same fixture JSON the mapping tests use; 37 more are
generated from a fixed seed, some with countries as full names.
"""

from __future__ import annotations

import random
from typing import Any

from adapters.inventorum.simulator.rules import ADDRESS_KEYS, TITLES
from adapters.inventorum.simulator.shapes import stored
from adapters.sandbox.helpers import fixture

SEED = 39
CUSTOMER_COUNT = 39
_FIRST = ("Anna", "Jonas", "Lea", "Felix", "Marie", "Paul", "Sophie", "Lukas", "Emma", "Ben")
_LAST = ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker")
_COMPANIES = ("Café Blau", "Bäckerei Korn", "Modehaus Nord", "Blumen Eck", "Radladen Süd")
_COUNTRIES = ("DE", "DE", "DE", "Deutschland", "AT", "Österreich", "Germany", "CH")
_CITIES = (("Berlin", "10115"), ("Hamburg", "20095"), ("München", "80331"), ("Wien", "1010"))


def _birthday(rng: random.Random) -> str:
    return f"19{rng.randrange(50, 99)}-0{rng.randrange(1, 9)}-1{rng.randrange(0, 9)}T08:00:00Z"


def doc_customers() -> list[dict[str, Any]]:
    """The docs' two customers, as the tenant keeps them."""
    person = fixture("inventorum", "get_customer_wrapped")["data"][0]
    company = fixture("inventorum", "create_customer_response")
    return [stored(person), stored(company)]


class InventorumTenant:
    """Inventorum's customers, version-neutral (``render`` shows them per version)."""

    def __init__(self, *, seed: int = SEED) -> None:
        self.customers: dict[int, dict[str, Any]] = {}
        self._next_address = 237180
        self._seed(random.Random(seed))
        self._loyalty(random.Random(seed + 1))
        self._next_id = max(self.customers) + 1

    def _loyalty(self, rng: random.Random) -> None:
        """Fields the adapter does not map (API.md §10 maps them): the POS's loyalty
        programme and free-form tags. The docs' two customers stay as the docs show them."""
        docs = {c["id"] for c in doc_customers()}
        for customer in self.customers.values():
            if customer["id"] in docs:
                continue
            customer.setdefault(
                "loyalty",
                {
                    "tier": rng.choice(("bronze", "silver", "gold")),
                    "points": rng.randrange(0, 5000),
                    "card_number": f"LC{rng.randrange(10**7, 10**8)}",
                },
            )
            customer.setdefault(
                "tags", rng.sample(("stammkunde", "newsletter", "wholesale", "event"), 2)
            )

    def _seed(self, rng: random.Random) -> None:
        for index in range(CUSTOMER_COUNT - 2):
            customer_id = 196907 + index * 13
            company = rng.random() < 0.4
            city, zipcode = rng.choice(_CITIES)
            country = rng.choice(_COUNTRIES)
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            address = {
                "address1": f"Hauptstraße {rng.randrange(1, 120)}",
                "address2": "",
                "zipcode": zipcode,
                "city": city,
                "state": "",
                "first_name": first,
                "last_name": last,
                "company": "",
                "title": "Mr.",
                "country": country,
            }
            self.customers[customer_id] = self._record(
                customer_id,
                company=rng.choice(_COMPANIES) if company else "",
                first_name="" if company else first,
                last_name="" if company else last,
                email=f"kunde{index}@example.de" if rng.random() < 0.7 else "",
                is_b2b=company,
                is_favourite=index % 4 == 0,
                is_vip=rng.random() < 0.2,
                note="",
                tax_number=f"DE{rng.randrange(100000000, 999999999)}" if company else "",
                title=rng.choice(TITLES),
                phones=[f"030{rng.randrange(1000000, 9999999)}"],
                birthday=None if company else _birthday(rng),
                billing_address=address,
                shipping_address=[dict(address)] if rng.random() < 0.5 else [],
            )
        for record in doc_customers():
            customer_id = record.pop("id")
            self.customers[customer_id] = self._record(customer_id, **record)

    def _record(self, customer_id: int, **fields: Any) -> dict[str, Any]:
        record: dict[str, Any] = {
            "id": customer_id,
            "account_scoped_id": customer_id % 1000,
            "middle_name": None,
            "email_marketing_agreed": False,
            "group": None,
            "customer_note": None,
            "is_confirmed": False,
            "channel": 1,
            "total_sales": "0",
        }
        record.update(fields)
        record["billing_address"] = self._address(record["billing_address"])
        record["shipping_address"] = [self._address(a) for a in record["shipping_address"]]
        return record

    def _address(self, address: dict[str, Any]) -> dict[str, Any]:
        if "id" not in address:
            self._next_address += 1
            address = {**address, "id": self._next_address}
        return {k: address.get(k, "") for k in ("country", "id", *ADDRESS_KEYS[:-1])}
