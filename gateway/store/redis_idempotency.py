"""The ``redis`` backend's ``Idempotency-Key`` records, shared by every instance.

- ``idem:{<key>}``: the claim (``{"f": fingerprint, "t": token}``), set with ``SET NX``
  and kept for the record's whole retention, then replaced by the answer. A claim never
  lapses: a first request that dies after sending leaves it, and the key is never run
  again (a retry is told the outcome is unknown).
- ``idem:{<key>}:live``: set with the claim and renewed every ``LIVE / 3`` seconds by the
  instance running the first request; it expires ``LIVE`` seconds after that instance
  stops renewing it (it died), so a duplicate knows at once that no answer will come.

Both keys carry the key's hash tag, so the scripts that touch both run on a cluster.
A claim is confirmed on a replica before the first request goes on
(gateway/store/redis_replication.py): a failover right after it cannot let a retry run
the key again.
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog

from gateway.store.base import IdempotencyRecord
from gateway.store.redis_replication import RedisReplication

LIVE = 3.0  # seconds a claim is alive after its last renewal
POLL = 0.05  # seconds between looks at a claim whose first request runs elsewhere
CLAIM = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
  return 1
end
return 0
"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('DEL', KEYS[2])
return 1
"""
log = structlog.get_logger("gateway.idempotency")


class RedisIdempotency(RedisReplication):
    """Mixed into ``RedisStore``, whose ``client``, ``key`` and ``call`` it uses."""

    client: Any
    key: Callable[..., str]
    call: Callable[[str, Callable[[], Awaitable[Any]]], Awaitable[Any]]
    call_now: Callable[[str, Callable[[], Awaitable[Any]]], Awaitable[Any]]
    timeout: float
    undo_later: Callable[[str, Callable[[], Awaitable[object]]], None]
    _claims: dict[str, tuple[str, asyncio.Task[None]]]
    script: Callable[[str], Any]

    def _idem(self, key: str) -> tuple[str, str]:
        record = self.key("idem", "{" + key + "}")
        return record, record + ":live"

    async def idempotency_get(self, key: str) -> IdempotencyRecord | None:
        keys = self._idem(key)
        raw, live = await self.call("idempotency_get", lambda: self.client.mget(keys))
        return _record(raw, live is not None)

    async def idempotency_claim(self, key: str, fingerprint: str, ttl: float) -> bool:
        token = secrets.token_hex(8)
        claim = json.dumps({"f": fingerprint, "t": token})
        keys = self._idem(key)
        args = [claim, int(ttl * 1000), token, int(LIVE * 1000)]
        try:  # confirmed on a replica: a failover right after it cannot lose it
            claimed = await self.call(
                "idempotency_claim", lambda: self.durable_script(CLAIM, keys, args)
            )
        except BaseException:
            # The claim may have been made and only its answer lost: take it back (ours
            # alone, by its token), or the key would read "outcome unknown" for a day
            # though nothing was sent.
            release = self.script(RELEASE)
            self.undo_later(
                "idempotency_claim",
                lambda: self.call_now(
                    "idempotency_release", lambda: release(keys=keys, args=[claim])
                ),
            )
            raise
        if claimed:
            renewing = asyncio.get_running_loop().create_task(
                self._keep_alive(key, claim, keys[1], token)
            )
            self._claims[key] = (claim, renewing)
        return bool(claimed)

    async def _keep_alive(self, key: str, claim: str, live: str, token: str) -> None:
        """Renew the claim while it is this instance's: it ends when ``_stop`` takes the
        claim away, even if the cancellation ``_stop`` sends is absorbed on the way (a
        burst on a loaded machine once left a renewal running, and its request waiting
        for it, for good)."""
        while True:
            await asyncio.sleep(LIVE / 3)
            if self._claims.get(key, ("",))[0] != claim:
                return
            try:  # not queued behind requests: a busy instance is not a dead one
                await self.call_now(
                    "idempotency_alive", lambda: self.client.set(live, token, px=int(LIVE * 1000))
                )
            except Exception:  # the store is down: duplicates see the claim die, safely
                log.warning("idempotency_claim_not_renewed")

    async def _stop(self, key: str) -> str | None:
        claim = self._claims.pop(key, None)
        if claim is None:
            return None
        claim[1].cancel()
        # its end, never the caller's cancellation; bounded: one renewal in flight
        done, _ = await asyncio.wait([claim[1]], timeout=LIVE / 3 + 2 * self.timeout + 1)
        if not done:
            log.warning("idempotency_renewal_not_stopped")
        return claim[0]

    async def idempotency_put(self, key: str, record: IdempotencyRecord, ttl: float) -> None:
        value = json.dumps(
            {
                "f": record.fingerprint,
                "s": record.status,
                "b": base64.b64encode(record.body).decode(),
                "h": record.headers,
            }
        )
        stored, live = self._idem(key)

        async def put() -> object:
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.set(stored, value, px=int(ttl * 1000))
                pipe.delete(live)
                return await pipe.execute()

        await self.call("idempotency_put", put)
        await self._stop(key)

    async def idempotency_release(self, key: str) -> None:
        claim = await self._stop(key)
        if claim is None:
            return
        script, keys = self.script(RELEASE), self._idem(key)
        await self.call("idempotency_release", lambda: script(keys=keys, args=[claim]))

    async def idempotency_abandon(self, key: str) -> None:
        if await self._stop(key) is None:
            return
        live = self._idem(key)[1]
        await self.call("idempotency_abandon", lambda: self.client.delete(live))

    async def idempotency_wait(self, key: str, wait: float) -> IdempotencyRecord | None:
        deadline = time.monotonic() + wait
        while True:
            record = await self.idempotency_get(key)
            if record is None or record.finished or not record.alive:
                return record
            if time.monotonic() >= deadline:
                return record
            await asyncio.sleep(POLL)


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _record(raw: object, alive: bool) -> IdempotencyRecord | None:
    if raw is None:
        return None
    data = json.loads(_text(raw))
    if data.get("s") is None:
        return IdempotencyRecord(data["f"], alive=alive)
    headers = tuple((str(k), str(v)) for k, v in data.get("h", ()))
    return IdempotencyRecord(data["f"], int(data["s"]), base64.b64decode(data["b"]), headers)
