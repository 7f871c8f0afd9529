"""The generic CRM (upstream-docs/crm-customers.txt).

Quirks handled here: string IDs (``cust_456``); ``meta.hasMore`` says whether pages
follow; there is no customer delete (501, with the ``PATCH is_active=false`` hint)
and no contact list, so contacts are read from the customer; create and update
answer with a partial object, so the customer is re-read; addresses are sent whole.
The doc shows no error bodies: ``mapping.field_errors`` reads the plausible shapes.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from adapters.base import Adapter, FilterSupport, ListQuery, Operation, Window
from adapters.crm import mapping
from adapters.crm.simulator import CrmSimulator
from adapters.paging import UpstreamPage, read_window
from adapters.sandbox import Credentials, Sandbox
from adapters.upstream import UpstreamResponse
from gateway.errors import Conflict, NotFound, ValidationFailed
from schemas import (
    Contact,
    ContactCreate,
    ContactPatch,
    CreditCheck,
    Customer,
    CustomerAnalytics,
    CustomerCreate,
    CustomerPatch,
    Order,
    Period,
)

CUSTOMERS = "/api/customers"
MAX_PER_PAGE = 100
NATIVE_FILTERS = {"is_active": "is_active", "q": "search"}


class CrmAdapter(Adapter):
    name = "crm"
    capabilities = frozenset(
        {
            Operation.LIST_CUSTOMERS,
            Operation.GET_CUSTOMER,
            Operation.CREATE_CUSTOMER,
            Operation.UPDATE_CUSTOMER,
            Operation.LIST_CONTACTS,
            Operation.GET_CONTACT,
            Operation.CREATE_CONTACT,
            Operation.UPDATE_CONTACT,
            Operation.DELETE_CONTACT,
            Operation.LIST_ORDERS,
            Operation.GET_ANALYTICS,
            Operation.CREDIT_CHECK,
        }
    )
    alternatives = {
        Operation.DELETE_CUSTOMER: "PATCH is_active=false",
        Operation.GET_CUSTOMER_BY_CODE: "CRM customers have no code; list with ?q=",
    }
    customer_filters = {
        **dict.fromkeys(NATIVE_FILTERS, FilterSupport.NATIVE),
        **dict.fromkeys(("name", "email", "country"), FilterSupport.EMULATED),
    }
    order_filters = frozenset({"status", "date_from", "date_to"})
    api_root = "/api"
    remote_id_pattern: ClassVar[re.Pattern[str]] = re.compile(r"[A-Za-z0-9_-]{1,64}")

    @classmethod
    def sandbox(cls, *, credentials: Credentials, api_version: int | None = None) -> Sandbox:
        return CrmSimulator(token=credentials.token or "").sandbox

    async def list_customers(self, query: ListQuery) -> Window[Customer]:
        params = {
            NATIVE_FILTERS[name]: str(value).lower() if isinstance(value, bool) else value
            for name, value in query.filters.items()
        }
        rows, total, more = await read_window(
            query.offset, query.limit, MAX_PER_PAGE, self._pager(CUSTOMERS, params)
        )
        customers = [self._customer(row, query.include_remote_data) for row in rows]
        return Window(customers, total, more)

    async def get_customer(self, remote_id: str, *, include_remote_data: bool = False) -> Customer:
        return self._customer(await self._raw_customer(remote_id), include_remote_data)

    async def create_customer(self, body: CustomerCreate) -> Customer:
        payload = mapping.customer_to_upstream(body.model_dump(exclude_unset=True))
        response = await self.upstream.call("POST", CUSTOMERS, json_body=payload)
        created = self._data(response)
        return await self.get_customer(response.created_id(created, self.valid_remote_id))

    async def update_customer(self, remote_id: str, patch: CustomerPatch) -> Customer:
        fields = patch.model_dump(exclude_unset=True)
        if isinstance(fields.get("billing_address"), dict):
            current = await self.get_customer(remote_id)
            fields["billing_address"] = mapping.merge_address(
                current.billing_address, fields["billing_address"]
            )
        payload = mapping.customer_to_upstream(fields)
        if payload:
            path = f"{CUSTOMERS}/{remote_id}"
            self._data(await self.upstream.call("PUT", path, json_body=payload))
        return await self.get_customer(remote_id)

    async def list_contacts(self, customer_id: str) -> list[Contact]:
        contacts = (await self.get_customer(customer_id)).contacts
        return contacts or []

    async def get_contact(self, customer_id: str, contact_id: str) -> Contact:
        for contact in await self.list_contacts(customer_id):
            if contact.id.partition(":")[2] == contact_id:
                return contact
        raise NotFound("no such contact for this customer", connection=self.connection)

    async def create_contact(self, customer_id: str, body: ContactCreate) -> Contact:
        payload = mapping.contact_to_upstream(body.model_dump(exclude_unset=True))
        path = f"{CUSTOMERS}/{customer_id}/contacts"
        response = await self.upstream.call("POST", path, json_body=payload)
        created = self._data(response, "customer")  # a 404 here: no such customer
        response.created_id(created, self.valid_remote_id)
        return mapping.contact_to_canonical(created, self.connection, customer_id)

    async def update_contact(
        self, customer_id: str, contact_id: str, patch: ContactPatch
    ) -> Contact:
        payload = mapping.contact_to_upstream(patch.model_dump(exclude_unset=True))
        await self.get_contact(customer_id, contact_id)
        if payload:
            path = f"{CUSTOMERS}/{customer_id}/contacts/{contact_id}"
            self._ok(await self.upstream.call("PUT", path, json_body=payload), "contact")
        return await self.get_contact(customer_id, contact_id)

    async def delete_contact(self, customer_id: str, contact_id: str) -> None:
        await self.get_contact(customer_id, contact_id)
        path = f"{CUSTOMERS}/{customer_id}/contacts/{contact_id}"
        self._ok(await self.upstream.call("DELETE", path), "contact")

    async def list_orders(self, customer_id: str, query: ListQuery) -> Window[Order]:
        path = f"{CUSTOMERS}/{customer_id}/orders"
        rows, total, more = await read_window(
            query.offset, query.limit, MAX_PER_PAGE, self._pager(path, dict(query.filters))
        )
        orders = [
            mapping.order_to_canonical(
                row, self.connection, customer_id, include_remote_data=query.include_remote_data
            )
            for row in rows
            if isinstance(row, dict) and "id" in row
        ]
        return Window(orders, total, more)

    async def get_analytics(self, customer_id: str, period: Period) -> CustomerAnalytics:
        path = f"{CUSTOMERS}/{customer_id}/analytics"
        response = await self.upstream.call("GET", path, params={"period": period})
        data = self._ok(response, "customer").get("data")
        if not isinstance(data, dict):
            raise response.error("upstream answered without the analytics object")
        return mapping.analytics_to_canonical(data, self.connection, customer_id, period)

    async def credit_check(self, customer_id: str) -> CreditCheck:
        path = f"{CUSTOMERS}/{customer_id}/credit-check"
        response = await self.upstream.call("POST", path)
        data = self._ok(response, "customer").get("data")
        if not isinstance(data, dict):
            raise response.error("upstream answered without the credit check")
        return mapping.credit_check_to_canonical(data, self.connection, customer_id)

    def _pager(self, path: str, params: dict[str, Any]) -> Any:
        async def fetch_page(page: int, per_page: int) -> UpstreamPage:
            response = await self.upstream.call(
                "GET", path, params={**params, "page": page, "limit": per_page}
            )
            body = self._ok(response)
            data, meta = body.get("data"), body.get("meta")
            if not isinstance(data, list):
                raise response.error("upstream answered without a data list")
            meta = meta if isinstance(meta, dict) else {}
            total = meta.get("total") if isinstance(meta.get("total"), int) else None
            more = meta.get("hasMore")
            if not isinstance(more, bool):
                more = page * per_page < total if total is not None else len(data) == per_page
            return UpstreamPage(data, total, more)

        return fetch_page

    async def _raw_customer(self, remote_id: str) -> dict[str, Any]:
        return self._data(await self.upstream.call("GET", f"{CUSTOMERS}/{remote_id}"))

    def _customer(self, raw: dict[str, Any], include_remote_data: bool = False) -> Customer:
        return mapping.customer_to_canonical(
            raw, self.connection, include_remote_data=include_remote_data
        )

    def _data(self, response: UpstreamResponse, what: str = "customer") -> dict[str, Any]:
        return response.data_object(self._ok(response, what), what)

    def _ok(self, response: UpstreamResponse, what: str = "customer") -> dict[str, Any]:
        """The JSON body of a 2xx answer; the CRM's error answers raised canonically."""
        status = response.status
        if 200 <= status < 300:
            return response.json() if response.content else {}
        message = response.message()
        details = mapping.field_errors(response.json_or_none())
        if status == 404:
            raise NotFound(f"no such {what}", connection=self.connection, upstream_status=404)
        if status in (400, 422):
            raise ValidationFailed(
                message or "the CRM refused the body",
                connection=self.connection,
                upstream_status=status,
                details=details,
            )
        if status == 409:
            raise Conflict(
                message or "the CRM reports a conflict",
                connection=self.connection,
                upstream_status=409,
                details=details,
            )
        raise response.error(f"upstream answered HTTP {status}: {message or 'no message'}")
