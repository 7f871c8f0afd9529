"""Field mapping: admin-configured upstream fields in the canonical resource (API.md §10).

A connection's ``field_mapping`` says, per kind (``customer``, ``contact``, ``item``),
``target: source``: the target a canonical field name or ``extra.<name>``, the source
a dot path into the upstream object (``a.b``; a segment of digits is a list index,
``a.0.b``). ``FieldMapping.compile`` checks it against the adapter once, at config
time, and every problem names its config path; the compiled mapping is then applied
by the adapter at each place it converts an upstream object:

- reads (``read``): the value at the path replaces the adapter's own (absent = null);
  a canonical target is validated as its field's type, a value that does not fit is
  null and logged (a required field keeps the adapter's value instead).
- writes (``split`` then ``place``): mapped targets are taken out of the client's
  fields before the adapter's own body builder sees them (so a mapped ``extra`` key is
  accepted and a mapped canonical field is not also written where the adapter would
  write it), then put back at their paths, creating intermediate objects and lists.
  On an update a nested path is written into the current value of its top key, which
  is sent whole: sibling fields an upstream would replace with the object survive.

Paths are a few lines here rather than glom or dpath: both treat a digit segment as a
dict key or a list index by guesswork, and neither says "absent" apart from "null".
"""

from __future__ import annotations

import copy
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar

import structlog
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from adapters.kinds import KINDS as RESOURCE_KINDS
from adapters.kinds import Kind as Kind
from schemas import Contact

KINDS: tuple[Kind, ...] = tuple(RESOURCE_KINDS)
RESOURCES: Mapping[Kind, type[BaseModel]] = {k.name: k.model for k in RESOURCE_KINDS.values()}
# Fields that say which record this is or hold other resources: never mapped.
IDENTITY = frozenset(
    {"id", "connection", "remote_id", "customer_id", "contacts", "documents", "pending_changes"}
)
NOT_TARGETS = IDENTITY | {"extra", "remote_data"}
EXTRA_PREFIX = "extra."
MAX_SEGMENTS = 8
SEGMENT = re.compile(r"[^.\s]{1,100}")
EXTRA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
INDEX = re.compile(r"0|[1-9][0-9]{0,5}")
MISSING: Any = object()
# What an adapter writes for each canonical field: kind -> target -> upstream top keys.
WrittenKeys = Mapping[str, Mapping[str, tuple[str, ...]]]

log = structlog.get_logger("gateway.field_mapping")
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Path:
    """A dot path into an upstream object."""

    text: str
    segments: tuple[str | int, ...]

    @classmethod
    def parse(cls, text: str) -> Path:
        """The path ``text``, or ``ValueError`` saying what is wrong with it."""
        parts = text.split(".")
        if len(parts) > MAX_SEGMENTS:
            raise ValueError(f"a path has at most {MAX_SEGMENTS} segments")
        segments: list[str | int] = []
        for part in parts:
            if not SEGMENT.fullmatch(part):
                raise ValueError(
                    "not a dot path: segments are non-empty, without spaces (e.g. 'a.b', 'a.0.b')"
                )
            segments.append(int(part) if INDEX.fullmatch(part) else part)
        if isinstance(segments[0], int):
            raise ValueError("a path starts with a field name, not a list index")
        return cls(text, tuple(segments))

    @property
    def top(self) -> str:
        return str(self.segments[0])

    def get(self, raw: Any) -> Any:
        """The value at this path in ``raw``, or ``MISSING``."""
        node = raw
        for segment in self.segments:
            if isinstance(segment, int) and isinstance(node, list):
                if segment >= len(node):
                    return MISSING
                node = node[segment]
            elif isinstance(node, Mapping) and str(segment) in node:
                node = node[str(segment)]
            else:
                return MISSING
        return node

    def put(self, body: dict[str, Any], value: Any) -> None:
        """Set ``value`` at this path in ``body``, creating what is missing on the way
        (an object, or a list for an index; a list too short is padded with null)."""
        node: Any = body
        for segment, following in zip(self.segments, (*self.segments[1:], None), strict=True):
            if following is None:
                _assign(node, segment, value)
                return
            child = _child(node, segment)
            if not isinstance(child, list if isinstance(following, int) else dict):
                child = [] if isinstance(following, int) else {}
                _assign(node, segment, child)
            node = child

    def starts(self, other: Path) -> bool:
        """Whether this path is a proper prefix of ``other``."""
        return (
            len(self.segments) < len(other.segments)
            and other.segments[: len(self.segments)] == self.segments
        )


