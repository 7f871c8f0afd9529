"""BorderBolt's item master, simulated (upstream-docs/borderbolt-item-master.txt).

Part of the BorderBolt simulator (same tenant, same customers). Seeded
deterministically: 342 items, ids 801..1142, item 801 being the doc's PROD-001 with
its document 5001; some items belong to a customer, some are pending, some carry
pending classification changes.

Faithful where it matters: list rows lack the detail fields and ``meta`` has
``current_page, per_page, total`` (no last page), ``per_page`` defaults to 15 and is
capped at 100, default order is ``updated_at`` descending; search needs ``q``, covers
active items only and answers at most 20 slim rows; create, duplicate and verify
answer with partial objects and a ``message``; ``item_code`` is unique per customer
(422). Where the doc is silent: pending changes are
``{id, item_id, field, current_value, proposed_value, status, requested_by,
created_at, reviewed_at}``; verifying a pending item makes it active; the update
answer is partial like the create answer.
"""

from __future__ import annotations

import random
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.borderbolt import item_fields
from adapters.borderbolt.simulator.item_seed import CHANGE_STATUSES, seed_items
from adapters.borderbolt.simulator.shapes import answer, found_and_body, invalid, missing, stamp_now
from adapters.borderbolt.simulator.shapes import body as body_of
from adapters.sandbox import query_int

STATUSES = ("active", "inactive", "pending")
SORTS = ("item_code", "description", "hs_code", "status", "created_at", "updated_at")
FIELDS = item_fields.WRITABLE
LIST_KEYS = item_fields.LIST_ROW


def _row(item: dict[str, Any]) -> dict[str, Any]:
    """A list row: the doc's row keys, and the tenant's own ``attributes`` where it has any."""
    return {k: item.get(k) for k in LIST_KEYS if k != "attributes" or k in item}


SEARCH_KEYS = ("id", "item_code", "description", "hs_code", "customer_id")
CREATED_KEYS = ("id", "item_code", "description", "hs_code", "status", "created_at")
DUPLICATED_KEYS = ("id", "item_code", "description", "status", "verified_at", "created_at")
VERIFIED_KEYS = ("id", "item_code", "status", "verified_at")
LENGTHS = {"item_code": 100, "description": 500, "hs_code": 20}


