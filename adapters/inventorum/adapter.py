"""Inventorum customers, API v9 and v10 (upstream-docs/inventorum-customers.txt).

Quirks handled here: every call carries ``X-Api-Version``; phones differ by version
(versions.py); ``limit`` is at most 30, so a canonical page of up to 100 reads several
upstream pages; the single read may come wrapped as ``{"total", "data": [obj]}`` or as
the bare object; favourites have their own list (``is_favourite=true`` is native;
``false`` is emulated); there are no contacts or items; errors are
``{"error": {"fields", "description", "key"}}``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from adapters.base import Adapter, FilterSupport, ListQuery, Operation, Window
from adapters.inventorum import mapping
from adapters.inventorum.simulator import InventorumSimulator
from adapters.inventorum.versions import phone_layer
from adapters.paging import UpstreamPage, read_window
from adapters.sandbox import Credentials, Sandbox
from adapters.upstream import Upstream, UpstreamResponse
from gateway.errors import NotFound, ValidationFailed
from schemas import Customer, CustomerCreate, CustomerPatch

CUSTOMERS = "/customers/"
FAVOURITES = "/customers/favourites/"
MAX_PER_PAGE = 30


class InventorumAdapter(Adapter):
    name = "inventorum"
    api_versions = (9, 10)
    capabilities = frozenset(
        {
            Operation.LIST_CUSTOMERS,
            Operation.GET_CUSTOMER,
            Operation.CREATE_CUSTOMER,
            Operation.UPDATE_CUSTOMER,
            Operation.DELETE_CUSTOMER,
        }
    )
    customer_filters = {
        "is_favourite": FilterSupport.NATIVE,
        **dict.fromkeys(("q", "name", "email", "country"), FilterSupport.EMULATED),
    }
    api_root = ""
    remote_id_pattern: ClassVar[re.Pattern[str]] = re.compile(r"[0-9]{1,18}")

    def __init__(self, *, connection: str, upstream: Upstream, api_version: int | None = None):
        version = api_version or self.api_versions[-1]
        versioned = upstream.with_headers({"X-Api-Version": str(version)})
        super().__init__(connection=connection, upstream=versioned, api_version=version)
        self.phones = phone_layer(version)

    @classmethod
    def sandbox(cls, *, credentials: Credentials, api_version: int | None = None) -> Sandbox:
        return InventorumSimulator(credentials=credentials).sandbox

    def filter_support(self, name: str, value: Any) -> FilterSupport:
        if name == "is_favourite" and value is False:
            return FilterSupport.EMULATED  # the favourites list has no complement
        return super().filter_support(name, value)

    async def list_customers(self, query: ListQuery) -> Window[Customer]:
        path = FAVOURITES if query.filters.get("is_favourite") is True else CUSTOMERS

        async def fetch_page(page: int, per_page: int) -> UpstreamPage:
            response = await self.upstream.call(
                "GET", path, params={"page": page, "limit": per_page}
            )
            body = self._ok(response)
            data, total = body.get("data"), body.get("total")
            if not isinstance(data, list):
                raise response.error("upstream answered without a data list")
            total = total if isinstance(total, int) and not isinstance(total, bool) else None
            more = page * per_page < total if total is not None else len(data) == per_page
            return UpstreamPage(data, total, more)

        rows, total, more = await read_window(query.offset, query.limit, MAX_PER_PAGE, fetch_page)
        customers = [self._customer(row, query.include_remote_data) for row in rows]
        return Window(customers, total, more)

    async def get_customer(self, remote_id: str, *, include_remote_data: bool = False) -> Customer:
        response = await self.upstream.call("GET", f"/customers/{remote_id}/")
        return self._customer(self._object(response), include_remote_data)

    async def create_customer(self, body: CustomerCreate) -> Customer:
        payload = mapping.customer_to_upstream(body.model_dump(exclude_unset=True), self.phones)
        response = await self.upstream.call("POST", "/customers", json_body=payload)
        created = self._object(response)
        response.created_id(created, self.valid_remote_id)
        return self._customer(created)

    async def update_customer(self, remote_id: str, patch: CustomerPatch) -> Customer:
        current = await self.get_customer(remote_id)
        payload = mapping.customer_to_upstream(
            patch.model_dump(exclude_unset=True), self.phones, current=current
        )
        if not payload:
            return current
        response = await self.upstream.call("PUT", f"/customers/{remote_id}", json_body=payload)
        return self._customer(self._object(response))

    async def delete_customer(self, remote_id: str) -> None:
        self._ok(await self.upstream.call("DELETE", f"/customers/{remote_id}"))

    def _customer(self, raw: dict[str, Any], include_remote_data: bool = False) -> Customer:
        return mapping.customer_to_canonical(
            raw, self.connection, self.phones, include_remote_data=include_remote_data
        )

    def _object(self, response: UpstreamResponse) -> dict[str, Any]:
        """One customer, whether bare, ``{"data": obj}`` or ``{"total", "data": [obj]}``."""
        body = self._ok(response)
        data = body.get("data", body)
        if isinstance(data, list):
            data = data[0] if len(data) == 1 else None
        if not isinstance(data, dict) or "id" not in data:
            raise response.error("upstream answered without the customer object")
        return data

    def _ok(self, response: UpstreamResponse) -> dict[str, Any]:
        status = response.status
        if 200 <= status < 300:
            return response.json() if response.content.strip() else {}
        if status == 404:
            raise NotFound("no such customer", connection=self.connection, upstream_status=404)
        if status in (400, 422):
            raise ValidationFailed(
                response.message() or "Inventorum refused the body",
                connection=self.connection,
                upstream_status=status,
                details=mapping.field_errors(response.json_or_none()),
            )
        raise response.error(
            f"upstream answered HTTP {status}: {response.message() or 'no message'}"
        )
