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
- ``customer_code_pattern``: what this upstream's customer codes usually look like (with
  ``GET_CUSTOMER_BY_CODE``): a bare value of that shape sent as a customer ID gets
  pointed at ``/v1/customers/by-code/{code}`` in the 404 (gateway/http/edge.py).
- ``api_versions``: the versions it can speak, or ``()`` when the upstream has none;
  a connection that names none speaks the newest. ``version_header``: the request
  header that tells the upstream which (``None``: it is told no other way here).
- ``api_root``: the path under ``base_url`` that passthrough calls are confined to.
- ``extra_filters``: the filters on fields only this upstream has (``ExtraFilter``: its
  type, description, and how an emulated use reads the canonical row, e.g.
  ``is_favourite`` from ``extra``); each also needs its mode in ``customer_filters``.
  The gateway offers them as query parameters and documents them.
- ``simulator``: ``"module:function"`` of its sandbox factory, imported only when a
  connection is ``sandbox:``.
- ``written_keys``: the upstream keys each canonical field writes (field_mapping.py).
- ``list_omits``: per kind, the canonical fields its list rows do not carry (single
  reads do); change detection compares list rows, so it leaves them out.

What it inherits, so each adapter only states how its upstream differs:

- ``ok`` / ``upstream_error``: error answers read as data. ``error_rules`` maps an
  upstream status to the canonical error (404 is ``NotFound``; others unlisted are
  502); ``field_errors`` names the canonical fields of a body, ``refine_error`` may
  pick a closer class. Statuses every upstream shares (401, 429, 5xx) are raised by
  ``Upstream`` before this.
- ``read_pages``: a canonical window over the upstream's pages, as its ``paging``
  declares (adapters/paging.py: page numbers, offsets, a next-page cursor in the body
  or in a Link header; the parameter names, the largest page, where the rows are, how
  the end is told).
- ``plan_filters`` / ``find_customers``: filters split into native and emulated (400
  for the rest), and emulated ones applied to scanned rows.

Methods take remote IDs (already validated) and canonical models, and return canonical
models with canonical IDs. They raise only ``kernel.errors.GatewayError`` subclasses.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from adapters.field_mapping import FieldMapping, Kind, WrittenKeys
from adapters.filtering import CANONICAL_PREDICATES, ExtraFilter
from adapters.kinds import KINDS
from adapters.operations import FilterSupport, Operation
from adapters.paging import Answer, ListQuery, PageNumbers, Paging, Rows, Window
from adapters.querying import Querying
from adapters.rows import canonical_page, plain_page
from adapters.sandbox import Credentials, Sandbox
from adapters.upstream import Upstream, UpstreamResponse
from kernel.errors import (
    FieldError,
    GatewayError,
    NotFound,
    UpstreamError,
)
from kernel.ids import format_id
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

__all__ = ["Adapter", "ErrorRule", "FilterSupport", "ListQuery", "Operation", "Window"]


@dataclass(frozen=True, slots=True)
class ErrorRule:
    """How an upstream error status reads canonically: the error raised, and the message
    used when the upstream's body has none."""

    error: type[GatewayError]
    fallback: str = "the upstream refused the request"