class ItemMasterSimulator:
    def __init__(self, customers: dict[int, dict[str, Any]], rng: random.Random) -> None:
        self.customers = customers
        self._next_document = 5002
        self.items, self.changes = seed_items(customers, rng)
        self._next_item = max(self.items) + 1
        self.routes = [
            Route("/api/v1/item-master", self.list_items, methods=["GET"]),
            Route("/api/v1/item-master", self.create_item, methods=["POST"]),
            Route("/api/v1/item-master/search", self.search, methods=["GET"]),
            Route("/api/v1/item-master/{id:int}", self.get_item, methods=["GET"]),
            Route("/api/v1/item-master/{id:int}", self.update_item, methods=["PUT"]),
            Route("/api/v1/item-master/{id:int}", self.delete_item, methods=["DELETE"]),
            Route("/api/v1/item-master/{id:int}/duplicate", self.duplicate, methods=["POST"]),
            Route("/api/v1/item-master/{id:int}/verify", self.verify, methods=["POST"]),
            Route("/api/v1/item-master/{id:int}/pending-changes", self.pending, methods=["GET"]),
            Route("/api/v1/item-master/{id:int}/documents", self.documents, methods=["GET"]),
        ]

    # -- endpoints ----------------------------------------------------------------------

    async def list_items(self, request: Request) -> Response:
        q = request.query_params
        sort_by, sort_order = q.get("sort_by", "updated_at"), q.get("sort_order", "desc")
        page, per_page = query_int(q.get("page"), 1), query_int(q.get("per_page"), 15)
        errors: dict[str, list[str]] = {}
        if sort_by not in SORTS:
            errors["sort_by"] = ["The selected sort by is invalid."]
        if sort_order not in ("asc", "desc"):
            errors["sort_order"] = ["The selected sort order is invalid."]
        if q.get("status") and q["status"] not in STATUSES:
            errors["status"] = ["The selected status is invalid."]
        if page is None or page < 1 or per_page is None or per_page < 1:
            errors["per_page"] = ["The per page must be at least 1."]
        customer = query_int(q.get("customer_id"), 0)
        if customer is None:
            errors["customer_id"] = ["The customer id must be an integer."]
        if errors:
            return invalid(errors)
        assert page is not None and per_page is not None
        per_page = min(per_page, 100)
        search = (q.get("search") or "").lower()
        rows = [
            i
            for i in self.items.values()
            if (not q.get("status") or i["status"] == q["status"])
            and (not customer or i["customer_id"] == customer)
            and (
                not search
                or any(
                    search in str(i.get(f) or "").lower()
                    for f in ("item_code", "description", "hs_code", "sku", "part_number")
                )
            )
        ]
        rows.sort(
            key=lambda i: (str(i.get(sort_by) or "").lower(), i["id"]), reverse=sort_order == "desc"
        )
        chunk = rows[(page - 1) * per_page : page * per_page]
        return JSONResponse(
            {
                "data": [_row(i) for i in chunk],
                "meta": {"current_page": page, "per_page": per_page, "total": len(rows)},
            }
        )

    async def search(self, request: Request) -> Response:
        q = (request.query_params.get("q") or "").strip().lower()
        if not q:
            return invalid({"q": ["The q field is required."]})
        customer = query_int(request.query_params.get("customer_id"), 0)
        rows = [
            i
            for i in self.items.values()
            if i["status"] == "active"
            and (not customer or i["customer_id"] == customer)
            and any(
                q in str(i.get(f) or "").lower() for f in ("item_code", "description", "hs_code")
            )
        ]
        return JSONResponse({"data": [{k: i.get(k) for k in SEARCH_KEYS} for i in rows[:20]]})

    async def get_item(self, request: Request) -> Response:
        item = self.items.get(request.path_params["id"])
        if item is None:
            return missing("Item")
        pending = [c for c in self.changes.get(item["id"], []) if c["status"] == "pending"]
        return JSONResponse({"data": {**item, "pending_changes": pending}})

    async def create_item(self, request: Request) -> Response:
        body = await body_of(request)
        if isinstance(body, Response):
            return body
        errors = self._validate(body, None)
        if errors:
            return invalid(errors)
        item_id, self._next_item = self._next_item, self._next_item + 1
        now = stamp_now()
        item = {
            "id": item_id,
            **dict.fromkeys(FIELDS),
            **{k: body[k] for k in FIELDS if k in body},
            "status": "active",
            "created_at": now,
            "updated_at": now,
            "verified_at": None,
            "documents": [],
            "attributes": body.get("attributes") or {},
        }
        self.items[item_id] = item
        return answer(item, CREATED_KEYS, "Item created successfully", 201)

    async def update_item(self, request: Request) -> Response:
        found = await found_and_body(request, self.items, "Item")
        if isinstance(found, Response):
            return found
        item, body = found
        errors = self._validate(body, item)
        if body.get("status") is not None and body["status"] not in STATUSES:
            errors["status"] = ["The selected status is invalid."]
        if errors:
            return invalid(errors)
        changed = {k: body[k] for k in (*FIELDS, "status") if k in body}
        if isinstance(body.get("attributes"), dict):
            changed["attributes"] = body["attributes"]
        item.update(changed, updated_at=stamp_now())
        return JSONResponse(
            {
                "data": {"id": item["id"], **changed, "updated_at": item["updated_at"]},
                "message": "Item updated successfully",
            }
        )

    async def delete_item(self, request: Request) -> Response:
        if self.items.pop(request.path_params["id"], None) is None:
            return missing("Item")
        self.changes.pop(request.path_params["id"], None)
        return JSONResponse({"message": "Item deleted successfully"})

    async def duplicate(self, request: Request) -> Response:
        item = self.items.get(request.path_params["id"])
        if item is None:
            return missing("Item")
        code = f"{item['item_code']}_COPY"
        while self._taken(code, item["customer_id"], None):
            code += "_COPY"
        item_id, self._next_item = self._next_item, self._next_item + 1
        now = stamp_now()
        copy = {
            **item,
            "id": item_id,
            "item_code": code,
            "verified_at": None,
            "documents": [],
            "created_at": now,
            "updated_at": now,
        }
        self.items[item_id] = copy
        return answer(copy, DUPLICATED_KEYS, "Item duplicated successfully", 201)

    async def verify(self, request: Request) -> Response:
        item = self.items.get(request.path_params["id"])
        if item is None:
            return missing("Item")
        item.update(
            verified_at=stamp_now(),
            status="active" if item["status"] == "pending" else item["status"],
        )
        return answer(item, VERIFIED_KEYS, "Item verified successfully")

    async def pending(self, request: Request) -> Response:
        item = self.items.get(request.path_params["id"])
        if item is None:
            return missing("Item")
        status = request.query_params.get("status", "pending")
        if status not in CHANGE_STATUSES:
            return invalid({"status": ["The selected status is invalid."]})
        return JSONResponse(
            {"data": [c for c in self.changes.get(item["id"], []) if c["status"] == status]}
        )

    async def documents(self, request: Request) -> Response:
        item = self.items.get(request.path_params["id"])
        return JSONResponse({"data": item["documents"]}) if item else missing("Item")

    def _taken(self, code: Any, customer: Any, exclude: int | None) -> bool:
        return any(
            i["item_code"] == code and i["customer_id"] == customer and i["id"] != exclude
            for i in self.items.values()
        )

    def _validate(
        self, body: dict[str, Any], current: dict[str, Any] | None
    ) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        for name in ("item_code", "description"):
            if (current is None or name in body) and not body.get(name):
                errors[name] = [f"The {name.replace('_', ' ')} field is required."]
        for name, limit in LENGTHS.items():
            value = body.get(name)
            if isinstance(value, str) and len(value) > limit:
                errors[name] = [
                    f"The {name.replace('_', ' ')} may not be greater than {limit} characters."
                ]
        customer = (
            body["customer_id"] if "customer_id" in body else (current or {}).get("customer_id")
        )
        if customer is not None and customer not in self.customers:
            errors["customer_id"] = ["The selected customer id is invalid."]
        code = body.get("item_code", (current or {}).get("item_code"))
        exclude = current["id"] if current else None
        if "item_code" not in errors and self._taken(code, customer, exclude):
            errors["item_code"] = ["The item code has already been taken."]
        if body.get("attributes") is not None and not isinstance(body["attributes"], dict):
            errors["attributes"] = ["The attributes must be an array."]
        return errors
