"""The admin console's session: a signed cookie naming an admin key by its sha256.

A browser cannot send ``Authorization`` on a page load, so ``/admin/ui`` logs in once
with the admin key and keeps a cookie: the key's digest and an expiry, signed with
the cursor secret (``server.cursor_secret`` or the one in the state store, so a
session made on one instance is good on every other). The key itself is never in
the cookie. A session ends at its expiry, at logout, or as soon as the config no
longer has that key with the ``admin`` scope. The cookie is ``HttpOnly``,
``SameSite=Strict`` and scoped to ``/admin/ui``; a form post must also come from
the console's own origin (``Origin``), so another site cannot post one.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from urllib.parse import urlsplit

from gateway.auth import Identity
from gateway.runtime import Runtime
from kernel.errors import GatewayError, InvalidCursor

COOKIE = "gw_console"
PATH = "/admin/ui"
LIFETIME = 8 * 3600  # seconds
BOUND = "admin-console"


def issue(runtime: Runtime, identity: Identity, secure: bool) -> str:
    """The ``Set-Cookie`` value of a new session for ``identity``."""
    token = runtime.cursors.encode(BOUND, {"k": identity.digest, "e": int(time.time()) + LIFETIME})
    flags = f"Path={PATH}; Max-Age={LIFETIME}; HttpOnly; SameSite=Strict"
    return f"{COOKIE}={token}; {flags}" + ("; Secure" if secure else "")


def cleared() -> str:
    return f"{COOKIE}=; Path={PATH}; Max-Age=0; HttpOnly; SameSite=Strict"


def identity_of(runtime: Runtime, headers: Mapping[str, str]) -> Identity | None:
    """The admin key the request's session names, if it is valid and still an admin."""
    token = _cookie(headers.get("cookie", ""))
    if not token:
        return None
    try:
        session = runtime.cursors.decode(token, BOUND)
    except (InvalidCursor, GatewayError):
        return None
    expiry, digest = session.get("e"), session.get("k")
    if not isinstance(expiry, int) or expiry < time.time() or not isinstance(digest, str):
        return None
    identity = runtime.keys.by_digest(digest)
    return identity if identity is not None and "admin" in identity.scopes else None


def same_origin(headers: Mapping[str, str]) -> bool:
    """A form post from this console: its ``Origin`` (when sent) is this host."""
    origin = headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == headers.get("host")


def _cookie(header: str) -> str | None:
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            return value
    return None
