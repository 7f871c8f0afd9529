"""Config text for the gateway processes the multi-instance tests start, each in front of
one BorderBolt upstream (a simulator process, or the in-process sandbox). One builder,
so that a test names only what it varies (state, keys, connection settings, further
sections) and the config's common frame is written in one place."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

DEMO_KEY = "{name: demo, key: demo-key, scopes: [customers:read, customers:write]}"
READ_KEY = "{name: demo, key: demo-key, scopes: [customers:read]}"
ADMIN_KEY = "{name: admin, key: admin-key, scopes: [admin]}"


def redis_state(url: str, prefix: str, timeout: float | None = None) -> str:
    """The ``server.state`` value for a Redis at ``url``, keys under ``prefix``."""
    wait = "" if timeout is None else f", timeout: {timeout}"
    return f"{{backend: redis, url: '{url}', prefix: '{prefix}'{wait}}}"


def borderbolt_config(
    state: str,
    bb: str,
    token: str,
    *,
    keys: Iterable[str] = (DEMO_KEY,),
    server: Iterable[str] = (),
    connection: Iterable[str] = (),
    log_level: str = "warning",
    tail: str = "",
) -> str:
    """``server`` lines go under ``server:``, ``connection`` lines under the ``bb``
    connection; ``tail`` follows as it is (more connections, ``webhooks:``)."""
    lines = [
        "server:",
        "  default_connection: bb",
        f"  state: {state}",
        *(f"  {line}" for line in server),
        f"  log_level: {log_level}",
        "api_keys:",
        *(f"  - {key}" for key in keys),
        "connections:",
        "  bb:",
        "    adapter: borderbolt",
        f'    base_url: "{bb}"',
        f"    auth: {{type: bearer, token: {token}}}",
        *(f"    {line}" for line in connection),
    ]
    return "\n".join(lines) + "\n" + tail


def dead_connection(port: int, token: str) -> str:
    """A ``dead`` connection, under ``connections:``: nothing listens on ``port``, each
    call is tried once, and its breaker opens after two failures."""
    return (
        "  dead:\n"
        "    adapter: borderbolt\n"
        f'    base_url: "http://127.0.0.1:{port}"\n'
        f"    auth: {{type: bearer, token: {token}}}\n"
        "    retry: {attempts: 1}\n"
        "    circuit_breaker: {failures: 2, reset_after: 60}\n"
    )


def write_instance_config(folder: Path, name: str, text: str) -> Path:
    """Write ``text`` as instance ``name``'s own config file, as on a host of its own."""
    path = folder / name / "config.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path
