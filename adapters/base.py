"""The adapter contract every upstream implements.

An adapter translates canonical calls into one upstream's HTTP API for one connection.
It is constructed with the connection's name, an ``Upstream`` (adapters/upstream.py)
whose ``httpx.AsyncClient`` already carries the base URL, credentials and timeouts
(or a transport into the sandbox simulator) and which retries and breaks circuits as
configured, and the connection's API version where the upstream has one.

What it declares up front, so the router can answer before any upstream call:

- ``capabilities``: the ``Operation`` values it implements. Declaring is mandatory and
  checked when the class is created: every declared operation must be overridden and
  every overridden one declared. The router answers 501 ``unsupported_operation`` for
  anything else, naming ``alternatives[op]`` when there is one.
- ``customer_filters``: each canonical filter it supports, ``NATIVE`` (it sends the
  filter upstream) or ``EMULATED`` (it cannot, but its list rows carry the field, so
  the gateway filters scanned rows itself). A filter not listed is unsupported: 400
  before any call. ``list_customers`` only ever receives native filters.
- ``customer_sorts``: canonical sort keys it can order by; any other is 400.
- ``item_sorts``: canonical item sort keys it can order by.
- ``order_filters``: the order filters (``status``, ``date_from``, ``date_to``) it
  sends upstream; orders have no emulation.
- ``remote_id_pattern``: what a remote ID of this upstream looks like. IDs are checked
  against it before they are ever spliced into an upstream path.
- ``api_versions``: the versions it can speak, or ``()`` when the upstream has none.
- ``api_root``: the path under ``base_url`` that passthrough calls are confined to.

Methods take remote IDs (already validated) and canonical models, and return canonical
models with canonical IDs. They raise only ``gateway.errors.GatewayError`` subclasses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Generic, TypeVar

from adapters.sandbox import Credentials, Sandbox
from adapters.upstream import Upstream
from schemas import (
    Contact,
    ContactCreate,
    ContactPatch,
    CreditCheck,
    Customer,
    CustomerAnalytics,
    CustomerCreate,
    CustomerPatch,
    Document,
    Item,
    ItemCreate,
    ItemPatch,
    Order,
    PendingChange,
    Period,
)

T = TypeVar("T")


class FilterSupport(StrEnum):
    NATIVE = "native"
    EMULATED = "emulated"
    UNSUPPORTED = "unsupported"


class Operation(StrEnum):
    LIST_CUSTOMERS = "list_customers"
    GET_CUSTOMER = "get_customer"
    GET_CUSTOMER_BY_CODE = "get_customer_by_code"
    CREATE_CUSTOMER = "create_customer"
    UPDATE_CUSTOMER = "update_customer"
    DELETE_CUSTOMER = "delete_customer"
    LIST_CONTACTS = "list_contacts"
    GET_CONTACT = "get_contact"
    CREATE_CONTACT = "create_contact"
    UPDATE_CONTACT = "update_contact"
    DELETE_CONTACT = "delete_contact"
    LIST_ORDERS = "list_orders"
    GET_ANALYTICS = "get_analytics"
    CREDIT_CHECK = "credit_check"
    LIST_ITEMS = "list_items"
    SEARCH_ITEMS = "search_items"
    GET_ITEM = "get_item"
    CREATE_ITEM = "create_item"
    UPDATE_ITEM = "update_item"
    DELETE_ITEM = "delete_item"
    DUPLICATE_ITEM = "duplicate_item"
    VERIFY_ITEM = "verify_item"
    LIST_PENDING_CHANGES = "list_pending_changes"
    LIST_DOCUMENTS = "list_documents"


@dataclass(frozen=True, slots=True)
class ListQuery:
    """One canonical page request: filters already parsed, offset from the cursor."""

    offset: int = 0
    limit: int = 25
    filters: Mapping[str, Any] = field(default_factory=dict)
    sort: str | None = None
    include_remote_data: bool = False

    @property
    def sort_key(self) -> str | None:
        return self.sort.lstrip("-") if self.sort else None

    @property
    def descending(self) -> bool:
        return bool(self.sort and self.sort.startswith("-"))


@dataclass(frozen=True, slots=True)
class Window(Generic[T]):
    """A slice of an upstream collection starting at the query's offset.

    ``consumed`` is how many upstream rows the slice covers when that differs from
    ``len(items)`` (rows scanned but filtered out); the next page starts after them.
    """

    items: list[T]
    total: int | None
    has_more: bool
    consumed: int | None = None

    @property
    def advance(self) -> int:
        return len(self.items) if self.consumed is None else self.consumed


class Adapter:
    """Base of every adapter; see the module docstring for the contract."""

    name: ClassVar[str]
    capabilities: ClassVar[frozenset[Operation]]
    alternatives: ClassVar[Mapping[Operation, str]] = {}
    customer_filters: ClassVar[Mapping[str, FilterSupport]] = {}
    customer_sorts: ClassVar[frozenset[str]] = frozenset()
    order_filters: ClassVar[frozenset[str]] = frozenset()
    item_sorts: ClassVar[frozenset[str]] = frozenset()
    remote_id_pattern: ClassVar[re.Pattern[str]]
    api_versions: ClassVar[tuple[int, ...]] = ()
    api_root: ClassVar[str] = ""

    def __init__(
        self, *, connection: str, upstream: Upstream, api_version: int | None = None
    ) -> None:
        self.connection = connection
        self.upstream = upstream
        self.api_version = api_version

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared = cls.__dict__.get("capabilities")
        if declared is None:
            raise TypeError(f"{cls.__name__} must declare its capabilities")
        implemented = {
            op for op in Operation if getattr(cls, op.value) is not getattr(Adapter, op.value)
        }
        if missing := sorted(set(declared) - implemented):
            raise TypeError(f"{cls.__name__} declares but does not implement {missing}")
        if undeclared := sorted(implemented - set(declared)):
            raise TypeError(f"{cls.__name__} implements but does not declare {undeclared}")

    @classmethod
    def sandbox(cls, *, credentials: Credentials, api_version: int | None = None) -> Sandbox:
        """A fresh, seeded simulator of the upstream that accepts ``credentials``."""
        raise NotImplementedError

    def filter_support(self, name: str, value: Any) -> FilterSupport:
        """How this adapter takes filter ``name`` with ``value``; by default as declared
        in ``customer_filters`` (an adapter may take only some values natively)."""
        return self.customer_filters.get(name, FilterSupport.UNSUPPORTED)

    def valid_remote_id(self, remote_id: str) -> bool:
        return self.remote_id_pattern.fullmatch(remote_id) is not None

    async def list_customers(self, query: ListQuery) -> Window[Customer]:
        raise NotImplementedError

    async def get_customer(self, remote_id: str, *, include_remote_data: bool = False) -> Customer:
        raise NotImplementedError

    async def get_customer_by_code(
        self, code: str, *, include_remote_data: bool = False
    ) -> Customer:
        raise NotImplementedError

    async def create_customer(self, body: CustomerCreate) -> Customer:
        raise NotImplementedError

    async def update_customer(self, remote_id: str, patch: CustomerPatch) -> Customer:
        raise NotImplementedError

    async def delete_customer(self, remote_id: str) -> None:
        raise NotImplementedError

    async def list_contacts(self, customer_id: str) -> list[Contact]:
        raise NotImplementedError

    async def get_contact(self, customer_id: str, contact_id: str) -> Contact:
        raise NotImplementedError

    async def create_contact(self, customer_id: str, body: ContactCreate) -> Contact:
        raise NotImplementedError

    async def update_contact(
        self, customer_id: str, contact_id: str, patch: ContactPatch
    ) -> Contact:
        raise NotImplementedError

    async def delete_contact(self, customer_id: str, contact_id: str) -> None:
        raise NotImplementedError

    async def list_orders(self, customer_id: str, query: ListQuery) -> Window[Order]:
        raise NotImplementedError

    async def get_analytics(self, customer_id: str, period: Period) -> CustomerAnalytics:
        raise NotImplementedError

    async def credit_check(self, customer_id: str) -> CreditCheck:
        raise NotImplementedError

    async def list_items(self, query: ListQuery) -> Window[Item]:
        """Filters: ``q``, ``status``, ``customer_id`` (a remote customer ID)."""
        raise NotImplementedError

    async def search_items(self, q: str, customer_id: str | None) -> list[Item]:
        raise NotImplementedError

    async def get_item(self, remote_id: str, *, include_remote_data: bool = False) -> Item:
        raise NotImplementedError

    async def create_item(self, body: ItemCreate) -> Item:
        raise NotImplementedError

    async def update_item(self, remote_id: str, patch: ItemPatch) -> Item:
        raise NotImplementedError

    async def delete_item(self, remote_id: str) -> None:
        raise NotImplementedError

    async def duplicate_item(self, remote_id: str) -> Item:
        raise NotImplementedError

    async def verify_item(self, remote_id: str) -> Item:
        raise NotImplementedError

    async def list_pending_changes(self, remote_id: str, status: str) -> list[PendingChange]:
        raise NotImplementedError

    async def list_documents(self, remote_id: str) -> list[Document]:
        raise NotImplementedError
