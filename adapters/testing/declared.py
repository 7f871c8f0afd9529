"""What an adapter declares, read from its class: the suite checks exactly that.

Nothing here is told to the suite by hand. Capabilities say which operations are
checked (and which must answer 501 without an upstream call), ``customer_filters`` and
``extra_filters`` which filters (native or emulated, each of its type),
``customer_sorts`` and ``emulated_sorts`` which sorts, ``list_omits`` which fields a
list row may lack, ``mapping_kinds`` which kinds a field mapping may address, and
``remote_id_pattern`` what IDs look like.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Literal, get_args
from urllib.parse import unquote

from adapters import ADAPTERS, Adapter
from adapters.field_mapping import Kind
from adapters.filtering import CANONICAL_PREDICATES, Predicate
from adapters.operations import FilterSupport, Operation
from schemas import CustomerSortKey, ItemSortKey

FilterKind = Literal["text", "bool", "country", "instant"]
CANONICAL_TYPES: Mapping[str, FilterKind] = {
    "q": "text",
    "name": "text",
    "code": "text",
    "email": "text",
    "eori_number": "text",
    "country": "country",
    "is_active": "bool",
    "updated_since": "instant",
}
# Remote IDs tried, in order, for one that fits the adapter's pattern yet names nothing.
MISSING_CANDIDATES = ("987654321", "conformance_missing_1", "0")
# What must never reach an upstream path: dot-segments, separators, spaces.
UNSAFE_IDS = ("..", "a%2Fb", "a%20b", "a.b", "%2E%2E")
LISTED_BY: Mapping[Kind, Operation] = {
    "customer": Operation.LIST_CUSTOMERS,
    "contact": Operation.LIST_CONTACTS,
    "item": Operation.LIST_ITEMS,
}


@dataclass(frozen=True)
class Filter:
    """One declared customer filter: how the query parameter reads, how the adapter
    takes it, and what it means on a canonical row."""

    name: str
    kind: FilterKind
    support: FilterSupport
    predicate: Predicate


@dataclass(frozen=True)
class Declared:
    """The declarations of adapter ``name`` (at ``api_version``, where it has versions)."""

    name: str
    api_version: int | None = None

    @cached_property
    def adapter(self) -> type[Adapter]:
        return ADAPTERS[self.name]

    def can(self, *ops: Operation) -> bool:
        return all(op in self.adapter.capabilities for op in ops)

    @property
    def unsupported(self) -> list[Operation]:
        return [op for op in Operation if op not in self.adapter.capabilities]

    @property
    def filters(self) -> list[Filter]:
        extras = self.adapter.extra_filters
        found = []
        for name, support in sorted(self.adapter.customer_filters.items()):
            if name in extras:
                kind: FilterKind = extras[name].type
                predicate = extras[name].predicate
            else:
                kind, predicate = CANONICAL_TYPES[name], CANONICAL_PREDICATES[name]
            found.append(Filter(name, kind, support, predicate))
        return found

    @property
    def refused_filters(self) -> list[str]:
        """Filters the gateway offers (canonical, or another adapter's) this one lacks."""
        offered = set(CANONICAL_PREDICATES)
        for other in ADAPTERS.values():
            offered |= set(other.extra_filters)
        return sorted(offered - set(self.adapter.customer_filters))

    @staticmethod
    def filter_kind(name: str) -> FilterKind:
        """How the gateway reads query parameter ``name``, whichever adapter declares it."""
        for other in ADAPTERS.values():
            if name in other.extra_filters:
                return other.extra_filters[name].type
        return CANONICAL_TYPES[name]

    @property
    def native_sorts(self) -> list[str]:
        return sorted(self.adapter.customer_sorts)

    @property
    def emulated_sorts(self) -> list[str]:
        return sorted(self.adapter.emulated_sorts - self.adapter.customer_sorts)

    @property
    def refused_sorts(self) -> list[str]:
        taken = set(self.native_sorts) | set(self.emulated_sorts)
        return [key for key in get_args(CustomerSortKey) if key not in taken]

    @property
    def item_sorts(self) -> list[str]:
        return [key for key in get_args(ItemSortKey) if key in self.adapter.item_sorts]

    @property
    def kinds(self) -> list[Kind]:
        """The kinds of record the adapter lists (each one change detection scans)."""
        return [kind for kind, op in LISTED_BY.items() if self.can(op)]

    @property
    def mapping_kinds(self) -> tuple[Kind, ...]:
        return self.adapter.mapping_kinds()

    def omits(self, kind: str) -> frozenset[str]:
        return self.adapter.list_omits.get(kind, frozenset())

    @property
    def max_per_page(self) -> int:
        return self.adapter.paging.max_per_page

    def valid(self, remote_id: str) -> bool:
        return self.adapter.remote_id_pattern.fullmatch(remote_id) is not None

    @property
    def missing_id(self) -> str:
        """A remote ID the adapter takes that no record has (the seeds never reach it)."""
        for candidate in MISSING_CANDIDATES:
            if self.valid(candidate):
                return candidate
        raise AssertionError(
            f"none of {MISSING_CANDIDATES} fits {self.name}'s remote_id_pattern: "
            "add one that does to adapters/testing/declared.py"
        )

    @property
    def unsafe_ids(self) -> list[str]:
        return [raw for raw in UNSAFE_IDS if not self.valid(unquote(raw))]

    def alternative(self, op: Operation) -> str | None:
        return self.adapter.alternatives.get(op)

    @property
    def label(self) -> str:
        version = f" v{self.api_version}" if self.api_version is not None else ""
        return f"{self.name}{version}"
