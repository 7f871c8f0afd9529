"""What a config change changed, as the audit log records it (API.md section 11).

- ``changed_fields``: config paths, list entries named by their ``name``
  (``api_keys[reporting]``, ``webhooks[erp-sync].url``); an entry or a map key added or
  removed is one path, not one per field inside it. Secrets are compared by value, so
  a rotated token is listed (``connections.sales.auth.token``).
- ``diff``: a unified diff of the two configs as ``GET /admin/config`` shows them
  (secrets masked); a secret that changed reads ``*** (changed)`` on the new side, so
  the rotation shows without the value (Terraform's "(sensitive value)").
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from gateway.config import file as config_file
from gateway.config.secrets import mask_text

SECRET_PATH = re.compile(
    "|".join(
        r"\.".join(r"[^.]+" if part == "*" else re.escape(part) for part in pattern)
        for pattern in config_file.SECRET_PATHS
    )
)


def config_changes(before: str, after: str) -> tuple[list[str], str]:
    """The paths that differ between two config texts, and the diff (module docstring)."""
    old, new = _plain(before), _plain(after)
    fields = changes(old, new, "")
    secrets_changed = frozenset(_indexed(new, p) for p in fields) & _secret_paths(new)
    diff = "".join(
        difflib.unified_diff(_lines(before), _lines(after, secrets_changed), "before", "after", n=2)
    )
    return fields, diff


def changes(old: Any, new: Any, path: str) -> list[str]:
    """Paths under ``path`` whose values differ (module docstring)."""
    if isinstance(old, dict) and isinstance(new, dict):
        found: list[str] = []
        for key in [*old, *(k for k in new if k not in old)]:
            where = f"{path}.{key}" if path else str(key)
            if key not in old or key not in new:
                found.append(where)
            else:
                found += changes(old[key], new[key], where)
        return found
    old_names, new_names = _names(old), _names(new)
    if old_names is not None and new_names is not None:
        before = dict(zip(old_names, old, strict=True))
        after = dict(zip(new_names, new, strict=True))
        found = []
        for name in [*old_names, *(n for n in new_names if n not in before)]:
            where = f"{path}[{name}]"
            if name not in before or name not in after:
                found.append(where)
            else:
                found += changes(before[name], after[name], where)
        if not found and old_names != new_names:
            found.append(path)  # the same entries in another order
        return found
    return [] if old == new else [path]


def _names(value: Any) -> list[str] | None:
    if not isinstance(value, list) or not value:
        return None
    names = [e.get("name") if isinstance(e, dict) else None for e in value]
    if not all(isinstance(n, str) for n in names) or len(set(names)) != len(names):
        return None
    return names  # type: ignore[return-value]


def _indexed(data: Any, path: str) -> str:
    """A named path (``api_keys[ops].key``) as the index path the masking walks
    (``api_keys.1.key``)."""
    parts = re.findall(r"[^.\[\]]+|\[[^\]]*\]", path)
    node, out = data, []
    for part in parts:
        if part.startswith("[") and isinstance(node, list):
            name = part[1:-1]
            entries = [isinstance(e, dict) and e.get("name") == name for e in node]
            if True not in entries:
                return ""
            index = entries.index(True)
            out.append(str(index))
            node = node[index]
        else:
            out.append(part)
            node = node.get(part) if isinstance(node, dict) else None
    return ".".join(out)


def _secret_paths(data: Any) -> frozenset[str]:
    found = set()
    for path in _leaves(data, ""):
        if SECRET_PATH.fullmatch(path):
            found.add(path)
    return frozenset(found)


def _leaves(node: Any, prefix: str) -> list[str]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _leaves(v, f"{prefix}{k}.")]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _leaves(v, f"{prefix}{i}.")]
    return [prefix.rstrip(".")]


def _plain(text: str) -> Any:
    try:
        return YAML(typ="safe", pure=True).load(text) or {}
    except YAMLError:
        return {}


def _lines(text: str, changed: frozenset[str] = frozenset()) -> list[str]:
    return mask_text(text, changed).splitlines(keepends=True) if text else []
