"""BorderBolt customers and contacts (upstream-docs/borderbolt-customers.txt).

Quirks handled here: create and update answer with a partial object, so the customer
is re-read; the customer code is immutable; contacts have no single read (they are
found in the customer's contact list) and are updated and deleted through the flat
``/api/v1/contacts/{id}``, so the gateway first checks the contact is that customer's;
a refused delete (linked declarations) is a 409.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import quote

from adapters.base import Adapter, ErrorRule, FilterSupport, ListQuery, Operation, Window
from adapters.borderbolt import item_fields, item_mapping, mapping
from adapters.borderbolt.item_operations import ITEM_SORTS, ItemOperations
from adapters.contact_writes import ContactWrites
from adapters.filtering import ExtraFilter, extra_equals
from adapters.kinds import KINDS
from adapters.paging import PageNumbers
from adapters.rows import canonical_page
from kernel.errors import (
    Conflict,
    FieldError,
    GatewayError,
    NotFound,
    ValidationFailed,
)
from schemas import Contact, ContactCreate, Customer, CustomerCreate, CustomerPatch

CUSTOMERS = "/api/v1/customers"
CONTACTS = "/api/v1/contacts"
DELETE_REFUSED_HINT = (
    "customers with linked declarations, transits or dossiers cannot be deleted; "
    "PATCH extra.portal_access_enabled=false instead"
)
SORTS = {
    "name": "customer_name",
    "code": "customer_code",
    "country": "customer_country_code",
    "created_at": "created_at",
}
FILTERS = {
    "name": "name",
    "code": "code",
    "eori_number": "eori",
    "country": "country",
    "portal_access": "portal_access",
}


class BorderBoltAdapter(ContactWrites, ItemOperations, Adapter):
    name = "borderbolt"
    capabilities = (
        KINDS["customer"].operations
        | KINDS["contact"].operations
        | KINDS["item"].operations
        | {
            Operation.GET_CUSTOMER_BY_CODE,
            Operation.SEARCH_ITEMS,
            Operation.LIST_PENDING_CHANGES,
            Operation.LIST_DOCUMENTS,
        }
    )
    customer_filters = {
        **dict.fromkeys(FILTERS, FilterSupport.NATIVE),
        **dict.fromkeys(("q", "updated_since"), FilterSupport.EMULATED),
    }
    extra_filters = {
        "portal_access": ExtraFilter(
            "bool",
            "customers with (or without) customs-portal access",
            extra_equals("portal_access_enabled"),
        )
    }
    customer_sorts = frozenset(SORTS)
    item_sorts = frozenset(ITEM_SORTS)
    paging = PageNumbers(last_page="meta.last_page")
    api_root = "/api/v1"
    remote_id_pattern: ClassVar[re.Pattern[str]] = re.compile(r"[0-9]{1,18}")
    # codes as the docs show them (CUST001): capitals and digits, at least one letter
    customer_code_pattern = re.compile(r"(?=[^A-Z]*[A-Z])[A-Z0-9_.-]{1,50}")
    simulator = "adapters.borderbolt.simulator:sandbox"
    error_rules = {
        404: ErrorRule(NotFound),
        422: ErrorRule(ValidationFailed, "BorderBolt refused the body"),
    }
    list_omits = {
        "customer": frozenset(
            {"extra.poa_valid_until", "extra.warehouse_licence", "extra.warehouse_licence_type"}
        ),
        # what a single read carries and a list row does not (the docs' row: item_fields)
        "item": frozenset(
            name
            for name in (*item_mapping.SAME_NAME, "customer_id", "documents", "pending_changes")
            if name not in item_fields.LIST_ROW
        ),
    }
    written_keys = {
        "customer": {
            **{name: (key,) for name, key in mapping.CUSTOMER_FIELDS.items()},
            "billing_address": tuple(mapping.ADDRESS_FIELDS.values()),
            **{f"extra.{key}": (key,) for key in mapping.EXTRA_WRITABLE_ON_UPDATE},
        },
        "contact": {
            **{name: (name,) for name in mapping.CONTACT_FIELDS},
            "title": ("role",),
        },
        "item": {
            **{name: (name,) for name in item_mapping.SAME_NAME},
            "code": ("item_code",),
            "customer_id": ("customer_id",),
        },
    }

    async def list_customers(self, query: ListQuery) -> Window[Customer]:
        params: dict[str, Any] = {}
        for name, value in query.filters.items():
            params[FILTERS[name]] = str(value).lower() if isinstance(value, bool) else value
        if query.sort_key:
            params["sort"] = SORTS[query.sort_key]
            params["direction"] = "desc" if query.descending else "asc"

        read = await self.read_pages(CUSTOMERS, params, query)
        return read.window(
            self.customers_from(read.rows, query.include_remote_data, plain=query.plain)
        )

    async def get_customer(self, remote_id: str, *, include_remote_data: bool = False) -> Customer:
        return self.customer_from(await self._raw_customer(remote_id), include_remote_data)

    async def _raw_customer(self, remote_id: str) -> dict[str, Any]:
        response = await self.upstream.call("GET", f"{CUSTOMERS}/{remote_id}")
        return self.data_object(response, "customer")

    async def get_customer_by_code(
        self, code: str, *, include_remote_data: bool = False
    ) -> Customer:
        response = await self.upstream.call("GET", f"{CUSTOMERS}/code/{quote(code, safe='')}")
        return self.customer_from(self.data_object(response, "customer"), include_remote_data)

    async def create_customer(self, body: CustomerCreate) -> Customer:
        fields, writes = self.field_mapping.split("customer", body.model_dump(exclude_unset=True))
        payload = await self.field_mapping.place(
            mapping.customer_to_upstream(fields, update=False), writes
        )
        response = await self.upstream.call("POST", CUSTOMERS, json_body=payload)
        created = self.data_object(response, "customer")
        return await self.get_customer(response.created_id(created, self.valid_remote_id))

    async def update_customer(self, remote_id: str, patch: CustomerPatch) -> Customer:
        fields, writes = self.field_mapping.split("customer", patch.model_dump(exclude_unset=True))
        if "code" in fields:
            current = await self.get_customer(remote_id)
            if fields.pop("code") != current.code:
                raise ValidationFailed(
                    "the customer code cannot be changed after creation",
                    connection=self.connection,
                    details=[FieldError("code", "immutable after creation")],
                )
        payload = await self.field_mapping.place(
            mapping.customer_to_upstream(fields, update=True),
            writes,
            lambda: self._raw_customer(remote_id),
        )
        if payload:
            path = f"{CUSTOMERS}/{remote_id}"
            self.data_object(await self.upstream.call("PUT", path, json_body=payload), "customer")
        return await self.get_customer(remote_id)

    async def delete_customer(self, remote_id: str) -> None:
        response = await self.upstream.call("DELETE", f"{CUSTOMERS}/{remote_id}")
        if response.status in (409, 422):
            raise Conflict(
                response.message() or "BorderBolt refused to delete this customer",
                connection=self.connection,
                upstream_status=response.status,
                details=[FieldError(None, DELETE_REFUSED_HINT)],
            )
        self.ok(response, "customer")

    async def list_contacts(self, customer_id: str) -> list[Contact]:
        rows = await self._raw_contacts(customer_id)
        fields = [mapping.contact_fields(row, self.connection, customer_id) for row in rows]
        contacts = canonical_page(Contact, fields, self.connection)
        return self.field_mapping.read_all("contact", contacts, rows)

    async def _raw_contacts(self, customer_id: str) -> list[dict[str, Any]]:
        response = await self.upstream.call("GET", f"{CUSTOMERS}/{customer_id}/contacts")
        return [row for row in self.data_list(response, "customer") if isinstance(row, dict)]

    contact_path = CONTACTS + "/{contact_id}"  # the flat contact path (adapters/contact_writes.py)

    def contact_body(self, fields: dict[str, Any]) -> dict[str, Any]:
        return mapping.contact_to_upstream(fields, update=True)

    async def _raw_contact(self, customer_id: str, contact_id: str) -> dict[str, Any]:
        rows = await self._raw_contacts(customer_id)
        return next((row for row in rows if str(row.get("id")) == contact_id), {})

    get_contact = Adapter.contact_from_list

    async def create_contact(self, customer_id: str, body: ContactCreate) -> Contact:
        fields, writes = self.field_mapping.split("contact", body.model_dump(exclude_unset=True))
        payload = await self.field_mapping.place(
            mapping.contact_to_upstream(fields, update=False), writes
        )
        path = f"{CUSTOMERS}/{customer_id}/contacts"
        response = await self.upstream.call("POST", path, json_body=payload)
        created = self.data_object(response, "customer")  # a 404 here: no such customer
        return await self.get_contact(
            customer_id, response.created_id(created, self.valid_remote_id)
        )

    def customer_fields(self, raw: Mapping[str, Any], include_remote_data: bool) -> dict[str, Any]:
        return mapping.customer_fields(raw, self.connection, include_remote_data)

    def field_errors(self, body: Any, what: str) -> list[FieldError]:
        errors = body.get("errors") if isinstance(body, dict) else None
        reader = item_mapping.field_errors if what == "item" else mapping.field_errors
        return reader(errors)

    def refine_error(
        self, error: type[GatewayError], details: list[FieldError]
    ) -> type[GatewayError]:
        """A taken code is a conflict with existing data, not a malformed body."""
        taken = any(d.field == "code" and "taken" in d.message.lower() for d in details)
        return Conflict if taken and error is ValidationFailed else error