class Adapter(Querying):
    """Base of every adapter; see the module docstring for the contract."""

    name: ClassVar[str]
    capabilities: ClassVar[frozenset[Operation]]
    alternatives: ClassVar[Mapping[Operation, str]] = {}
    customer_filters: ClassVar[Mapping[str, FilterSupport]] = {}
    extra_filters: ClassVar[Mapping[str, ExtraFilter]] = {}
    customer_sorts: ClassVar[frozenset[str]] = frozenset()
    order_filters: ClassVar[frozenset[str]] = frozenset()
    item_sorts: ClassVar[frozenset[str]] = frozenset()
    item_search_limit: ClassVar[int] = 20
    remote_id_pattern: ClassVar[re.Pattern[str]]
    customer_code_pattern: ClassVar[re.Pattern[str] | None] = None
    api_versions: ClassVar[tuple[int, ...]] = ()
    version_header: ClassVar[str | None] = None
    api_root: ClassVar[str] = ""
    simulator: ClassVar[str | None] = None
    error_rules: ClassVar[Mapping[int, ErrorRule]] = {404: ErrorRule(NotFound)}
    paging: ClassVar[Paging] = PageNumbers()
    written_keys: ClassVar[WrittenKeys] = {}
    list_omits: ClassVar[Mapping[str, frozenset[str]]] = {}

    def __init__(
        self,
        *,
        connection: str,
        upstream: Upstream,
        api_version: int | None = None,
        field_mapping: FieldMapping | None = None,
    ) -> None:
        if self.api_versions:
            api_version = api_version or self.api_versions[-1]
        if self.version_header is not None and api_version is not None:
            upstream = upstream.with_headers({self.version_header: str(api_version)})
        self.connection = connection
        self.upstream = upstream
        self.api_version = api_version
        self.field_mapping = field_mapping or FieldMapping(connection)

    @classmethod
    def mapping_kinds(cls) -> tuple[Kind, ...]:
        """The kinds of record a field mapping may address on this adapter: those it
        lists or reads."""
        return tuple(
            name
            for name, kind in KINDS.items()
            if kind.list in cls.capabilities or kind.get in cls.capabilities
        )

    @classmethod
    def compile_mapping(cls, connection: str, config: Mapping[str, Any]) -> FieldMapping:
        """``config``'s field mapping checked against this adapter (``MappingProblems``)."""
        return FieldMapping.compile(connection, config, cls.mapping_kinds(), cls.written_keys)

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
        known = set(CANONICAL_PREDICATES) | set(cls.extra_filters)
        if unknown := sorted(set(cls.customer_filters) - known):
            raise TypeError(f"{cls.__name__} filters by {unknown}, declared by no ExtraFilter")
        if clash := sorted(set(cls.extra_filters) & set(CANONICAL_PREDICATES)):
            raise TypeError(f"{cls.__name__} redeclares canonical filters {clash}")

    @classmethod
    def sandbox(cls, *, credentials: Credentials, api_version: int | None = None) -> Sandbox:
        """A fresh, seeded simulator of the upstream that accepts ``credentials``,
        imported only now (``simulator`` names its factory as ``"module:function"``)."""
        if cls.simulator is None:
            raise NotImplementedError(f"{cls.__name__} has no simulator")
        module, _, attribute = cls.simulator.partition(":")
        factory = getattr(importlib.import_module(module), attribute)
        sandbox: Sandbox = factory(credentials=credentials, api_version=api_version)
        return sandbox

    @staticmethod
    def wait_after_429(headers: Mapping[str, str]) -> float | None:
        """Hook: the seconds an upstream's 429 says to wait when it carries no
        ``Retry-After`` (e.g. in a rate-limit window header); None: it does not say."""
        return None

    def valid_remote_id(self, remote_id: str) -> bool:
        return self.remote_id_pattern.fullmatch(remote_id) is not None

    async def contact_from_list(self, customer_id: str, contact_id: str) -> Contact:
        """``get_contact`` for an upstream with no single contact read: the contact found in
        the customer's list (set ``get_contact = Adapter.contact_from_list``)."""
        wanted = format_id(self.connection, contact_id)
        for contact in await self.list_contacts(customer_id):
            if contact.id == wanted:
                return contact
        raise NotFound("no such contact for this customer", connection=self.connection)

    # Upstream answers -----------------------------------------------------------------

    def ok(self, response: UpstreamResponse, what: str = "resource") -> dict[str, Any]:
        """The JSON body of a 2xx answer; an error answer raised as ``error_rules`` say."""
        if 200 <= response.status < 300:
            return response.json() if response.content.strip() else {}
        raise self.upstream_error(response, what)

    def upstream_error(self, response: UpstreamResponse, what: str) -> GatewayError:
        status = response.status
        rule = self.error_rules.get(status)
        if rule is None:
            return response.error(
                f"upstream answered HTTP {status}: {response.message() or 'no message'}"
            )
        if rule.error is NotFound:
            return NotFound(f"no such {what}", connection=self.connection, upstream_status=status)
        details = self.field_errors(response.json_or_none(), what)
        error = self.refine_error(rule.error, details)
        return error(
            response.message() or rule.fallback,
            connection=self.connection,
            upstream_status=status,
            details=details,
        )

    def field_errors(self, body: Any, what: str) -> list[FieldError]:
        """Hook: the canonical field errors in an upstream error body."""
        return []

    def refine_error(
        self, error: type[GatewayError], details: list[FieldError]
    ) -> type[GatewayError]:
        """Hook: a more precise error class for these details (e.g. a taken code: 409)."""
        return error

    def data_object(self, response: UpstreamResponse, what: str) -> dict[str, Any]:
        """``body["data"]`` of a 2xx answer as an object with an ``id``, else a 502."""
        return response.data_object(self.ok(response, what), what)

    def data_list(self, response: UpstreamResponse, what: str = "resource") -> list[Any]:
        """``body["data"]`` of a 2xx answer as a list, else a 502."""
        rows = self.ok(response, what).get("data")
        if not isinstance(rows, list):
            raise response.error("upstream answered without a data list")
        return rows

    def customer_fields(self, raw: Mapping[str, Any], include_remote_data: bool) -> dict[str, Any]:
        """The canonical customer's fields from one upstream object (the mapping)."""
        raise NotImplementedError

    def customers_from(
        self, rows: list[dict[str, Any]], include_remote_data: bool = False, *, plain: bool = False
    ) -> list[Customer]:
        """Canonical customers of upstream objects, validated as one page by pydantic-core
        (adapters/rows.py), with the connection's field mapping applied. ``plain``: a page
        only rendered, whose rows may be validated dicts (when no field mapping applies)."""
        if not all(isinstance(row, dict) and "id" in row for row in rows):
            raise UpstreamError(
                "upstream answered a customer without an id", connection=self.connection
            )
        fields = [self.customer_fields(row, include_remote_data) for row in rows]
        if plain and not self.field_mapping.entries:
            return plain_page(Customer, fields, self.connection)  # type: ignore[return-value]
        customers = canonical_page(Customer, fields, self.connection)
        views = [self.mapping_view(row) for row in rows]
        return self.field_mapping.read_all("customer", customers, views)

    def mapping_view(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Hook: the upstream object as a field mapping's source paths address it (by
        default as it comes; an upstream that nests its fields under one key, as
        HubSpot's ``properties``, lets paths name them directly)."""
        return raw

    def customer_from(self, raw: dict[str, Any], include_remote_data: bool = False) -> Customer:
        return self.customers_from([raw], include_remote_data)[0]

    async def read_pages(
        self,
        path: str,
        params: Mapping[str, Any],
        query: ListQuery,
        what: str = "resource",
        *,
        search: bool = False,
    ) -> Rows:
        """The upstream rows of ``query``'s window of the collection at ``path``, read
        as the adapter's ``paging`` declares (adapters/paging.py): a GET with ``params``
        in the query string, or (``search``) a POST of ``params`` as the JSON body, the
        paging parameters with them (a search endpoint)."""

        async def read(sent: Mapping[str, Any]) -> Answer:
            if search:  # a search is a read: never a write, whatever its method
                response = await self.upstream.call(
                    "POST", path, json_body=dict(sent), idempotent=True
                )
            else:
                response = await self.upstream.call("GET", path, params=dict(sent))
            if not 200 <= response.status < 300:
                raise self.upstream_error(response, what)
            # a page is an object, or a bare list where the paging says so (records="")
            shape: type = dict if self.paging.records else list
            return Answer(response.json(shape), response.headers)

        try:
            return await self.paging.read(read, params, query)
        except ValueError as exc:  # a page without its rows, a position it did not make
            raise UpstreamError(str(exc), connection=self.connection) from exc

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
