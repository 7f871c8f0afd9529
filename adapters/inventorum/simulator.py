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
answer with the whole customer; birthdays come back with a +02:00 offset; errors are
``{"error": {"fields", "description", "key"}}`` with 400 and 404. Paths are taken with
or without the trailing slash. Auth is OAuth2 client credentials at ``/oauth/token``
(``expire_tokens()`` makes every issued token stale, to test refreshing), or a fixed
bearer token when the connection is configured with one.
"""

from __future__ import annotations

import random
import secrets
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.sandbox import Credentials, Sandbox, query_int

SEED = 39
CUSTOMER_COUNT = 39
MAX_LIMIT = 30
TOKEN_LIFETIME = 3600
TITLES = ("Mr.", "Mrs.", "Ms.")
BERLIN_SUMMER = timezone(timedelta(hours=2))
ADDRESS_KEYS = (
    "address1",
    "address2",
    "zipcode",
    "city",
    "state",
    "first_name",
    "last_name",
    "company",
    "title",
    "country",
)
WRITABLE = (
    "company",
    "first_name",
    "last_name",
    "email",
    "email_marketing_agreed",
    "is_b2b",
    "is_favourite",
    "is_vip",
    "note",
    "tax_number",
    "title",
    "birthday",
    "is_confirmed",
)
_FIRST = ("Anna", "Jonas", "Lea", "Felix", "Marie", "Paul", "Sophie", "Lukas", "Emma", "Ben")
_LAST = ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker")
_COMPANIES = ("Café Blau", "Bäckerei Korn", "Modehaus Nord", "Blumen Eck", "Radladen Süd")
_COUNTRIES = ("DE", "DE", "DE", "Deutschland", "AT", "Österreich", "Germany", "CH")
_CITIES = (("Berlin", "10115"), ("Hamburg", "20095"), ("München", "80331"), ("Wien", "1010"))


def _error(
    status: int, fields: dict[str, list[str]], description: str | None, key: str
) -> Response:
    body = {"error": {"fields": fields, "description": description, "key": key}}
    return JSONResponse(body, status_code=status)


def _missing() -> Response:
    return _error(404, {}, None, "common.unknown")


def _invalid(fields: dict[str, list[str]]) -> Response:
    return _error(400, fields, "Serialization error", "common.serializer_error")


class InventorumSimulator:
    def __init__(
        self, *, credentials: Credentials, seed: int = SEED, wrap_single: bool = True
    ) -> None:
        self.credentials = credentials
        self.wrap_single = wrap_single
        self.customers: dict[int, dict[str, Any]] = {}
        self.tokens: dict[str, datetime] = {}
        self.tokens_issued = 0
        self._next_address = 237180
        self._seed(random.Random(seed))
        self._next_id = max(self.customers) + 1
        routes = [Route("/oauth/token", self.token, methods=["POST"])]
        for slash in ("", "/"):
            routes += [
                Route(f"/customers{slash}", self.list_customers, methods=["GET"]),
                Route(f"/customers{slash}", self.create_customer, methods=["POST"]),
                Route(f"/customers/favourites{slash}", self.list_favourites, methods=["GET"]),
                Route(f"/customers/{{id:int}}{slash}", self.get_customer, methods=["GET"]),
                Route(f"/customers/{{id:int}}{slash}", self.update_customer, methods=["PUT"]),
                Route(f"/customers/{{id:int}}{slash}", self.delete_customer, methods=["DELETE"]),
            ]
        app = Starlette(routes=routes, exception_handlers={404: _no_route, 405: _no_route})
        self.sandbox = Sandbox(
            app,
            simulator=self,
            authorized=self._authorized,
            unauthorized=b'{"error": {"fields": {}, "description": "Invalid token", '
            b'"key": "auth.invalid_token"}}',
            public_paths=("/oauth/token",),
        )

    # -- auth ---------------------------------------------------------------------------

    def _authorized(self, presented: str) -> bool:
        if self.credentials.token is not None:
            return secrets.compare_digest(presented, self.credentials.token)
        expiry = self.tokens.get(presented)
        return expiry is not None and datetime.now(UTC) < expiry

    def expire_tokens(self) -> None:
        self.tokens = dict.fromkeys(self.tokens, datetime.now(UTC) - timedelta(seconds=1))

    async def token(self, request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode("latin-1")).items()}
        creds = self.credentials
        if (
            form.get("grant_type") != "client_credentials"
            or creds.client_id is None
            or form.get("client_id") != creds.client_id
            or form.get("client_secret") != creds.client_secret
        ):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        token = secrets.token_urlsafe(24)
        self.tokens[token] = datetime.now(UTC) + timedelta(seconds=TOKEN_LIFETIME)
        self.tokens_issued += 1
        return JSONResponse(
            {"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME}
        )

    # -- seed ---------------------------------------------------------------------------

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
        empty = dict.fromkeys(ADDRESS_KEYS, "") | {"country": "DE", "title": "Mr."}
        self.customers[196906] = self._record(
            196906,
            company="",
            first_name="J",
            last_name="K",
            email="",
            is_b2b=False,
            is_favourite=False,
            is_vip=False,
            note="abi",
            tax_number="",
            title="Mr.",
            phones=["672672366732"],
            birthday=None,
            billing_address=dict(empty),
            shipping_address=[dict(empty)],
            account_scoped_id=103,
        )
        self.customers[553910] = self._record(
            553910,
            company="Inventorum",
            first_name="Ana",
            last_name="Schmidt",
            email="",
            is_b2b=True,
            is_favourite=True,
            is_vip=True,
            note="Some additional data",
            tax_number="DE288362273",
            title="Mrs.",
            phones=["978437427278"],
            birthday="1985-04-30T10:49:52Z",
            email_marketing_agreed=True,
            account_scoped_id=398,
            billing_address={
                "address1": "Voltastrasse",
                "address2": "5",
                "zipcode": "61-222",
                "city": "Berlin",
                "state": "Berlin",
                "first_name": "Ana",
                "last_name": "Schmidt",
                "company": "Inventorum",
                "title": "Mrs.",
                "country": "DE",
            },
            shipping_address=[
                {
                    "address1": "Berlinerstrasse",
                    "address2": "10",
                    "zipcode": "44-444",
                    "city": "Bremen",
                    "state": "Bremen",
                    "first_name": "John",
                    "last_name": "Schmidt",
                    "company": "",
                    "title": "Mr.",
                    "country": "DE",
                }
            ],
        )

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

    def _render(self, record: dict[str, Any], version: int) -> dict[str, Any]:
        out = {k: v for k, v in record.items() if k not in ("phones", "birthday")}
        if version <= 9:
            out["phone_numbers"] = [
                {"national_number": p, "type": "mobile", "country_code": "DE"}
                for p in record["phones"]
            ]
        else:
            out["phone_number"] = record["phones"][0] if record["phones"] else ""
        birthday = record.get("birthday")
        out["birthday"] = (
            datetime.fromisoformat(birthday).astimezone(BERLIN_SUMMER).isoformat()
            if birthday
            else None
        )
        return out

    # -- endpoints ----------------------------------------------------------------------

    async def list_customers(self, request: Request) -> Response:
        return self._page(request, list(self.customers.values()))

    async def list_favourites(self, request: Request) -> Response:
        return self._page(request, [c for c in self.customers.values() if c["is_favourite"]])

    def _page(self, request: Request, rows: list[dict[str, Any]]) -> Response:
        version = _version(request)
        if version is None:
            return _invalid({"X-Api-Version": ["Unsupported API version"]})
        page = query_int(request.query_params.get("page"), 1)
        limit = query_int(request.query_params.get("limit"), MAX_LIMIT)
        if page is None or page < 1 or limit is None or limit < 1:
            return _invalid({"page": ["A valid integer is required."]})
        limit = min(limit, MAX_LIMIT)
        chunk = rows[(page - 1) * limit : page * limit]
        return JSONResponse({"total": len(rows), "data": [self._render(c, version) for c in chunk]})

    async def get_customer(self, request: Request) -> Response:
        version = _version(request)
        customer = self.customers.get(request.path_params["id"])
        if customer is None or version is None:
            return _missing()
        rendered = self._render(customer, version)
        return JSONResponse({"total": 1, "data": [rendered]} if self.wrap_single else rendered)

    async def create_customer(self, request: Request) -> Response:
        return await self._write(request, None)

    async def update_customer(self, request: Request) -> Response:
        customer = self.customers.get(request.path_params["id"])
        if customer is None:
            return _missing()
        return await self._write(request, customer)

    async def delete_customer(self, request: Request) -> Response:
        if self.customers.pop(request.path_params["id"], None) is None:
            return _missing()
        return Response(status_code=200)

    async def _write(self, request: Request, current: dict[str, Any] | None) -> Response:
        version = _version(request)
        try:
            body = await request.json()
        except ValueError:
            return _error(400, {}, "JSON parse error", "common.parse_error")
        if version is None or not isinstance(body, dict):
            return _invalid({"non_field_errors": ["Invalid data."]})
        merged = {**(current or {}), **{k: body[k] for k in WRITABLE if k in body}}
        errors = _validate(body, merged, version)
        if errors:
            return _invalid(errors)
        if "phone_number" in body or "phone_numbers" in body:
            merged["phones"] = _phones(body, version)
        for key in ("billing_address",):
            if key in body:
                merged[key] = self._address({**(current or {}).get(key, {}), **body[key]})
        if "shipping_address" in body:
            merged["shipping_address"] = [self._address(a) for a in body["shipping_address"]]
        if current is None:
            customer_id, self._next_id = self._next_id, self._next_id + 1
            empty = dict.fromkeys(ADDRESS_KEYS, "")
            defaults = {
                "company": "",
                "first_name": "",
                "last_name": "",
                "email": "",
                "is_b2b": False,
                "is_favourite": False,
                "is_vip": False,
                "note": "",
                "tax_number": "",
                "title": "Mr.",
                "phones": [],
                "birthday": None,
                "billing_address": empty,
                "shipping_address": [],
            }
            record = self._record(
                customer_id, **{**defaults, **merged, "channel": body.get("channel", 1)}
            )
            self.customers[customer_id] = record
            return JSONResponse(self._render(record, version), status_code=201)
        current.update(merged)
        return JSONResponse(self._render(current, version))


def _birthday(rng: random.Random) -> str:
    return f"19{rng.randrange(50, 99)}-0{rng.randrange(1, 9)}-1{rng.randrange(0, 9)}T08:00:00Z"


def _version(request: Request) -> int | None:
    raw = request.headers.get("x-api-version", "10")
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= 10 else None


def _phones(body: dict[str, Any], version: int) -> list[str]:
    if version <= 9:
        return [
            str(p.get("national_number"))
            for p in body.get("phone_numbers") or []
            if isinstance(p, dict) and p.get("national_number")
        ]
    return [str(body["phone_number"])] if body.get("phone_number") else []


def _validate(body: dict[str, Any], merged: dict[str, Any], version: int) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not merged.get("company") and not (merged.get("first_name") and merged.get("last_name")):
        for key in ("first_name", "last_name", "company"):
            errors[key] = ["Name or company must be set"]
    wrong = "phone_number" if version <= 9 else "phone_numbers"
    if wrong in body:
        errors[wrong] = [f"Not available in API version {version}."]
    if (
        version > 9
        and body.get("phone_number") is not None
        and not isinstance(body["phone_number"], str)
    ):
        errors["phone_number"] = ["Not a valid string."]
    if body.get("title") not in (None, "", *TITLES):
        errors["title"] = [f'"{body["title"]}" is not a valid choice.']
    birthday = body.get("birthday")
    if birthday is not None:
        try:
            datetime.fromisoformat(str(birthday))
        except ValueError:
            errors["birthday"] = ["Datetime has wrong format."]
    for key in ("is_b2b", "is_favourite", "is_vip", "email_marketing_agreed", "is_confirmed"):
        if key in body and not isinstance(body[key], bool):
            errors[key] = ["Must be a valid boolean."]
    for key in ("billing_address",):
        if key in body and not isinstance(body[key], dict):
            errors[key] = ["Invalid data. Expected a dictionary."]
    if "shipping_address" in body and not isinstance(body["shipping_address"], list):
        errors["shipping_address"] = ["Expected a list of items."]
    return errors


async def _no_route(request: Request, exc: Exception) -> Response:
    return _missing()


def sandbox(*, credentials: Credentials, api_version: int | None = None) -> Sandbox:
    """The sandbox of a fresh, seeded simulator (the adapter's ``simulator`` factory)."""
    return InventorumSimulator(credentials=credentials).sandbox
