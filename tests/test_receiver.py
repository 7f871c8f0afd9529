"""``gateway webhook-receiver``: prints verified events once, refuses bad signatures."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from gateway.changes.receiver import receiver_app

pytestmark = pytest.mark.anyio
SECRET = "whsec_" + base64.b64encode(b"receiver-test-secret-32-bytes!!!").decode()


async def test_the_receiver_prints_each_verified_event_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    body = json.dumps({"id": "evt_1", "type": "customer.updated"})
    now = datetime.now(UTC)
    signature = Webhook(SECRET).sign("msg_1", now, body)
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }
    transport = httpx.ASGITransport(app=receiver_app(SECRET))
    async with httpx.AsyncClient(transport=transport, base_url="http://r") as client:
        for _ in range(2):  # a retried delivery: same webhook-id
            assert (await client.post("/", content=body, headers=headers)).status_code == 204
        forged = {**headers, "webhook-signature": "v1,AAAA"}
        assert (await client.post("/", content=body, headers=forged)).status_code == 401
    out, err = capsys.readouterr()
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["evt_1"]
    assert "refused" in err
