"""Webhook deliveries (API.md section 9): at least once, signed, surviving restarts.

Every delivery is a record in the state store (gateway/store/): ``pending`` with a due
time, then ``delivered`` or ``failed``. ``DeliveryWorker`` runs in every instance; it
claims due deliveries from the store, sends each in its own task and records the
outcome:

- a 2xx answer: ``delivered``;
- anything else (another status, a timeout, a refused or dropped connection, the
  egress policy): tried again after ``server.webhooks.first_retry`` seconds, doubling
  up to ``max_retry``, until ``give_up_after`` seconds after the event; then ``failed``.

At most one attempt of a delivery is in flight anywhere. A claim is a hold in the store
(gateway/store/base.py) that only its holder may write through; when the attempt
starts, the hold is renewed to outlive the attempt's deadline (the webhook's
``timeout`` plus ``HOLD_MARGIN``; renewed again if the store was slow to answer) and
``attempts`` grows by one in the same write, so an attempt is counted before anything
is sent. The attempt itself is bounded as a
whole, its answer read up to 64 KiB (gateway/changes/webhook_client.py). A worker that
dies mid-attempt leaves a hold that lapses, and the delivery is due again. An admin's
retry takes the same hold, so it never runs beside an attempt in flight. A worker that
stops (the instance drains, gateway/serving/drain.py) first stops claiming (``pause``), lets
its attempts in flight run until the grace ends, then cancels the rest and releases
their holds with the delivery due at once, so another instance sends it again (the
same ``webhook-id``) without waiting for the hold to lapse.

A delivery's id is made from its webhook and event, and ``Recovery``
(gateway/changes/recovery.py) puts the deliveries of an event whose recording failed
after the event was kept.

At most ``concurrency`` attempts per webhook are in flight in one process, so one slow
or dead receiver delays neither the others nor the API. Every attempt of one delivery
carries the same ``webhook-id`` (the delivery's ID), so a receiver can drop duplicates.
Signatures are the Standard Webhooks scheme, made by its own package:
``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` keyed with the
decoded ``whsec_`` secret.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import structlog
from aiohttp.abc import AbstractResolver
from standardwebhooks.webhooks import Webhook

from gateway.changes.feed import ChangeFeed, retention
from gateway.changes.recovery import Recovery
from gateway.changes.webhook_client import WebhookClient
from gateway.config.changes import WebhookConfig
from gateway.config.model import Config
from gateway.observability.tracing import PROPAGATOR, background, current_trace_ids
from gateway.store import StoreDown
from gateway.store.base import DeliveryHeld
from gateway.tasks import cancel_all
from gateway.upstreams.egress import store_addresses

log = structlog.get_logger("gateway.webhooks")
IDLE = 0.5  # seconds between looks at the store when nothing woke the worker
BATCH = 50
HOLD_MARGIN = 5.0  # seconds a delivery's hold outlives its attempt's deadline
RENEWALS = 3  # writes that may answer late before an attempt is not started
SHOWN = ("id", "webhook", "event_id", "status", "attempts", "last_status", "next_attempt_at")


def shown(delivery: dict[str, Any]) -> dict[str, Any]:
    """A delivery as the admin API shows it (API.md section 9), plus its last error."""
    pending = delivery["status"] == "pending"
    due = _iso(delivery["due"]) if pending else None
    return {
        **{k: delivery.get(k) for k in SHOWN if k != "next_attempt_at"},
        "next_attempt_at": due,
        "last_error": delivery.get("last_error"),
        "created_at": delivery.get("created_at"),
        **({"trace_id": delivery["trace_id"]} if delivery.get("trace_id") else {}),
    }


def signed_headers(hook: WebhookConfig, delivery: dict[str, Any], now: datetime) -> dict[str, str]:
    signature = Webhook(hook.secret.get_secret_value()).sign(
        delivery["id"], now, delivery["payload"]
    )
    return {
        "content-type": "application/json",
        "user-agent": "customer-gateway-webhooks/0.1",
        "webhook-id": delivery["id"],
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }


class DeliveryWorker:
    def __init__(self, feed: ChangeFeed, config: Callable[[], Config]) -> None:
        self.feed = feed
        self.config = config
        self.resolver: AbstractResolver | None = None  # aiohttp's default unless set
        self._sender: WebhookClient | None = None
        self._in_flight: dict[str, int] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop: asyncio.Task[None] | None = None
        self._stopping = False
        self.released = 0  # holds given back by ``stop``
        self.recovery = Recovery(feed)  # deliveries an event's recording could not queue

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop().create_task(self._run())
        await self.recovery.start()

    async def pause(self) -> None:
        """Claim nothing more, and hand recovery over; attempts in flight go on."""
        self._stopping = True
        await cancel_all([self._loop] if self._loop is not None else [])
        await self.recovery.stop()

    async def stop(self, within: float = 0.0) -> None:
        """``pause``, give attempts in flight ``within`` seconds to end, then cancel the
        rest, releasing their holds (module docstring)."""
        await self.pause()
        if self._tasks and within > 0:
            await asyncio.wait(list(self._tasks), timeout=within)
        await cancel_all(list(self._tasks))
        if self._sender is not None:
            await self._sender.aclose()

    @property
    def sender(self) -> WebhookClient:
        """Made on first use, so an app that never delivers never opens one."""
        if self._sender is None:
            store = store_addresses(self.config().server.state)  # fixed until a restart
            self._sender = WebhookClient(store, self.resolver)
        return self._sender

    async def _run(self) -> None:
        while not self._stopping:
            try:
                await self.run_once()
            except StoreDown:
                pass  # the store is back soon; the deliveries are still in it
            except Exception:
                log.exception("delivery_worker_failed")
            # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancellation
            # that lands as the wait ends, and the worker would never stop
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(IDLE):
                    await self.feed.wake.wait()
            self.feed.wake.clear()

    async def run_once(self) -> None:
        """Claim what is due and start its attempts (each in its own task)."""
        config = self.config()
        hooks = {h.name: h for h in config.webhooks}
        hold = max([h.timeout for h in hooks.values()], default=10.0) + HOLD_MARGIN
        holder = _holder()
        store = self.feed.store
        for delivery in await store.deliveries_claim(time.time(), BATCH, hold, holder):
            hook = hooks.get(delivery["webhook"])
            if hook is None:
                delivery.update(status="failed", last_error="the webhook is no longer configured")
                await store.delivery_update(delivery, retention(config), holder, 0)
                continue
            if self._in_flight.get(hook.name, 0) >= config.server.webhooks.concurrency:
                delivery["due"] = time.time() + IDLE  # this receiver is busy: later
                await store.delivery_update(delivery, retention(config), holder, 0)
                continue
            self._in_flight[hook.name] = self._in_flight.get(hook.name, 0) + 1
            task = asyncio.get_running_loop().create_task(self._attempt(hook, delivery, holder))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _attempt(self, hook: WebhookConfig, delivery: dict[str, Any], holder: str) -> None:
        try:
            await self.attempt(hook, delivery, holder)
        except StoreDown:
            log.warning("delivery_outcome_not_kept", id=delivery["id"])  # due again later
        except asyncio.CancelledError:
            if self._stopping:
                await self._release(delivery, holder)
            raise
        finally:
            self._in_flight[hook.name] -= 1

    async def _release(self, delivery: dict[str, Any], holder: str) -> None:
        """Give back the hold of an attempt cut off by a stop: due again at once, unless
        its outcome was known (then that is kept)."""
        if delivery["status"] == "pending":
            delivery["due"] = time.time()
            delivery["last_error"] = "the gateway instance stopped during the attempt"
        with contextlib.suppress(Exception):
            if await self.feed.store.delivery_update(delivery, retention(self.config()), holder, 0):
                self.released += 1

    async def retry(self, hook: WebhookConfig, delivery_id: str) -> dict[str, Any] | None:
        """An admin's retry: one attempt now, under the delivery's hold (None: no such
        delivery). Raises ``DeliveryHeld`` while an attempt is in flight anywhere."""
        holder = _holder()
        store = self.feed.store
        delivery = await store.delivery_claim(delivery_id, hook.timeout + HOLD_MARGIN, holder)
        if delivery is None:
            return None
        done = await self.attempt(hook, delivery, holder)
        if done is None:
            raise DeliveryHeld(delivery_id)
        return done

    async def attempt(
        self, hook: WebhookConfig, delivery: dict[str, Any], holder: str
    ) -> dict[str, Any] | None:
        """Send ``delivery``, which ``holder`` holds, once and keep the outcome (module
        docstring); None when the hold was lost before the attempt started."""
        config = self.config()
        store = self.feed.store
        delivery["attempts"] = int(delivery.get("attempts", 0)) + 1
        if not await self._renewed(delivery, holder, hook.timeout + HOLD_MARGIN, config):
            log.warning("delivery_hold_lost", id=delivery["id"])
            return None
        now = datetime.now(UTC)
        headers = signed_headers(hook, delivery, now)
        attributes = {"gateway.webhook": hook.name, "gateway.delivery": delivery["id"]}
        with background(
            config.server.tracing, "webhook delivery", attributes, delivery.get("cause")
        ):
            if (ids := current_trace_ids()) is not None:
                delivery["trace_id"] = ids[0]  # the attempt's trace, kept on the delivery
                PROPAGATOR.inject(headers)  # the receiver may continue it
            status, error = await self.sender.post(
                hook.url,
                delivery["payload"].encode(),
                headers,
                seconds=hook.timeout,
                deny_private=config.server.egress.deny_private,
            )
        delivery["last_status"], delivery["last_error"] = status, error
        if error is None:
            delivery["status"] = "delivered"
        else:
            retry = config.server.webhooks
            wait = min(retry.first_retry * 2 ** (delivery["attempts"] - 1), retry.max_retry)
            if time.time() + wait > float(delivery["created"]) + retry.give_up_after:
                delivery["status"] = "failed"
            else:
                delivery["status"], delivery["due"] = "pending", time.time() + wait
        if not await store.delivery_update(delivery, retention(config), holder, 0):
            log.warning("delivery_outcome_not_kept", id=delivery["id"])  # its hold lapsed
        outcome = "retry" if delivery["status"] == "pending" else delivery["status"]
        self.feed.metrics.webhook_attempts.labels(hook.name, outcome).inc()
        log.info(
            "webhook_delivery",
            id=delivery["id"],
            webhook=hook.name,
            status=delivery["status"],
            attempts=delivery["attempts"],
            answer=status,
        )
        return delivery

    async def _renewed(
        self, delivery: dict[str, Any], holder: str, hold: float, config: Config
    ) -> bool:
        """Keep ``delivery`` and renew its hold for ``hold`` seconds from now; False when
        the hold was lost. The hold runs from when the store wrote it, the attempt from
        when the write was answered: a write answered more than ``HOLD_MARGIN / 2`` late
        is renewed again, so the hold still outlives the attempt. Raises ``StoreDown``
        when the store stays that slow."""
        for _ in range(RENEWALS):
            began = time.monotonic()
            if not await self.feed.store.delivery_update(delivery, retention(config), holder, hold):
                return False
            if time.monotonic() - began < HOLD_MARGIN / 2:
                return True
        raise StoreDown("the state store answers too slowly to hold a delivery")


def _holder() -> str:
    """A claim's own token: no other claim, in this process or another, has it."""
    return secrets.token_hex(8)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
