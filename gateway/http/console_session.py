"""The admin console's session: a random id in the cookie, the session in the state store.

A browser cannot send ``Authorization`` on a page load, so ``/admin/ui`` signs in once
with an admin key and keeps a cookie that holds only a random id (32 bytes): no key,
no digest of one, nothing to guess a key from. The session is kept in the state store
(``Store.value_*``) under the sha256 of that id, so a read of the store hands out no
live session, as the admin key's name, a fingerprint of the key (an HMAC of its sha256
under the cursor secret: the digest itself is not stored, and a new value for the key,
or a new cursor secret, no longer matches) and the session's absolute expiry. Every
instance sharing the store knows the same sessions, and they outlive a restart.

A session ends at the first of:

- ``LIFETIME`` (8 hours) after sign-in;
- ``IDLE`` (1 hour) without a console request: each one moves the session's expiry in
  the store on, never past the 8 hours;
- sign-out: the session is deleted from the store, so a copied cookie stops working on
  every instance;
- its key leaving the config, losing the ``admin`` scope or getting another value: the
  session is refused from then on, and deleted when next presented (one not presented
  meanwhile would be good again if the very same key came back within its life).

While the state store is down no session can be kept or read: ``StoreDown`` reaches the
console, which then refuses to sign in and says so on its sign-in page.

The cookie is ``HttpOnly``, ``SameSite=Strict`` and scoped to ``/admin/ui``; a form
post must also come from the console's own origin (``Origin``), so another site cannot
post one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import Mapping
from urllib.parse import urlsplit

from gateway.http.auth import Identity
from gateway.runtime import Runtime

COOKIE = "gw_console"
PATH = "/admin/ui"
LIFETIME = 8 * 3600  # seconds from sign-in
IDLE = 3600  # seconds without a console request
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


async def begin(runtime: Runtime, identity: Identity) -> str:
    """A new session for ``identity``; its id, the cookie's value (``StoreDown`` when the
    store cannot keep it)."""
    session_id = secrets.token_urlsafe(32)
    record = {
        "key": identity.name,
        "fingerprint": _fingerprint(runtime, identity),
        "until": time.time() + LIFETIME,
    }
    await runtime.store.value_set(_name(session_id), json.dumps(record), ttl=IDLE)
    return session_id


async def identity_of(runtime: Runtime, headers: Mapping[str, str]) -> Identity | None:
    """The admin key of the request's session, while it lasts (module docstring); one
    that has ended is deleted. ``StoreDown`` when the store cannot be read."""
    session_id = _session_id(headers)
    if session_id is None:
        return None
    name = _name(session_id)
    raw = await runtime.store.value_get(name)
    if raw is None:
        return None
    try:
        record = json.loads(raw)
    except ValueError:
        record = None
    identity = _admin(runtime, record) if isinstance(record, dict) else None
    until = record.get("until") if isinstance(record, dict) else None
    left = until - time.time() if isinstance(until, int | float) else 0.0
    if identity is None or left <= 0:
        await runtime.store.value_delete(name)
        return None
    if not await runtime.store.value_touch(name, min(IDLE, left)):
        return None  # signed out on another instance meanwhile
    return identity


async def end(runtime: Runtime, headers: Mapping[str, str]) -> None:
    """Delete the request's session, for every instance (``StoreDown`` when the store
    cannot)."""
    session_id = _session_id(headers)
    if session_id is not None:
        await runtime.store.value_delete(_name(session_id))


def cookie(session_id: str, secure: bool) -> str:
    """The ``Set-Cookie`` value that keeps ``session_id`` in the browser."""
    flags = f"Path={PATH}; Max-Age={LIFETIME}; HttpOnly; SameSite=Strict"
    return f"{COOKIE}={session_id}; {flags}" + ("; Secure" if secure else "")


def cleared() -> str:
    return f"{COOKIE}=; Path={PATH}; Max-Age=0; HttpOnly; SameSite=Strict"


def same_origin(headers: Mapping[str, str]) -> bool:
    """A form post from this console: its ``Origin`` (when sent) is this host."""
    origin = headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == headers.get("host")


def _admin(runtime: Runtime, record: dict[str, object]) -> Identity | None:
    """The key the session names, if the config still has it, with the same value and
    the ``admin`` scope."""
    for key in runtime.config.api_keys:
        if key.name != record.get("key"):
            continue
        identity = runtime.keys.by_digest(key.digest)
        fingerprint = record.get("fingerprint")
        if (
            identity is not None
            and "admin" in identity.scopes
            and isinstance(fingerprint, str)
            and hmac.compare_digest(fingerprint, _fingerprint(runtime, identity))
        ):
            return identity
    return None


def _fingerprint(runtime: Runtime, identity: Identity) -> str:
    configured = runtime.config.server.cursor_secret
    secret = (
        configured.get_secret_value().encode()
        if configured is not None
        else runtime.store.cursor_secret
    )
    return hmac.new(secret, f"console:{identity.digest}".encode(), hashlib.sha256).hexdigest()


def _name(session_id: str) -> str:
    """The store's name for a session: the sha256 of its id, never the id."""
    return "console-session:" + hashlib.sha256(session_id.encode()).hexdigest()


def _session_id(headers: Mapping[str, str]) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE and SESSION_ID.fullmatch(value):
            return value
    return None
