"""The secrets a config text holds, and how a config version keeps them at rest.

A secret is the value at one of ``SECRET_PATHS`` (API keys, upstream tokens and client
secrets, webhook secrets, the cursor secret) or a URL there that carries credentials
(``https://user:pass@…``, ``?token=…``). A ``${VAR}`` reference with no default holds no
secret; one with a default holds it in the default.

A config version is kept in the state store as a ``Sealed`` text, never in clear:

- ``skeleton``: the text with the source of every scalar that holds a secret replaced by
  its masked form (``"***"``, ``"${VAR:-***}"``, ``"https://u:***@host"``), byte for byte
  elsewhere, so it still reads as the config it was, comments included;
- ``spans``: for each replaced scalar (by its ordinal among the text's scalars) the
  config path it stands at and a fingerprint of its source text (scrypt, salted per
  store, so a low-entropy secret is not guessed from it at speed);
- ``sealed``: the whole text encrypted with the operator's key (``GATEWAY_SECRETS_KEY``,
  Fernet; several comma-separated keys rotate: the first encrypts, any decrypts), when
  one is set.

``restore`` gives the exact text back: decrypted when it can be, else the skeleton with
each span filled from a config whose scalar has the same fingerprint (the running one:
a secret that did not change since is restored exactly); a span no config can fill is
``Unrestorable``, naming its paths. Restored texts are byte-identical to the original,
so they have its ETag.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
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
KEY_ENV = "GATEWAY_SECRETS_KEY"
ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}")
SECRET_PATHS: tuple[tuple[str, ...], ...] = (
    ("server", "cursor_secret"),
    ("server", "state", "password"),
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
FINGERPRINT_COST = 2**13  # scrypt's N: tens of milliseconds a guess, once per secret


class Unrestorable(Exception):
    """A version's secrets that neither its key nor a current config can give back."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        super().__init__(", ".join(paths))


def secret_values(data: Any) -> list[tuple[str, str]]:
    """``(path, value)`` of every secret in plain config data (as YAML loads it), the
    values as written (a ``${VAR:-default}`` reference is one, a bare ``${VAR}`` not)."""
    found = []
    for pattern in SECRET_PATHS:
        for path, value in _walk(data, pattern, ()):
            if isinstance(value, str | int | float) and _holds_secret(str(value)):
                found.append((_dotted(path), str(value)))
    for pattern in URL_PATHS:
        for path, value in _walk(data, pattern, ()):
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
    for ordinal, (event, path, is_key) in enumerate(_scalars(text)):
        if event.value in values and not is_key:
            start, end = _bounds(text, event)
            spans.append(Span(ordinal, start, end, path, event.value))
    return spans


def _bounds(text: str, event: ScalarEvent) -> tuple[int, int]:
    """Where a scalar's source is, without the line breaks a block scalar ends with."""
    start, end = event.start_mark.index, event.end_mark.index
    return start, start + len(text[start:end].rstrip())


def _scalars(text: str) -> Iterator[tuple[ScalarEvent, str, bool]]:
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


# Sealing -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sealed:
    """A config text as kept at rest (module docstring)."""

    skeleton: str
    spans: tuple[tuple[int, str, str], ...]  # (ordinal, path, fingerprint)
    sealed: bytes | None = None

    def as_json(self) -> str:
        return json.dumps([list(s) for s in self.spans])

    @staticmethod
    def spans_from(raw: str | bytes | None) -> tuple[tuple[int, str, str], ...]:
        loaded = json.loads(raw or "[]")
        return tuple((int(o), str(p), str(f)) for o, p, f in loaded)


def keys_from_env(environ: dict[str, str] | None = None) -> list[bytes]:
    """The Fernet keys of ``GATEWAY_SECRETS_KEY`` (comma-separated, newest first)."""
    raw = (environ if environ is not None else os.environ).get(KEY_ENV, "")
    return [k.strip().encode() for k in raw.split(",") if k.strip()]


