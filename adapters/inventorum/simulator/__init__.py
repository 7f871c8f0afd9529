"""A stateful Inventorum simulator, faithful to upstream-docs/inventorum-customers.txt.

One simulator speaks both API versions, chosen per request by ``X-Api-Version``
(absent: 10): v10 reads and writes ``phone_number`` (a string), v9 ``phone_numbers``
(a list); the other version's field is refused with 400. Seeded deterministically:
39 customers, among them the doc's 553910 (Ana Schmidt / Inventorum, a favourite)
and 196906 (the person "J K"); some favourites, some countries stored as full names
("Deutschland", "Österreich", "Germany") as the create doc allows.

Faithful where it matters: ``limit`` defaults to and is capped at 30; lists are
``{"total", "data"}``; the single read is wrapped as ``{"total", "data": [obj]}`` as
its doc shows (``wrap_single=False`` answers the bare object); create and update
answer with the whole customer plus ``total_sales``, which only those answers carry
(list rows and single reads do not, as the docs show); birthdays come back with a
+02:00 offset; errors are ``{"error": {"fields", "description", "key"}}`` with 400
and 404. Paths are taken with or without the trailing slash. Auth is OAuth2 client
credentials at ``/oauth/token`` (``expire_tokens()`` makes every issued token stale,
to test refreshing), or a fixed bearer token when the connection is configured with one.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from adapters.inventorum.simulator.customers import CustomerRoutes
from adapters.inventorum.simulator.oauth import TokenIssuer
from adapters.inventorum.simulator.seed import SEED
from adapters.inventorum.simulator.shapes import no_route
from adapters.sandbox import Credentials, Sandbox
from adapters.sandbox.console import Collection, Console


class InventorumSimulator(CustomerRoutes):
    def _take_id(self) -> int:
        taken = self._next_id
        self._next_id += 1
        return taken

    def __init__(
        self, *, credentials: Credentials, seed: int = SEED, wrap_single: bool = True
    ) -> None:
        super().__init__(seed=seed)
        self.wrap_single = wrap_single
        self.oauth = TokenIssuer(credentials)
        # its records carry no timestamps: an edit in its UI moves none
        self.console = Console({"customer": Collection(self.customers, int, self._take_id)})
        routes = [Route("/oauth/token", self.oauth.token, methods=["POST"])]
        for slash in ("", "/"):
            routes += [
                Route(f"/customers{slash}", self.list_customers, methods=["GET"]),
                Route(f"/customers{slash}", self.create_customer, methods=["POST"]),
                Route(f"/customers/favourites{slash}", self.list_favourites, methods=["GET"]),
                Route(f"/customers/{{id:int}}{slash}", self.get_customer, methods=["GET"]),
                Route(f"/customers/{{id:int}}{slash}", self.update_customer, methods=["PUT"]),
                Route(f"/customers/{{id:int}}{slash}", self.delete_customer, methods=["DELETE"]),
            ]
        app = Starlette(routes=routes, exception_handlers={404: no_route, 405: no_route})
        self.sandbox = Sandbox(
            app,
            simulator=self,
            authorized=self.oauth.authorized,
            unauthorized=b'{"error": {"fields": {}, "description": "Invalid token", '
            b'"key": "auth.invalid_token"}}',
            public_paths=("/oauth/token",),
        )

    @property
    def credentials(self) -> Credentials:
        return self.oauth.credentials

    @credentials.setter
    def credentials(self, credentials: Credentials) -> None:
        """Rotate what the token endpoint accepts, as an upstream admin would."""
        self.oauth.credentials = credentials

    @property
    def tokens_issued(self) -> int:
        return self.oauth.tokens_issued

    def expire_tokens(self) -> None:
        self.oauth.expire_tokens()


def sandbox(*, credentials: Credentials, api_version: int | None = None) -> Sandbox:
    """The sandbox of a fresh, seeded simulator (the adapter's ``simulator`` factory)."""
    return InventorumSimulator(credentials=credentials).sandbox
