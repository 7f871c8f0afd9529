"""The secrets a config text holds, and the text as an admin may see it.

A secret is the value at one of ``SECRET_PATHS`` (API keys, upstream tokens and client
secrets, webhook secrets, the cursor secret) or a URL there that carries credentials
(``https://user:pass@…``, ``?token=…``). A ``${VAR}`` reference with no default holds no
secret; one with a default holds it in the default.

Secrets are found in the text itself, scalar by scalar (``secret_spans``), so they are
masked where they are written — a secret written once under an anchor and used by
alias or merge key is masked at its anchor — and everything else stays byte for byte
(``mask_text``). How config versions keep secrets at rest: gateway/config/sealing.py.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
)

MASK = "***"
ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}")
SECRET_PATHS: tuple[tuple[str, ...], ...] = (
    ("server", "cursor_secret"),
    ("server", "state", "password"),
    ("server", "state", "sentinel_password"),
    ("api_keys", "*", "key"),
    ("connections", "*", "auth", "token"),
    ("connections", "*", "auth", "client_secret"),
    ("webhooks", "*", "secret"),
)
# Values that are secrets only when they carry credentials.
URL_PATHS: tuple[tuple[str, ...], ...] = (
    ("server", "state", "url"),
    ("webhooks", "*", "url"),
    ("connections", "*", "base_url"),
    ("connections", "*", "auth", "token_url"),
)
SECRET_QUERY = re.compile(
    r"(?i)^(token|access_token|api[_-]?key|key|secret|password|passwd|pwd|sig|signature|auth)$"
)
SHOWN_ELSEWHERE = 8  # a scalar outside a secret's place equal to a shorter secret is shown


def secret_values(data: Any) -> list[tuple[str, str]]:
    """``(path, value)`` of every secret in plain config data (as YAML loads it), the
    values as written (a ``${VAR:-default}`` reference is one, a bare ``${VAR}`` not)."""
    found = []
    for pattern in SECRET_PATHS:
        for parent, key, path in walk(data, pattern):
            value = parent[key]
            if isinstance(value, str | int | float) and _holds_secret(str(value)):
                found.append((_dotted(path), str(value)))
    for pattern in URL_PATHS:
        for parent, key, path in walk(data, pattern):
            value = parent[key]
            if isinstance(value, str) and mask_url(value) != value:
                found.append((_dotted(path), value))
    return found


def _holds_secret(value: str) -> bool:
    """False for an empty value and for one that is only ``${VAR}`` without a default."""
    if not value:
        return False
    reference = ENV_REF.fullmatch(value)
    return reference is None or reference.group(2) is not None


def mask(value: Any) -> str:
    """A secret as shown: ``***``, or its ``${VAR}`` references with defaults masked."""
    if not isinstance(value, str):
        return MASK
    shown = ENV_REF.sub(lambda m: f"${{{m.group(1)}{':-' + MASK if m.group(2) else ''}}}", value)
    return shown if ENV_REF.sub("", value) == "" else MASK


def mask_url(url: str) -> str:
    """``url`` with its password and secret-looking query values as ``***``."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return url
    netloc = parts.netloc
    if password is not None:
        user, _, host = netloc.rpartition("@")
        name = user.partition(":")[0]
        netloc = f"{name}:{MASK}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(SECRET_QUERY.match(k) and v and v != MASK for k, v in pairs):
            query = "&".join(
                f"{k}={MASK}" if SECRET_QUERY.match(k) and v else _pair(k, v) for k, v in pairs
            )
    if netloc == parts.netloc and query == parts.query:
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def url_secrets(url: str) -> list[str]:
    """The credentials a URL carries: its password and secret-looking query values."""
    try:
        parts = urlsplit(url)
        found = [parts.password] if parts.password else []
    except ValueError:
        return []
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    return found + [v for k, v in pairs if SECRET_QUERY.match(k) and v]


def masked_url_given(url: str) -> bool:
    """Whether ``url`` carries the mask where a credential goes (a masked URL pasted
    back as the real one)."""
    return MASK in url_secrets(url)


def _pair(key: str, value: str) -> str:
    return f"{key}={value}" if value else key


def shown(path: str, value: Any) -> str:
    """How the secret at ``path`` is shown: a URL keeps what is not a credential."""
    if isinstance(value, str) and _is_url_path(path):
        return mask_url(value)
    return mask(value)


def _is_url_path(path: str) -> bool:
    parts = tuple(path.split("."))
    return any(_matches(parts, pattern) for pattern in URL_PATHS)


def _matches(parts: tuple[str, ...], pattern: tuple[str, ...]) -> bool:
    return len(parts) == len(pattern) and all(
        p == "*" or p == q for p, q in zip(pattern, parts, strict=True)
    )


# The text ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    """One scalar of a config text that holds a secret."""

    ordinal: int  # among the text's scalar events
    start: int
    end: int
    path: str
    value: str  # the scalar's value as loaded


def secret_spans(text: str, values: set[str]) -> list[Span]:
    """Every scalar of ``text`` whose value is one of ``values`` (wherever it stands: a
    secret written once under an anchor and used by alias is masked where it is written)."""
    spans = []
    for ordinal, (event, path, is_key) in enumerate(scalars(text)):
        if is_key:
            continue
        # by value, or by place: a secret at a secret's place whatever its form (a
        # tagged scalar such as ``!!binary`` loads to another value than its text)
        if event.value in values or (_at_secret_place(path) and _holds_secret(event.value)):
            start, end = scalar_bounds(text, event)
            spans.append(Span(ordinal, start, end, path, event.value))
    return spans


def _at_secret_place(path: str) -> bool:
    parts = tuple(path.split("."))
    return any(_matches(parts, pattern) for pattern in SECRET_PATHS)


