"""The generic CRM (upstream-docs/crm-customers.txt).

Quirks handled here: string IDs (``cust_456``); ``meta.hasMore`` says whether pages
follow; there is no customer delete (501, with the ``PATCH is_active=false`` hint)
and no contact list, so contacts are read from the customer; create and update
answer with a partial object, so the customer is re-read; addresses are sent whole.
The doc shows no error bodies: ``mapping.field_errors`` reads the plausible shapes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from adapters.base import Adapter, ErrorRule, FilterSupport, ListQuery, Operation, Window
from adapters.contact_writes import ContactWrites
from adapters.crm import mapping
from adapters.kinds import KINDS
from adapters.paging import PageNumbers
from kernel.errors import Conflict, FieldError, NotFound, ValidationFailed
from schemas import (
    Contact,
    ContactCreate,
    CreditCheck,
    Customer,
    CustomerAnalytics,
    CustomerCreate,
    CustomerPatch,
    Order,
    Period,
)

CUSTOMERS = "/api/customers"
REFUSED = ErrorRule(ValidationFailed, "the CRM refused the body")
NATIVE_FILTERS = {"is_active": "is_active", "q": "search"}


class CrmAdapter(ContactWrites, Adapter):
    name = "crm"
    capabilities = (
        KINDS["customer"].operations - {Operation.DELETE_CUSTOMER}
        | KINDS["contact"].operations
        | {Operation.LIST_ORDERS, Operation.GET_ANALYTICS, Operation.CREDIT_CHECK}
    )
    alternatives = {
        Operation.DELETE_CUSTOMER: "PATCH is_active=false",
        Operation.GET_CUSTOMER_BY_CODE: "CRM customers have no code; list with ?q=",
    }
    customer_filters = {
        **dict.fromkeys(NATIVE_FILTERS, FilterSupport.NATIVE),
        **dict.fromkeys(("name", "email", "country", "updated_since"), FilterSupport.EMULATED),
    }
    order_filters = frozenset({"status", "date_from", "date_to"})
    list_omits = {
        "customer": frozenset(
            {
                "tax_id",
                "notes",
                "extra.fax",
                "extra.preferred_shipping",
                "extra.discount_rate",
                "extra.lifetime_value",
                "extra.total_orders",
                "extra.currency",
            }
        ),
        # only the answer to a contact's POST has created_at: the customer read embeds
        # contacts without it
        "contact": frozenset({"created_at"}),
    }
    api_root = "/api"
    remote_id_pattern: ClassVar[re.Pattern[str]] = re.compile(r"[A-Za-z0-9_-]{1,64}")
    simulator = "adapters.crm.simulator:sandbox"
    error_rules = {
        404: ErrorRule(NotFound),
        400: REFUSED,
        422: REFUSED,
        409: ErrorRule(Conflict, "the CRM reports a conflict"),
    }
    paging = PageNumbers(size_param="limit", has_more="meta.hasMore")
    written_keys = {
        "customer": {
            **{name: (name,) for name in mapping.SAME_NAME},
            "billing_address": ("billing_address",),
            "shipping_addresses": ("shipping_address",),
            **{f"extra.{key}": (key,) for key in mapping.EXTRA_WRITABLE},
        },
        "contact": {name: (name,) for name in mapping.CONTACT_KEYS},
    }

    async def list_customers(self, query: ListQuery) -> Window[Customer]:
        params = {
            NATIVE_FILTERS[name]: str(value).lower() if isinstance(value, bool) else value
            for name, value in query.filters.items()
        }
        read = await self.read_pages(CUSTOMERS, params, query, "customer")
        return read.window(
            self.customers_from(read.rows, query.include_remote_data, plain=query.plain)
        )

    async def get_customer(self, remote_id: str, *, include_remote_data: bool = False) -> Customer:
        return self.customer_from(await self._raw_customer(remote_id), include_remote_data)

    async def create_customer(self, body: CustomerCreate) -> Customer:
        fields, writes = self.field_mapping.split("customer", body.model_dump(exclude_unset=True))
        payload = await self.field_mapping.place(mapping.customer_to_upstream(fields), writes)
        response = await self.upstream.call("POST", CUSTOMERS, json_body=payload)
        created = self.data_object(response, "customer")
        return await self.get_customer(response.created_id(created, self.valid_remote_id))

    async def update_customer(self, remote_id: str, patch: CustomerPatch) -> Customer:
        fields, writes = self.field_mapping.split("customer", patch.model_dump(exclude_unset=True))
        if isinstance(fields.get("billing_address"), dict):
            current = await self.get_customer(remote_id)
            fields["billing_address"] = mapping.merge_address(
                current.billing_address, fields["billing_address"]
            )
        payload = await self.field_mapping.place(
            mapping.customer_to_upstream(fields), writes, lambda: self._raw_customer(remote_id)
        )
        if payload:
            path = f"{CUSTOMERS}/{remote_id}"
            response = await self.upstream.call("PUT", path, json_body=payload)
            self.data_object(response, "customer")
        return await self.get_customer(remote_id)

    async def list_contacts(self, customer_id: str) -> list[Contact]:
        contacts = (await self.get_customer(customer_id)).contacts
        return contacts or []

    get_contact = Adapter.contact_from_list

    async def create_contact(self, customer_id: str, body: ContactCreate) -> Contact:
        fields, writes = self.field_mapping.split("contact", body.model_dump(exclude_unset=True))
        payload = await self.field_mapping.place(mapping.contact_to_upstream(fields), writes)
        path = f"{CUSTOMERS}/{customer_id}/contacts"
        response = await self.upstream.call("POST", path, json_body=payload)
        created = self.data_object(response, "customer")  # a 404 here: no such customer
        response.created_id(created, self.valid_remote_id)
        contact = mapping.contact_to_canonical(created, self.connection, customer_id)
        return self.field_mapping.read("contact", contact, created)

    async def list_orders(self, customer_id: str, query: ListQuery) -> Window[Order]:
        path = f"{CUSTOMERS}/{customer_id}/orders"
        read = await self.read_pages(path, query.filters, query, "customer")
        orders = [
            mapping.order_to_canonical(
                row, self.connection, customer_id, include_remote_data=query.include_remote_data
            )
            for row in read.rows
            if isinstance(row, dict) and "id" in row
        ]
        return Window(orders, read.total, read.more)

    async def get_analytics(self, customer_id: str, period: Period) -> CustomerAnalytics:
        path = f"{CUSTOMERS}/{customer_id}/analytics"
        response = await self.upstream.call("GET", path, params={"period": period})
        data = self.ok(response, "customer").get("data")
        if not isinstance(data, dict):
            raise response.error("upstream answered without the analytics object")
        return mapping.analytics_to_canonical(data, self.connection, customer_id, period)

    async def credit_check(self, customer_id: str) -> CreditCheck:
        path = f"{CUSTOMERS}/{customer_id}/credit-check"
        response = await self.upstream.call("POST", path)
        data = self.ok(response, "customer").get("data")
        if not isinstance(data, dict):
            raise response.error("upstream answered without the credit check")
        return mapping.credit_check_to_canonical(data, self.connection, customer_id)

    def field_errors(self, body: Any, what: str) -> list[FieldError]:
        return mapping.field_errors(body)

    async def _raw_customer(self, remote_id: str) -> dict[str, Any]:
        response = await self.upstream.call("GET", f"{CUSTOMERS}/{remote_id}")
        return self.data_object(response, "customer")

    contact_path = CUSTOMERS + "/{customer_id}/contacts/{contact_id}"

    def contact_body(self, fields: dict[str, Any]) -> dict[str, Any]:
        return mapping.contact_to_upstream(fields)

    async def _raw_contact(self, customer_id: str, contact_id: str) -> dict[str, Any]:
        contacts = (await self._raw_customer(customer_id)).get("contacts")
        found = [
            c for c in contacts or () if isinstance(c, dict) and str(c.get("id")) == contact_id
        ]
        return found[0] if found else {}

    def customer_fields(self, raw: Mapping[str, Any], include_remote_data: bool) -> dict[str, Any]:
        return mapping.customer_fields(raw, self.connection, include_remote_data)
