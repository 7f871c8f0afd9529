"""Config text read as YAML events before anything is built from it: bounded, and its
duplicate keys found.

One pass over the parser's events (time linear in the text, nothing expanded) refuses
what would make loading a config expensive, and finds what a loader would silently
drop:

- more than ``MAX_CONFIG_BYTES``, or collections nested deeper than ``MAX_DEPTH``;
- anchors and aliases are ordinary YAML (``<<: *defaults`` merge keys, and what
  ``yaml.safe_dump`` writes for a shared value), but a "billion laughs" document
  expands its aliases exponentially. Expansion is bounded as Kubernetes bounds it
  since CVE-2019-11253: at most ``MAX_ALIASES`` aliases, at most ``MAX_ALIAS_NODES``
  nodes added by expanding them (each alias counts the nodes its anchor holds, its
  own aliases expanded), and the expanded document no deeper than ``MAX_DEPTH``. The
  alias that crosses a bound is named by its line;
- a key written twice in one mapping (two ``shop:`` under ``connections:``) is a
  problem at the second key's line, not "the last one wins".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ruamel.yaml import YAML
from ruamel.yaml.error import StreamMark, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
)

from gateway.config.model import ConfigError
from gateway.http.nesting import MAX_DEPTH, flow_depth

MAX_CONFIG_BYTES = 1_048_576
MAX_ALIASES = 1_000
MAX_ALIAS_NODES = 50_000

Located = tuple[str, str, tuple[int, int] | None]


@dataclass
class _Anchored:
    nodes: int  # nodes of the anchored value, its own aliases expanded
    depth: int  # its expanded nesting (0 for a scalar)


@dataclass
class _Collection:
    path: str
    anchor: str | None
    mapping: bool
    nodes: int = 1
    depth: int = 1
    items: int = 0  # nodes read directly inside (a mapping's keys and values alternate)
    keys: dict[str, int] = field(default_factory=dict)  # key -> line written first
    key: str | None = None  # the key whose value comes next

    def child_path(self) -> str:
        part = (self.key or "") if self.mapping else str(self.items)
        return f"{self.path}.{part}" if self.path else part


def guard_yaml(text: str) -> None:
    """Raise ``ConfigError`` for text that is not YAML, is too large, nests too deep,
    expands its aliases past the bounds, or writes a key twice in one mapping (every
    such key, each at its line)."""
    if duplicates := scan_yaml(text):
        raise ConfigError(
            [(where, message) for where, message, _ in duplicates],
            [position for _, _, position in duplicates],
        )


def scan_yaml(text: str) -> list[Located]:
    """``guard_yaml``'s checks; duplicate keys are returned as problems (path, message,
    line and column) rather than raised, so a caller can report them with the rest."""
    if len(text) > MAX_CONFIG_BYTES:
        raise ConfigError([("", f"the config is larger than {MAX_CONFIG_BYTES} bytes")])
    if flow_depth(text) > MAX_DEPTH:  # ruamel's scanner is slow on deep flow nesting
        raise ConfigError([("", f"the config nests deeper than {MAX_DEPTH} levels")])
    try:
        return _Scan().run(text)
    except YAMLError as exc:
        raise not_yaml(exc) from exc


def not_yaml(exc: YAMLError) -> ConfigError:
    """A YAML syntax error as one problem at its line and column."""
    mark = getattr(exc, "problem_mark", None)
    said = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"not valid YAML: {said}" + (f" ({context})" if context else "")
    return ConfigError([("", message)], [_at(mark)])


class _Scan:
    def __init__(self) -> None:
        self.open: list[_Collection] = []
        self.anchors: dict[str, _Anchored] = {}
        self.aliases = 0
        self.alias_nodes = 0
        self.duplicates: list[Located] = []

    def run(self, text: str) -> list[Located]:
        for event in YAML(typ="safe", pure=True).parse(text):
            if isinstance(event, CollectionEndEvent):
                self._close()
            elif isinstance(event, NodeEvent):
                self._node(event)
        return self.duplicates

    def _node(self, event: NodeEvent) -> None:
        parent = self.open[-1] if self.open else None
        if parent is not None and parent.mapping and parent.items % 2 == 0:
            self._key(parent, event)
        if isinstance(event, CollectionStartEvent):
            if len(self.open) >= MAX_DEPTH:
                raise ConfigError([("", f"the config nests deeper than {MAX_DEPTH} levels")])
            path = parent.child_path() if parent is not None else ""
            mapping = isinstance(event, MappingStartEvent)
            self.open.append(_Collection(path, event.anchor, mapping))
            return
        if isinstance(event, AliasEvent):
            value = self._alias(event)
        else:
            value = _Anchored(1, 0)
            if event.anchor is not None:
                self.anchors[event.anchor] = value
        self._add(value)

    def _key(self, mapping: _Collection, event: NodeEvent) -> None:
        if not isinstance(event, ScalarEvent):
            mapping.key = None  # a collection or an alias as a key: never a config's
            return
        key = mapping.key = event.value
        first = mapping.keys.get(key)
        if first is None:
            mapping.keys[key] = _line(event.start_mark)
            return
        where = f"{mapping.path}.{key}" if mapping.path else key
        said = f"{key!r} is written twice in this mapping (first on line {first}); keep one"
        self.duplicates.append((where, said, _at(event.start_mark)))

    def _alias(self, event: AliasEvent) -> _Anchored:
        anchored = self.anchors.get(event.anchor or "")
        if anchored is None:
            return _Anchored(1, 0)  # an undefined alias: the loader reports it, placed
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            self._refuse(event, f"more than {MAX_ALIASES} aliases")
        self.alias_nodes += anchored.nodes
        if self.alias_nodes > MAX_ALIAS_NODES:
            self._refuse(event, f"its aliases expand to more than {MAX_ALIAS_NODES} values")
        if len(self.open) + anchored.depth > MAX_DEPTH:
            self._refuse(event, f"its aliases expand deeper than {MAX_DEPTH} levels")
        return anchored

    def _add(self, value: _Anchored) -> None:
        """Count a node read (a scalar, an expanded alias, a closed collection) in the
        collection it is read in."""
        if self.open:
            parent = self.open[-1]
            parent.nodes += value.nodes
            parent.depth = max(parent.depth, value.depth + 1)
            parent.items += 1

    def _close(self) -> None:
        done = self.open.pop()
        value = _Anchored(done.nodes, done.depth)
        if done.anchor is not None:
            self.anchors[done.anchor] = value
        self._add(value)

    @staticmethod
    def _refuse(event: AliasEvent, why: str) -> None:
        message = (
            f"refused: {why}, more than a config ever needs (an alias bomb?); write the "
            "values out, or alias fewer"
        )
        raise ConfigError([("", message)], [_at(event.start_mark)])


def _line(mark: StreamMark | None) -> int:
    return mark.line + 1 if mark is not None else 0


def _at(mark: StreamMark | None) -> tuple[int, int] | None:
    return (mark.line + 1, mark.column + 1) if mark is not None else None
