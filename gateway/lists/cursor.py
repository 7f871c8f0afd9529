"""Opaque, signed list cursors bound to the query that made them.

A cursor is ``base64url(json payload) "." base64url(hmac)``. The payload holds the
position (an offset) and a digest of the query's binding (route, connection, filters,
sort), so a cursor tampered with, or reused with other filters, is 400 invalid_cursor.
The limit is not bound: a client may change its page size while following cursors.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kernel.errors import InvalidCursor

VERSION = 1


def binding(**parts: Any) -> str:
    """A digest of everything a cursor must be bound to."""
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


class CursorCodec:
    """Signs with ``secret``, or with the first of what ``secret()`` answers when it is a
    callable (the state store's shared secret, which may arrive after start, then any it
    replaced, which still verify: a cursor signed just before the instances agreed on
    one secret keeps working)."""

    def __init__(self, secret: bytes | Callable[[], Sequence[bytes]]) -> None:
        self._secret = secret

    def encode(self, bound_to: str, position: Mapping[str, Any]) -> str:
        payload = json.dumps(
            {"v": VERSION, "b": bound_to, "p": dict(position)}, separators=(",", ":")
        )
        body = _b64(payload.encode())
        return f"{body}.{_b64(self._sign(body))}"

    def decode(self, cursor: str, bound_to: str) -> dict[str, Any]:
        body, _, signature = cursor.partition(".")
        try:
            presented = _unb64(signature)
            valid = any(hmac.compare_digest(presented, self._sign(body, s)) for s in self._keys())
            payload = json.loads(_unb64(body)) if valid else None
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or payload.get("v") != VERSION:
            raise InvalidCursor("the cursor is not one this gateway issued")
        if payload.get("b") != bound_to:
            raise InvalidCursor(
                "the cursor belongs to another query; keep the same filters and sort"
            )
        position = payload.get("p")
        if not isinstance(position, dict):
            raise InvalidCursor("the cursor is not one this gateway issued")
        return position

    def _keys(self) -> Sequence[bytes]:
        return (self._secret,) if isinstance(self._secret, bytes) else self._secret()

    def _sign(self, body: str, secret: bytes | None = None) -> bytes:
        key = secret if secret is not None else self._keys()[0]
        return hmac.digest(key, body.encode(), "sha256")[:16]  # one C call, no HMAC object


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
