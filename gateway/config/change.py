"""The one way a config changes: PUT, the console's apply, rollback, reload and an
instance following another all end in ``commit``.

1. ``render``: the incoming config merged into the running text (comments, order and
   quoting kept where the merge can keep them), then parsed back; if what it parses to
   is not exactly the incoming config, a plain dump is written instead — the merge may
   lose a comment, never corrupt the file.
2. ``validated``: that exact text parsed and validated as a restart would load it
   (problems placed in the text the admin sent, when there is one).
3. ``commit``: the text sealed (gateway/config/sealing.py) and published in the state
   store as the new version, compare-and-set on the ETag the change was based on (of N
   concurrent changes from one version exactly one wins, on every instance); then the
   file written atomically; then applied live. A store that cannot be reached refuses
   the change (503) before anything is written: a change only some instances know is
   worse than none. A crash between publishing and writing the file leaves a file
   that is an earlier version, which the next start recognises and replaces
   (gateway/config/sync.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from typing import Any

import structlog
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from gateway.config import file as live
from gateway.config.model import Config, ConfigError
from gateway.config.sealing import Sealed, Sealer, Unrestorable
from gateway.config.text import parse_config, positions
from gateway.runtime import Host
from gateway.store import ConfigVersion, StaleConfig

log = structlog.get_logger("gateway.config")


def render(current_text: str, incoming: Any) -> str:
    """The text to write for ``incoming`` (a round-trip document or plain data): merged
    into ``current_text`` when that round-trips to exactly ``incoming``, else a plain
    dump of it."""
    wanted = plain(incoming)
    try:
        merged = live.dump(live.merge(live.load(current_text), incoming))
        if _reads_as(merged, wanted):
            return merged
    except (ConfigError, YAMLError, ValueError, TypeError, KeyError, IndexError):
        log.warning("config_merge_fell_back", exc_info=True)
    text = plain_dump(wanted)
    if not _reads_as(text, wanted):  # pragma: no cover - a dump always reads back
        raise ConfigError([("", "the config cannot be written as YAML")])
    return text


def plain(document: Any) -> Any:
    """A document as plain data: what ``yaml.safe_load`` of its text gives."""
    return json.loads(json.dumps(document, default=str))


def plain_dump(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.width = 4096
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _reads_as(text: str, wanted: Any) -> bool:
    try:
        return bool(plain(YAML(typ="safe", pure=True).load(text)) == wanted)
    except YAMLError:
        return False


def validated(text: str, sent: str | None = None) -> Config:
    """``text`` as a restart would load it; ``ConfigError`` with each problem placed in
    ``sent`` (the text the admin sent) when given, else in ``text``."""
    try:
        return parse_config(text)
    except ConfigError as exc:
        if sent is not None and sent != text:
            exc.positions = _positions_or_none(sent, [where for where, _ in exc.problems])
        raise


def _shareable(sealer: Sealer, kept: Sealed, running: str) -> None:
    """On a shared store without ``GATEWAY_SECRETS_KEY`` the other instances restore a
    version's secrets from their own running config: a secret new in ``kept`` (written
    as text) could not reach them, so the change is refused (``ConfigError``)."""
    try:
        sealer.restore(kept, running)
    except Unrestorable as exc:
        raise ConfigError(
            [
                (
                    path,
                    "a new secret written as text cannot reach the other instances without "
                    "GATEWAY_SECRETS_KEY: write it as a ${VAR} reference set on every "
                    "instance, or set GATEWAY_SECRETS_KEY on every instance",
                )
                for path in exc.paths
            ]
        ) from exc


def _positions_or_none(text: str, paths: list[str]) -> list[tuple[int, int] | None]:
    try:
        return positions(text, paths)
    except Exception:  # a position is a courtesy; the problem is reported without it
        return [None] * len(paths)


async def commit(
    host: Host,
    text: str,
    config: Config,
    actor: str,
    expected: str | None,
    *,
    shared_check: bool = True,
) -> ConfigVersion:
    """Publish ``text`` as the new version if the current one is ``expected``, write the
    file, apply ``config`` (module docstring). Raises ``StaleConfig``, ``StoreDown`` or
    (``shared_check``) ``ConfigError`` with nothing changed."""
    store = host.runtime.store
    sealer = await host.sealer()
    kept = await asyncio.to_thread(sealer.seal, text)
    if shared_check and store.backend != "local" and not sealer.encrypts and host.text:
        await asyncio.to_thread(_shareable, sealer, kept, host.text)
    etag = live.etag_of(text)
    try:
        version = await store.publish_config(kept, etag, actor, expected)
    except StaleConfig as exc:
        if exc.current is not None or expected is None or expected != host.etag:
            raise
        # The store has no version (a new store, or one that lost its data) and the change
        # is based on the running config: that one first, then the change on it.
        running = await asyncio.to_thread(sealer.seal, host.text or "")
        with contextlib.suppress(StaleConfig):
            await store.publish_config(running, expected, "republished", None)
        version = await store.publish_config(kept, etag, actor, expected)
    host.apply(config)
    host.text, host.etag = text, etag
    await host.write_file()
    return version
