"""HubSpot CRM: companies as customers, their associated contacts (CRM v3 objects API,
associations v4), with a private app's access token as the bearer token.

Built from HubSpot's public docs, which the simulator follows too:
https://developers.hubspot.com/docs/guides/api/crm/objects/companies,
https://developers.hubspot.com/docs/guides/api/crm/objects/contacts,
https://developers.hubspot.com/docs/guides/api/crm/search,
https://developers.hubspot.com/docs/guides/api/crm/associations/associations-v4,
https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details (rate limits),
https://developers.hubspot.com/docs/faq/api-error-responses, and HubSpot's OpenAPI
documents (https://github.com/HubSpot/HubSpot-public-api-spec-collection).

Quirks handled here: reads return only the properties asked for, so every read names
them (``properties=``, the mapped ones too); a list pages by cursor
(``paging.next.after``) and has no filters or order, so native filters and sorts go
to the search endpoint (a POST that is a read: retried like a GET), whose results stop
at 10,000 (search.py says what is native and why); archiving a company that does not
exist answers 204, so a delete reads it first; a contact belongs to companies by
association (v4, the "Primary" label is ``is_primary``), and deleting one archives the
contact itself; errors are ``{"status", "message", "correlationId", "category",
"errors": [{"message", "code", "context": {"propertyName": [...]}}]}``, 400 for
invalid values (422 here, by canonical field), 409 for a contact email already taken;
a 429 carries no ``Retry-After`` but ``X-HubSpot-RateLimit-Interval-Milliseconds``, from
which ``wait_after_429`` derives the wait, so a client is told to wait the window out.

``industry`` is a filter only HubSpot has (``extra_filters``: ``search.INDUSTRY``,
native as a search ``EQ``, emulated by its predicate); the gateway offers it as
``?industry=`` from that declaration.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from typing import Any, ClassVar

from adapters.base import Adapter, ErrorRule, FilterSupport, ListQuery, Operation, Window
from adapters.field_mapping import Kind
from adapters.hubspot import mapping, search
from adapters.kinds import KINDS
from adapters.paging import NextCursor, path_in
from adapters.rows import canonical
from adapters.upstream import UpstreamResponse
from kernel.errors import (
    BadRequest,
    Conflict,
    FieldError,
    GatewayError,
    NotFound,
    ValidationFailed,
)
from kernel.numbers import ascii_int
from schemas import Contact, ContactCreate, ContactPatch, Customer, CustomerCreate, CustomerPatch

COMPANIES = "/crm/v3/objects/companies"
CONTACTS = "/crm/v3/objects/contacts"
ASSOCIATIONS = "/crm/v4/objects/{kind}/{id}/associations/{other}"
PRIMARY = {1, 2}  # HUBSPOT_DEFINED "Primary": contact to company, company to contact
CONTACT_TO_COMPANY = {False: 279, True: 1}
BATCH = 100
MAX_PAGES = 100
REFUSED = ErrorRule(ValidationFailed, "HubSpot refused the values")


class HubSpotAdapter(Adapter):
    name = "hubspot"
    capabilities = KINDS["customer"].operations | KINDS["contact"].operations
    alternatives = {
        Operation.GET_CUSTOMER_BY_CODE: "HubSpot companies have no code; list with ?name="
    }
    customer_filters = {
        **dict.fromkeys(("q", "name", "updated_since", "industry"), FilterSupport.NATIVE),
        "country": FilterSupport.EMULATED,
    }
    extra_filters = {"industry": search.INDUSTRY}
    customer_sorts = frozenset(search.SORTS)
    remote_id_pattern: ClassVar[re.Pattern[str]] = re.compile(r"[0-9]{1,20}")
    api_root = "/crm"
    simulator = "adapters.hubspot.simulator:sandbox"
    error_rules = {
        404: ErrorRule(NotFound),
        400: REFUSED,
        409: ErrorRule(Conflict, "HubSpot reports a conflict"),
    }
    paging = NextCursor(cursor_param="after", size_param="limit", next="paging.next.after")
    written_keys = {
        "customer": {
            **{name: (prop,) for name, prop in mapping.COMPANY_FIELDS.items()},
            "billing_address": tuple(mapping.ADDRESS.values()),
            **{f"extra.{key}": (key,) for key in mapping.COMPANY_EXTRA},
        },
        "contact": {
            "name": ("firstname", "lastname"),
            **{name: (prop,) for name, prop in mapping.CONTACT_FIELDS.items()},
            **{f"extra.{key}": (key,) for key in mapping.CONTACT_EXTRA},
        },
    }

    @cached_property
    def properties(self) -> dict[str, list[str]]:
        """The properties each read asks for: HubSpot answers only those named."""
        return {
            "customer": self._wanted("customer", mapping.COMPANY_PROPERTIES),
            "contact": self._wanted("contact", mapping.CONTACT_PROPERTIES),
        }

    @staticmethod
    def wait_after_429(headers: Mapping[str, str]) -> float | None:
        """HubSpot's 429 has no ``Retry-After``: its rolling window's length
        (``X-HubSpot-RateLimit-Interval-Milliseconds``), the longest the wait can be."""
        interval = ascii_int(headers.get("x-hubspot-ratelimit-interval-milliseconds", ""))
        return interval / 1000 if interval else None

    def _wanted(self, kind: Kind, own: tuple[str, ...]) -> list[str]:
        """The properties a read names: the mapping's and those the connection's field
        mapping reads (HubSpot answers only what is named)."""
        mapped = [p.split(".")[0] for p in self.field_mapping.targets(kind).values()]
        return [*dict.fromkeys([*own, *mapped])]

    def filter_support(self, name: str, value: Any) -> FilterSupport:
        if name in ("name", "q") and value is not None and not search.one_word(value):
            return FilterSupport.EMULATED
        others = ("name", "email", "code")
        if name == "q" and any(self.field_mapping.overrides("customer", f) for f in others):
            return FilterSupport.EMULATED  # then q is more than the name property
        return super().filter_support(name, value)

    # Customers ----------------------------------------------------------------------

    async def list_customers(self, query: ListQuery) -> Window[Customer]:
        wanted = self.properties["customer"]
        if query.filters or query.sort:
            if query.offset + query.limit > search.MAX_RESULTS:
                raise BadRequest(
                    f"HubSpot's search reaches the first {search.MAX_RESULTS} rows of a "
                    "filtered or sorted list; this page is beyond them",
                    connection=self.connection,
                    details=[FieldError("cursor", "narrow the filters, or list unsorted")],
                )
            sent = search.body(query.filters, query.sort, wanted)
            read = await self.read_pages(
                f"{COMPANIES}/search", sent, query, "customer", search=True
            )
        else:
            params = {"properties": ",".join(wanted)}
            read = await self.read_pages(COMPANIES, params, query, "customer")
        return read.window(
            self.customers_from(read.rows, query.include_remote_data, plain=query.plain)
        )

    async def get_customer(self, remote_id: str, *, include_remote_data: bool = False) -> Customer:
        raw = await self._read(COMPANIES, remote_id, "customer")
        contacts = await self._contacts_of(remote_id)
        fields = self.customer_fields(raw, include_remote_data)
        fields["contacts"] = [
            mapping.contact_fields(c, self.connection, remote_id, primary)
            for c, primary in contacts
        ]
        customer = canonical(Customer, fields, self.connection)
        nested = [mapping.flat(c) for c, _ in contacts]
        return self.field_mapping.read(
            "customer", customer, {**mapping.flat(raw), "contacts": nested}
        )

    async def create_customer(self, body: CustomerCreate) -> Customer:
        fields, writes = self.field_mapping.split("customer", body.model_dump(exclude_unset=True))
        sent = await self.field_mapping.place(mapping.company_properties(fields), writes)
        response = await self.upstream.call("POST", COMPANIES, json_body={"properties": sent})
        created = self._object(response, "customer")
        return await self.get_customer(response.created_id(created, self.valid_remote_id))

    async def update_customer(self, remote_id: str, patch: CustomerPatch) -> Customer:
        fields, writes = self.field_mapping.split("customer", patch.model_dump(exclude_unset=True))
        sent = await self.field_mapping.place(mapping.company_properties(fields), writes)
        if sent:
            path = f"{COMPANIES}/{remote_id}"
            self._object(
                await self.upstream.call("PATCH", path, json_body={"properties": sent}), "customer"
            )
        return await self.get_customer(remote_id)

    async def delete_customer(self, remote_id: str) -> None:
        await self._read(COMPANIES, remote_id, "customer", ["hs_object_id"])  # a 404 first
        self.ok(await self.upstream.call("DELETE", f"{COMPANIES}/{remote_id}"), "customer")

    def customer_fields(self, raw: Mapping[str, Any], include_remote_data: bool) -> dict[str, Any]:
        return mapping.customer_fields(raw, self.connection, include_remote_data)

    def mapping_view(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Field mapping paths name properties directly (``hs_lead_status``), not their
        nesting under ``properties`` (``mapping.flat``)."""
        return mapping.flat(raw)

    # Contacts -----------------------------------------------------------------------

    async def list_contacts(self, customer_id: str) -> list[Contact]:
        contacts = await self._contacts_of(customer_id, known=False)
        return [self._contact(c, customer_id, primary) for c, primary in contacts]

    async def get_contact(self, customer_id: str, contact_id: str) -> Contact:
        raw = await self._read(CONTACTS, contact_id, "contact")
        companies = dict(await self._associated("contacts", contact_id, "companies"))
        if customer_id not in companies:
            raise NotFound("no such contact for this customer", connection=self.connection)
        return self._contact(raw, customer_id, companies[customer_id])

    async def create_contact(self, customer_id: str, body: ContactCreate) -> Contact:
        fields, writes = self.field_mapping.split("contact", body.model_dump(exclude_unset=True))
        primary = bool(fields.pop("is_primary", False))
        sent = await self.field_mapping.place(mapping.contact_properties(fields), writes)
        await self._read(COMPANIES, customer_id, "customer", ["hs_object_id"])
        to = {"id": customer_id}
        types = [
            {
                "associationCategory": "HUBSPOT_DEFINED",
                "associationTypeId": CONTACT_TO_COMPANY[primary],
            }
        ]
        payload = {"properties": sent, "associations": [{"to": to, "types": types}]}
        response = await self.upstream.call("POST", CONTACTS, json_body=payload)
        created = self._object(response, "contact")
        contact_id = response.created_id(created, self.valid_remote_id)
        companies = dict(await self._associated("contacts", contact_id, "companies"))
        return self._contact(created, customer_id, companies.get(customer_id, primary))

    async def update_contact(
        self, customer_id: str, contact_id: str, patch: ContactPatch
    ) -> Contact:
        fields, writes = self.field_mapping.split("contact", patch.model_dump(exclude_unset=True))
        primary = fields.pop("is_primary", None)
        sent = await self.field_mapping.place(mapping.contact_properties(fields), writes)
        current = await self.get_contact(customer_id, contact_id)
        if primary is False and current.is_primary:
            raise ValidationFailed(
                "HubSpot moves a contact's primary company only by making another one primary",
                connection=self.connection,
                details=[
                    FieldError("is_primary", "set is_primary: true on the new company's contact")
                ],
            )
        if sent:
            path = f"{CONTACTS}/{contact_id}"
            self._object(
                await self.upstream.call("PATCH", path, json_body={"properties": sent}), "contact"
            )
        moved = bool(primary) and not current.is_primary
        if moved:
            path = ASSOCIATIONS.format(kind="contacts", id=contact_id, other="companies")
            labels = [
                {
                    "associationCategory": "HUBSPOT_DEFINED",
                    "associationTypeId": CONTACT_TO_COMPANY[True],
                }
            ]
            self.ok(
                await self.upstream.call("PUT", f"{path}/{customer_id}", json_body=labels),
                "contact",
            )
        if not sent and not moved:
            return current
        return await self.get_contact(customer_id, contact_id)

    async def delete_contact(self, customer_id: str, contact_id: str) -> None:
        await self.get_contact(customer_id, contact_id)
        self.ok(await self.upstream.call("DELETE", f"{CONTACTS}/{contact_id}"), "contact")

    def _contact(self, raw: Mapping[str, Any], customer_id: str, primary: bool) -> Contact:
        contact = mapping.contact_to_canonical(raw, self.connection, customer_id, primary)
        return self.field_mapping.read("contact", contact, mapping.flat(raw))

    async def _contacts_of(
        self, company_id: str, *, known: bool = True
    ) -> list[tuple[dict[str, Any], bool]]:
        """The company's contacts (raw) and whether it is each one's primary company;
        unless ``known``, a company with none is read, to tell none from no company."""
        links = await self._associated("companies", company_id, "contacts")
        if not links:
            if not known:
                await self._read(COMPANIES, company_id, "customer", ["hs_object_id"])
            return []
        primary = dict(links)
        found: dict[str, dict[str, Any]] = {}
        ids = list(primary)
        for start in range(0, len(ids), BATCH):
            inputs = [{"id": i} for i in ids[start : start + BATCH]]
            sent = {"properties": self.properties["contact"], "inputs": inputs}
            path = f"{CONTACTS}/batch/read"
            response = await self.upstream.call("POST", path, json_body=sent, idempotent=True)
            for row in self.ok(response, "contact").get("results") or ():
                if isinstance(row, dict) and row.get("id") is not None:
                    found[str(row["id"])] = row
        return [(found[i], primary[i]) for i in ids if i in found]

    async def _associated(self, kind: str, record_id: str, other: str) -> list[tuple[str, bool]]:
        """The IDs associated with a record (v4, every page), and whether primary."""
        path = ASSOCIATIONS.format(kind=kind, id=record_id, other=other)
        found: list[tuple[str, bool]] = []
        after: Any = None
        for _ in range(MAX_PAGES):
            params = {"limit": 500, **({"after": after} if after else {})}
            body = self.ok(await self.upstream.call("GET", path, params=params), "customer")
            for row in body.get("results") or ():
                if isinstance(row, dict) and row.get("toObjectId") is not None:
                    types = row.get("associationTypes") or ()
                    ids = {t.get("typeId") for t in types if isinstance(t, dict)}
                    found.append((str(row["toObjectId"]), bool(ids & PRIMARY)))
            after = path_in(body, "paging.next.after")
            if not after:
                break
        return found

    # Upstream answers ---------------------------------------------------------------

    async def _read(
        self, path: str, remote_id: str, what: str, wanted: list[str] | None = None
    ) -> dict[str, Any]:
        kind = "customer" if path == COMPANIES else "contact"
        params = {"properties": ",".join(wanted or self.properties[kind])}
        return self._object(
            await self.upstream.call("GET", f"{path}/{remote_id}", params=params), what
        )

    def _object(self, response: UpstreamResponse, what: str) -> dict[str, Any]:
        """One HubSpot object (``{"id", "properties", ...}``) of a 2xx answer, else a 502."""
        body = self.ok(response, what)
        if "id" not in body or not isinstance(body.get("properties"), dict):
            raise response.error(f"upstream answered without the {what} object")
        return body

    def upstream_error(self, response: UpstreamResponse, what: str) -> GatewayError:
        error = super().upstream_error(response, what)
        if error.details and error.message.startswith("Property values were not valid"):
            error.message = f"HubSpot refused some of the {what}'s values; the details name them"
        return error

    def field_errors(self, body: Any, what: str) -> list[FieldError]:
        kind: Kind = "contact" if what == "contact" else "customer"
        mapped = {p.split(".")[0]: t for t, p in self.field_mapping.targets(kind).items()}
        return mapping.field_errors(body, kind, mapped)
