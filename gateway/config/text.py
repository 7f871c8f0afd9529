"""Config text to a ``Config``: YAML parsed safely, ``${VAR}`` expanded, validated, and
every problem reported with its path (gateway/config/model.py holds the models)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from gateway.config.model import (
    DEFAULT_PATH,
    BearerAuth,
    Config,
    ConfigError,
    LocalState,
    OAuth2ClientCredentialsAuth,
    RedisClusterState,
    RedisSentinelState,
    RedisState,
)
from gateway.config.references import reference_problems
from gateway.config.yaml_guard import guard_yaml as guard_yaml
from gateway.config.yaml_guard import not_yaml, scan_yaml
from gateway.http.nesting import MAX_DEPTH
from gateway.upstreams.egress import config_problems as egress_problems
from kernel.wording import fields_at, problem

_ENV_REF = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-(.*?))?\}")
Problems = list[tuple[str, str]]


def expand_env(node: Any, env: Mapping[str, str], path: str = "") -> Any:
    """Return ``node`` with ``${VAR}`` and ``${VAR:-default}`` expanded in every string;
    ``ConfigError`` names every variable that is not set, each at its path."""
    problems: Problems = []
    expanded = _expand(node, env, path, problems)
    if problems:
        raise ConfigError(problems)
    return expanded


def _expand(node: Any, env: Mapping[str, str], path: str, problems: Problems) -> Any:
    """``expand_env``, adding a problem for each variable not set (expanded as "")."""
    if isinstance(node, dict):
        return {
            k: _expand(v, env, f"{path}.{k}" if path else str(k), problems) for k, v in node.items()
        }
    if isinstance(node, list):
        return [_expand(v, env, f"{path}.{i}", problems) for i, v in enumerate(node)]
    if not isinstance(node, str):
        return node

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, default = match.group(1), match.group(2)
        value = env.get(name)
        if value:
            return value
        if default is not None:
            return default
        problems.append((path, f"environment variable {name} is not set"))
        return ""

    return _ENV_REF.sub(substitute, node)


MAX_YAML_DEPTH = MAX_DEPTH


def parse_config(text: str, env: Mapping[str, str] | None = None) -> Config:
    """Parse, expand and validate config text; raise ``ConfigError`` listing every problem
    in the order they are written (a YAML syntax error aside: it stops the reading):
    keys written twice, variables not set, fields, and references between sections,
    each with its line and column in ``text`` where it has one."""
    located = scan_yaml(text)
    config, problems = _validated(text, env)
    where = positions(text, [path for path, _ in problems]) if problems else []
    located += [(path, said, at) for (path, said), at in zip(problems, where, strict=True)]
    if located or config is None:
        located.sort(key=lambda p: p[2] or (1 << 30, 0))
        raise ConfigError([(w, s) for w, s, _ in located], [at for _, _, at in located])
    return config


def _validated(text: str, env: Mapping[str, str] | None) -> tuple[Config | None, Problems]:
    """The config (``None`` when it has a problem) and every problem found past the text's
    own: variables not set, fields, references. Unreadable YAML raises ``ConfigError``."""
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_duplicate_keys = True  # scan_yaml reports each one, at its line
    try:
        raw = yaml.load(text)
    except YAMLError as exc:
        raise not_yaml(exc) from exc
    if not isinstance(raw, dict):
        return None, [("", "the config must be a mapping with 'connections'")]
    unset: Problems = []
    expanded = _expand(raw, os.environ if env is None else env, "", unset)
    problems = list(unset)
    config = None
    try:
        config = Config.model_validate(expanded)
    except ValidationError as exc:
        problems += _beside(_problems(exc), unset)
    problems += _beside(reference_problems(expanded), unset)
    problems += _beside(egress_problems(expanded), unset)
    return (config if not problems else None), problems


def _beside(problems: Problems, unset: Problems) -> Problems:
    """``problems`` less those at or under a path whose variable is not set: its value
    is not known, so what it fails is no news."""
    gone = [where for where, _ in unset]
    return [
        (where, said)
        for where, said in problems
        if not any(where == g or where.startswith(g + ".") for g in gone)
    ]


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Load the config from ``path``, else ``$GATEWAY_CONFIG``, else ``./config.yaml``."""
    chosen = Path(path or os.environ.get("GATEWAY_CONFIG") or DEFAULT_PATH)
    try:
        text = chosen.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([("", f"cannot read {chosen}: {exc.strerror}")]) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [("", f"{chosen} is not UTF-8 text (byte {exc.start}); save it as UTF-8")]
        ) from exc
    return parse_config(text)


def positions(text: str, paths: list[str]) -> list[tuple[int, int] | None]:
    """Where each dotted path (``connections.shop.api_version``) is written in ``text``:
    the line and column of its key, or of the deepest key of it that is written (a
    missing key's parent). The text has passed ``guard_yaml``."""
    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = True
    try:
        tree = yaml.load(text)
    except YAMLError as exc:
        return [not_yaml(exc).positions[0]] * len(paths)
    return positions_in(tree, paths)


def positions_in(tree: Any, paths: list[str]) -> list[tuple[int, int] | None]:
    """``positions`` in a round-trip document, as read from the text it came from; a
    node the text did not hold (built in memory, or merged in by ``<<``) has no marks,
    and the deepest position known above it stands for it."""
    return [_position(tree, path.split(".") if path else []) for path in paths]


def _position(node: Any, parts: list[str]) -> tuple[int, int] | None:
    found = None
    while parts:
        part, rest = parts[0], parts[1:]
        if isinstance(node, CommentedMap):
            # a key may hold dots itself (field_mapping's ``extra.segment``)
            taken = next((n for n in range(len(parts), 0, -1) if ".".join(parts[:n]) in node), 0)
            part, rest = ".".join(parts[:taken]), parts[taken:]
            if not taken:
                break
            mark, node = _mark(node, part), node[part]
        elif isinstance(node, CommentedSeq) and part.isdigit() and int(part) < len(node):
            mark, node = _mark(node, int(part)), node[int(part)]
        else:
            break
        if mark is None:
            break
        found, parts = mark, rest
    return found


def _mark(node: CommentedMap | CommentedSeq, part: str | int) -> tuple[int, int] | None:
    """The 1-based line and column the text wrote ``part`` of ``node`` at, if it did."""
    try:
        line, column = node.lc.key(part) if isinstance(node, CommentedMap) else node.lc.item(part)
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    if not isinstance(line, int) or not isinstance(column, int):
        return None
    return (line + 1, column + 1)


# The model each discriminated union's tag (in pydantic's error locations) stands for.
TAGGED: dict[str, type[BaseModel]] = {
    "bearer": BearerAuth,
    "oauth2_client_credentials": OAuth2ClientCredentialsAuth,
    "local": LocalState,
    "redis": RedisState,
    "redis-sentinel": RedisSentinelState,
    "redis-cluster": RedisClusterState,
}


def _problems(exc: ValidationError) -> list[tuple[str, str]]:
    problems = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = tuple(err["loc"])
        known = fields_at(Config, loc[:-1], TAGGED) if err["type"] == "extra_forbidden" else ()
        path = [str(part) for part in loc if part not in TAGGED]
        problems.append((".".join(path), problem(err, known)))
    return problems
