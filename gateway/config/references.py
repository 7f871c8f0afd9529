"""Problems between a config's sections, which field validators cannot see: connection
names that name none (with the name probably meant), and names or keys given twice.
Read from the config's data as written (``${VAR}`` expanded), not from a validated
``Config``, so they are found in the same run as every field's problems."""

from __future__ import annotations

import fnmatch
import hashlib
import re
from collections.abc import Mapping
from typing import Any, TypeGuard

from adapters import ADAPTERS
from adapters.field_mapping import MappingProblems
from kernel.wording import did_you_mean, in_words, quoted


def reference_problems(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Problems between sections, which field validators cannot see: connection names
    that name none (with the name probably meant), and names or keys given twice. Read
    from the config's data as written (``${VAR}`` expanded), not from a validated
    ``Config``, so they are found in the same run as every field's problems; a value of
    the wrong shape is skipped here (its field reports it)."""
    connections = data.get("connections")
    names = sorted(n for n in connections if isinstance(n, str)) if _is_map(connections) else []
    problems = []
    server = data.get("server")
    default = server.get("default_connection") if _is_map(server) else None
    if isinstance(default, str) and default not in names:
        problems.append(("server.default_connection", _no_connection(default, names)))
    problems += _unique_names("api_keys", "API key", data.get("api_keys"))
    digests: dict[str, str] = {}
    for i, key in _maps(data.get("api_keys")):
        for j, name in _entries(key.get("connections")):
            if isinstance(name, str) and name != "*" and name not in names:
                problems.append((f"api_keys.{i}.connections.{j}", _no_connection(name, names)))
        digest = _digest(key)
        if digest is not None and digest in digests:
            problems.append((f"api_keys.{i}", f"same key as {digests[digest]!r}"))
        elif digest is not None:
            digests[digest] = str(key.get("name"))
    problems += _unique_names("webhooks", "webhook", data.get("webhooks"))
    for i, hook in _maps(data.get("webhooks")):
        for j, pattern in _entries(hook.get("connections")):
            if isinstance(pattern, str) and not any(fnmatch.fnmatchcase(n, pattern) for n in names):
                problems.append((f"webhooks.{i}.connections.{j}", _no_connection(pattern, names)))
    for name, connection in connections.items() if _is_map(connections) else ():
        if not _is_map(connection):
            continue
        mapping, adapter = connection.get("field_mapping"), connection.get("adapter")
        if not isinstance(adapter, str) or adapter not in ADAPTERS:
            continue
        if not _is_map(mapping) or not _well_formed(mapping):
            continue
        try:
            ADAPTERS[adapter].compile_mapping(str(name), mapping)
        except MappingProblems as exc:
            where = f"connections.{name}.field_mapping"
            problems += [(f"{where}.{path}", message) for path, message in exc.problems]
    return problems


def _no_connection(name: str, names: list[str]) -> str:
    """``no connection named 'shopp'; did you mean 'shop'?``, else the names there are."""
    if len(names) > 1:
        there = f"the connections are {in_words(quoted(names), 'and')}"
    else:
        there = f"the only connection is {names[0]!r}" if names else "there are none"
    if any(c in name for c in "*?["):
        return f"no connection matches {name!r}; {there}"
    return f"no connection named {name!r}" + (did_you_mean(name, names) or f"; {there}")


def _unique_names(section: str, what: str, items: Any) -> list[tuple[str, str]]:
    first: dict[str, int] = {}
    problems = []
    for i, item in _maps(items):
        name = item.get("name")
        if not isinstance(name, str):
            continue
        if name in first:
            said = f"a second {what} named {name!r} ({section}.{first[name]} is the first)"
            problems.append((f"{section}.{i}.name", said + "; names must be unique"))
        first.setdefault(name, i)
    return problems


def _digest(key: Mapping[str, Any]) -> str | None:
    """The sha256 a key's bearer token hashes to, from ``key`` or ``key_sha256``."""
    secret, digest = key.get("key"), key.get("key_sha256")
    if isinstance(secret, str) and secret and digest is None:
        return hashlib.sha256(secret.encode()).hexdigest()
    if isinstance(digest, str) and secret is None and re.fullmatch(r"[0-9a-fA-F]{64}", digest):
        return digest.lower()
    return None


def _entries(items: Any) -> list[tuple[int, Any]]:
    """The (index, item) pairs of a list (none for anything else)."""
    return list(enumerate(items)) if isinstance(items, list) else []


def _maps(items: Any) -> list[tuple[int, Mapping[str, Any]]]:
    """The (index, item) pairs of a list's mappings."""
    return [(i, item) for i, item in _entries(items) if _is_map(item)]


def _is_map(value: Any) -> TypeGuard[Mapping[str, Any]]:
    return isinstance(value, Mapping)


def _well_formed(mapping: Mapping[str, Any]) -> bool:
    """A field mapping as its model takes it: kind -> {target: non-empty text}."""
    return all(
        _is_map(fields) and all(isinstance(v, str) and v for v in fields.values())
        for fields in mapping.values()
    )
