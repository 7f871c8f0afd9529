"""How a config version keeps its secrets at rest (API.md sections 5 and 11).

A config version is kept in the state store as a ``Sealed`` text, never in clear:

- ``skeleton``: the text with every secret masked where it is written
  (gateway/config/secrets.py), byte for byte elsewhere, so it still reads as the config
  it was, comments included;
- ``spans``: for each masked scalar (by its ordinal among the text's scalars) the
  config path it stands at and a fingerprint of its source text (scrypt, with the
  store's salt, kept with the version; so a low-entropy secret is not guessed from it
  at speed);
- ``sealed``: the whole text encrypted with the operator's key (``GATEWAY_SECRETS_KEY``,
  Fernet; several comma-separated keys rotate: the first encrypts, any decrypts), when
  one is set.

``Sealer.restore`` gives the exact text back: decrypted when it can be, else the
skeleton with each span filled from a config whose scalar has the same fingerprint
(the running one: a secret that did not change since is restored exactly); a span no
config can fill is ``Unrestorable``, naming its paths. Restored texts are
byte-identical to the original, so they have its ETag.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from gateway.config.secrets import (
    mask_comments,
    mask_spans,
    scalar_bounds,
    scalars,
    spans_of,
    written_secrets,
)

KEY_ENV = "GATEWAY_SECRETS_KEY"
FINGERPRINT_COST = 2**13  # scrypt's N: tens of milliseconds a guess, once per secret


class Unrestorable(Exception):
    """A version's secrets that neither its key nor a current config can give back."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        super().__init__(", ".join(paths))


@dataclass(frozen=True, slots=True)
class Sealed:
    """A config text as kept at rest (module docstring)."""

    skeleton: str
    spans: tuple[tuple[int, str, str], ...]  # (ordinal, path, fingerprint)
    sealed: bytes | None = None
    salt: bytes = b""  # the fingerprints' (the store's when sealed: it may change since)

    def spans_json(self) -> str:
        salt = base64.b64encode(self.salt).decode()
        return json.dumps({"salt": salt, "spans": [list(s) for s in self.spans]})

    @staticmethod
    def read(skeleton: str, spans_json: str | bytes | None, sealed: bytes | None) -> Sealed:
        loaded = json.loads(spans_json or "[]")
        salt = base64.b64decode(loaded.get("salt", "")) if isinstance(loaded, dict) else b""
        spans = loaded.get("spans", []) if isinstance(loaded, dict) else loaded
        recorded = tuple((int(o), str(p), str(f)) for o, p, f in spans)
        return Sealed(skeleton, recorded, sealed, salt)


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
                "separated); make one with: gateway secrets-key"  # gateway/cli.py
            ) from exc
        self.salt = salt

    @property
    def encrypts(self) -> bool:
        return self.fernet is not None

    def fingerprint(self, source: str) -> str:
        return _fingerprint(self.salt, source)

    def seal(self, text: str) -> Sealed:
        spans = spans_of(text)
        # a secret copied into a comment is masked too: that text is then not restored
        # byte for byte without the key (the comment reads ***)
        skeleton = mask_comments(mask_spans(text, spans, frozenset()), written_secrets(text))
        recorded = tuple(
            (s.ordinal, s.path, self.fingerprint(text[s.start : s.end])) for s in spans
        )
        sealed = self.fernet.encrypt(text.encode()) if self.fernet is not None else None
        return Sealed(skeleton, recorded, sealed, self.salt)

    def restore(self, sealed: Sealed, *sources: str) -> str:
        """The exact text ``sealed`` was made from (module docstring); ``sources`` are
        config texts whose secrets may fill its spans."""
        if sealed.sealed is not None and self.fernet is not None:
            try:
                return self.fernet.decrypt(sealed.sealed).decode()
            except InvalidToken:
                pass  # sealed with a key no longer given: try the fingerprints
        known: dict[str, str] = {}
        salt = sealed.salt or self.salt  # the salt its fingerprints were made with
        for source in sources:
            for span in spans_of(source):
                piece = source[span.start : span.end]
                known.setdefault(_fingerprint(salt, piece), piece)
        wanted = {ordinal: (path, fp) for ordinal, path, fp in sealed.spans}
        missing = sorted({path for path, fp in wanted.values() if fp not in known})
        if missing:
            raise Unrestorable(missing)
        text = sealed.skeleton
        located = [
            (*scalar_bounds(text, event), ordinal)
            for ordinal, (event, _, _) in enumerate(scalars(text))
        ]
        for start, end, ordinal in reversed(located):
            if ordinal in wanted:
                text = text[:start] + known[wanted[ordinal][1]] + text[end:]
        return text


@functools.lru_cache(maxsize=512)
def _fingerprint(salt: bytes, source: str) -> str:
    digest = hashlib.scrypt(source.encode(), salt=salt, n=FINGERPRINT_COST, r=8, p=1, dklen=16)
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def new_key() -> str:
    """A new key for ``GATEWAY_SECRETS_KEY``."""
    return Fernet.generate_key().decode()
