"""What an adapter's opt-in tells the suite that its class cannot: data about its upstream.

The class declares what the adapter does (adapters/testing/declared.py); ``Samples``
gives what only someone who read the upstream's docs knows: bodies the upstream takes,
requests it refuses (and the canonical error each must become), a key the tenant keeps
that the adapter does not map (for field mapping), how an upstream user edits each
kind of record in the simulator's console, and the docs' examples whose keys answers
must show. Every default is a body any upstream with that resource should take.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from adapters.field_mapping import Kind
from adapters.sandbox.console import Console

# One change event as the suite compares them: (type, remote ID, changed_fields).
Change = tuple[str, str, list[str] | None]


@dataclass(frozen=True)
class Refusal:
    """A request the upstream refuses, and the canonical error the gateway answers."""

    method: str
    path: str  # canonical, ``{connection}`` standing for the connection's name
    body: Mapping[str, Any] | None
    status: int  # 409 or 422
    field: str | None  # the canonical field its details name (None: they name none)
    upstream_status: int | None = None  # the upstream's own status, as the error tells it


@dataclass(frozen=True)
class Shape:
    """A docs' example record whose keys the upstream's answers show: read through the
    gateway with ``include_remote_data=true``, each row's (or single read's) raw object
    has exactly the example's keys, less the tenant's own ``custom`` keys."""

    kind: Literal["customer", "item"]
    read: Literal["list", "single"]
    example: str  # a fixture of the adapter: adapters/<name>/fixtures/<example>.json
    at: str = ""  # dot path to the record in it, e.g. ``data.0`` or ``data``
    custom: tuple[str, ...] = ()  # keys the tenant keeps beyond the docs
    beyond: tuple[str, ...] = ()  # keys every such answer has that the example lacks
    renamed: Mapping[str, str] = field(default_factory=dict)  # this API version's names


class Edits(Protocol):
    """Changes an upstream user makes in its own UI (the simulator's console) to
    records of one kind, named by their remote IDs as the gateway lists them."""

    def update(self, console: Console, kind: Kind, key: str) -> list[str]:
        """Change record ``key``; answer the canonical fields that changed."""
        ...

    def create(self, console: Console, kind: Kind, like: str) -> str:
        """Make a record like ``like``; answer its remote ID."""
        ...

    def delete(self, console: Console, kind: Kind, key: str) -> None: ...


@dataclass(frozen=True)
class ConsoleEdits:
    """``Edits`` of a kind the console holds as its own collection: ``update`` sets
    upstream fields (``changed``: the canonical fields that moves); a new record is a
    copy of another with ``create`` over it (the fields an upstream keeps unique)."""

    update_fields: Mapping[str, Any]
    changed: Sequence[str]
    unique: Mapping[str, Any] = field(default_factory=dict)

    def update(self, console: Console, kind: Kind, key: str) -> list[str]:
        console.update(kind, key, copy.deepcopy(dict(self.update_fields)))
        return sorted(self.changed)

    def create(self, console: Console, kind: Kind, like: str) -> str:
        where = console.collections[kind]
        record = copy.deepcopy(where.records[where.key(like)])
        return str(console.create(kind, {**record, **copy.deepcopy(dict(self.unique))}))

    def delete(self, console: Console, kind: Kind, key: str) -> None:
        console.delete(kind, key)


@dataclass(frozen=True)
class Samples:
    """The upstream data the suite needs (module docstring); bodies are canonical."""

    customer: Mapping[str, Any] = field(
        default_factory=lambda: {"name": "Conformance Test Company"}
    )
    customer_patch: Mapping[str, Any] = field(
        default_factory=lambda: {"name": "Conformance Renamed Company"}
    )
    contact: Mapping[str, Any] = field(
        default_factory=lambda: {"name": "Casey Conformance", "email": "casey@conformance.test"}
    )
    contact_patch: Mapping[str, Any] = field(default_factory=lambda: {"name": "Casey Renamed"})
    item: Mapping[str, Any] = field(
        default_factory=lambda: {"code": "CONF-001", "description": "Conformance item"}
    )
    item_patch: Mapping[str, Any] = field(
        default_factory=lambda: {"description": "Conformance item, renamed"}
    )
    refusals: Sequence[Refusal] = ()
    custom_fields: Mapping[Kind, str] = field(default_factory=dict)  # kind -> upstream path
    changes: Mapping[Kind, Edits] = field(default_factory=dict)
    shapes: Sequence[Shape] = ()
    # the connection's auth, as config YAML (a flow mapping)
    auth: str = "{type: bearer, token: conformance-upstream-token}"
    # how the upstream answers when it rate-limits (the suite adds Retry-After)
    rate_limit_body: Mapping[str, Any] = field(
        default_factory=lambda: {"message": "Too Many Requests"}
    )
