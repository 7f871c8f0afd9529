"""The simulated account, seeded deterministically from the docs' examples.

Company ``123456`` is the companies guide's example ("HubSpot", Cambridge), at the ID
the contacts guide's example associates its contact with; contact ``101`` is the
contacts guide's example (Jane Doe), at the ID the companies guide's example
associates its company with: the two, associated, primary. Around them, 59 companies
(IDs 9001-9059) and their contacts (IDs from 1001) generated from a fixed seed, with
countries written as HubSpot's free-text ``country`` holds them ("United States",
"Deutschland", or none), industries as internal values (``COMPUTER_SOFTWARE``), and
timestamps in the past, so ``updated_since`` and change detection have a history.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.hubspot.simulator.rules import text
from adapters.hubspot.simulator.shapes import stamp
from adapters.hubspot.simulator.store import Account
from adapters.sandbox.helpers import fixture

SEED = 2_026
COMPANY_COUNT = 59
FIRST_COMPANY = 9001
FIRST_CONTACT = 1001
DOC_COMPANY = "123456"
DOC_CONTACT = "101"
REFERENCE = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
_NAMES = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Tyrell", "Soylent")
_KINDS = ("Corp", "Labs", "Trading", "Logistics", "Foods", "Partners")
_PLACES = (
    ("Boston", "Massachusetts", "02110", "United States"),
    ("Austin", "Texas", "73301", "United States"),
    ("Berlin", None, "10115", "Deutschland"),
    ("Amsterdam", None, "1012 AB", "Netherlands"),
    ("London", None, "EC1A 1BB", "United Kingdom"),
    ("Lyon", None, "69001", "France"),
    ("Springfield", None, None, None),
)
_INDUSTRIES = (
    "COMPUTER_SOFTWARE",
    "ACCOUNTING",
    "RETAIL",
    "LOGISTICS_AND_SUPPLY_CHAIN",
    "FOOD_BEVERAGES",
)
_STAGES = ("lead", "opportunity", "customer", "evangelist")
_TYPES = ("PROSPECT", "PARTNER", "RESELLER", "VENDOR")
_PEOPLE = (("Ada", "Byron"), ("Grace", "Hopper"), ("Alan", "Turing"), ("Edsger", "Dijkstra"))
_TITLES = ("Buyer", "Head of Finance", "Operations Manager", None)


def seed(account: Account, *, seed: int = SEED, companies: int = COMPANY_COUNT) -> None:
    rng = random.Random(seed)
    contact_id = FIRST_CONTACT
    for index in range(companies):
        company_id = str(FIRST_COMPANY + index)
        account.companies[company_id] = _company(rng, company_id, index)
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            contact = _contact(rng, str(contact_id), account.companies[company_id])
            account.contacts[contact["id"]] = contact
            account.associate(contact["id"], company_id, primary=rng.random() < 0.7)
            contact_id += 1
    doc_company = _timed(
        fixture("hubspot", "create_company_request")["properties"], DOC_COMPANY, 400, 3
    )
    doc_contact = _timed(
        fixture("hubspot", "create_contact_request")["properties"], DOC_CONTACT, 380, 2
    )
    account.companies[DOC_COMPANY] = doc_company
    account.contacts[DOC_CONTACT] = doc_contact
    account.associate(DOC_CONTACT, DOC_COMPANY, primary=True)


def _timed(
    properties: dict[str, Any], record_id: str, days_ago: int, changed_days: int
) -> dict[str, Any]:
    created = REFERENCE - timedelta(days=days_ago)
    return {
        "id": record_id,
        "created_at": stamp(created),
        "updated_at": stamp(created + timedelta(days=changed_days, milliseconds=431)),
        **{name: text(value) for name, value in properties.items()},
    }


def _company(rng: random.Random, company_id: str, index: int) -> dict[str, Any]:
    name = f"{rng.choice(_NAMES)} {rng.choice(_KINDS)} {index + 1}"
    slug = name.lower().replace(" ", "")
    city, state, postal, country = rng.choice(_PLACES)
    created = REFERENCE - timedelta(
        days=rng.randrange(30, 900), milliseconds=rng.randrange(86_400_000)
    )
    updated = created + timedelta(
        days=rng.randrange(0, 25), milliseconds=rng.randrange(1, 86_400_000)
    )
    return {
        "id": company_id,
        "created_at": stamp(created),
        "updated_at": stamp(updated),
        "name": name,
        "domain": f"{slug}.example.com",
        "website": f"https://www.{slug}.example.com",
        "phone": f"+1 555 {rng.randrange(1000, 9999)}",
        "address": f"{rng.randrange(1, 400)} Main Street" if city != "Springfield" else None,
        "address2": "Suite 5" if rng.random() < 0.2 else None,
        "city": city,
        "state": state,
        "zip": postal,
        "country": country,
        "description": "Buys in bulk every quarter" if rng.random() < 0.3 else None,
        "industry": rng.choice(_INDUSTRIES),
        "lifecyclestage": rng.choice(_STAGES),
        "type": rng.choice(_TYPES),
        "numberofemployees": str(rng.choice((5, 12, 50, 250, 1200))),
        "annualrevenue": str(rng.choice((250000, 1000000, 12500000))),
        "hs_lead_status": rng.choice(("NEW", "OPEN", "IN_PROGRESS", None)),
    }


def _contact(rng: random.Random, contact_id: str, company: dict[str, Any]) -> dict[str, Any]:
    first, last = rng.choice(_PEOPLE)
    created = datetime.fromisoformat(company["created_at"]) + timedelta(days=rng.randrange(1, 20))
    return {
        "id": contact_id,
        "created_at": stamp(created),
        "updated_at": stamp(created + timedelta(hours=rng.randrange(1, 200))),
        "email": f"{first.lower()}.{contact_id}@{company['domain']}",
        "firstname": first,
        "lastname": last,
        "phone": f"+1 555 {rng.randrange(1000, 9999)}",
        "jobtitle": rng.choice(_TITLES),
        "company": company["name"],
        "lifecyclestage": rng.choice(_STAGES),
        "hs_language": rng.choice(("en", "de", None)),
    }