def _child(node: Any, segment: str | int) -> Any:
    if isinstance(node, list):
        assert isinstance(segment, int)
        return node[segment] if segment < len(node) else None
    return node.get(str(segment))


def _assign(node: Any, segment: str | int, value: Any) -> None:
    if isinstance(node, list):
        assert isinstance(segment, int)
        node.extend([None] * (segment + 1 - len(node)))
        node[segment] = value
    else:
        node[str(segment)] = value


@dataclass(frozen=True, slots=True)
class Entry:
    """One ``target: source`` of a kind."""

    target: str
    path: Path

    @property
    def extra_key(self) -> str | None:
        """The ``extra`` key of an ``extra.<name>`` target, else ``None``."""
        return (
            self.target.removeprefix(EXTRA_PREFIX) if self.target.startswith(EXTRA_PREFIX) else None
        )


Writes = list[tuple[Path, Any]]


@dataclass(frozen=True)
class FieldMapping:
    """A connection's compiled mapping; empty (and free) when none is configured."""

    connection: str = ""
    entries: Mapping[Kind, tuple[Entry, ...]] = field(default_factory=dict)

    @classmethod
    def compile(
        cls,
        connection: str,
        config: Mapping[str, Mapping[str, str]],
        kinds: Iterable[Kind],
        written: WrittenKeys,
    ) -> FieldMapping:
        """The mapping for ``connection``, or ``MappingProblems`` naming each problem by
        its path under ``field_mapping`` (``customer.extra.segment``)."""
        problems: list[tuple[str, str]] = []
        entries: dict[Kind, tuple[Entry, ...]] = {}
        supported = tuple(kinds)
        for kind, targets in config.items():
            if kind not in supported:
                problems.append(
                    (kind, f"this adapter has no {kind} records; it maps {', '.join(supported)}")
                )
                continue
            found = _entries(kind, targets, written.get(kind, {}), problems)
            if found:
                entries[kind] = found
        if problems:
            raise MappingProblems(problems)
        return cls(connection, entries)

    def targets(self, kind: Kind) -> dict[str, str]:
        """``{target: source}`` of ``kind``, as configured."""
        return {e.target: e.path.text for e in self.entries.get(kind, ())}

    def overrides(self, kind: Kind, name: str) -> bool:
        """Whether canonical field ``name`` of ``kind`` is read from a mapped path."""
        return any(e.target == name for e in self.entries.get(kind, ()))

    # Reads ----------------------------------------------------------------------------

    def read(self, kind: Kind, model: M, raw: Mapping[str, Any]) -> M:
        """``model`` (converted by the adapter from ``raw``) with the mapped values; a
        customer's nested contacts are mapped from ``raw["contacts"]``."""
        if not self.entries:
            return model
        update: dict[str, Any] = {}
        entries = self.entries.get(kind, ())
        if entries:
            extra = dict(getattr(model, "extra", {}))
            for entry in entries:
                value = entry.path.get(raw)
                value = None if value is MISSING else value
                if entry.extra_key is not None:
                    extra[entry.extra_key] = value
                else:
                    coerced = self._coerce(kind, entry, value)
                    if coerced is not MISSING:
                        update[entry.target] = coerced
            update["extra"] = extra
        contacts = getattr(model, "contacts", None)
        if kind == "customer" and contacts and "contact" in self.entries:
            update["contacts"] = self._nested_contacts(contacts, raw.get("contacts"))
        return model.model_copy(update=update) if update else model

    def read_all(self, kind: Kind, models: list[M], raws: Sequence[Mapping[str, Any]]) -> list[M]:
        """``read`` for each model of a page and the upstream row it came from."""
        if not self.entries:
            return models
        return [self.read(kind, m, raw) for m, raw in zip(models, raws, strict=True)]

    def _nested_contacts(self, contacts: list[Contact], raws: Any) -> list[Contact]:
        by_id = {
            str(r["id"]): r
            for r in raws or ()
            if isinstance(r, Mapping) and r.get("id") is not None
        }
        return [self.read("contact", c, by_id.get(c.id.partition(":")[2], {})) for c in contacts]

    def _coerce(self, kind: Kind, entry: Entry, value: Any) -> Any:
        resource = RESOURCES[kind]
        info = resource.model_fields[entry.target]
        try:
            return _validator(resource, entry.target).validate_python(value)
        except ValidationError:
            log.warning(
                "field_mapping_mismatch",
                connection=self.connection,
                target=f"{kind}.{entry.target}",
                source=entry.path.text,
                expected=str(info.annotation),
            )
            return MISSING if info.is_required() else None

    # Writes ---------------------------------------------------------------------------

    def split(self, kind: Kind, fields: Mapping[str, Any]) -> tuple[dict[str, Any], Writes]:
        """``(fields the adapter writes itself, (path, value) to write for the mapping)``
        from the fields a client set."""
        entries = self.entries.get(kind)
        if not entries:
            return dict(fields), []
        own = dict(fields)
        extra = dict(own["extra"]) if isinstance(own.get("extra"), dict) else None
        writes: Writes = []
        for entry in entries:
            if entry.extra_key is not None:
                if extra is not None and entry.extra_key in extra:
                    writes.append((entry.path, extra.pop(entry.extra_key)))
            elif entry.target in own:
                writes.append((entry.path, own.pop(entry.target)))
        if extra is not None:
            own["extra"] = extra
        return own, writes

    @staticmethod
    async def place(
        body: dict[str, Any],
        writes: Writes,
        current: Callable[[], Awaitable[Mapping[str, Any]]] | None = None,
    ) -> dict[str, Any]:
        """``body`` with ``writes`` at their paths. A nested path starts from the top
        key's value in ``current()`` (the upstream object, read only when needed), so the
        top key is sent whole; a create passes no ``current``."""
        if not writes:
            return body
        base: Mapping[str, Any] = {}
        if current is not None and any(len(p.segments) > 1 for p, _ in writes):
            base = await current()
        for path, value in writes:
            if len(path.segments) > 1 and path.top not in body and path.top in base:
                body[path.top] = copy.deepcopy(base[path.top])
            path.put(body, value)
        return body


