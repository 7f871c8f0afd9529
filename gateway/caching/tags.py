"""Cache tags: what a read depends on and a write invalidates, spelled in one place.

A list depends on its collection's tag, a single read (and everything under it:
contacts, orders, analytics, pending changes) on its resource's tag. A create changes
the collection; an update or delete changes the collection and the resource.
"""

from __future__ import annotations

CUSTOMERS = "customers"
ITEMS = "items"


def customer(remote_id: str) -> str:
    return f"customer:{remote_id}"


def item(remote_id: str) -> str:
    return f"item:{remote_id}"
