"""The demo keys the README and config.yaml publish (``demo-key``, ``admin-key``) are
fine in front of the built-in simulators and a hole in front of real data: ``serve``
warns at start when a real upstream is served with one of them."""

from __future__ import annotations

import hashlib

import structlog

from gateway.config.model import Config

log = structlog.get_logger("gateway.cli")

# The defaults config.yaml gives GATEWAY_DEMO_KEY and GATEWAY_ADMIN_KEY; compared by
# their hash so a key_sha256 of a demo key is caught too.
DEMO_KEYS = ("demo-key", "admin-key")
_DEMO_DIGESTS = {hashlib.sha256(k.encode()).hexdigest() for k in DEMO_KEYS}


def demo_key_warning(config: Config) -> str | None:
    """The warning to print (and log) when a connection that is not a sandbox is served
    with an API key everyone who read the README knows; None otherwise."""
    real = sorted(n for n, c in config.connections.items() if not c.is_sandbox)
    demo = sorted(k.name for k in config.api_keys if k.digest in _DEMO_DIGESTS)
    if not real or not demo:
        return None
    log.warning("demo_key_served", entries=demo, connections=real)
    return (
        f"WARNING: api_keys {demo} use a published demo key while connection(s) {real} "
        "reach real upstreams: anyone who read the README can call them. Make a key with "
        "'gateway keys new' and put its key_sha256 line in place of the key (or set "
        "GATEWAY_DEMO_KEY / GATEWAY_ADMIN_KEY)."
    )
