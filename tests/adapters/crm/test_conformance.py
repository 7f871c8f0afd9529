"""The CRM against the adapter conformance suite (adapters/testing/): what its class
declares is checked; these samples say what only its docs tell
(upstream-docs/crm-customers.txt)."""

from __future__ import annotations

import copy
from typing import Any

from adapters.field_mapping import Kind
from adapters.sandbox.console import Console
from adapters.testing import ConsoleEdits, Refusal, Samples, Shape, suite


class EmbeddedContacts:
    """The CRM keeps a customer's contacts inside it: its UI edits the customer's list."""

    def _owner(self, console: Console, key: str) -> tuple[str, list[dict[str, Any]]]:
        for customer_id, customer in console.collections["customer"].records.items():
            if any(c["id"] == key for c in customer["contacts"]):
                return customer_id, copy.deepcopy(customer["contacts"])
        raise KeyError(key)

    def update(self, console: Console, kind: Kind, key: str) -> list[str]:
        owner, contacts = self._owner(console, key)
        for contact in contacts:
            if contact["id"] == key:
                contact["title"] = "Head of Procurement"
        console.update("customer", owner, {"contacts": contacts})
        return ["title"]

    def create(self, console: Console, kind: Kind, like: str) -> str:
        owner, contacts = self._owner(console, like)
        made = {**next(c for c in contacts if c["id"] == like), "id": "cont_900"}
        console.update("customer", owner, {"contacts": [*contacts, made]})
        return "cont_900"

    def delete(self, console: Console, kind: Kind, key: str) -> None:
        owner, contacts = self._owner(console, key)
        console.update("customer", owner, {"contacts": [c for c in contacts if c["id"] != key]})


CUSTOMER_CUSTOM = ("custom_fields",)  # the tenant's own fields
SAMPLES = Samples(
    refusals=[
        Refusal("POST", "/v1/customers", {"name": "X", "email": "not-an-email"}, 422, "email", 422)
    ],
    custom_fields={"customer": "custom_fields.segment", "contact": "social.linkedin"},
    shapes=[
        Shape("customer", "list", "list_customers", "data.0", CUSTOMER_CUSTOM),
        Shape("customer", "single", "get_customer", "data", CUSTOMER_CUSTOM),
    ],
    changes={
        "customer": ConsoleEdits({"phone": "+1 555 0100"}, ["phone"]),
        "contact": EmbeddedContacts(),
    },
)

TestConformance = suite("crm", SAMPLES)
