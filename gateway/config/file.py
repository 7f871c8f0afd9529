"""config.yaml as the admin API edits it: read, masked, merged, written, applied live.

- The file is read with ruamel.yaml's round-trip mode, so a write keeps its comments,
  key order, quoting and ``${VAR}`` references as written; only changed values move.
- Secrets (API keys, upstream tokens and client secrets, webhook secrets, the cursor
  secret, credentials inside URLs) are shown as ``"***"``. A value that is an
  environment reference is shown as written, with any default masked:
  ``${BORDERBOLT_TOKEN:-***}``; a URL keeps all but its credentials
  (``https://user:***@host/?token=***``). Sending the masked value back keeps the
  current secret.
- Writes are atomic: a temporary file unique to the write in the same folder, fsync,
  the previous file kept as ``config.yaml.bak``, then a rename over the original; the
  file keeps its permissions (several processes may write it: each instance writes
  the configs it follows, gateway/config/sync.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from gateway.config import secrets as config_secrets
from gateway.config.model import ConfigError
from gateway.config.secrets import MASK, shown, walk
from gateway.config.text import guard_yaml

SECRET_PATHS = config_secrets.SECRET_PATHS + config_secrets.URL_PATHS


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never re-wrap a line the admin did not change
    return yaml


def etag_of(text: str) -> str:
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def load(text: str) -> Any:
    """The round-trip document of YAML (or JSON) text; ``ConfigError`` if unreadable
    or refused by ``guard_yaml`` (aliases, depth, size)."""
    guard_yaml(text)
    try:
        document = _yaml().load(text)
    except YAMLError as exc:
        raise ConfigError([("", f"not valid YAML or JSON: {exc}")]) from exc
    if not isinstance(document, dict):
        raise ConfigError([("", "the config must be a mapping with 'connections'")])
    return document


def dump(document: Any) -> str:
    out = io.StringIO()
    _yaml().dump(document, out)
    return out.getvalue()


def restore_secrets(new: Any, current: Any) -> list[tuple[str, str]]:
    """Put the current secret back wherever ``new`` sends it masked (``***``, or exactly
    as ``GET /admin/config`` shows it); problems where there is none to keep."""
    problems = []
    for parent, key, value, path in _secrets(new):
        if not isinstance(value, str) or MASK not in value:
            continue
        kept = _current_secret(current, new, path)
        where = _dotted(path)
        if kept is not None and (value == MASK or shown(where, kept) == value):
            parent[key] = kept
        elif kept is None:
            problems.append((where, "'***' keeps a current secret; none here"))
        else:
            problems.append((where, "send the secret, or '***' to keep it"))
    return problems


def merge(old: Any, new: Any) -> Any:
    """``new``'s values in ``old``'s document, so comments and layout stay where they can:
    maps key by key, lists item by item, or entry by ``name`` for lists of named entries
    (an API key added before the others keeps the others' comments in place). What the
    merge gives is checked by the caller (gateway/config/change.py ``render``)."""
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        for key in [k for k in old if k not in new]:
            del old[key]
        for key, value in new.items():
            if key not in old:
                old[key] = value
                continue
            merged = merge(old[key], value)
            if merged is not old[key]:  # an unchanged key stays as written (a merge key's too)
                old[key] = merged
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        if len(old) == len(new) and _names(old) == _names(new):
            for index, value in enumerate(new):
                old[index] = merge(old[index], value)
            return old
        if _names(old) is not None and _names(new) is not None:
            return _merge_named(old, new)
    return old if _same_scalar(old, new) else new


def _names(entries: list[Any]) -> list[str] | None:
    """The ``name`` of each entry, when every entry is a map with a distinct one."""
    names = [e.get("name") if isinstance(e, dict) else None for e in entries]
    if not all(isinstance(n, str) for n in names) or len(set(names)) != len(names):
        return None
    return names  # type: ignore[return-value]


def _merge_named(old: CommentedSeq, new: list[Any]) -> CommentedSeq:
    position = {entry["name"]: index for index, entry in enumerate(old)}
    merged = CommentedSeq()
    if old.fa.flow_style():
        merged.fa.set_flow_style()
    for index, entry in enumerate(new):
        was = position.get(entry["name"])
        if was is None:
            merged.append(entry)
            continue
        merged.append(merge(old[was], entry))
        if was in old.ca.items:
            merged.ca.items[index] = old.ca.items[was]
    merged.ca.comment = old.ca.comment
    return merged


def _same_scalar(old: Any, new: Any) -> bool:
    """Equal values; any two strings with the same text (quoting is only style)."""
    if isinstance(old, str) and isinstance(new, str):
        return old == new
    return type(old) is type(new) and old == new


def as_json(document: Any) -> Any:
    """The round-trip document as plain JSON-able data."""
    return json.loads(json.dumps(document, default=str))


def write_atomically(path: Path, text: str, *, backup: bool = True) -> None:
    """Replace ``path`` with ``text``: a temporary file unique to this call in the same
    folder, fsync, the previous file kept as ``.bak`` (a second name for it, swapped in
    atomically too), then a rename, and the folder fsynced so the rename survives a
    crash. The file keeps its mode (a new one is 0600: it holds secrets); a failed write
    leaves no temporary file."""
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o600
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fchmod(out.fileno(), mode)
            os.fsync(out.fileno())
        if backup and path.exists():
            previous = f"{temporary}.bak"
            try:
                os.link(path, previous)
            except FileNotFoundError:  # replaced this instant by a concurrent writer
                pass
            else:
                os.replace(previous, path.with_name(path.name + ".bak"))
        os.replace(temporary, path)
        _sync_folder(path.parent)
    except BaseException:
        for leftover in (temporary, f"{temporary}.bak"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)
        raise


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def sweep_temporaries(path: Path, older_than: float = 60.0) -> list[Path]:
    """Remove temporary files a write left behind when its process was killed mid-way
    (``.config.yaml.<random>.tmp``); ones younger than ``older_than`` seconds may still
    be another process's write in progress."""
    removed = []
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            if time.time() - leftover.stat().st_mtime > older_than:
                leftover.unlink()
                removed.append(leftover)
    return removed


def _secrets(document: Any) -> Iterator[Any]:
    """``(parent, key, value, path)`` of every place a secret may be (URLs included)."""
    for pattern in SECRET_PATHS:
        for parent, key, path in walk(document, pattern):
            yield parent, key, parent[key], path


def _dotted(path: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in path)


def _current_secret(current: Any, new: Any, path: tuple[Any, ...]) -> str | None:
    """The current value at ``path``; API keys and webhooks are matched by ``name``, not
    position."""
    if path[0] in ("api_keys", "webhooks"):
        name = new[path[0]][path[1]].get("name")
        keys = current.get(path[0]) if isinstance(current, dict) else None
        match = [k for k in keys or [] if isinstance(k, dict) and k.get("name") == name]
        value = match[0].get(path[2]) if match else None
        return value if isinstance(value, str) else None
    node = current
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, str) else None