def written_secrets(text: str) -> list[str]:
    """The secret strings of ``text`` as they could be written elsewhere in it (in a
    comment): each secret, the default of a ``${VAR:-default}``, a URL's credentials;
    those of at least ``SHOWN_ELSEWHERE`` characters."""
    try:
        data = YAML(typ="safe", pure=True).load(text)
    except YAMLError:
        return []
    found: set[str] = set()
    for path, value in secret_values(data):
        if _is_url_path(path):
            found.update(url_secrets(value))
            continue
        defaults = [m.group(2)[2:] for m in ENV_REF.finditer(value) if m.group(2)]
        found.update(defaults if ENV_REF.search(value) else [value])
    return sorted((v for v in found if len(v) >= SHOWN_ELSEWHERE), key=len, reverse=True)


def mask_comments(text: str, secrets: Sequence[str]) -> str:
    """``text`` with every remaining occurrence of ``secrets`` (in a comment, once the
    scalars are masked) as ``***``."""
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


def scalar_bounds(text: str, event: ScalarEvent) -> tuple[int, int]:
    """Where a scalar's source is, without the line breaks a block scalar ends with."""
    start, end = event.start_mark.index, event.end_mark.index
    return start, start + len(text[start:end].rstrip())


def scalars(text: str) -> Iterator[tuple[ScalarEvent, str, bool]]:
    """Each scalar event of ``text`` with the dotted path it stands at, and whether it
    is a mapping's key."""
    stack: list[list[Any]] = []  # [kind, next key or index, expecting a key]

    def here() -> str:
        return ".".join(str(frame[1]) for frame in stack if frame[1] is not None)

    for event in YAML(typ="safe", pure=True).parse(text):
        if isinstance(event, MappingStartEvent | SequenceStartEvent):
            _advance_value(stack)
            kind = "map" if isinstance(event, MappingStartEvent) else "seq"
            stack.append([kind, None if kind == "map" else -1, True])
        elif isinstance(event, CollectionEndEvent):
            stack.pop()
        elif isinstance(event, ScalarEvent):
            frame = stack[-1] if stack else None
            if frame is not None and frame[0] == "map" and frame[2]:
                frame[1], frame[2] = event.value, False
                yield event, here(), True
                continue
            _advance_value(stack)
            yield event, here(), False
        elif isinstance(event, AliasEvent):
            frame = stack[-1] if stack else None
            if frame is not None and frame[0] == "map" and frame[2]:
                frame[1], frame[2] = "<alias>", False
                continue
            _advance_value(stack)


def _advance_value(stack: list[list[Any]]) -> None:
    """A value node starts in the innermost collection."""
    if not stack:
        return
    frame = stack[-1]
    if frame[0] == "seq":
        frame[1] += 1
    else:
        frame[2] = True  # after this value, a key comes


def _masked_source(source: str, event_value: str, path: str) -> str:
    """The source of a secret scalar with its value masked; an anchor it carries stays."""
    anchor = re.match(r"&[^\s]+\s+", source)
    prefix = anchor.group(0) if anchor else ""
    return prefix + json.dumps(shown(path, event_value))


@functools.lru_cache(maxsize=16)
def mask_text(text: str, changed: frozenset[str] = frozenset()) -> str:
    """``text`` as an admin may see it: byte for byte, comments and anchors included,
    but with every secret masked where it is written (an anchored secret used elsewhere
    by alias or merge key is masked at its anchor; one copied into a comment too). A
    secret at one of the ``changed`` paths reads ``*** (changed)``. A scalar elsewhere
    that merely equals a secret is masked too, unless shorter than ``SHOWN_ELSEWHERE``
    characters (a secret ``admin`` does not hide the scope ``admin``)."""
    spans = [
        s for s in spans_of(text) if _is_secret_path(s.path) or len(s.value) >= SHOWN_ELSEWHERE
    ]
    return mask_comments(mask_spans(text, spans, changed), written_secrets(text))


def mask_spans(text: str, spans: Sequence[Span], changed: frozenset[str]) -> str:
    for span in reversed(spans):
        source = _masked_source(text[span.start : span.end], span.value, span.path)
        if span.path in changed:
            source = source[:-1] + ' (changed)"'
        text = text[: span.start] + source + text[span.end :]
    return text


def _is_secret_path(path: str) -> bool:
    parts = tuple(path.split("."))
    return any(_matches(parts, pattern) for pattern in SECRET_PATHS + URL_PATHS)


@functools.lru_cache(maxsize=16)
def spans_of(text: str) -> tuple[Span, ...]:
    """The secret scalars of config ``text`` (nothing when it is not a YAML mapping);
    remembered for the few texts an admin change reads several times."""
    try:
        data = YAML(typ="safe", pure=True).load(text)
    except YAMLError:
        return ()
    values = {value for _, value in secret_values(data)}
    return tuple(secret_spans(text, values)) if values else ()


def walk(node: Any, pattern: tuple[str, ...], path: tuple[Any, ...] = ()) -> Iterator[Any]:
    """``(parent, key, path)`` of every place ``pattern`` names in ``node`` (``*``: any
    key of a map or index of a list)."""
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(node, dict):
            children = list(node.items())
        elif isinstance(node, list):
            children = list(enumerate(node))
        else:
            children = []
        for key, child in children:
            if rest:
                yield from walk(child, rest, (*path, key))
            else:
                yield node, key, (*path, key)
        return
    if not isinstance(node, dict) or head not in node:
        return
    if rest:
        yield from walk(node[head], rest, (*path, head))
    else:
        yield node, head, (*path, head)


def _dotted(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path)
