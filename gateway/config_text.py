"""Config text to a ``Config``: YAML parsed safely, ``${VAR}`` expanded, validated, and
every problem reported with its path (gateway/config.py holds the models)."""

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
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent

from gateway.config import (
    DEFAULT_PATH,
    BearerAuth,
    Config,
    ConfigError,
    LocalState,
    OAuth2ClientCredentialsAuth,
    RedisState,
)
from gateway.nesting import MAX_DEPTH, flow_depth
from kernel.wording import fields_at, problem

_ENV_REF = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-(.*?))?\}")


def expand_env(node: Any, env: Mapping[str, str], path: str = "") -> Any:
    """Return ``node`` with ``${VAR}`` and ``${VAR:-default}`` expanded in every string."""
    if isinstance(node, dict):
        return {k: expand_env(v, env, f"{path}.{k}" if path else str(k)) for k, v in node.items()}
    if isinstance(node, list):
        return [expand_env(v, env, f"{path}.{i}") for i, v in enumerate(node)]
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
        raise ConfigError([(path, f"environment variable {name} is not set")])

    return _ENV_REF.sub(substitute, node)


MAX_CONFIG_BYTES = 1_048_576
MAX_YAML_DEPTH = MAX_DEPTH


def guard_yaml(text: str) -> None:
    """Refuse what could make parsing a config expensive before it is loaded: more than
    ``MAX_CONFIG_BYTES``, an alias (``*name``: a "billion laughs" document expands its
    anchors exponentially), or nesting deeper than ``MAX_YAML_DEPTH``. A config never
    needs any of them. Parsing events costs time linear in the text and expands nothing."""
    if len(text) > MAX_CONFIG_BYTES:
        raise ConfigError([("", f"the config is larger than {MAX_CONFIG_BYTES} bytes")])
    if flow_depth(text) > MAX_YAML_DEPTH:  # ruamel's scanner is slow on deep flow nesting
        raise ConfigError([("", f"the config nests deeper than {MAX_YAML_DEPTH} levels")])
    depth = 0
    try:
        for event in YAML(typ="safe", pure=True).parse(text):
            if isinstance(event, AliasEvent):
                mark = event.start_mark
                raise ConfigError(
                    [("", "YAML aliases (*name) are not accepted in a config; write the value")],
                    [(mark.line + 1, mark.column + 1)] if mark is not None else None,
                )
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    raise ConfigError(
                        [("", f"the config nests deeper than {MAX_YAML_DEPTH} levels")]
                    )
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except YAMLError as exc:
        raise _not_yaml(exc) from exc


def _not_yaml(exc: YAMLError) -> ConfigError:
    """A YAML syntax error as one problem at its line and column."""
    mark = getattr(exc, "problem_mark", None)
    said = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"not valid YAML: {said}" + (f" ({context})" if context else "")
    position = (mark.line + 1, mark.column + 1) if mark is not None else None
    return ConfigError([("", message)], [position])


def parse_config(text: str, env: Mapping[str, str] | None = None) -> Config:
    """Parse, expand and validate config text; raise ``ConfigError`` listing every problem,
    each with its line and column in ``text`` where it has one."""
    guard_yaml(text)
    try:
        return _validated(text, env)
    except ConfigError as exc:
        exc.positions = positions(text, [where for where, _ in exc.problems])
        raise


def _validated(text: str, env: Mapping[str, str] | None) -> Config:
    try:
        raw = YAML(typ="safe", pure=True).load(text)
    except YAMLError as exc:
        raise _not_yaml(exc) from exc
    if not isinstance(raw, dict):
        raise ConfigError([("", "the config must be a mapping with 'connections'")])
    expanded = expand_env(raw, os.environ if env is None else env)
    try:
        config = Config.model_validate(expanded)
    except ValidationError as exc:
        raise ConfigError(_problems(exc)) from exc
    if problems := config.reference_problems():
        raise ConfigError(problems)
    return config


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
    try:
        tree = YAML(typ="rt", pure=True).load(text)
    except YAMLError as exc:
        return [_not_yaml(exc).positions[0]] * len(paths)
    return positions_in(tree, paths)


def positions_in(tree: Any, paths: list[str]) -> list[tuple[int, int] | None]:
    """``positions`` in a round-trip document, as read from the text it came from."""
    return [_position(tree, path.split(".") if path else []) for path in paths]


def _position(node: Any, parts: list[str]) -> tuple[int, int] | None:
    found = None
    for part in parts:
        if isinstance(node, CommentedMap) and part in node:
            line, column = node.lc.key(part)
            node = node[part]
        elif isinstance(node, CommentedSeq) and part.isdigit() and int(part) < len(node):
            line, column = node.lc.item(int(part))
            node = node[int(part)]
        else:
            break
        found = (line + 1, column + 1)
    return found


# The model each discriminated union's tag (in pydantic's error locations) stands for.
TAGGED: dict[str, type[BaseModel]] = {
    "bearer": BearerAuth,
    "oauth2_client_credentials": OAuth2ClientCredentialsAuth,
    "local": LocalState,
    "redis": RedisState,
}


def _problems(exc: ValidationError) -> list[tuple[str, str]]:
    problems = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = tuple(err["loc"])
        known = fields_at(Config, loc[:-1], TAGGED) if err["type"] == "extra_forbidden" else ()
        path = [str(part) for part in loc if part not in TAGGED]
        problems.append((".".join(path), problem(err, known)))
    return problems