class MappingProblems(ValueError):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p}: {m}" for p, m in problems))


def targets_of(kind: Kind) -> list[str]:
    """The canonical fields of ``kind`` a mapping may target (besides ``extra.<name>``)."""
    resource = RESOURCES[kind]
    return [name for name in resource.model_fields if name not in NOT_TARGETS]


def _entries(
    kind: Kind,
    targets: Mapping[str, str],
    written: Mapping[str, tuple[str, ...]],
    problems: list[tuple[str, str]],
) -> tuple[Entry, ...]:
    allowed = targets_of(kind)
    found: list[Entry] = []
    for target, source in targets.items():
        where = f"{kind}.{target}"
        if target.startswith(EXTRA_PREFIX):
            if not EXTRA_NAME.fullmatch(target.removeprefix(EXTRA_PREFIX)):
                problems.append((where, "an extra key is a name of letters, digits and '_'"))
                continue
        elif target not in allowed:
            hint = " (it identifies the record)" if target in NOT_TARGETS else ""
            problems.append(
                (
                    where,
                    f"not a {kind} field{hint}; a target is extra.<name> or one of "
                    + ", ".join(allowed),
                )
            )
            continue
        try:
            found.append(Entry(target, Path.parse(source)))
        except ValueError as exc:
            problems.append((where, f"{source!r}: {exc}"))
    mapped = {e.target for e in found}
    for index, entry in enumerate(found):
        where = f"{kind}.{entry.target}"
        for other in found[:index]:
            if other.path == entry.path:
                problems.append(
                    (where, f"{entry.path.text!r} is already the source of {other.target}")
                )
        for other in found:
            if other.path.starts(entry.path):
                problems.append(
                    (where, f"{entry.path.text!r} is inside {other.target}'s {other.path.text!r}")
                )
        owners = [
            name
            for name, keys in written.items()
            if entry.path.top in keys and name != entry.target and name not in mapped
        ]
        if owners:
            problems.append(
                (
                    where,
                    f"{entry.path.top!r} is where the adapter writes {owners[0]}; "
                    "map that field too, or choose another path",
                )
            )
    return tuple(found)


@cache
def _validator(resource: type[BaseModel], name: str) -> TypeAdapter[Any]:
    annotation: Any = resource.model_fields[name].annotation
    return TypeAdapter(annotation, config=ConfigDict(coerce_numbers_to_str=True))
