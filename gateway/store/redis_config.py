"""The ``redis`` backend's config history, shared by every instance.

All keys carry the ``{config}`` hash tag, so the publishing script's keys share one slot
(a cluster runs it): ``{config}:seq`` (ids), ``{config}:current`` (``{"id", "etag"}`` of
the current version, what instances poll), ``{config}:versions`` (id -> the sealed
version as JSON), ``{config}:order`` (ids, newest first), ``{config}:salt``.

Publishing is one script: compare the current version's ETag with the one the change
was based on, then add the version and make it current, or answer the current ETag
(the change is stale). After the store lost its data there is no current version; the
first instance to notice republishes what it runs.

Keys of the format before sealing (``config:v:<id>`` with the text in clear) are handed
over by ``legacy_configs`` (the caller seals and republishes them), then deleted.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from gateway.config.sealing import Sealed
from gateway.store.base import ConfigVersion, StaleConfig, utc_now

T = TypeVar("T")
PUBLISH = """
local current = redis.call('GET', KEYS[2])
local etag = ''
if current then etag = cjson.decode(current)['etag'] end
if etag ~= ARGV[1] then return {0, etag} end
local id = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[3], id, ARGV[3])
redis.call('SET', KEYS[2], cjson.encode({id = id, etag = ARGV[2]}))
redis.call('LPUSH', KEYS[4], id)
return {id, ARGV[2]}
"""


class RedisConfig:
    """Mixed into ``RedisStore``, whose ``client``, ``key`` and ``call`` it uses."""

    client: Any
    key: Callable[..., str]
    call: Callable[[str, Callable[[], Awaitable[Any]]], Awaitable[Any]]
    script: Callable[[str], Any]

    def _config_key(self, name: str) -> str:
        return self.key("{config}", name)

    async def publish_config(
        self, kept: Sealed, etag: str, actor: str, expected: str | None
    ) -> ConfigVersion:
        at = utc_now()
        record = json.dumps(
            {
                "at": at,
                "actor": actor,
                "etag": etag,
                "skeleton": kept.skeleton,
                "spans": kept.spans_json(),
                "sealed": base64.b64encode(kept.sealed).decode() if kept.sealed else None,
            }
        )
        keys = [self._config_key(n) for n in ("seq", "current", "versions", "order")]
        script = self.script(PUBLISH)
        answer = await self.call(
            "publish_config", lambda: script(keys=keys, args=[expected or "", etag, record])
        )
        version_id, current = int(answer[0]), _text(answer[1])
        if version_id == 0:
            raise StaleConfig(current or None)
        return ConfigVersion(version_id, at, actor, etag, kept)

    async def current_config_etag(self) -> str | None:
        raw = await self.call(
            "current_config", lambda: self.client.get(self._config_key("current"))
        )
        return None if raw is None else str(json.loads(_text(raw))["etag"])

    async def current_config(self) -> ConfigVersion | None:
        raw = await self.call(
            "current_config", lambda: self.client.get(self._config_key("current"))
        )
        return None if raw is None else await self.config_version(int(json.loads(_text(raw))["id"]))

    async def config_versions(self, limit: int = 100) -> list[ConfigVersion]:
        ids = await self.call(
            "config_versions",
            lambda: self.client.lrange(self._config_key("order"), 0, limit - 1),
        )
        if not ids:
            return []
        records = await self.call(
            "config_versions", lambda: self.client.hmget(self._config_key("versions"), ids)
        )
        return [_version(int(i), r) for i, r in zip(ids, records, strict=True) if r is not None]

    async def config_version(self, version_id: int) -> ConfigVersion | None:
        if not 0 < version_id < 2**63:
            return None
        raw = await self.call(
            "config_version",
            lambda: self.client.hget(self._config_key("versions"), str(version_id)),
        )
        return None if raw is None else _version(version_id, raw)

    async def config_salt(self) -> bytes:
        key = self._config_key("salt")
        made = secrets.token_hex(16)
        await self.call("config_salt", lambda: self.client.set(key, made, nx=True))
        stored = await self.call("config_salt", lambda: self.client.get(key))
        return bytes.fromhex(_text(stored))

    def _reader(self, key: str) -> Callable[[], Awaitable[Any]]:
        return lambda: self.client.hgetall(key)

    async def legacy_configs(self) -> list[tuple[str, str, str]]:
        """``(at, actor, text)`` of versions kept in clear text by an older gateway,
        oldest first."""
        order = self.key("config", "versions")
        ids = await self.call("legacy_configs", lambda: self.client.lrange(order, 0, -1))
        found = []
        for raw_id in reversed(ids or []):
            key = self.key("config", "v", _text(raw_id))
            fields = await self.call("legacy_configs", self._reader(key))
            got = {_text(k): _text(v) for k, v in (fields or {}).items()}
            if "text" in got:
                found.append((got.get("at", ""), got.get("actor", ""), got["text"]))
        return found

    async def drop_legacy_configs(self) -> None:
        order = self.key("config", "versions")
        ids = await self.call("drop_legacy_configs", lambda: self.client.lrange(order, 0, -1))
        legacy = [order, self.key("config", "seq"), self.key("config", "current")]
        legacy += [self.key("config", "v", _text(i)) for i in ids or []]
        await self.call("drop_legacy_configs", lambda: self.client.delete(*legacy))


def _version(version_id: int, raw: object) -> ConfigVersion:
    data = json.loads(_text(raw))
    sealed = base64.b64decode(data["sealed"]) if data.get("sealed") else None
    kept = Sealed.read(data["skeleton"], data["spans"], sealed)
    return ConfigVersion(version_id, data["at"], data["actor"], data["etag"], kept)


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
