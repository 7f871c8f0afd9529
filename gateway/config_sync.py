"""Config changes reach every instance (API.md section 7).

Every accepted config (the one loaded at start, an admin PUT, a reload) is published
to the state store as a new version. On ``redis`` each instance follows the current
version (polled every half second, so a change is live everywhere within 2 s): a new
one is validated, written to the instance's own config file (atomically, as a PUT does)
and applied live, so afterwards ``GET /admin/config`` answers the same ETag on every
instance. At start an instance whose file differs from the store's current version
publishes its file: a hand edit followed by a restart is a deliberate change. A version
this instance cannot load (an environment variable missing here, say) is logged and
skipped; the running config stays.
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from gateway import config_file
from gateway.config import ConfigError
from gateway.runtime import Host
from gateway.store import StoreDown
from gateway.tasks import cancel_all

POLL_SECONDS = 0.5
log = structlog.get_logger("gateway.config_sync")


class ConfigFollower:
    def __init__(self, host: Host) -> None:
        self.host = host
        self._seen: int | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> None:
        """Publish this instance's config when the store's differs; follow on ``redis``."""
        store = self.host.runtime.store
        await store.ready()
        path = self.host.config_path
        if path is not None:
            await asyncio.to_thread(config_file.sweep_temporaries, path)
            text = await asyncio.to_thread(path.read_text, encoding="utf-8")
            self.host.etag = config_file.etag_of(text)
            with contextlib.suppress(StoreDown):
                current = await store.current_config()
                if current is None or current.etag != self.host.etag:
                    current = await store.publish_config(text, self.host.etag, "startup")
                self._seen = current.id
        if store.backend == "redis":
            self._task = asyncio.get_running_loop().create_task(self._follow())

    async def stop(self) -> None:
        if self._task is not None:
            self._stopping = True
            await cancel_all([self._task])

    async def _follow(self) -> None:
        while not self._stopping:
            await asyncio.sleep(POLL_SECONDS)
            try:
                await self.check()
            except StoreDown:
                pass  # counted by the store; try again next time
            except Exception:  # never let one bad version stop the follower
                log.exception("config_follow_failed")

    async def check(self) -> None:
        store = self.host.runtime.store
        if not await store.ping():
            return
        current = await store.current_config()
        if current is None or current.id == self._seen:
            return
        async with self.host.lock:
            # read again under the lock: a change this instance made meanwhile (it holds
            # the lock until published) is newer than what was read above
            current = await store.current_config()
            if current is None or current.id == self._seen:
                return
            self._seen = current.id
            if current.etag == self.host.etag:
                return
            try:
                config = config_file.validate(config_file.load(current.text))
            except ConfigError as exc:
                log.error("config_version_refused", version=current.id, problems=exc.problems)
                return
            if self.host.config_path is not None:
                await asyncio.to_thread(
                    config_file.write_atomically, self.host.config_path, current.text
                )
            self.host.apply(config)
            self.host.etag = current.etag
        log.info("config_version_applied", version=current.id, actor=current.actor)
