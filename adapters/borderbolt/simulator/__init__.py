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
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.borderbolt.simulator.customers import CustomerRoutes
from adapters.borderbolt.simulator.items import ItemMasterSimulator
from adapters.borderbolt.simulator.seed import CUSTOMER_COUNT, SEED, seed_tenant
from adapters.borderbolt.simulator.shapes import missing, stamp_now
from adapters.sandbox import Credentials, Sandbox
from adapters.sandbox.console import Collection, Console


class BorderBoltSimulator(CustomerRoutes):
    """In-memory BorderBolt tenant. ``sandbox`` is the ASGI app to mount or transport to;
    ``console`` edits it behind the gateway's back (adapters/sandbox/console.py)."""

    def _take(self, counter: str) -> int:
        taken: int = getattr(self, counter)
        setattr(self, counter, taken + 1)
        return taken

    def _take_item(self) -> int:
        taken: int = self.item_master._next_item
        self.item_master._next_item = taken + 1
        return taken

    def __init__(self, *, token: str, seed: int = SEED, customers: int = CUSTOMER_COUNT) -> None:
        tenant = seed_tenant(random.Random(seed), customers)
        self.customers = tenant.customers
        self.contacts = tenant.contacts
        self.linked_declarations = tenant.linked_declarations
        self.item_master = ItemMasterSimulator(self.customers, random.Random(seed + 1))
        self._next_customer = max(self.customers) + 1
        self._next_contact = max(self.contacts) + 1
        self.revision = 0  # moves with every change to a customer (``CustomerRoutes``)
        self._listings: dict[tuple[Any, ...], tuple[int, list[dict[str, Any]]]] = {}
        self.console = Console(
            {
                "customer": Collection(
                    self.customers, int, lambda: self._take("_next_customer"), stamp_now
                ),
                "contact": Collection(
                    self.contacts, int, lambda: self._take("_next_contact"), stamp_now
                ),
                "item": Collection(
                    self.item_master.items, int, lambda: self._take_item(), stamp_now
                ),
            },
            on_change=lambda kind: self.changed() if kind == "customer" else None,
        )
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
        self.sandbox = Sandbox.bearer(app, self, token, b'{"message": "Unauthenticated."}')


async def _not_found(request: Request, exc: Exception) -> Response:
    return missing("Resource")


def sandbox(*, credentials: Credentials, api_version: int | None = None) -> Sandbox:
    """The sandbox of a fresh, seeded simulator (the adapter's ``simulator`` factory)."""
    return BorderBoltSimulator(token=credentials.token or "").sandbox
