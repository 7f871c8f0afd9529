"""Inventorum customers, API v9 and v10 (upstream-docs/inventorum-customers.txt).

Quirks handled here: every call carries ``X-Api-Version``; phones differ by version
(versions.py); ``limit`` is at most 30, so a canonical page of up to 100 reads several
upstream pages; the single read may come wrapped as ``{"total", "data": [obj]}`` or as
the bare object; ``total_sales`` comes only in the answers to POST and PUT, not in list
rows or single reads (``list_omits``, so change detection does not compare it);
favourites have their own list (``is_favourite=true`` is native; ``false`` is
emulated); there are no contacts or items; errors are
``{"error": {"fields", "description", "key"}}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from typing import Any, ClassVar

from adapters.base import Adapter, ErrorRule, FilterSupport, ListQuery, Window
from adapters.filtering import ExtraFilter, extra_equals
from adapters.inventorum import mapping
from adapters.inventorum.versions import PhoneLayer, phone_layer
from adapters.kinds import KINDS
from adapters.paging import PageNumbers
from adapters.upstream import UpstreamResponse
from kernel.errors import FieldError, NotFound, ValidationFailed
from schemas import Customer, CustomerCreate, CustomerPatch

CUSTOMERS = "/customers/"
FAVOURITES = "/customers/favourites/"
REFUSED = ErrorRule(ValidationFailed, "Inventorum refused the body")


class InventorumAdapter(Adapter):
    name = "inventorum"
    api_versions = (9, 10)
    version_header = "X-Api-Version"
    capabilities = KINDS["customer"].operations
    customer_filters = {
        "is_favourite": FilterSupport.NATIVE,
        **dict.fromkeys(("q", "name", "email", "country"), FilterSupport.EMULATED),
    }
    extra_filters = {
        "is_favourite": ExtraFilter(
            "bool",
            "favourites only, or (false) all but the favourites",
            extra_equals("is_favourite"),
        )
    }
    emulated_sorts: ClassVar[frozenset[str]] = (
        frozenset()
    )  # its records carry no timestamps: no updated_since either
    api_root = ""
    remote_id_pattern: ClassVar[re.Pattern[str]] = re.compile(r"[0-9]{1,18}")
    simulator = "adapters.inventorum.simulator:sandbox"
    error_rules = {404: ErrorRule(NotFound), 400: REFUSED, 422: REFUSED}
    paging = PageNumbers(size_param="limit", max_per_page=30)
    # only the answers to POST and PUT carry total_sales, not list rows or single reads
    list_omits = {"customer": frozenset({"extra.total_sales"})}

    written_keys = {
        "customer": {
            **{name: (key,) for name, key in mapping.STRING_FIELDS.items()},
            "name": ("company", "first_name", "last_name"),
            "is_company": ("is_b2b",),
            "phone": ("phone_number", "phone_numbers"),
            "billing_address": ("billing_address",),
            "shipping_addresses": ("shipping_address",),
            **{
                f"extra.{key}": (key,)
                for key in (*mapping.EXTRA_WRITABLE, *mapping.EXTRA_CREATE_ONLY)
            },
        },
    }

    @cached_property
    def phones(self) -> PhoneLayer:
        """How this connection's API version holds phone numbers."""
        return phone_layer(self.api_version or self.api_versions[-1])

    def filter_support(self, name: str, value: Any) -> FilterSupport:
        if name == "is_favourite" and value is False:
            return FilterSupport.EMULATED  # the favourites list has no complement
        return super().filter_support(name, value)

    async def list_customers(self, query: ListQuery) -> Window[Customer]:
        path = FAVOURITES if query.filters.get("is_favourite") is True else CUSTOMERS

        read = await self.read_pages(path, {}, query, "customer")
        return read.window(
            self.customers_from(read.rows, query.include_remote_data, plain=query.plain)
        )

    async def get_customer(self, remote_id: str, *, include_remote_data: bool = False) -> Customer:
        return self.customer_from(await self._raw_customer(remote_id), include_remote_data)

    async def _raw_customer(self, remote_id: str) -> dict[str, Any]:
        return self._object(await self.upstream.call("GET", f"/customers/{remote_id}/"))

    async def create_customer(self, body: CustomerCreate) -> Customer:
        fields, writes = self.field_mapping.split("customer", body.model_dump(exclude_unset=True))
        payload = await self.field_mapping.place(
            mapping.customer_to_upstream(fields, self.phones), writes
        )
        response = await self.upstream.call("POST", "/customers", json_body=payload)
        created = self._object(response)
        response.created_id(created, self.valid_remote_id)
        return self.customer_from(created)

    async def update_customer(self, remote_id: str, patch: CustomerPatch) -> Customer:
        raw = await self._raw_customer(remote_id)
        current = self.customer_from(raw)
        fields, writes = self.field_mapping.split("customer", patch.model_dump(exclude_unset=True))
        payload = mapping.customer_to_upstream(fields, self.phones, current=current)
        payload = await self.field_mapping.place(payload, writes, lambda: _ready(raw))
        if not payload:
            return current
        response = await self.upstream.call("PUT", f"/customers/{remote_id}", json_body=payload)
        return self.customer_from(self._object(response))

    async def delete_customer(self, remote_id: str) -> None:
        self.ok(await self.upstream.call("DELETE", f"/customers/{remote_id}"), "customer")

    def customer_fields(self, raw: Mapping[str, Any], include_remote_data: bool) -> dict[str, Any]:
        return mapping.customer_fields(raw, self.connection, self.phones, include_remote_data)

    def _object(self, response: UpstreamResponse) -> dict[str, Any]:
        """One customer, whether bare, ``{"data": obj}`` or ``{"total", "data": [obj]}``."""
        body = self.ok(response, "customer")
        data = body.get("data", body)
        if isinstance(data, list):
            data = data[0] if len(data) == 1 else None
        if not isinstance(data, dict) or "id" not in data:
            raise response.error("upstream answered without the customer object")
        return data

    def field_errors(self, body: Any, what: str) -> list[FieldError]:
        return mapping.field_errors(body)


async def _ready(value: dict[str, Any]) -> dict[str, Any]:
    return value
