"""``gateway webhook-receiver``: a receiver to try webhooks with, and the reference of
how a receiver verifies them.

It answers every POST: a body whose Standard Webhooks signature verifies against
``--secret`` is printed as one JSON line (the event) and answered 204; anything else is
401 and a line on stderr. A ``webhook-id`` seen before is answered 204 again and not
printed twice: deliveries are at least once, so a receiver drops duplicates by it.
"""

from __future__ import annotations

import json
import sys

from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def receiver_app(secret: str) -> Starlette:
    webhook = Webhook(secret)
    seen: set[str] = set()

    async def receive(request: Request) -> Response:
        body = await request.body()
        headers = dict(request.headers)
        try:
            event = webhook.verify(body, headers)
        except WebhookVerificationError as exc:
            print(f"refused: {exc}", file=sys.stderr, flush=True)
            return Response(status_code=401)
        message_id = headers.get("webhook-id", "")
        if message_id not in seen:
            seen.add(message_id)
            print(json.dumps(event, separators=(",", ":")), flush=True)
        return Response(status_code=204)

    return Starlette(routes=[Route("/{path:path}", receive, methods=["POST"])])
