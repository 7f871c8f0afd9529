"""HubSpot's rate limits, simulated in front of the API (an ASGI layer).

As the usage guidelines document for private apps: a rolling window of ``max``
requests per ``interval`` seconds (190 per 10 s: Professional), a daily count, and the
CRM search's own limit (5 per second); every answer but a search's carries
``X-HubSpot-RateLimit-Daily``, ``-Daily-Remaining``, ``-Interval-Milliseconds``,
``-Max`` and ``-Remaining``. Over a limit the answer is 429 with the body the
guidelines show (``status``, ``message``, ``errorType: RATE_LIMIT``,
``correlationId``, ``policyName``: ``TEN_SECONDLY_ROLLING`` or ``SECONDLY``,
``requestId``) and no ``Retry-After``, which HubSpot does not document for 429s.

The windows only count until ``enforced`` is set (tests set it, and a small ``max``):
a test suite reads faster than any account allows.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import deque
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass
class Window:
    """A rolling window: at most ``max`` requests in any ``interval`` seconds."""

    policy: str
    max: int
    interval: float
    hits: deque[float] = field(default_factory=deque)

    def take(self, enforced: bool) -> bool:
        moment = time.monotonic()
        while self.hits and self.hits[0] <= moment - self.interval:
            self.hits.popleft()
        if enforced and len(self.hits) >= self.max:
            return False
        self.hits.append(moment)
        return True

    @property
    def remaining(self) -> int:
        return max(0, self.max - len(self.hits))


@dataclass
class Limits:
    enforced: bool = False
    daily: int = 1_000_000
    used_today: int = 0
    rolling: Window = field(default_factory=lambda: Window("TEN_SECONDLY_ROLLING", 190, 10.0))
    search: Window = field(default_factory=lambda: Window("SECONDLY", 5, 1.0))

    def headers(self) -> list[tuple[bytes, bytes]]:
        values = {
            "X-HubSpot-RateLimit-Daily": self.daily,
            "X-HubSpot-RateLimit-Daily-Remaining": max(0, self.daily - self.used_today),
            "X-HubSpot-RateLimit-Interval-Milliseconds": int(self.rolling.interval * 1000),
            "X-HubSpot-RateLimit-Max": self.rolling.max,
            "X-HubSpot-RateLimit-Remaining": self.rolling.remaining,
        }
        return [(k.lower().encode(), str(v).encode()) for k, v in values.items()]


class Limited:
    """The API behind its rate limits (module docstring)."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limits = self.limits
        searching = scope["method"] == "POST" and scope["path"].endswith("/search")
        window = limits.search if searching else limits.rolling
        allowed = window.take(limits.enforced)
        limits.used_today += 1
        extra = [] if searching else limits.headers()
        if not allowed:
            return await _refuse(send, window, extra)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


async def _refuse(send: Send, window: Window, headers: list[tuple[bytes, bytes]]) -> None:
    reached = "secondly" if window.policy == "SECONDLY" else window.policy.lower()
    body = json.dumps(
        {
            "status": "error",
            "message": f"You have reached your {reached} limit.",
            "errorType": "RATE_LIMIT",
            "correlationId": str(uuid.uuid4()),
            "policyName": window.policy,
            "requestId": str(uuid.uuid4()),
        }
    ).encode()
    start = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 429, "headers": start + headers})
    await send({"type": "http.response.body", "body": body})
