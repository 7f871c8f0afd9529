"""A stateful simulator of HubSpot's CRM APIs, faithful to HubSpot's public docs: the
v3 objects API for companies and contacts (list, read, create, update, archive, batch
read, search) and the v4 associations between them, behind HubSpot's rate limits.

Sources: the companies, contacts, search and associations v4 guides
(https://developers.hubspot.com/docs/guides/api/crm/objects/companies, .../contacts,
.../guides/api/crm/search, .../guides/api/crm/associations/associations-v4), the
usage guidelines (https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details),
the error responses page (https://developers.hubspot.com/docs/faq/api-error-responses)
and HubSpot's OpenAPI documents (github.com/HubSpot/HubSpot-public-api-spec-collection,
``PublicApiSpecs/CRM/{Companies,Contacts}/Rollouts/424/v3``,
``.../Associations/Rollouts/130902/v4``), whose examples are in ``fixtures/``.

Shapes are in shapes.py, property rules in rules.py, the search in search.py, rate
limits in limits.py, the seed in seed.py. A private app's token is a bearer token
(``Authorization: Bearer pat-...``); anything else is 401 ``INVALID_AUTHENTICATION``.
``console`` edits companies (``customer``) and contacts (``contact``) as HubSpot's UI
would, a delete archiving the record (adapters/sandbox/console.py).
"""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.routing import Route

from adapters.hubspot.simulator.associations import AssociationRoutes
from adapters.hubspot.simulator.limits import Limited, Limits
from adapters.hubspot.simulator.objects import ObjectRoutes
from adapters.hubspot.simulator.search import SearchRoutes
from adapters.hubspot.simulator.seed import SEED, seed
from adapters.hubspot.simulator.shapes import no_route, now
from adapters.hubspot.simulator.store import Account
from adapters.sandbox import Credentials, Sandbox
from adapters.sandbox.console import Collection, Console

UNAUTHORIZED = {
    "status": "error",
    "message": "Authentication credentials not found. This API supports OAuth 2.0 "
    "authentication and you can find more details at "
    "https://developers.hubspot.com/docs/methods/auth/oauth-overview",
    "correlationId": "0d6d6f55-5b8c-4b6f-a1d5-3c1f8e8e2a01",
    "category": "INVALID_AUTHENTICATION",
}
OBJECTS = "/crm/v3/objects/{type}"
ASSOCIATIONS = "/crm/v4/objects/{type}/{id}/associations/{to}"


class HubSpotSimulator(ObjectRoutes, SearchRoutes, AssociationRoutes):
    def __init__(self, *, token: str, seed_value: int = SEED) -> None:
        self.account = Account()
        seed(self.account, seed=seed_value)
        self.limits = Limits()
        self.console = Console(
            {
                "customer": Collection(self.account.companies, str, self._new_company, now),
                "contact": Collection(self.account.contacts, str, self._new_contact, now),
            }
        )
        app = Starlette(
            routes=[
                Route(OBJECTS, self.list_objects, methods=["GET"]),
                Route(OBJECTS, self.create_object, methods=["POST"]),
                Route(f"{OBJECTS}/search", self.search, methods=["POST"]),
                Route(f"{OBJECTS}/batch/read", self.batch_read, methods=["POST"]),
                Route(f"{OBJECTS}/{{id}}", self.get_object, methods=["GET"]),
                Route(f"{OBJECTS}/{{id}}", self.update_object, methods=["PATCH"]),
                Route(f"{OBJECTS}/{{id}}", self.archive_object, methods=["DELETE"]),
                Route(ASSOCIATIONS, self.list_associations, methods=["GET"]),
                Route(f"{ASSOCIATIONS}/{{to_id}}", self.label_association, methods=["PUT"]),
            ],
            exception_handlers={404: no_route, 405: no_route},
        )
        unauthorized = json.dumps(UNAUTHORIZED).encode()
        self.sandbox = Sandbox.bearer(Limited(app, self.limits), self, token, unauthorized)

    def _new_company(self) -> str:
        return self.account.take_id("companies")

    def _new_contact(self) -> str:
        return self.account.take_id("contacts")


def sandbox(*, credentials: Credentials, api_version: int | None = None) -> Sandbox:
    """The sandbox of a fresh, seeded simulator (the adapter's ``simulator`` factory)."""
    return HubSpotSimulator(token=credentials.token or "").sandbox
