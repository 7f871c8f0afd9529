"""How an adapter answers a filtered, sorted list: what it sends upstream, what the
gateway emulates on scanned rows, and what it refuses (400) before any call.

Mixed into ``Adapter`` (adapters/base.py); it reads the adapter's declarations
(``customer_filters``, ``customer_sorts``, ``item_sorts``, ``extra_filters``) and its
field mapping. Two things every adapter can emulate because every canonical row
carries the field: the ``updated_since`` filter (declared as emulated in
``customer_filters``) and the ``updated_at`` sort (``emulated_sorts``), unless the
upstream's records carry no timestamps. An emulated sort reads the whole (natively
filtered) collection within ``max_scan_pages``, so it is refused for a collection
longer than that.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Any, ClassVar

from adapters.emulation import scan, sorted_scan
from adapters.field_mapping import FieldMapping
from adapters.filtering import CANONICAL_PREDICATES, ExtraFilter, Predicate, updated_since
from adapters.operations import FilterSupport
from adapters.paging import ListQuery, Window
from kernel.errors import BadRequest, FieldError, UnsupportedFilter
from schemas import Customer, Item

NEWEST_FIRST = "-updated_at"
ITEM: Mapping[str, Predicate] = {"updated_since": updated_since}


class Querying:
    connection: str
    field_mapping: FieldMapping
    customer_filters: ClassVar[Mapping[str, FilterSupport]]
    extra_filters: ClassVar[Mapping[str, ExtraFilter]]
    customer_sorts: ClassVar[frozenset[str]]
    item_sorts: ClassVar[frozenset[str]]
    emulated_sorts: ClassVar[frozenset[str]] = frozenset({"updated_at"})
    list_customers: Callable[[ListQuery], Awaitable[Window[Customer]]]
    list_items: Callable[[ListQuery], Awaitable[Window[Item]]]

    def filter_support(self, name: str, value: Any) -> FilterSupport:
        """How this adapter takes filter ``name`` with ``value``; by default as declared
        in ``customer_filters`` (an adapter may take only some values natively)."""
        return self.customer_filters.get(name, FilterSupport.UNSUPPORTED)

    def filter_mode(self, name: str, value: Any = None) -> FilterSupport:
        """``filter_support``; but a filter on a field the mapping reads from elsewhere
        is applied to the mapped rows, never sent to the upstream's own field."""
        support = self.filter_support(name, value)
        if support is not FilterSupport.NATIVE or not self.field_mapping.overrides(
            "customer", name
        ):
            return support
        return FilterSupport.EMULATED if name in CANONICAL_PREDICATES else FilterSupport.UNSUPPORTED

    def plan_filters(
        self, filters: Mapping[str, Any], sort: str | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(native, emulated)`` customer filters; 400 for what this cannot do."""
        support = {name: self.filter_mode(name, value) for name, value in filters.items()}
        unsupported = sorted(n for n, s in support.items() if s is FilterSupport.UNSUPPORTED)
        if unsupported:
            supported = sorted(self.customer_filters)
            raise UnsupportedFilter(
                f"connection {self.connection!r} cannot filter by {', '.join(unsupported)}",
                connection=self.connection,
                details=[
                    FieldError(name, f"supported here: {', '.join(supported)}")
                    for name in unsupported
                ],
            )
        key = sort.lstrip("-") if sort else None
        if key and key not in self.sort_modes():
            choices = ", ".join(self.sort_modes()) or "none"
            raise BadRequest(
                f"connection {self.connection!r} cannot sort by {key!r}",
                connection=self.connection,
                details=[FieldError("sort", f"supported here: {choices}")],
            )
        native = {k: v for k, v in filters.items() if support[k] is FilterSupport.NATIVE}
        emulated = {k: v for k, v in filters.items() if support[k] is FilterSupport.EMULATED}
        return native, emulated

    def sorts(self) -> list[str]:
        """The upstream's customer sort keys, less those the mapping reads elsewhere."""
        return sorted(
            k for k in self.customer_sorts if not self.field_mapping.overrides("customer", k)
        )

    def sort_modes(self) -> dict[str, str]:
        """Each customer sort key this connection takes: ``native`` or ``emulated``."""
        native = self.sorts()
        modes = dict.fromkeys(native, FilterSupport.NATIVE.value)
        for key in sorted(self.emulated_sorts - set(native)):
            modes[key] = FilterSupport.EMULATED.value
        return modes

    def sort_is_emulated(self, sort: str | None) -> bool:
        return bool(sort) and sort.lstrip("-") not in self.sorts()  # type: ignore[union-attr]

    async def find_customers(
        self, query: ListQuery, emulated: Mapping[str, Any], max_pages: int
    ) -> Window[Customer]:
        """A page of customers: ``query``'s native filters sent upstream, ``emulated`` ones
        applied to scanned rows (at most ``max_pages`` upstream pages), and an emulated
        sort applied to the whole collection."""
        predicates = {
            **CANONICAL_PREDICATES,
            **{name: extra.predicate for name, extra in self.extra_filters.items()},
        }
        if not emulated and not self.sort_is_emulated(query.sort):
            return await self.list_customers(query)
        scanned = replace(query, plain=False)  # predicates and sorts read models
        if self.sort_is_emulated(query.sort):
            return await sorted_scan(
                self.list_customers, scanned, emulated, max_pages, predicates, self.connection
            )
        return await scan(self.list_customers, scanned, emulated, max_pages, predicates)

    # Items ----------------------------------------------------------------------------

    def item_since_mode(self, sort: str | None) -> FilterSupport:
        """``updated_since`` on items is as good as native when the upstream sorts newest
        first: the scan stops at the first older row. Otherwise it is emulated."""
        if "updated_at" in self.item_sorts and sort in (None, NEWEST_FIRST):
            return FilterSupport.NATIVE
        return FilterSupport.EMULATED

    async def find_items(self, query: ListQuery, since: str | None, max_pages: int) -> Window[Item]:
        """A page of items, ``since`` (``updated_since``) applied as ``item_since_mode`` says."""
        if since is None:
            return await self.list_items(query)
        wanted = {"updated_since": since}
        query = replace(query, plain=False)  # the predicate reads models
        if self.item_since_mode(query.sort) is FilterSupport.NATIVE:
            newest_first = replace(query, sort=NEWEST_FIRST)
            return await scan(
                self.list_items, newest_first, wanted, max_pages, ITEM, until_miss=True
            )
        return await scan(self.list_items, query, wanted, max_pages, ITEM)
