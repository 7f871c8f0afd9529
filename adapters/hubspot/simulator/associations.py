"""The simulated associations v4 API between contacts and companies.

``GET /crm/v4/objects/{type}/{id}/associations/{toType}`` lists the associated records
(``{"results": [{"toObjectId", "associationTypes": [{"category", "typeId",
"label"}]}], "paging"}``, at most 500 a page, ``after`` an offset), the primary
association labelled ``"Primary"``; a record with none (or none at all) answers an
empty list. ``PUT .../associations/{toType}/{toId}`` with ``[{"associationCategory",
"associationTypeId"}]`` sets labels (201 ``{"fromObjectTypeId", "fromObjectId",
"toObjectTypeId", "toObjectId", "labels"}``): type 1 (or 2) makes the company the
contact's primary one. Types are HubSpot's own: contact to company 279 and 1
(primary), company to contact 280 and 2.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.hubspot.simulator.rules import ALIASES, CONTACTS
from adapters.hubspot.simulator.shapes import body_of, invalid, not_found, paging
from adapters.hubspot.simulator.store import ASSOCIATION_TYPES, Account
from adapters.sandbox.helpers import query_int

MAX_PAGE = 500


class AssociationRoutes:
    account: Account

    async def list_associations(self, request: Request) -> Response:
        kind = ALIASES.get(request.path_params["type"])
        other = ALIASES.get(request.path_params["to"])
        if kind is None or other is None or kind is other:
            return invalid("Unknown object types for associations")
        limit = query_int(request.query_params.get("limit"), MAX_PAGE)
        after = query_int(request.query_params.get("after"), 0)
        if limit is None or not 1 <= limit <= MAX_PAGE or after is None or after < 0:
            return invalid(f"limit is 1 to {MAX_PAGE}; after the offset a page gave")
        found = self.account.associated(kind, request.path_params["id"])
        if request.path_params["id"] not in self.account.records(kind):
            found = []
        page = found[after : after + limit]
        body: dict[str, Any] = {
            "results": [
                {
                    "toObjectId": int(other_id),
                    "associationTypes": self.account.labels(kind, primary),
                }
                for other_id, primary in page
            ]
        }
        if after + limit < len(found):
            body["paging"] = paging(str(after + limit))
        return JSONResponse(body)

    async def label_association(self, request: Request) -> Response:
        kind = ALIASES.get(request.path_params["type"])
        other = ALIASES.get(request.path_params["to"])
        sent = await body_of(request)
        if isinstance(sent, Response):
            return sent
        if kind is None or other is None or kind is other:
            return invalid("Unknown object types for associations")
        record_id, other_id = request.path_params["id"], request.path_params["to_id"]
        if record_id not in self.account.records(kind) or other_id not in self.account.records(
            other
        ):
            return not_found()
        unlabeled, labelled = ASSOCIATION_TYPES[(kind.name, other.name)]
        types = (
            {s.get("associationTypeId") for s in sent if isinstance(s, dict)}
            if isinstance(sent, list)
            else set()
        )
        if not types or types - {unlabeled, labelled}:
            return invalid("associationTypeId is not a type between these objects")
        contact, company = (record_id, other_id) if kind is CONTACTS else (other_id, record_id)
        self.account.associate(contact, company, primary=labelled in types)
        primary = self.account.primary.get(contact) == company
        return JSONResponse(
            {
                "fromObjectTypeId": kind.type_id,
                "fromObjectId": int(record_id),
                "toObjectTypeId": other.type_id,
                "toObjectId": int(other_id),
                "labels": ["Primary"] if primary else [],
            },
            status_code=201,
        )
