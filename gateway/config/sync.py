"""One config across instances (API.md section 7): every instance runs the store's
current version, followed by its ETag.

At start (``start``) an instance compares its config file with the store's current
version:

- the store has none (a new store, or one that lost its data): the file is published;
- the same ETag: nothing to do;
- the file is an *earlier* version that this gateway wrote itself and nobody changed
  since (the instance was stopped, or crashed between publishing a change and writing
  its file; ``Host.last_written`` remembers the ETag it wrote, next to the file): the
  current version is adopted — written to the file and applied;
- any other text is a hand edit made while the gateway was stopped, a deliberate
  change (an old copy put back, ``config.yaml.bak``, counts too): it is published as
  the new version. A config file the gateway cannot write (a mounted ConfigMap) is
  therefore the truth at every start.

Then, on ``redis``, it follows: every half second it reads the current ETag (one small
read), so a change is live everywhere within 2 s. A version it does not run is
restored (gateway/config/sealing.py), validated, written to the file atomically and
applied; if the store has no version any more (it lost its data), the instance
republishes what it runs, compare-and-set, so the first instance to notice wins and
the others converge on it. A version this instance cannot load (an environment variable
missing here, a secret it cannot restore) is logged once and skipped; the running
config stays. While the store is down the instance keeps its config and tries again.
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from gateway.config import file as config_file
from gateway.config.change import commit, validated
from gateway.config.model import ConfigError
from gateway.config.sealing import Unrestorable
from gateway.runtime import Host
from gateway.store import ConfigVersion, StaleConfig, StoreDown
from gateway.tasks import cancel_all

POLL_SECONDS = 0.5
KNOWN_VERSIONS = 1000  # versions looked through to tell an earlier one from a hand edit
log = structlog.get_logger("gateway.config_sync")


class ConfigFollower:
    def __init__(self, host: Host) -> None:
        self.host = host
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._synced = False  # the start-up comparison has been made
        self._refused: str | None = None  # the ETag of a version this instance cannot run

    async def start(self) -> None:
        """Read the config file, then compare it with the store (module docstring); follow
        on ``redis``."""
        store = self.host.runtime.store
        await store.ready()
        path = self.host.config_path
        if path is not None:
            await asyncio.to_thread(config_file.sweep_temporaries, path)
            await asyncio.to_thread(self.host.read_file)
            with contextlib.suppress(StoreDown):
                await self._take_legacy()
                await self._sync_on_start()
        if store.backend != "local":
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
        """One look at the store's current version (module docstring); the cursor secret
        is re-asserted too (gateway/store/redis.py ``ready``)."""
        await self.host.runtime.store.ready()
        if self.host.text is None:
            return
        if not self._synced:
            async with self.host.lock:
                await self._sync_on_start()
            return
        current = await self.host.runtime.store.current_config_etag()
        if current == self.host.etag:
            await self.host.write_file()  # a write that failed earlier (a full disk)
            return
        if current is not None and current == self._refused:
            return
        async with self.host.lock:
            await self._converge()

    async def _other_version(self, actor: str) -> ConfigVersion | None:
        """The store's current version when it is not the one running. A store with no
        version is given ours, published as ``actor`` (a new or emptied store)."""
        current = await self.host.runtime.store.current_config()
        if current is None:
            await self._publish(actor, expected=None)
            return None
        return current if current.etag != self.host.etag else None

    async def _converge(self) -> None:
        """Run the store's current version, or republish ours when it has none."""
        version = await self._other_version("republished")
        if version is not None:
            await self._adopt(version)

    async def _sync_on_start(self) -> None:
        store = self.host.runtime.store
        current = await self._other_version("startup")
        if current is not None:
            earlier = {v.etag for v in await store.config_versions(KNOWN_VERSIONS)}
            unchanged = self.host.etag == await asyncio.to_thread(self.host.last_written)
            if self.host.etag in earlier and unchanged:
                await self._adopt(current)  # the file is a version this gateway wrote
            else:
                await self._publish("startup", expected=current.etag)  # a hand edit
        if self.host.file_etag == self.host.etag:
            await asyncio.to_thread(self.host.mark_written)
        self._synced = True

    async def _publish(self, actor: str, expected: str | None) -> None:
        """Publish the running text; a version published meanwhile elsewhere wins."""
        text = self.host.text
        assert text is not None
        try:
            config = await asyncio.to_thread(validated, text)
            await commit(self.host, text, config, actor, expected, shared_check=False)
        except StaleConfig:
            return  # another instance was first: follow it next time
        except ConfigError as exc:
            log.error("config_not_published", problems=exc.problems)
            return
        log.info("config_version_published", actor=actor, etag=self.host.etag)

    async def _adopt(self, version: ConfigVersion) -> None:
        sealer = await self.host.sealer()
        try:
            text = await asyncio.to_thread(sealer.restore, version.kept, self.host.text or "")
            config = await asyncio.to_thread(validated, text)
        except (Unrestorable, ConfigError) as exc:
            if self._refused != version.etag:
                problems = exc.paths if isinstance(exc, Unrestorable) else exc.problems
                log.error("config_version_refused", version=version.id, problems=problems)
            self._refused = version.etag
            return
        self.host.apply(config)
        self.host.text, self.host.etag = text, version.etag
        await self.host.write_file()
        log.info("config_version_applied", version=version.id, actor=version.actor)

    async def _take_legacy(self) -> None:
        """Versions an older gateway kept in clear text, sealed and published again, then
        (only then) erased."""
        store = self.host.runtime.store
        legacy = await store.legacy_configs()
        if not legacy:
            return
        sealer = await self.host.sealer()
        for _at, actor, text in legacy:
            expected = await store.current_config_etag()
            kept = await asyncio.to_thread(sealer.seal, text)
            with contextlib.suppress(StaleConfig):
                await store.publish_config(kept, config_file.etag_of(text), actor, expected)
        await store.drop_legacy_configs()
        log.info("config_versions_sealed", count=len(legacy))
