"""BorderBolt item master operations (upstream-docs/borderbolt-item-master.txt).

``ItemOperations`` is a mixin of ``BorderBoltAdapter``, which declares these operations;
it lives apart so the customer side and the item side each stay one readable file.

Quirks handled here: create, update, duplicate and verify answer with a partial
object, so the item is re-read; ``item_code`` is unique per customer (a taken code is
409 on ``code``); the type-ahead search answers at most 20 rows; list meta has a total
but no last page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from adapters.borderbolt import item_mapping
from adapters.field_mapping import FieldMapping
from adapters.paging import ListQuery, Rows, Window
from adapters.rows import canonical_page, plain_page
from adapters.upstream import Upstream, UpstreamResponse
from kernel.errors import UpstreamError
from schemas import Document, Item, ItemCreate, ItemPatch, PendingChange

ITEMS = "/api/v1/item-master"
ITEM_SORTS = {
    "code": "item_code",
    "description": "description",
    "hs_code": "hs_code",
    "status": "status",
    "created_at": "created_at",
    "updated_at": "updated_at",
}


class _Host(Protocol):
    connection: str
    upstream: Upstream
    field_mapping: FieldMapping

    item_search_limit: int

    def valid_remote_id(self, remote_id: str) -> bool: ...

    def ok(self, response: UpstreamResponse, what: str = ...) -> dict[str, Any]: ...

    def data_object(self, response: UpstreamResponse, what: str) -> dict[str, Any]: ...

    def data_list(self, response: UpstreamResponse, what: str = ...) -> list[Any]: ...

    async def read_pages(
        self, path: str, params: Mapping[str, Any], query: ListQuery, what: str = ...
    ) -> Rows: ...


class ItemOperations:
    """The item operations of BorderBoltAdapter (which declares them)."""

    async def list_items(self: _Host, query: ListQuery) -> Window[Item]:
        filters = query.filters
        params: dict[str, Any] = {
            "search": filters.get("q"),
            "status": filters.get("status"),
            "customer_id": filters.get("customer_id"),
        }
        params = {k: v for k, v in params.items() if v is not None}
        if query.sort_key:
            params["sort_by"] = ITEM_SORTS[query.sort_key]
            params["sort_order"] = "desc" if query.descending else "asc"

        read = await self.read_pages(ITEMS, params, query, "item")
        rows = read.rows
        customer = filters.get("customer_id")
        if customer is not None:  # list rows omit customer_id; these are all that customer's
            rows = [{"customer_id": int(customer), **row} for row in rows]
        if not all(isinstance(row, dict) and "id" in row for row in rows):
            raise UpstreamError(
                "upstream answered an item without an id", connection=self.connection
            )
        fields = [
            item_mapping.item_fields(row, self.connection, query.include_remote_data)
            for row in rows
        ]
        if query.plain and not self.field_mapping.entries:  # only rendered: no models
            return read.window(plain_page(Item, fields, self.connection))  # type: ignore[arg-type]
        items = canonical_page(Item, fields, self.connection)
        return read.window(self.field_mapping.read_all("item", items, rows))

    async def search_items(self: _Host, q: str, customer_id: str | None) -> list[Item]:
        params = {"q": q, **({"customer_id": customer_id} if customer_id else {})}
        response = await self.upstream.call("GET", f"{ITEMS}/search", params=params)
        rows = self.data_list(response, "item")
        return [_item(self, row) for row in rows[: self.item_search_limit]]

    async def get_item(self: _Host, remote_id: str, *, include_remote_data: bool = False) -> Item:
        return _item(self, await _raw_item(self, remote_id), include_remote_data)

    async def create_item(self: _Host, body: ItemCreate) -> Item:
        fields, writes = self.field_mapping.split("item", body.model_dump(exclude_unset=True))
        payload = await self.field_mapping.place(
            item_mapping.item_to_upstream(fields, self.connection, self.valid_remote_id), writes
        )
        response = await self.upstream.call("POST", ITEMS, json_body=payload)
        created = self.data_object(response, "item")
        return await ItemOperations.get_item(
            self, response.created_id(created, self.valid_remote_id)
        )

    async def update_item(self: _Host, remote_id: str, patch: ItemPatch) -> Item:
        fields, writes = self.field_mapping.split("item", patch.model_dump(exclude_unset=True))
        payload = await self.field_mapping.place(
            item_mapping.item_to_upstream(fields, self.connection, self.valid_remote_id),
            writes,
            lambda: _raw_item(self, remote_id),
        )
        if payload:
            response = await self.upstream.call("PUT", f"{ITEMS}/{remote_id}", json_body=payload)
            self.ok(response, "item")
        return await ItemOperations.get_item(self, remote_id)

    async def delete_item(self: _Host, remote_id: str) -> None:
        self.ok(await self.upstream.call("DELETE", f"{ITEMS}/{remote_id}"), "item")

    async def duplicate_item(self: _Host, remote_id: str) -> Item:
        response = await self.upstream.call("POST", f"{ITEMS}/{remote_id}/duplicate")
        copy = self.data_object(response, "item")
        return await ItemOperations.get_item(self, response.created_id(copy, self.valid_remote_id))

    async def verify_item(self: _Host, remote_id: str) -> Item:
        self.ok(await self.upstream.call("POST", f"{ITEMS}/{remote_id}/verify"), "item")
        return await ItemOperations.get_item(self, remote_id)

    async def list_pending_changes(self: _Host, remote_id: str, status: str) -> list[PendingChange]:
        path = f"{ITEMS}/{remote_id}/pending-changes"
        rows = _list(self, await self.upstream.call("GET", path, params={"status": status}))
        return [
            item_mapping.pending_change_to_canonical(r, self.connection, remote_id) for r in rows
        ]

    async def list_documents(self: _Host, remote_id: str) -> list[Document]:
        rows = _list(self, await self.upstream.call("GET", f"{ITEMS}/{remote_id}/documents"))
        return [item_mapping.document_to_canonical(r, self.connection) for r in rows]


def _item(host: _Host, raw: dict[str, Any], include_remote_data: bool = False) -> Item:
    if "id" not in raw:
        raise UpstreamError("upstream answered an item without an id", connection=host.connection)
    item = item_mapping.item_to_canonical(
        raw, host.connection, include_remote_data=include_remote_data
    )
    return host.field_mapping.read("item", item, raw)


async def _raw_item(host: _Host, remote_id: str) -> dict[str, Any]:
    response = await host.upstream.call("GET", f"{ITEMS}/{remote_id}")
    return host.data_object(response, "item")


def _list(host: _Host, response: UpstreamResponse) -> list[dict[str, Any]]:
    rows = host.data_list(response, "item")
    return [row for row in rows if isinstance(row, dict)]
