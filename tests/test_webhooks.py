"""Webhooks (API.md section 9): signed per Standard Webhooks, at least once with
backoff, deliveries that survive a restart, one slow receiver delaying no other.

The receivers are real HTTP servers (uvicorn on a free port) in the test's loop."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import inspect
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from standardwebhooks.webhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.app import create_app
from gateway.config.model import ConfigError
from gateway.config.text import parse_config
from tests.conftest import CONFIG, client_for
from tests.servers import free_port

pytestmark = pytest.mark.anyio
SECRET = "whsec_" + base64.b64encode(b"a-webhook-secret-of-32-bytes!!!!").decode()
ADMIN = {"Authorization": "Bearer admin-key"}


@dataclass
class Receiver:
    """A webhook receiver that fails its first ``failures`` requests (500), sleeps
    ``delay`` seconds before answering, and keeps what it was sent."""

    failures: int = 0
    delay: float = 0.0
    seen: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    port: int = field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def hook(self, request: Request) -> Response:
        self.seen.append((dict(request.headers), await request.body()))
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.failures > 0:
            self.failures -= 1
            return Response("not now", status_code=500)
        return Response(status_code=204)


@contextlib.asynccontextmanager
async def uvicorn_serving(
    app: Starlette, port: int, log_level: str = "warning"
) -> AsyncIterator[None]:
    """``app`` served by uvicorn on ``port`` in the test's loop for the block: a real
    HTTP server, reached over a socket as the gateway reaches a receiver."""
    config = uvicorn.Config(app, port=port, log_level=log_level, lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.get_running_loop().create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn sets a flag, no event
        await asyncio.sleep(0.01)
    try:
        yield
    finally:
        server.should_exit = True
        await task


@contextlib.asynccontextmanager
async def serving(receiver: Receiver) -> AsyncIterator[Receiver]:
    app = Starlette(routes=[Route("/hook", receiver.hook, methods=["POST"])])
    async with uvicorn_serving(app, receiver.port):
        yield receiver


def hooks_config(
    *hooks: str, retry: str = "first_retry: 0.05, max_retry: 0.2", state: str = ""
) -> str:
    text = CONFIG.replace(
        "  max_body_bytes: 2048\n",
        f"  max_body_bytes: 2048\n  webhooks: {{{retry}}}\n{state}",
    )
    return text + "webhooks:\n" + "".join(f"  - {h}\n" for h in hooks)


def hook(name: str, url: str, **more: str) -> str:
    extra = "".join(f", {k}: {v}" for k, v in more.items())
    return f'{{name: {name}, url: "{url}", secret: "{SECRET}"{extra}}}'


@contextlib.asynccontextmanager
async def gateway(text: str, path: Path | None = None) -> AsyncIterator[Starlette]:
    if path is not None:
        path.write_text(text)
    app = create_app(parse_config(text), config_path=path)
    await app.state.host.deliveries.start()
    try:
        yield app
    finally:
        await app.state.host.deliveries.stop()
        await app.state.runtime.aclose()
        await app.state.runtime.store.aclose()


async def until(check: Any, what: str, deadline: float = 10.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        result = check()
        if await result if inspect.isawaitable(result) else result:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{what} did not happen within {deadline} s")


async def deliveries(app: Starlette, **params: str) -> list[dict[str, Any]]:
    async with client_for(app, key="admin-key") as admin:
        answer = await admin.get("/admin/webhooks/deliveries", params=params)
        assert answer.status_code == 200, answer.text
        found: list[dict[str, Any]] = answer.json()["data"]
        return found


async def test_a_receiver_failing_three_times_gets_the_event_on_the_fourth_attempt() -> None:
    async with (
        serving(Receiver(failures=3)) as receiver,
        gateway(hooks_config(hook("erp", receiver.url))) as app,
    ):
        async with client_for(app) as client:
            patched = await client.patch("/v1/customers/borderbolt:501", json={"name": "Hooked"})
            assert patched.status_code == 200
        await until(lambda: len(receiver.seen) == 4, "four attempts")
        await until(lambda: _status(app, "delivered"), "the delivery to be recorded as delivered")
        ids = {headers["webhook-id"] for headers, _ in receiver.seen}
        assert len(ids) == 1  # one message, retried: the receiver can drop duplicates
        bodies = {body for _, body in receiver.seen}
        assert len(bodies) == 1
        headers, body = receiver.seen[-1]
        event = Webhook(SECRET).verify(body, headers)  # the receiver's own check
        assert event["type"] == "customer.updated" and event["data"]["name"] == "Hooked"
        assert event["resource_id"] == "borderbolt:501" and event["source"] == "gateway"
        [delivery] = await deliveries(app)
        assert delivery["id"] == ids.pop() and delivery["event_id"] == event["id"]
        assert delivery["attempts"] == 4 and delivery["last_status"] == 204
        assert delivery["next_attempt_at"] is None and delivery["webhook"] == "erp"
        scraped = app.state.metrics.render().decode()
        assert 'gateway_webhook_attempts_total{outcome="retry",webhook="erp"} 3.0' in scraped
        assert 'gateway_webhook_attempts_total{outcome="delivered",webhook="erp"} 1.0' in scraped
        assert 'gateway_events_total{source="gateway",type="customer.updated"} 1.0' in scraped


async def _status(app: Starlette, status: str) -> bool:
    found = await deliveries(app)
    return bool(found) and all(d["status"] == status for d in found)


async def test_webhooks_get_only_the_events_and_connections_they_match() -> None:
    async with (
        serving(Receiver()) as items,
        serving(Receiver()) as tenant,
        gateway(
            hooks_config(
                hook("items", items.url, events='["item.*"]'),
                hook("tenant", tenant.url, events='["customer.*"]', connections="[tenant2]"),
            )
        ) as app,
    ):
        async with client_for(app) as client:
            await client.patch("/v1/customers/borderbolt:501", json={"name": "Not for them"})
            await client.patch("/v1/customers/tenant2:501", json={"name": "For tenant"})
            await client.post("/v1/items/borderbolt:801/verify")
        await until(lambda: len(items.seen) == 1 and len(tenant.seen) == 1, "one each")
        await asyncio.sleep(0.2)
        assert len(items.seen) == 1 and len(tenant.seen) == 1
        assert Webhook(SECRET).verify(items.seen[0][1], items.seen[0][0])["type"] == "item.updated"
        told = Webhook(SECRET).verify(tenant.seen[0][1], tenant.seen[0][0])
        assert told["resource_id"] == "tenant2:501"


async def test_a_slow_receiver_delays_neither_another_nor_the_api() -> None:
    async with (
        serving(Receiver(delay=5)) as slow,
        serving(Receiver()) as fast,
        gateway(hooks_config(hook("slow", slow.url, timeout="0.3"), hook("fast", fast.url))) as app,
    ):
        async with client_for(app) as client:
            started = time.monotonic()
            for n in range(3):
                answer = await client.patch(
                    "/v1/customers/borderbolt:501", json={"name": f"Busy {n}"}
                )
                assert answer.status_code == 200
            assert time.monotonic() - started < 2  # the writes never wait for a receiver
        await until(lambda: len(fast.seen) == 3, "the fast receiver's three events", 3)
        slow_ones = [d for d in await deliveries(app) if d["webhook"] == "slow"]
        assert len(slow_ones) == 3
        await until(lambda: _slow_timed_out(app), "the slow receiver's attempts to time out", 5)


async def _slow_timed_out(app: Starlette) -> bool:
    slow = [d for d in await deliveries(app) if d["webhook"] == "slow"]
    return all(d["last_error"] == "timed out" and d["status"] == "pending" for d in slow)


async def test_a_dead_receiver_is_given_up_on_and_a_retry_resends_the_same_message() -> None:
    receiver = Receiver()
    text = hooks_config(
        hook("dead", receiver.url), retry="first_retry: 0.05, max_retry: 0.2, give_up_after: 0.5"
    )
    async with gateway(text) as app:
        async with client_for(app) as client:
            await client.patch("/v1/customers/borderbolt:501", json={"name": "Nobody home"})
        await until(lambda: _status(app, "failed"), "the delivery to fail", 5)
        [failed] = await deliveries(app, status="failed")
        assert failed["last_error"] == "could not connect" and failed["attempts"] >= 2
        assert await deliveries(app, status="pending") == []
        async with serving(receiver), client_for(app, key="admin-key") as admin:
            retried = await admin.post(f"/admin/webhooks/deliveries/{failed['id']}/retry")
            assert retried.status_code == 200, retried.text
            again = retried.json()
            assert again["status"] == "delivered"
            assert again["attempts"] == failed["attempts"] + 1
            assert receiver.seen[0][0]["webhook-id"] == failed["id"]
            missing = await admin.post("/admin/webhooks/deliveries/msg_nope/retry")
            assert missing.status_code == 404


async def test_a_pending_delivery_survives_a_restart_mid_backoff(tmp_path: Path) -> None:
    state = f'  state: {{backend: local, path: "{tmp_path / "state.db"}"}}\n'
    receiver = Receiver(failures=1)
    text = hooks_config(hook("erp", receiver.url), retry="first_retry: 1", state=state)
    text = text.replace(
        "first_retry: 0.05, max_retry: 0.2, first_retry: 1", "first_retry: 1, max_retry: 2"
    )
    async with serving(receiver):
        async with gateway(text) as first:
            async with client_for(first) as client:
                await client.patch("/v1/customers/borderbolt:501", json={"name": "Restarted"})
            await until(lambda: len(receiver.seen) == 1, "the first, failed attempt")
        # the gateway is down while the delivery waits for its retry
        assert len(receiver.seen) == 1
        async with gateway(text) as second:
            await until(lambda: len(receiver.seen) == 2, "the retry, by the new process")
            await until(lambda: _status(second, "delivered"), "delivered")
    assert receiver.seen[0][0]["webhook-id"] == receiver.seen[1][0]["webhook-id"]
    assert receiver.seen[0][1] == receiver.seen[1][1]


async def test_webhook_secrets_are_masked_and_bad_webhooks_refused(tmp_path: Path) -> None:
    text = hooks_config(hook("erp", "https://erp.example.test/hook"))
    async with (
        gateway(text, tmp_path / "config.yaml") as app,
        client_for(app, key="admin-key") as admin,
    ):
        listed = (await admin.get("/admin/webhooks")).json()["data"]
        assert listed[0]["secret"] == "***" and listed[0]["url"].startswith("https://")
        config = await admin.get("/admin/config")
        assert SECRET not in config.text and "***" in config.text
    for bad, where in [
        (hook("x", "ftp://erp.example.test/hook"), "webhooks.0.url"),
        ('{name: x, url: "https://e.test/h", secret: "plain-secret"}', "webhooks.0.secret"),
        (hook("x", "https://e.test/h", events='["order.*"]'), "webhooks.0.events"),
        (hook("x", "https://e.test/h", connections="[nowhere]"), "webhooks.0.connections.0"),
    ]:
        with pytest.raises(ConfigError) as refused:
            parse_config(hooks_config(bad))
        assert [p for p, _ in refused.value.problems] == [where], bad
    with pytest.raises(ConfigError) as twice:
        parse_config(hooks_config(hook("x", "https://e.test/a"), hook("x", "https://e.test/b")))
    assert twice.value.problems[0][0] == "webhooks.1.name"


async def test_deliveries_page_newest_first_with_a_cursor() -> None:
    receiver = Receiver()
    async with serving(receiver), gateway(hooks_config(hook("erp", receiver.url))) as app:
        async with client_for(app) as client:
            for n in range(5):
                await client.patch("/v1/customers/borderbolt:501", json={"name": f"N{n}"})
        await until(lambda: len(receiver.seen) == 5, "five deliveries")
        await until(lambda: _status(app, "delivered"), "all delivered")
        async with client_for(app, key="admin-key") as admin:
            first = (await admin.get("/admin/webhooks/deliveries?limit=3")).json()
            cursor = first["meta"]["next_cursor"]
            rest = (await admin.get("/admin/webhooks/deliveries", params={"cursor": cursor})).json()
            pages = first["data"] + rest["data"]
            assert rest["meta"]["next_cursor"] is None and len(pages) == 5
            names = [Webhook(SECRET).verify(b, h)["data"]["name"] for h, b in receiver.seen]
            by_id = {h["webhook-id"]: n for (h, _), n in zip(receiver.seen, names, strict=True)}
            assert [by_id[d["id"]] for d in pages] == ["N4", "N3", "N2", "N1", "N0"]
            wrong = await admin.get("/admin/webhooks/deliveries?status=lost")
            assert wrong.status_code == 400
        async with client_for(app) as client:
            assert (await client.get("/admin/webhooks/deliveries")).status_code == 403


async def test_a_url_the_client_cannot_send_to_is_a_failed_attempt_not_a_stuck_one() -> None:
    """``a..b`` passes the config's URL check but is no host name: each attempt is
    recorded as failed (and retried), never left to a worker that died on it."""
    async with gateway(hooks_config(hook("odd", "http://a..b/hook"))) as app:
        async with client_for(app) as client:
            await client.patch("/v1/customers/borderbolt:501", json={"name": "Odd"})
        await until(lambda: _attempted(app, 2), "two recorded attempts")
        [delivery] = await deliveries(app)
    assert delivery["last_error"] == "the webhook URL cannot be sent to"
    assert delivery["status"] == "pending" and delivery["last_status"] is None


async def _attempted(app: Starlette, count: int) -> bool:
    found = await deliveries(app)
    return bool(found) and found[0]["attempts"] >= count and found[0]["last_error"] is not None
