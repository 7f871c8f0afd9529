"""A stateful BorderBolt simulator, faithful to upstream-docs/borderbolt-customers.txt.

Seeded deterministically: customer 501 is the doc's ``CUST001 Example B.V.`` with its
contact 1001 John Doe; 155 more follow (156 in all, ids 501..656), with 0-3 contacts
each. Every fifth customer has linked declarations and refuses deletion.

Faithful where it matters to the adapter: list rows lack the detail fields and the
contacts; single reads embed contacts; create and update answer with a partial object
and a ``message``; ``per_page`` is capped at 100; 404 is ``{"error": "not_found",
"message"}``; validation is Laravel's ``422 {"message", "errors": {field: [...]}}``;
unknown body fields are ignored, as a validating Laravel controller does. Where the doc
is silent: a refused delete is ``409 {"error": "conflict", "message"}``, and contact
updates take the contact fields of the field reference (``role`` for the title, as on
create).
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.borderbolt.item_simulator import ItemMasterSimulator
from adapters.borderbolt.responses import answer, invalid, missing, stamp, stamp_now
from adapters.borderbolt.responses import body as body_of
from adapters.sandbox import Credentials, Sandbox, query_int

SEED = 501
CUSTOMER_COUNT = 156
LIST_HIDDEN = ("warehouse_licence", "warehouse_licence_type", "poa_valid_until")
CREATE_FIELDS = (
    "customer_code",
    "customer_name",
    "customer_address",
    "customer_address_number",
    "customer_postal_code",
    "customer_city",
    "customer_country_code",
    "customer_eori_number",
    "customer_vat_number",
    "representation_type",
    "customs_declaration_office",
)
UPDATE_FIELDS = (*CREATE_FIELDS[1:], "portal_access_enabled")
CONTACT_CREATE_FIELDS = ("name", "email", "phone", "role", "is_primary")
CONTACT_UPDATE_FIELDS = (
    "name",
    "email",
    "phone",
    "role",
    "department",
    "is_primary",
    "receives_notifications",
    "receives_approvals",
    "language",
    "notes",
)
NESTED_CONTACT_KEYS = (
    "id",
    "name",
    "email",
    "phone",
    "position",
    "department",
    "is_primary",
    "receives_notifications",
    "receives_approvals",
    "language",
)
# The partial objects the doc shows create and update answering with.
CREATED_CUSTOMER_KEYS = (
    "id",
    "customer_code",
    "customer_name",
    "customer_eori_number",
    "customer_country_code",
    "created_at",
    "updated_at",
)
CREATED_CONTACT_KEYS = (
    "id",
    "customer_masterdata_id",
    "name",
    "email",
    "phone",
    "is_primary",
    "created_at",
    "updated_at",
)
UPDATED_CONTACT_KEYS = ("id", "name", "email", "is_primary", "updated_at")
SORTS = ("customer_code", "customer_name", "customer_country_code", "created_at")
MAX_LENGTHS = {"customer_code": 50, "customer_name": 255}
CONTACT_MAX_LENGTHS = {"name": 255, "phone": 50, "role": 100}

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


class BorderBoltSimulator:
    """In-memory BorderBolt tenant. ``sandbox`` is the ASGI app to mount or transport to."""

    def __init__(self, *, token: str, seed: int = SEED, customers: int = CUSTOMER_COUNT) -> None:
        self.customers: dict[int, dict[str, Any]] = {}
        self.contacts: dict[int, dict[str, Any]] = {}
        self.linked_declarations: set[int] = set()
        self._seed(random.Random(seed), customers)
        self.item_master = ItemMasterSimulator(self.customers, random.Random(seed + 1))
        self._next_customer = max(self.customers) + 1
        self._next_contact = max(self.contacts) + 1
        app = Starlette(
            routes=[
                *self.item_master.routes,
                Route("/api/v1/customers", self.list_customers, methods=["GET"]),
                Route("/api/v1/customers", self.create_customer, methods=["POST"]),
                Route("/api/v1/customers/code/{code}", self.get_by_code, methods=["GET"]),
                Route("/api/v1/customers/{id:int}", self.get_customer, methods=["GET"]),
                Route("/api/v1/customers/{id:int}", self.update_customer, methods=["PUT"]),
                Route("/api/v1/customers/{id:int}", self.delete_customer, methods=["DELETE"]),
                Route("/api/v1/customers/{id:int}/contacts", self.list_contacts, methods=["GET"]),
                Route("/api/v1/customers/{id:int}/contacts", self.add_contact, methods=["POST"]),
                Route("/api/v1/contacts/{id:int}", self.update_contact, methods=["PUT"]),
                Route("/api/v1/contacts/{id:int}", self.delete_contact, methods=["DELETE"]),
            ],
            exception_handlers={404: _not_found, 405: _not_found},
        )
        self.sandbox = Sandbox(
            app,
            simulator=self,
            authorized=lambda presented: presented == token,
            unauthorized=b'{"message": "Unauthenticated."}',
        )

    # -- seed ---------------------------------------------------------------------------

    def _seed(self, rng: random.Random, count: int) -> None:
        base = datetime(2024, 1, 15, 10, 0, tzinfo=UTC)
        self.customers[501] = {
            "id": 501,
            "customer_code": "CUST001",
            "customer_name": "Example B.V.",
            "customer_eori_number": "NL123456789012",
            "customer_vat_number": "NL123456789B01",
            "customer_address": "Hoofdstraat",
            "customer_address_number": "1",
            "customer_postal_code": "1012AB",
            "customer_city": "Amsterdam",
            "customer_country_code": "NL",
            "representation_type": "2",
            "customs_declaration_office": "NL000412",
            "warehouse_licence": "NL123456",
            "warehouse_licence_type": "U",
            "portal_access_enabled": False,
            "poa_valid_until": "2027-01-01",
            "created_at": "2025-01-15T10:00:00.000000Z",
            "updated_at": "2026-03-20T14:30:00.000000Z",
        }
        self.contacts[1001] = {
            "id": 1001,
            "customer_masterdata_id": 501,
            "name": "John Doe",
            "email": "john.doe@example.nl",
            "phone": "+31 20 1234568",
            "position": "Logistics Manager",
            "department": "Logistics",
            "is_primary": True,
            "receives_notifications": True,
            "receives_approvals": False,
            "language": "nl",
            "notes": None,
            "created_at": "2025-01-15T10:00:00.000000Z",
            "updated_at": "2025-01-15T10:00:00.000000Z",
        }
        next_contact = 1002
        for index in range(1, count):
            customer_id = 501 + index
            country = rng.choice(list(_CITIES))
            city, postal = rng.choice(_CITIES[country])
            name = f"{rng.choice(_WORDS)} {rng.choice(_KINDS)} {_SUFFIX[country]}"
            created = base + timedelta(days=index * 3, hours=rng.randrange(24))
            digits = "".join(str(rng.randrange(10)) for _ in range(12))
            self.customers[customer_id] = {
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
                self.linked_declarations.add(customer_id)
            for _ in range(rng.randrange(4)):
                self.contacts[next_contact] = {
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

    # -- customers ----------------------------------------------------------------------

    async def list_customers(self, request: Request) -> Response:
        q = request.query_params
        sort = q.get("sort", "customer_name")
        direction = q.get("direction", "asc")
        errors: dict[str, list[str]] = {}
        if sort not in SORTS:
            errors["sort"] = ["The selected sort is invalid."]
        if direction not in ("asc", "desc"):
            errors["direction"] = ["The selected direction is invalid."]
        page, per_page = query_int(q.get("page"), 1), query_int(q.get("per_page"), 25)
        if page is None or page < 1:
            errors["page"] = ["The page must be at least 1."]
        if per_page is None or per_page < 1:
            errors["per_page"] = ["The per page must be at least 1."]
        portal = q.get("portal_access")
        if portal is not None and portal not in ("true", "false", "1", "0"):
            errors["portal_access"] = ["The portal access field must be true or false."]
        if errors:
            return invalid(errors)
        assert page is not None and per_page is not None
        per_page = min(per_page, 100)
        rows = [c for c in self.customers.values() if _matches(c, q)]
        rows.sort(
            key=lambda c: (str(c.get(sort) or "").lower(), c["id"]), reverse=direction == "desc"
        )
        total = len(rows)
        chunk = rows[(page - 1) * per_page : page * per_page]
        return JSONResponse(
            {
                "data": [{k: v for k, v in c.items() if k not in LIST_HIDDEN} for c in chunk],
                "meta": {
                    "current_page": page,
                    "last_page": max(1, -(-total // per_page)),
                    "per_page": per_page,
                    "total": total,
                },
            }
        )

    async def get_customer(self, request: Request) -> Response:
        customer = self.customers.get(request.path_params["id"])
        return self._full(customer) if customer else missing("Customer")

    async def get_by_code(self, request: Request) -> Response:
        code = request.path_params["code"]
        found = next((c for c in self.customers.values() if c["customer_code"] == code), None)
        return self._full(found) if found else missing("Customer")

    async def create_customer(self, request: Request) -> Response:
        body = await body_of(request)
        if isinstance(body, Response):
            return body
        errors = _validate_customer(body, required=("customer_code", "customer_name"))
        code = body.get("customer_code")
        if isinstance(code, str) and any(
            c["customer_code"] == code for c in self.customers.values()
        ):
            errors.setdefault("customer_code", []).append(
                "The customer code has already been taken."
            )
        if errors:
            return invalid(errors)
        customer_id, self._next_customer = self._next_customer, self._next_customer + 1
        now = stamp_now()
        record = {"id": customer_id, **dict.fromkeys(CREATE_FIELDS)}
        record.update({k: body[k] for k in CREATE_FIELDS if k in body})
        record.update(
            warehouse_licence=None,
            warehouse_licence_type=None,
            portal_access_enabled=False,
            poa_valid_until=None,
            created_at=now,
            updated_at=now,
        )
        self.customers[customer_id] = record
        return answer(record, CREATED_CUSTOMER_KEYS, "Customer created successfully.", 201)

    async def update_customer(self, request: Request) -> Response:
        customer = self.customers.get(request.path_params["id"])
        if customer is None:
            return missing("Customer")
        body = await body_of(request)
        if isinstance(body, Response):
            return body
        errors = _validate_customer(body, required=())
        if "customer_code" in body:
            errors["customer_code"] = ["The customer code cannot be changed."]
        if "customer_name" in body and not body["customer_name"]:
            errors["customer_name"] = ["The customer name field is required."]
        if errors:
            return invalid(errors)
        changed = {k: body[k] for k in UPDATE_FIELDS if k in body}
        customer.update(changed, updated_at=stamp_now())
        partial = {k: customer[k] for k in ("id", "customer_code", "customer_name")}
        return JSONResponse(
            {
                "data": {**partial, **changed, "updated_at": customer["updated_at"]},
                "message": "Customer updated successfully.",
            }
        )

    async def delete_customer(self, request: Request) -> Response:
        customer_id = request.path_params["id"]
        if customer_id not in self.customers:
            return missing("Customer")
        if customer_id in self.linked_declarations:
            return JSONResponse(
                {
                    "error": "conflict",
                    "message": "Customer has linked declarations, transits or dossiers and "
                    "cannot be deleted. Disable portal access instead.",
                },
                status_code=409,
            )
        del self.customers[customer_id]
        for contact_id in [
            i for i, c in self.contacts.items() if c["customer_masterdata_id"] == customer_id
        ]:
            del self.contacts[contact_id]
        return JSONResponse({"message": "Customer deleted successfully."})

    def _full(self, customer: dict[str, Any]) -> Response:
        contacts = [
            {k: c.get(k) for k in NESTED_CONTACT_KEYS}
            for c in self.contacts.values()
            if c["customer_masterdata_id"] == customer["id"]
        ]
        return JSONResponse({"data": {**customer, "contacts": contacts}})

    # -- contacts -----------------------------------------------------------------------

    async def list_contacts(self, request: Request) -> Response:
        customer_id = request.path_params["id"]
        if customer_id not in self.customers:
            return missing("Customer")
        rows = [c for c in self.contacts.values() if c["customer_masterdata_id"] == customer_id]
        return JSONResponse({"data": rows})

    async def add_contact(self, request: Request) -> Response:
        customer_id = request.path_params["id"]
        if customer_id not in self.customers:
            return missing("Customer")
        body = await body_of(request)
        if isinstance(body, Response):
            return body
        errors = _validate_contact(body, required=True)
        if errors:
            return invalid(errors)
        contact_id, self._next_contact = self._next_contact, self._next_contact + 1
        now = stamp_now()
        record: dict[str, Any] = {
            "id": contact_id,
            "customer_masterdata_id": customer_id,
            "name": body["name"],
            "email": body.get("email"),
            "phone": body.get("phone"),
            "position": body.get("role"),
            "department": None,
            "is_primary": bool(body.get("is_primary", False)),
            "receives_notifications": False,
            "receives_approvals": False,
            "language": None,
            "notes": None,
            "created_at": now,
            "updated_at": now,
        }
        self.contacts[contact_id] = record
        return answer(record, CREATED_CONTACT_KEYS, "Contact added successfully.", 201)

    async def update_contact(self, request: Request) -> Response:
        contact = self.contacts.get(request.path_params["id"])
        if contact is None:
            return missing("Contact")
        body = await body_of(request)
        if isinstance(body, Response):
            return body
        errors = _validate_contact(body, required=False)
        if errors:
            return invalid(errors)
        changed = {
            ("position" if k == "role" else k): body[k] for k in CONTACT_UPDATE_FIELDS if k in body
        }
        contact.update(changed, updated_at=stamp_now())
        return answer(contact, UPDATED_CONTACT_KEYS, "Contact updated successfully.")

    async def delete_contact(self, request: Request) -> Response:
        if self.contacts.pop(request.path_params["id"], None) is None:
            return missing("Contact")
        return JSONResponse({"message": "Contact deleted successfully."})


def _matches(customer: dict[str, Any], q: Any) -> bool:
    for param, field in (
        ("code", "customer_code"),
        ("name", "customer_name"),
        ("eori", "customer_eori_number"),
    ):
        wanted = q.get(param)
        if wanted and wanted.lower() not in str(customer.get(field) or "").lower():
            return False
    country = q.get("country")
    if country and country.upper() != customer.get("customer_country_code"):
        return False
    portal = q.get("portal_access")
    return portal is None or customer["portal_access_enabled"] == (portal in ("true", "1"))


def _validate_customer(body: dict[str, Any], *, required: tuple[str, ...]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in required:
        if not body.get(name):
            errors[name] = [f"The {name.replace('_', ' ')} field is required."]
    for name in CREATE_FIELDS:
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            errors.setdefault(name, []).append(f"The {name.replace('_', ' ')} must be a string.")
        elif isinstance(value, str) and len(value) > MAX_LENGTHS.get(name, 255):
            errors.setdefault(name, []).append(
                f"The {name.replace('_', ' ')} may not be greater than "
                f"{MAX_LENGTHS.get(name, 255)} characters."
            )
    country = body.get("customer_country_code")
    if isinstance(country, str) and not re.fullmatch(r"[A-Z]{2}", country):
        errors.setdefault("customer_country_code", []).append(
            "The customer country code must be 2 characters."
        )
    eori = body.get("customer_eori_number")
    if isinstance(eori, str) and not re.fullmatch(r"[A-Z]{2}[A-Za-z0-9]{1,15}", eori):
        errors.setdefault("customer_eori_number", []).append(
            "The customer eori number format is invalid."
        )
    portal = body.get("portal_access_enabled")
    if portal is not None and not isinstance(portal, bool):
        errors["portal_access_enabled"] = ["The portal access enabled field must be true or false."]
    return errors


def _validate_contact(body: dict[str, Any], *, required: bool) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if (required or "name" in body) and not body.get("name"):
        errors["name"] = ["The name field is required."]
    for name, limit in CONTACT_MAX_LENGTHS.items():
        value = body.get(name)
        if isinstance(value, str) and len(value) > limit:
            errors[name] = [f"The {name} may not be greater than {limit} characters."]
    return errors


async def _not_found(request: Request, exc: Exception) -> Response:
    return missing("Resource")


def sandbox(*, credentials: Credentials, api_version: int | None = None) -> Sandbox:
    """The sandbox of a fresh, seeded simulator (the adapter's ``simulator`` factory)."""
    return BorderBoltSimulator(token=credentials.token or "").sandbox
