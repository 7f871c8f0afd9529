"""Canonical resources of the contract (API.md sections 2, 4 and 5).

Response models (``Customer``, ``Contact``, ``Item``) are what every adapter maps to;
input models (``*Create``, ``*Patch``) are what clients send, validated at the edge.
They are never subclassed per upstream: upstream-only fields live under ``extra``.
"""

from schemas.address import Address
from schemas.analytics import CreditCheck, CustomerAnalytics, Period
from schemas.contact import Contact, ContactCreate, ContactPatch
from schemas.customer import Customer, CustomerCreate, CustomerPatch, CustomerSortKey
from schemas.error import ErrorBody, ErrorDetail, ErrorEnvelope
from schemas.item import (
    ChangeStatus,
    Document,
    Item,
    ItemCreate,
    ItemPatch,
    ItemSortKey,
    ItemStatus,
    PendingChange,
)
from schemas.order import Order
from schemas.page import Page, PageMeta

__all__ = [
    "Address",
    "ChangeStatus",
    "Contact",
    "ContactCreate",
    "ContactPatch",
    "CreditCheck",
    "Customer",
    "CustomerAnalytics",
    "CustomerCreate",
    "CustomerPatch",
    "CustomerSortKey",
    "Document",
    "ErrorBody",
    "ErrorDetail",
    "ErrorEnvelope",
    "Item",
    "ItemCreate",
    "ItemPatch",
    "ItemSortKey",
    "ItemStatus",
    "Order",
    "Page",
    "PageMeta",
    "PendingChange",
    "Period",
]
