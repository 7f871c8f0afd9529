"""BorderBolt customers and contacts (upstream-docs/borderbolt-customers.txt).

Quirks handled here: create and update answer with a partial object, so the customer
is re-read; the customer code is immutable; contacts have no single read (they are
found in the customer's contact list) and are updated and deleted through the flat
``/api/v1/contacts/{id}``, so the gateway first checks the contact is that customer's;
a refused delete (linked declarations) is a 409.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar
from urllib.parse import quote

from adapters.base import Adapter, FilterSupport, ListQuery, Operation, Window
from adapters.borderbolt import mapping
from adapters.borderbolt.items import ITEM_SORTS, ItemMaster
from adapters.borderbolt.simulator import BorderBoltSimulator
from adapters.paging import UpstreamPage, read_window
from adapters.sandbox import Credentials, Sandbox
from adapters.upstream import UpstreamResponse
from gateway.errors import Conflict, FieldError, NotFound, UpstreamError, ValidationFailed
from schemas import Contact, ContactCreate, ContactPatch, Customer, CustomerCreate, CustomerPatch

CUSTOMERS = "/api/v1/customers"
CONTACTS = "/api/v1/contacts"
MAX_PER_PAGE = 100
FieldErrors = Callable[[Any], list[FieldError]]
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


class BorderBoltAdapter(ItemMaster, Adapter):
    name = "borderbolt"
    capabilities = frozenset(
        {
            Operation.LIST_CUSTOMERS,
            Operation.GET_CUSTOMER,
            Operation.GET_CUSTOMER_BY_CODE,
            Operation.CREATE_CUSTOMER,
            Operation.UPDATE_CUSTOMER,
            Operation.DELETE_CUSTOMER,
            Operation.LIST_CONTACTS,
            Operation.GET_CONTACT,
            Operation.CREATE_CONTACT,
            Operation.UPDATE_CONTACT,
            Operation.DELETE_CONTACT,
            Operation.LIST_ITEMS,
            Operation.SEARCH_ITEMS,
            Operation.GET_ITEM,
            Operation.CREATE_ITEM,
            Operation.UPDATE_ITEM,
            Operation.DELETE_ITEM,
            Operation.DUPLICATE_ITEM,
            Operation.VERIFY_ITEM,
            Operation.LIST_PENDING_CHANGES,
            Operation.LIST_DOCUMENTS,
        }
    )
    customer_filters = {
        **dict.fromkeys(FILTERS, FilterSupport.NATIVE),
        "q": FilterSupport.EMULATED,
    }
    customer_sorts = frozenset(SORTS)
    item_sorts = frozenset(ITEM_SORTS)
    api_root = "/api/v1"
    remote_id_pattern: ClassVar[re.Pattern[str]] = re.compile(r"[0-9]{1,18}")

    @classmethod
    def sandbox(cls, *, credentials: Credentials, api_version: int | None = None) -> Sandbox:
        return BorderBoltSimulator(token=credentials.token or "").sandbox

    async def list_customers(self, query: ListQuery) -> Window[Customer]:
        params: dict[str, Any] = {}
        for name, value in query.filters.items():
            params[FILTERS[name]] = str(value).lower() if isinstance(value, bool) else value
        if query.sort_key:
            params["sort"] = SORTS[query.sort_key]
            params["direction"] = "desc" if query.descending else "asc"

        async def fetch_page(page: int, per_page: int) -> UpstreamPage:
            page_params = {**params, "page": page, "per_page": per_page}
            response = await self.upstream.call("GET", CUSTOMERS, params=page_params)
            body = self._ok(response)
            data, meta = body.get("data"), body.get("meta")
            if not isinstance(data, list):
                raise response.error("upstream answered without a data list")
            total, last_page = _meta_int(meta, "total"), _meta_int(meta, "last_page")
            if last_page is not None:
                more = page < last_page
            elif total is not None:
                more = page * per_page < total
            else:
                more = len(data) == per_page
            return UpstreamPage(data, total, more)

        rows, total, has_more = await read_window(
            query.offset, query.limit, MAX_PER_PAGE, fetch_page
        )
        customers = [self._customer(row, query.include_remote_data) for row in rows]
        return Window(customers, total, has_more)

    async def get_customer(self, remote_id: str, *, include_remote_data: bool = False) -> Customer:
        response = await self.upstream.call("GET", f"{CUSTOMERS}/{remote_id}")
        return self._customer(self._data(response, "customer"), include_remote_data)

    async def get_customer_by_code(
        self, code: str, *, include_remote_data: bool = False
    ) -> Customer:
        response = await self.upstream.call("GET", f"{CUSTOMERS}/code/{quote(code, safe='')}")
        return self._customer(self._data(response, "customer"), include_remote_data)

    async def create_customer(self, body: CustomerCreate) -> Customer:
        payload = mapping.customer_to_upstream(body.model_dump(exclude_unset=True), update=False)
        response = await self.upstream.call("POST", CUSTOMERS, json_body=payload)
        created = self._data(response, "customer")
        return await self.get_customer(response.created_id(created, self.valid_remote_id))

    async def update_customer(self, remote_id: str, patch: CustomerPatch) -> Customer:
        fields = patch.model_dump(exclude_unset=True)
        if "code" in fields:
            current = await self.get_customer(remote_id)
            if fields.pop("code") != current.code:
                raise ValidationFailed(
                    "the customer code cannot be changed after creation",
                    connection=self.connection,
                    details=[FieldError("code", "immutable after creation")],
                )
        payload = mapping.customer_to_upstream(fields, update=True)
        if payload:
            path = f"{CUSTOMERS}/{remote_id}"
            self._data(await self.upstream.call("PUT", path, json_body=payload), "customer")
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
        self._ok(response, "customer")

    async def list_contacts(self, customer_id: str) -> list[Contact]:
        response = await self.upstream.call("GET", f"{CUSTOMERS}/{customer_id}/contacts")
        rows = self._ok(response, "customer").get("data")
        if not isinstance(rows, list):
            raise response.error("upstream answered without a contact list")
        return [mapping.contact_to_canonical(row, self.connection, customer_id) for row in rows]

    async def get_contact(self, customer_id: str, contact_id: str) -> Contact:
        for contact in await self.list_contacts(customer_id):
            if contact.id.rpartition(":")[2] == contact_id:
                return contact
        raise NotFound("no such contact for this customer", connection=self.connection)

    async def create_contact(self, customer_id: str, body: ContactCreate) -> Contact:
        payload = mapping.contact_to_upstream(body.model_dump(exclude_unset=True), update=False)
        path = f"{CUSTOMERS}/{customer_id}/contacts"
        response = await self.upstream.call("POST", path, json_body=payload)
        created = self._data(response, "customer")  # a 404 here: no such customer
        return await self.get_contact(
            customer_id, response.created_id(created, self.valid_remote_id)
        )

    async def update_contact(
        self, customer_id: str, contact_id: str, patch: ContactPatch
    ) -> Contact:
        payload = mapping.contact_to_upstream(patch.model_dump(exclude_unset=True), update=True)
        await self.get_contact(customer_id, contact_id)
        if payload:
            path = f"{CONTACTS}/{contact_id}"
            self._data(await self.upstream.call("PUT", path, json_body=payload), "contact")
        return await self.get_contact(customer_id, contact_id)

    async def delete_contact(self, customer_id: str, contact_id: str) -> None:
        await self.get_contact(customer_id, contact_id)
        self._ok(await self.upstream.call("DELETE", f"{CONTACTS}/{contact_id}"), "contact")

    def _customer(self, raw: dict[str, Any], include_remote_data: bool = False) -> Customer:
        if "id" not in raw:
            raise UpstreamError(
                "upstream answered a customer without an id", connection=self.connection
            )
        return mapping.customer_to_canonical(
            raw, self.connection, include_remote_data=include_remote_data
        )

    def _data(self, response: UpstreamResponse, what: str) -> dict[str, Any]:
        return response.data_object(self._ok(response, what), what)

    def _ok(
        self,
        response: UpstreamResponse,
        what: str = "resource",
        field_errors: FieldErrors = mapping.field_errors,
    ) -> dict[str, Any]:
        """The JSON body of a 2xx answer; BorderBolt's error answers raised canonically
        (a taken code is a 409 on ``code``; ``field_errors`` names the fields)."""
        status = response.status
        if 200 <= status < 300:
            return response.json() if response.content else {}
        body = response.json_or_none()
        message = response.message()
        if status == 404:
            raise NotFound(f"no such {what}", connection=self.connection, upstream_status=404)
        if status == 422:
            details = field_errors(body.get("errors") if isinstance(body, dict) else None)
            taken = [d for d in details if d.field == "code" and "taken" in d.message.lower()]
            error = Conflict if taken else ValidationFailed
            raise error(
                message or "BorderBolt refused the body",
                connection=self.connection,
                upstream_status=422,
                details=details,
            )
        raise response.error(f"upstream answered HTTP {status}: {message or 'no message'}")


def _meta_int(meta: object, key: str) -> int | None:
    value = meta.get(key) if isinstance(meta, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
