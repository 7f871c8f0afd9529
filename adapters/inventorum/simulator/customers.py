"""The simulated Inventorum's customer endpoints (both API versions)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.inventorum.simulator.rules import ADDRESS_KEYS, WRITABLE, phones_of, validate
from adapters.inventorum.simulator.seed import InventorumTenant
from adapters.inventorum.simulator.shapes import error, invalid, missing, render, version_of
from adapters.sandbox.helpers import page_of, query_int

MAX_LIMIT = 30


class CustomerRoutes(InventorumTenant):
    wrap_single: bool

    async def list_customers(self, request: Request) -> Response:
        return self._page(request, list(self.customers.values()))

    async def list_favourites(self, request: Request) -> Response:
        return self._page(request, [c for c in self.customers.values() if c["is_favourite"]])

    def _page(self, request: Request, rows: list[dict[str, Any]]) -> Response:
        version = version_of(request)
        if version is None:
            return invalid({"X-Api-Version": ["Unsupported API version"]})
        page = query_int(request.query_params.get("page"), 1)
        limit = query_int(request.query_params.get("limit"), MAX_LIMIT)
        if page is None or page < 1 or limit is None or limit < 1:
            return invalid({"page": ["A valid integer is required."]})
        limit = min(limit, MAX_LIMIT)
        chunk = page_of(rows, page, limit)
        return JSONResponse({"total": len(rows), "data": [render(c, version) for c in chunk]})

    async def get_customer(self, request: Request) -> Response:
        version = version_of(request)
        customer = self.customers.get(request.path_params["id"])
        if customer is None or version is None:
            return missing()
        rendered = render(customer, version)
        return JSONResponse({"total": 1, "data": [rendered]} if self.wrap_single else rendered)

    async def create_customer(self, request: Request) -> Response:
        return await self._write(request, None)

    async def update_customer(self, request: Request) -> Response:
        customer = self.customers.get(request.path_params["id"])
        if customer is None:
            return missing()
        return await self._write(request, customer)

    async def delete_customer(self, request: Request) -> Response:
        if self.customers.pop(request.path_params["id"], None) is None:
            return missing()
        return Response(status_code=200)

    async def _write(self, request: Request, current: dict[str, Any] | None) -> Response:
        version = version_of(request)
        try:
            body = await request.json()
        except ValueError:
            return error(400, {}, "JSON parse error", "common.parse_error")
        if version is None or not isinstance(body, dict):
            return invalid({"non_field_errors": ["Invalid data."]})
        merged = {**(current or {}), **{k: body[k] for k in WRITABLE if k in body}}
        errors = validate(body, merged, version)
        if errors:
            return invalid(errors)
        if "phone_number" in body or "phone_numbers" in body:
            merged["phones"] = phones_of(body, version)
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
                "loyalty": {},
                "tags": [],
            }
            record = self._record(
                customer_id, **{**defaults, **merged, "channel": body.get("channel", 1)}
            )
            self.customers[customer_id] = record
            return JSONResponse(render(record, version, written=True), status_code=201)
        current.update(merged)
        return JSONResponse(render(current, version, written=True))
