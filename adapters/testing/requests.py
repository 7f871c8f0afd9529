"""Each adapter operation as the canonical API serves it (API.md section 3).

``{customer}``, ``{contact}``, ``{item}`` and ``{code}`` in a path stand for records of
the connection; a body names the ``Samples`` field it is taken from. A test of the
test tree checks every path here against the gateway's declared endpoints, so this
table cannot drift from the routes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from adapters.operations import Operation
from adapters.testing.samples import Samples


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: str | None = None  # the ``Samples`` attribute holding the body
    params: Mapping[str, str] = field(default_factory=dict)

    def body_of(self, samples: Samples) -> Mapping[str, Any] | None:
        return getattr(samples, self.body) if self.body else None

    def path_for(self, **ids: str) -> str:
        return self.path.format(**ids)


CUSTOMER = "/v1/customers/{customer}"
CONTACT = f"{CUSTOMER}/contacts/{{contact}}"
ITEM = "/v1/items/{item}"

REQUESTS: Mapping[Operation, Request] = {
    Operation.LIST_CUSTOMERS: Request("GET", "/v1/customers"),
    Operation.GET_CUSTOMER: Request("GET", CUSTOMER),
    Operation.GET_CUSTOMER_BY_CODE: Request("GET", "/v1/customers/by-code/{code}"),
    Operation.CREATE_CUSTOMER: Request("POST", "/v1/customers", "customer"),
    Operation.UPDATE_CUSTOMER: Request("PATCH", CUSTOMER, "customer_patch"),
    Operation.DELETE_CUSTOMER: Request("DELETE", CUSTOMER),
    Operation.LIST_CONTACTS: Request("GET", f"{CUSTOMER}/contacts"),
    Operation.GET_CONTACT: Request("GET", CONTACT),
    Operation.CREATE_CONTACT: Request("POST", f"{CUSTOMER}/contacts", "contact"),
    Operation.UPDATE_CONTACT: Request("PATCH", CONTACT, "contact_patch"),
    Operation.DELETE_CONTACT: Request("DELETE", CONTACT),
    Operation.LIST_ORDERS: Request("GET", f"{CUSTOMER}/orders"),
    Operation.GET_ANALYTICS: Request("GET", f"{CUSTOMER}/analytics", params={"period": "all"}),
    Operation.CREDIT_CHECK: Request("POST", f"{CUSTOMER}/credit-check"),
    Operation.LIST_ITEMS: Request("GET", "/v1/items"),
    Operation.SEARCH_ITEMS: Request("GET", "/v1/items/search", params={"q": "a"}),
    Operation.GET_ITEM: Request("GET", ITEM),
    Operation.CREATE_ITEM: Request("POST", "/v1/items", "item"),
    Operation.UPDATE_ITEM: Request("PATCH", ITEM, "item_patch"),
    Operation.DELETE_ITEM: Request("DELETE", ITEM),
    Operation.DUPLICATE_ITEM: Request("POST", f"{ITEM}/duplicate"),
    Operation.VERIFY_ITEM: Request("POST", f"{ITEM}/verify"),
    Operation.LIST_PENDING_CHANGES: Request("GET", f"{ITEM}/pending-changes"),
    Operation.LIST_DOCUMENTS: Request("GET", f"{ITEM}/documents"),
}
