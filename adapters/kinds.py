"""The kinds of record the canonical API has, declared once: their model, their plural,
the record they belong to, and the operations that list, read and write them.

Everything that goes kind by kind derives from ``KINDS``: field mappings (which kinds
an adapter's mapping may address), change events (``customer.created``…, and which
write makes which event), the poller (what it scans, how it reads one record again),
the audit's action names and the config's ``changes.resources``. A new kind is one
entry here (and its model, operations and routes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from adapters.operations import Operation
from schemas import Contact, Customer, Item

Kind = Literal["customer", "contact", "item"]
CHANGES = ("created", "updated", "deleted")


@dataclass(frozen=True, slots=True)
class ResourceKind:
    name: Kind
    plural: str  # in paths and in ``changes.resources``
    model: type[BaseModel]
    list: Operation  # lists them (a child kind: those of one parent)
    get: Operation
    scope: str = ""  # the family of API-key scopes it falls under: <scope>:read, :write...
    parent: Kind | None = None  # a contact belongs to a customer
    # writes and the change each one makes (an action such as verify is an update)
    writes: tuple[tuple[Operation, str], ...] = ()

    @property
    def events(self) -> tuple[str, ...]:
        return tuple(f"{self.name}.{change}" for change in CHANGES)

    @property
    def operations(self) -> frozenset[Operation]:
        """Listing, reading and every write: what an adapter offering the kind in full
        declares among its capabilities."""
        return frozenset({self.list, self.get, *(op for op, _ in self.writes)})


def plain_writes(
    create: Operation, update: Operation, delete: Operation
) -> tuple[tuple[Operation, str], ...]:
    """A kind's create, update and delete, each with the change it makes."""
    return tuple(zip((create, update, delete), CHANGES, strict=True))


KINDS: dict[Kind, ResourceKind] = {
    kind.name: kind
    for kind in (
        ResourceKind(
            "customer",
            "customers",
            Customer,
            Operation.LIST_CUSTOMERS,
            Operation.GET_CUSTOMER,
            scope="customers",
            writes=plain_writes(
                Operation.CREATE_CUSTOMER, Operation.UPDATE_CUSTOMER, Operation.DELETE_CUSTOMER
            ),
        ),
        ResourceKind(
            "contact",
            "contacts",
            Contact,
            Operation.LIST_CONTACTS,
            Operation.GET_CONTACT,
            scope="customers",
            parent="customer",
            writes=plain_writes(
                Operation.CREATE_CONTACT, Operation.UPDATE_CONTACT, Operation.DELETE_CONTACT
            ),
        ),
        ResourceKind(
            "item",
            "items",
            Item,
            Operation.LIST_ITEMS,
            Operation.GET_ITEM,
            scope="items",
            writes=(
                *plain_writes(Operation.CREATE_ITEM, Operation.UPDATE_ITEM, Operation.DELETE_ITEM),
                (Operation.DUPLICATE_ITEM, "created"),
                (Operation.VERIFY_ITEM, "updated"),
            ),
        ),
    )
}
EVENT_TYPES = tuple(event for kind in KINDS.values() for event in kind.events)
# Each write operation: the kind it writes and the change it makes.
WRITE_EVENTS: dict[Operation, tuple[Kind, str]] = {
    op: (kind.name, change) for kind in KINDS.values() for op, change in kind.writes
}
PLURALS: dict[str, Kind] = {kind.plural: kind.name for kind in KINDS.values()}
