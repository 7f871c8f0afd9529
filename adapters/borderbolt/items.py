"""BorderBolt item master (upstream-docs/borderbolt-item-master.txt), mixed into the adapter.

Quirks handled here: create, update, duplicate and verify answer with a partial
object, so the item is re-read; ``item_code`` is unique per customer (a taken code is
409 on ``code``); the type-ahead search answers at most 20 rows; list meta has a total
but no last page.
"""

from __future__ import annotations

from typing import Any, Protocol

from adapters.base import ListQuery, Window
from adapters.borderbolt import item_mapping
from adapters.paging import UpstreamPage, read_window
from adapters.upstream import Upstream, UpstreamResponse
from gateway.errors import UpstreamError
from schemas import Document, Item, ItemCreate, ItemPatch, PendingChange

ITEMS = "/api/v1/item-master"
MAX_PER_PAGE = 100
SEARCH_MAX = 20
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

    def valid_remote_id(self, remote_id: str) -> bool: ...

    def _ok(
        self, response: UpstreamResponse, what: str = ..., field_errors: Any = ...
    ) -> dict[str, Any]: ...


class ItemMaster:
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

        async def fetch_page(page: int, per_page: int) -> UpstreamPage:
            response = await self.upstream.call(
                "GET", ITEMS, params={**params, "page": page, "per_page": per_page}
            )
            body = _items_ok(self, response)
            data, meta = body.get("data"), body.get("meta")
            if not isinstance(data, list):
                raise response.error("upstream answered without a data list")
            total = meta.get("total") if isinstance(meta, dict) else None
            total = total if isinstance(total, int) and not isinstance(total, bool) else None
            more = page * per_page < total if total is not None else len(data) == per_page
            return UpstreamPage(data, total, more)

        rows, total, more = await read_window(query.offset, query.limit, MAX_PER_PAGE, fetch_page)
        customer = filters.get("customer_id")
        if customer is not None:  # list rows omit customer_id; these are all that customer's
            rows = [{"customer_id": int(customer), **row} for row in rows]
        items = [_item(self, row, query.include_remote_data) for row in rows]
        return Window(items, total, more)

    async def search_items(self: _Host, q: str, customer_id: str | None) -> list[Item]:
        params = {"q": q, **({"customer_id": customer_id} if customer_id else {})}
        response = await self.upstream.call("GET", f"{ITEMS}/search", params=params)
        rows = _items_ok(self, response).get("data")
        if not isinstance(rows, list):
            raise response.error("upstream answered without a data list")
        return [_item(self, row) for row in rows[:SEARCH_MAX]]

    async def get_item(self: _Host, remote_id: str, *, include_remote_data: bool = False) -> Item:
        response = await self.upstream.call("GET", f"{ITEMS}/{remote_id}")
        return _item(
            self, response.data_object(_items_ok(self, response), "item"), include_remote_data
        )

    async def create_item(self: _Host, body: ItemCreate) -> Item:
        payload = item_mapping.item_to_upstream(
            body.model_dump(exclude_unset=True), self.connection, self.valid_remote_id
        )
        response = await self.upstream.call("POST", ITEMS, json_body=payload)
        created = response.data_object(_items_ok(self, response), "item")
        return await ItemMaster.get_item(self, response.created_id(created, self.valid_remote_id))

    async def update_item(self: _Host, remote_id: str, patch: ItemPatch) -> Item:
        payload = item_mapping.item_to_upstream(
            patch.model_dump(exclude_unset=True), self.connection, self.valid_remote_id
        )
        if payload:
            response = await self.upstream.call("PUT", f"{ITEMS}/{remote_id}", json_body=payload)
            _items_ok(self, response)
        return await ItemMaster.get_item(self, remote_id)

    async def delete_item(self: _Host, remote_id: str) -> None:
        _items_ok(self, await self.upstream.call("DELETE", f"{ITEMS}/{remote_id}"))

    async def duplicate_item(self: _Host, remote_id: str) -> Item:
        response = await self.upstream.call("POST", f"{ITEMS}/{remote_id}/duplicate")
        copy = response.data_object(_items_ok(self, response), "item")
        return await ItemMaster.get_item(self, response.created_id(copy, self.valid_remote_id))

    async def verify_item(self: _Host, remote_id: str) -> Item:
        _items_ok(self, await self.upstream.call("POST", f"{ITEMS}/{remote_id}/verify"))
        return await ItemMaster.get_item(self, remote_id)

    async def list_pending_changes(self: _Host, remote_id: str, status: str) -> list[PendingChange]:
        path = f"{ITEMS}/{remote_id}/pending-changes"
        rows = _list(self, await self.upstream.call("GET", path, params={"status": status}))
        return [
            item_mapping.pending_change_to_canonical(r, self.connection, remote_id) for r in rows
        ]

    async def list_documents(self: _Host, remote_id: str) -> list[Document]:
        rows = _list(self, await self.upstream.call("GET", f"{ITEMS}/{remote_id}/documents"))
        return [item_mapping.document_to_canonical(r, self.connection) for r in rows]


def _items_ok(host: _Host, response: UpstreamResponse) -> dict[str, Any]:
    return host._ok(response, "item", item_mapping.field_errors)


def _item(host: _Host, raw: dict[str, Any], include_remote_data: bool = False) -> Item:
    if "id" not in raw:
        raise UpstreamError("upstream answered an item without an id", connection=host.connection)
    return item_mapping.item_to_canonical(
        raw, host.connection, include_remote_data=include_remote_data
    )


def _list(host: _Host, response: UpstreamResponse) -> list[dict[str, Any]]:
    rows = _items_ok(host, response).get("data")
    if not isinstance(rows, list):
        raise response.error("upstream answered without a data list")
    return [row for row in rows if isinstance(row, dict)]
