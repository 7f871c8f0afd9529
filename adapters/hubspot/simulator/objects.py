"""The simulated v3 objects API: list, read, create, update, archive and batch read,
the same for companies and contacts (``/crm/v3/objects/{companies|contacts}``).

As documented: ``limit`` defaults to 10 and is at most 100 on a list (more is taken as
100); ``properties`` (comma-separated or repeated) picks what a read returns, unknown
names ignored, else the type's defaults; ``archived=true`` lists (or reads) archived
records only; ``associations=contacts`` on a read adds the associated IDs, v3 style
(``{"results": [{"id", "type"}]}``, a primary association listed twice: as
``company_to_contact`` and ``company_to_contact_unlabeled``). Creating a contact with
an email another live contact has is 409 ``CONFLICT`` ("Contact already exists.
Existing ID: N"). Archiving answers 204 whether or not the record exists, as
HubSpot's does. A batch read takes at most 100 inputs and answers 207 with
``numErrors`` and ``errors`` when some IDs are not found.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.hubspot.simulator.rules import ALIASES, CONTACTS, TYPES, ObjectType, check, text
from adapters.hubspot.simulator.shapes import (
    Record,
    body_of,
    error,
    from_token,
    invalid,
    invalid_properties,
    not_found,
    now,
    paging,
    render,
    token,
    written,
)
from adapters.hubspot.simulator.store import ASSOCIATION_TYPES, Account
from adapters.sandbox.helpers import query_int

MAX_LIST = 100
MAX_BATCH = 100


def kind_of(request: Request) -> ObjectType | Response:
    name = request.path_params["type"]
    kind = TYPES.get(name)
    if kind is None:
        return invalid(f"Unable to infer object type from: {name}")
    return kind


def wanted(request: Request) -> list[str] | None:
    """The ``properties`` a read asks for (comma-separated, repeated, or both)."""
    given = request.query_params.getlist("properties")
    if not given:
        return None
    return [name.strip() for value in given for name in value.split(",") if name.strip()]


def flag(request: Request, name: str) -> bool | Response:
    value = request.query_params.get(name, "false").lower()
    if value not in ("true", "false"):
        return invalid(f"{name} must be true or false, not {value!r}")
    return value == "true"


class ObjectRoutes:
    account: Account

    async def list_objects(self, request: Request) -> Response:
        kind, archived = kind_of(request), flag(request, "archived")
        if isinstance(kind, Response):
            return kind
        if isinstance(archived, Response):
            return archived
        limit = query_int(request.query_params.get("limit"), 10)
        if limit is None or limit < 1:
            return invalid("limit must be a positive integer")
        start = 0
        if "after" in request.query_params:
            decoded = from_token(request.query_params["after"])
            if decoded is None:
                return invalid("after is not a paging token this API made")
            start = decoded
        rows = [
            r
            for r in self.account.records(kind).in_order(archived=archived)
            if int(r["id"]) >= start
        ]
        page, rest = rows[: min(limit, MAX_LIST)], rows[min(limit, MAX_LIST) :]
        body: dict[str, Any] = {"results": [self._read(r, kind, request) for r in page]}
        if rest:
            body["paging"] = paging(token(rest[0]["id"]))
        return JSONResponse(body)

    async def get_object(self, request: Request) -> Response:
        kind, archived = kind_of(request), flag(request, "archived")
        if isinstance(kind, Response):
            return kind
        if isinstance(archived, Response):
            return archived
        record = self.account.records(kind).every.get(request.path_params["id"])
        if record is None or (record.get("archived_at") is not None) != archived:
            return not_found()
        return JSONResponse(self._read(record, kind, request))

    async def create_object(self, request: Request) -> Response:
        kind, sent = kind_of(request), await body_of(request)
        if isinstance(kind, Response):
            return kind
        if isinstance(sent, Response):
            return sent
        if not isinstance(sent, dict) or not isinstance(sent.get("properties"), dict):
            return invalid("The request needs a properties object")
        properties = sent["properties"]
        if problems := check(kind, properties):
            return invalid_properties(problems)
        links = self._links(kind, sent.get("associations") or [])
        if isinstance(links, Response):
            return links
        if taken := self._taken_email(kind, properties, None):
            return error(409, f"Contact already exists. Existing ID: {taken}", "CONFLICT")
        stamped = now()
        record: Record = {"id": self.account.take_id(kind.name), "created_at": stamped}
        record.update({name: text(value) for name, value in properties.items()}, updated_at=stamped)
        self.account.records(kind)[record["id"]] = record
        for other, primary in links:
            contact, company = (record["id"], other) if kind is CONTACTS else (other, record["id"])
            self.account.associate(contact, company, primary=primary)
        return JSONResponse(written(record, kind, properties), status_code=201)

    async def update_object(self, request: Request) -> Response:
        kind, sent = kind_of(request), await body_of(request)
        if isinstance(kind, Response):
            return kind
        if isinstance(sent, Response):
            return sent
        record = self.account.records(kind).get(request.path_params["id"])
        if record is None:
            return not_found()
        if not isinstance(sent, dict) or not isinstance(sent.get("properties"), dict):
            return invalid("The request needs a properties object")
        properties = sent["properties"]
        if problems := check(kind, properties):
            return invalid_properties(problems)
        if taken := self._taken_email(kind, properties, record["id"]):
            return error(409, f"Contact already exists. Existing ID: {taken}", "CONFLICT")
        record.update({name: text(value) for name, value in properties.items()}, updated_at=now())
        return JSONResponse(written(record, kind, properties))

    async def archive_object(self, request: Request) -> Response:
        kind = kind_of(request)
        if isinstance(kind, Response):
            return kind
        records = self.account.records(kind)
        if request.path_params["id"] in records:
            del records[request.path_params["id"]]
        return Response(status_code=204)

    async def batch_read(self, request: Request) -> Response:
        kind, sent = kind_of(request), await body_of(request)
        if isinstance(kind, Response):
            return kind
        if isinstance(sent, Response):
            return sent
        inputs = sent.get("inputs") if isinstance(sent, dict) else None
        if not isinstance(inputs, list) or not all(isinstance(i, dict) for i in inputs):
            return invalid("inputs must be a list of {id} objects")
        if len(inputs) > MAX_BATCH:
            return invalid(f"at most {MAX_BATCH} inputs per batch")
        records = self.account.records(kind)
        properties = sent.get("properties") if isinstance(sent.get("properties"), list) else None
        ids = [str(i.get("id")) for i in inputs]
        found = [records[i] for i in ids if i in records]
        started = now()
        body: dict[str, Any] = {
            "status": "COMPLETE",
            "results": [render(r, kind, properties) for r in found],
            "startedAt": started,
            "completedAt": now(),
        }
        missing = [i for i in ids if i not in records]
        if not missing:
            return JSONResponse(body)
        body["numErrors"] = 1
        body["errors"] = [
            {
                "status": "error",
                "category": "OBJECT_NOT_FOUND",
                "message": f"Could not get some {kind.singular.upper()} objects, they may be "
                "deleted or not exist. Check that ids are valid.",
                "context": {"ids": missing},
            }
        ]
        return JSONResponse(body, status_code=207)

    def _read(self, record: Record, kind: ObjectType, request: Request) -> Record:
        out = render(record, kind, wanted(request))
        asked = [
            a.strip() for v in request.query_params.getlist("associations") for a in v.split(",")
        ]
        found: dict[str, Any] = {}
        for name in asked:
            other = ALIASES.get(name)
            if other is None or other is kind:
                continue  # "If any of the specified associations do not exist, [...] ignored"
            results = []
            for other_id, primary in self.account.associated(kind, str(record["id"])):
                link = f"{kind.singular}_to_{other.singular}"
                if primary:
                    results.append({"id": other_id, "type": link})
                results.append({"id": other_id, "type": f"{link}_unlabeled"})
            if results:
                found[other.name] = {"results": results}
        if found:
            out["associations"] = found
        return out

    def _links(self, kind: ObjectType, associations: Any) -> list[tuple[str, bool]] | Response:
        """A create's ``associations``: (the other record's ID, primary) each."""
        other = "companies" if kind is CONTACTS else "contacts"
        unlabeled, labelled = ASSOCIATION_TYPES[(kind.name, other)]
        links = []
        for association in associations if isinstance(associations, list) else [None]:
            target = association.get("to", {}).get("id") if isinstance(association, dict) else None
            types = association.get("types") if isinstance(association, dict) else None
            ids = {t.get("associationTypeId") for t in types or () if isinstance(t, dict)}
            if (
                str(target) not in self.account.records(TYPES[other])
                or not ids
                or ids - {unlabeled, labelled}
            ):
                return invalid("One or more associations are invalid")
            links.append((str(target), labelled in ids))
        return links

    def _taken_email(
        self, kind: ObjectType, properties: dict[str, Any], own: str | None
    ) -> str | None:
        """The ID of another live contact with the email being written, if any."""
        email = text(properties.get("email")) if kind is CONTACTS else None
        if email is None:
            return None
        for record in self.account.contacts.values():
            if record["id"] != own and (record.get("email") or "").lower() == email.lower():
                return str(record["id"])
        return None
