"""The simulated CRM's customer and contact endpoints."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.crm.simulator.rules import (
    CONTACT_WRITABLE,
    CREATED_KEYS,
    LIST_KEYS,
    MAX_LIMIT,
    WRITABLE,
    validate,
    validate_contact,
)
from adapters.crm.simulator.seed import CrmTenant
from adapters.crm.simulator.shapes import checked, invalid, missing, now, paged
from adapters.sandbox.helpers import query_int


class CustomerRoutes(CrmTenant):
    async def list_customers(self, request: Request) -> Response:
        q = request.query_params
        page, limit = query_int(q.get("page"), 1), query_int(q.get("limit"), 20)
        errors = []
        if page is None or page < 1:
            errors.append(("page", "must be a positive integer"))
        if limit is None or limit < 1:
            errors.append(("limit", "must be a positive integer"))
        active = q.get("is_active")
        if active is not None and active not in ("true", "false"):
            errors.append(("is_active", "must be true or false"))
        if errors:
            return invalid(errors)
        assert page is not None and limit is not None
        limit = min(limit, MAX_LIMIT)
        search = (q.get("search") or "").lower()
        rows = [
            c
            for c in self.customers.values()
            if (active is None or c["is_active"] == (active == "true"))
            and (not search or search in c["name"].lower() or search in (c["email"] or "").lower())
        ]
        return paged([{k: c.get(k) for k in LIST_KEYS} for c in rows], page, limit)

    async def get_customer(self, request: Request) -> Response:
        customer = self.customers.get(request.path_params["id"])
        if customer is None:
            return missing("Customer")
        return JSONResponse({"data": self._with_totals(customer)})

    async def create_customer(self, request: Request) -> Response:
        body = await checked(request, lambda sent: validate(sent, create=True))
        if isinstance(body, Response):
            return body
        customer_id = f"cust_{self._next_customer}"
        self._next_customer += 1
        created = now()
        record: dict[str, Any] = dict.fromkeys(WRITABLE)
        record.update({k: body[k] for k in WRITABLE if k in body})
        record.update(
            id=customer_id,
            current_balance=0.0,
            customer_since=created,
            created_at=created,
            updated_at=created,
            lifetime_value=0.0,
            total_orders=0,
            contacts=[],
        )
        record["is_active"] = body.get("is_active", True)
        record["currency"] = body.get("currency") or "USD"
        record["custom_fields"] = body.get("custom_fields") or {}
        for contact in body.get("contacts") or []:
            if isinstance(contact, dict) and contact.get("name"):
                record["contacts"].append(self._new_contact(customer_id, contact))
        self.customers[customer_id] = record
        return JSONResponse({"data": {k: record.get(k) for k in CREATED_KEYS}}, status_code=201)

    async def update_customer(self, request: Request) -> Response:
        customer = self.customers.get(request.path_params["id"])
        if customer is None:
            return missing("Customer")
        body = await checked(request, lambda sent: validate(sent, create=False))
        if isinstance(body, Response):
            return body
        # the docs' answer shows what changed (their example's is_active: true, sent to
        # a customer already active, is not in it)
        changed = {k: body[k] for k in WRITABLE if k in body and body[k] != customer.get(k)}
        customer.update(changed, updated_at=now())
        return JSONResponse(
            {"data": {"id": customer["id"], **changed, "updated_at": customer["updated_at"]}}
        )

    # -- contacts -----------------------------------------------------------------------

    def _new_contact(self, customer_id: str, body: dict[str, Any]) -> dict[str, Any]:
        contact = {"id": f"cont_{self._next_contact}", **dict.fromkeys(CONTACT_WRITABLE)}
        self._next_contact += 1
        contact.update({k: body[k] for k in CONTACT_WRITABLE if k in body})
        contact["is_primary"] = bool(contact["is_primary"])
        contact["social"] = contact["social"] or {}
        return contact

    async def add_contact(self, request: Request) -> Response:
        customer = self.customers.get(request.path_params["id"])
        if customer is None:
            return missing("Customer")
        body = await checked(request, lambda sent: validate_contact(sent, create=True))
        if isinstance(body, Response):
            return body
        contact = self._new_contact(customer["id"], body)
        customer["contacts"].append(contact)
        return JSONResponse(
            {"data": {**contact, "customer_id": customer["id"], "created_at": now()}},
            status_code=201,
        )

    async def update_contact(self, request: Request) -> Response:
        found = self._contact(request)
        if isinstance(found, Response):
            return found
        body = await checked(request, lambda sent: validate_contact(sent, create=False))
        if isinstance(body, Response):
            return body
        found.update({k: body[k] for k in CONTACT_WRITABLE if k in body})
        return JSONResponse({"data": found})

    async def remove_contact(self, request: Request) -> Response:
        found = self._contact(request)
        if isinstance(found, Response):
            return found
        self.customers[request.path_params["id"]]["contacts"].remove(found)
        return JSONResponse({"data": {"message": "Contact successfully removed"}})

    def _contact(self, request: Request) -> dict[str, Any] | Response:
        customer = self.customers.get(request.path_params["id"])
        if customer is None:
            return missing("Customer")
        for contact in customer["contacts"]:
            if contact["id"] == request.path_params["cid"]:
                return contact  # type: ignore[no-any-return]
        return missing("Contact")
