"""The simulated BorderBolt's customer and contact endpoints."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.borderbolt.simulator.rules import (
    CONTACT_UPDATE_FIELDS,
    CREATE_FIELDS,
    CREATED_CONTACT_KEYS,
    CREATED_CUSTOMER_KEYS,
    LIST_FILTERS,
    LIST_HIDDEN,
    NESTED_CONTACT_KEYS,
    SORTS,
    UPDATE_FIELDS,
    UPDATED_CONTACT_KEYS,
    matches,
    validate_contact,
    validate_customer,
)
from adapters.borderbolt.simulator.shapes import (
    answer,
    found_and_body,
    invalid,
    missing,
    stamp_now,
)
from adapters.borderbolt.simulator.shapes import body as body_of
from adapters.sandbox.helpers import last_page, page_of, query_int


class CustomerRoutes:
    """Customers and their contacts, on the tenant's state (mixed into the simulator)."""

    customers: dict[int, dict[str, Any]]
    contacts: dict[int, dict[str, Any]]
    linked_declarations: set[int]
    _next_customer: int
    _next_contact: int
    revision: int
    _listings: dict[tuple[Any, ...], tuple[int, list[dict[str, Any]]]]

    def changed(self) -> None:
        """A customer was created, changed or deleted: lists are ordered again."""
        self.revision += 1

    def _listed(self, q: Any, sort: str, direction: str) -> list[dict[str, Any]]:
        """The customers a list request selects, in its order. Kept between requests
        until a customer changes, as a database's index would be, so a page costs what
        a page costs rather than a sort of the whole tenant (a scan of 100,000
        customers reads 1,000 pages)."""
        key = (sort, direction, *(q.get(name) for name in LIST_FILTERS))
        kept = self._listings.get(key)
        if kept is not None and kept[0] == self.revision:
            return kept[1]
        rows = [c for c in self.customers.values() if matches(c, q)]
        rows.sort(
            key=lambda c: (str(c.get(sort) or "").lower(), c["id"]), reverse=direction == "desc"
        )
        if len(self._listings) >= 32:
            self._listings.clear()
        self._listings[key] = (self.revision, rows)
        return rows

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
        rows = self._listed(q, sort, direction)
        total = len(rows)
        chunk = page_of(rows, page, per_page)
        return JSONResponse(
            {
                "data": [{k: v for k, v in c.items() if k not in LIST_HIDDEN} for c in chunk],
                "meta": {
                    "current_page": page,
                    "last_page": last_page(total, per_page),
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
        errors = validate_customer(body, required=("customer_code", "customer_name"))
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
            settings=body.get("settings") or {},
            warehouse_licence=None,
            warehouse_licence_type=None,
            portal_access_enabled=False,
            poa_valid_until=None,
            created_at=now,
            updated_at=now,
        )
        self.customers[customer_id] = record
        self.changed()
        return answer(record, CREATED_CUSTOMER_KEYS, "Customer created successfully.", 201)

    async def update_customer(self, request: Request) -> Response:
        found = await found_and_body(request, self.customers, "Customer")
        if isinstance(found, Response):
            return found
        customer, body = found
        errors = validate_customer(body, required=())
        if "customer_code" in body:
            errors["customer_code"] = ["The customer code cannot be changed."]
        if "customer_name" in body and not body["customer_name"]:
            errors["customer_name"] = ["The customer name field is required."]
        if errors:
            return invalid(errors)
        changed = {k: body[k] for k in UPDATE_FIELDS if k in body}
        customer.update(changed, updated_at=stamp_now())
        self.changed()
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
        self.changed()
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
        errors = validate_contact(body, required=True)
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
            "extension": body.get("extension"),
            "created_at": now,
            "updated_at": now,
        }
        self.contacts[contact_id] = record
        return answer(record, CREATED_CONTACT_KEYS, "Contact added successfully.", 201)

    async def update_contact(self, request: Request) -> Response:
        found = await found_and_body(request, self.contacts, "Contact")
        if isinstance(found, Response):
            return found
        contact, body = found
        errors = validate_contact(body, required=False)
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