class KeyProblem(ValueError):
    """``GATEWAY_SECRETS_KEY`` holds something that is not a Fernet key."""


class Sealer:
    """Seals and restores config texts with the operator's keys and the store's salt."""

    def __init__(self, keys: list[bytes], salt: bytes) -> None:
        try:
            self.fernet = MultiFernet([Fernet(k) for k in keys]) if keys else None
        except (ValueError, TypeError) as exc:
            raise KeyProblem(
                f"{KEY_ENV} must be Fernet keys (32 url-safe base64 bytes each, comma-"
                "separated); make one with: gateway secrets-key"
            ) from exc
        self.salt = salt

    @property
    def encrypts(self) -> bool:
        return self.fernet is not None

    def fingerprint(self, source: str) -> str:
        return _fingerprint(self.salt, source)

    def seal(self, text: str) -> Sealed:
        spans = spans_of(text)
        skeleton = _masked(text, spans, frozenset())
        recorded = tuple(
            (s.ordinal, s.path, self.fingerprint(text[s.start : s.end])) for s in spans
        )
        sealed = self.fernet.encrypt(text.encode()) if self.fernet is not None else None
        return Sealed(skeleton, recorded, sealed)

    def restore(self, sealed: Sealed, *sources: str) -> str:
        """The exact text ``sealed`` was made from (module docstring); ``sources`` are
        config texts whose secrets may fill its spans."""
        if sealed.sealed is not None and self.fernet is not None:
            try:
                return self.fernet.decrypt(sealed.sealed).decode()
            except InvalidToken:
                pass  # sealed with a key no longer given: try the fingerprints
        known: dict[str, str] = {}
        for source in sources:
            for span in spans_of(source):
                piece = source[span.start : span.end]
                known.setdefault(self.fingerprint(piece), piece)
        wanted = {ordinal: (path, fp) for ordinal, path, fp in sealed.spans}
        missing = sorted({path for path, fp in wanted.values() if fp not in known})
        if missing:
            raise Unrestorable(missing)
        text = sealed.skeleton
        located = [
            (*_bounds(text, event), ordinal) for ordinal, (event, _, _) in enumerate(_scalars(text))
        ]
        for start, end, ordinal in reversed(located):
            if ordinal in wanted:
                text = text[:start] + known[wanted[ordinal][1]] + text[end:]
        return text


@functools.lru_cache(maxsize=16)
def mask_text(text: str, changed: frozenset[str] = frozenset()) -> str:
    """``text`` as an admin may see it: byte for byte, comments and anchors included,
    but with every secret masked where it is written (an anchored secret used elsewhere
    by alias or merge key is masked at its anchor). A secret at one of the ``changed``
    paths reads ``*** (changed)``. A scalar elsewhere that merely equals a secret is
    masked too, unless shorter than ``SHOWN_ELSEWHERE`` characters (a secret ``admin``
    does not hide the scope ``admin``)."""
    spans = [
        s for s in spans_of(text) if _is_secret_path(s.path) or len(s.value) >= SHOWN_ELSEWHERE
    ]
    return _masked(text, spans, changed)


def _masked(text: str, spans: Sequence[Span], changed: frozenset[str]) -> str:
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


@functools.lru_cache(maxsize=512)
def _fingerprint(salt: bytes, source: str) -> str:
    digest = hashlib.scrypt(source.encode(), salt=salt, n=FINGERPRINT_COST, r=8, p=1, dklen=16)
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def new_key() -> str:
    """A new key for ``GATEWAY_SECRETS_KEY``."""
    return Fernet.generate_key().decode()


def _walk(node: Any, pattern: tuple[str, ...], path: tuple[Any, ...]) -> Iterator[Any]:
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
                yield from _walk(child, rest, (*path, key))
            else:
                yield (*path, key), child
        return
    if not isinstance(node, dict) or head not in node:
        return
    if rest:
        yield from _walk(node[head], rest, (*path, head))
    else:
        yield (*path, head), node[head]


def _dotted(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path)
