"""A stateful simulator of the generic CRM, faithful to upstream-docs/crm-customers.txt.

Seeded deterministically: 150 customers ``cust_400``..``cust_549``, where ``cust_456``
is the doc's "Customer XYZ" with its contact ``cont_101`` and 75 orders; every
customer has 0-40 sales orders dated before ``REFERENCE_DATE``, which analytics
periods count back from.

Faithful where it matters: list rows lack the detail fields and the contacts, and
``meta`` has ``total, page, limit, hasMore``; single reads embed contacts; create and
update answer with partial objects (an update: ``id``, the fields it changed,
``updated_at``); there is no customer DELETE and no contact list (both 405). Where
the doc is silent: ``limit`` defaults to 20 and is capped at 100; errors are
``{"error": {"code", "message", "details": [{"field", "message"}]}}`` with 404 and
422; ``search`` matches name or email, case-insensitively.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from adapters.crm.simulator.customers import CustomerRoutes
from adapters.crm.simulator.insights import InsightRoutes
from adapters.crm.simulator.seed import CUSTOMER_COUNT, SEED
from adapters.crm.simulator.shapes import no_route, now
from adapters.sandbox import Credentials, Sandbox
from adapters.sandbox.console import Collection, Console


class CrmSimulator(CustomerRoutes, InsightRoutes):
    """``console`` edits customers behind the gateway's back, deletions included, which
    the CRM's API cannot do (adapters/sandbox/console.py)."""

    def _take_id(self) -> str:
        taken = self._next_customer
        self._next_customer += 1
        return f"cust_{taken}"

    def __init__(self, *, token: str, seed: int = SEED, customers: int = CUSTOMER_COUNT) -> None:
        super().__init__(seed=seed, customers=customers)
        self.console = Console({"customer": Collection(self.customers, str, self._take_id, now)})
        app = Starlette(
            routes=[
                Route("/api/customers", self.list_customers, methods=["GET"]),
                Route("/api/customers", self.create_customer, methods=["POST"]),
                Route("/api/customers/{id}", self.get_customer, methods=["GET"]),
                Route("/api/customers/{id}", self.update_customer, methods=["PUT"]),
                Route("/api/customers/{id}/orders", self.list_orders, methods=["GET"]),
                Route("/api/customers/{id}/analytics", self.analytics, methods=["GET"]),
                Route("/api/customers/{id}/contacts", self.add_contact, methods=["POST"]),
                Route("/api/customers/{id}/contacts/{cid}", self.update_contact, methods=["PUT"]),
                Route(
                    "/api/customers/{id}/contacts/{cid}", self.remove_contact, methods=["DELETE"]
                ),
                Route("/api/customers/{id}/credit-check", self.credit_check, methods=["POST"]),
            ],
            exception_handlers={404: no_route, 405: no_route},
        )
        unauthorized = b'{"error": {"code": "unauthorized", "message": "Invalid API token"}}'
        self.sandbox = Sandbox.bearer(app, self, token, unauthorized)


def sandbox(*, credentials: Credentials, api_version: int | None = None) -> Sandbox:
    """The sandbox of a fresh, seeded simulator (the adapter's ``simulator`` factory)."""
    return CrmSimulator(token=credentials.token or "").sandbox
