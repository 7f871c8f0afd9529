"""Webhook deliveries (API.md section 9): at least once, signed, surviving restarts.

Every delivery is a record in the state store (gateway/store/): ``pending`` with a due
time, then ``delivered`` or ``failed``. ``DeliveryWorker`` runs in every instance; it
claims due deliveries from the store (a claim moves the due time past the attempt's
timeout, so no other worker sends it meanwhile, and a worker that dies mid-attempt
leaves it due again), sends each in its own task and records the outcome:

- a 2xx answer: ``delivered``;
- anything else (another status, a timeout, a refused or dropped connection): tried
  again after ``server.webhooks.first_retry`` seconds, doubling up to ``max_retry``,
  until ``give_up_after`` seconds after the event; then ``failed``.

Each attempt has the webhook's own ``timeout``, and at most ``concurrency`` attempts
per webhook are in flight, so one slow or dead receiver delays neither the others
nor the API. Every attempt of one delivery carries the same ``webhook-id`` (the
delivery's ID), so a receiver can drop duplicates. Signatures are the Standard
Webhooks scheme, made by its own package: ``webhook-signature: v1,<base64 HMAC-SHA256
of "id.timestamp.body">`` keyed with the decoded ``whsec_`` secret.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import structlog
from standardwebhooks.webhooks import Webhook

from gateway.changes.feed import ChangeFeed, retention
from gateway.config import Config
from gateway.config_changes import WebhookConfig
from gateway.store import StoreDown
from gateway.tasks import cancel_all

log = structlog.get_logger("gateway.webhooks")
IDLE = 0.5  # seconds between looks at the store when nothing woke the worker
BATCH = 50
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
        self._client: httpx.AsyncClient | None = None
        self._in_flight: dict[str, int] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        self._stopping = True
        await cancel_all([t for t in (self._loop, *self._tasks) if t is not None])
        if self._client is not None:
            await self._client.aclose()

    @property
    def client(self) -> httpx.AsyncClient:
        """Made on first use, so an app that never delivers never opens one."""
        if self._client is None:
            self._client = httpx.AsyncClient(follow_redirects=False, trust_env=False)
        return self._client

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
        hold = max([h.timeout for h in hooks.values()], default=10.0) + 5.0
        for delivery in await self.feed.store.deliveries_claim(time.time(), BATCH, hold):
            hook = hooks.get(delivery["webhook"])
            if hook is None:
                delivery.update(status="failed", last_error="the webhook is no longer configured")
                await self.feed.store.delivery_put(delivery, retention(config))
                continue
            if self._in_flight.get(hook.name, 0) >= config.server.webhooks.concurrency:
                delivery["due"] = time.time() + IDLE  # this receiver is busy: later
                await self.feed.store.delivery_put(delivery, retention(config))
                continue
            self._in_flight[hook.name] = self._in_flight.get(hook.name, 0) + 1
            task = asyncio.get_running_loop().create_task(self._attempt(hook, delivery))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _attempt(self, hook: WebhookConfig, delivery: dict[str, Any]) -> None:
        try:
            await self.attempt(hook, delivery)
        except StoreDown:
            log.warning("delivery_outcome_not_kept", id=delivery["id"])  # due again later
        finally:
            self._in_flight[hook.name] -= 1

    async def attempt(self, hook: WebhookConfig, delivery: dict[str, Any]) -> dict[str, Any]:
        """Send ``delivery`` once and keep the outcome (module docstring)."""
        config = self.config()
        now = datetime.now(UTC)
        delivery["attempts"] = int(delivery.get("attempts", 0)) + 1
        try:
            response = await self.client.post(
                hook.url,
                content=delivery["payload"].encode(),
                headers=signed_headers(hook, delivery, now),
                timeout=hook.timeout,
            )
            status: int | None = response.status_code
            error = None if 200 <= response.status_code < 300 else f"HTTP {status}"
        except httpx.HTTPError as exc:
            status, error = None, _failure(exc)
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
        await self.feed.store.delivery_put(delivery, retention(config))
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


def _failure(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.ConnectError):
        return "could not connect"
    return f"connection failed ({type(exc).__name__})"


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
