"""One webhook POST, bounded whatever the receiver does (API.md section 9).

- The webhook's ``timeout`` bounds the attempt as a whole: connecting, sending, the
  answer's head and what is read of its body. (httpx's timeouts are per phase: a
  receiver trickling a byte a second kept an attempt open for as long as it liked.)
- At most ``ANSWER_CAP`` bytes of the answer are read, then the connection is closed;
  the gateway needs only the status. aiohttp stops reading from the socket while its
  buffer is full (about twice the cap), so a receiver answering 400 MB costs the
  gateway no more memory than one answering 4 bytes. The body is not decompressed.
- Every address connected to passes the egress policy first (gateway/upstreams/egress.py); a
  refused one is never contacted, and its outcome says only that the policy refused.

The HTTP client is aiohttp's (the upstreams have their own, gateway/upstreams/
lean_transport.py; both call ``Egress.socket_factory`` for each resolved address): its
``socket_factory`` is where the policy sees each resolved address. There is one session
per policy (``deny_private`` on or off), so turning ``deny_private`` on never reuses a
kept-alive connection the previous policy allowed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import aiohttp
from aiohttp.abc import AbstractResolver

from gateway.upstreams.connections import tls_context
from gateway.upstreams.egress import REFUSED, Address, Egress, refused

ANSWER_CAP = 64 * 1024  # bytes of a receiver's answer read at most


class Outcome(NamedTuple):
    status: int | None  # the receiver's HTTP status, when it answered
    error: str | None  # None for a 2xx; otherwise what went wrong, in a few words


class WebhookClient:
    """POSTs to webhook receivers. ``store``: the state store's addresses (always
    refused); ``resolver``: aiohttp's default unless given (tests name their hosts)."""

    def __init__(
        self, store: Sequence[Address] = (), resolver: AbstractResolver | None = None
    ) -> None:
        self.store = tuple(store)
        self.resolver = resolver
        self._sessions: dict[bool, tuple[Egress, aiohttp.ClientSession]] = {}

    def _session(self, deny_private: bool) -> tuple[Egress, aiohttp.ClientSession]:
        if deny_private not in self._sessions:
            egress = Egress(self.store, deny_private=deny_private)
            connector = aiohttp.TCPConnector(
                limit=0,
                ssl=tls_context(),
                resolver=self.resolver,
                socket_factory=egress.socket_factory,
            )
            session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
                trust_env=False,
            )
            self._sessions[deny_private] = (egress, session)
        return self._sessions[deny_private]

    async def post(
        self,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
        *,
        seconds: float,
        deny_private: bool,
    ) -> Outcome:
        """Send once, within ``seconds`` all told; never raises for anything the
        receiver or the network does."""
        egress, session = self._session(deny_private)
        try:
            async with asyncio.timeout(seconds):
                await egress.prepare(self.resolver)
                async with session.post(
                    url,
                    data=body,
                    headers=dict(headers),
                    allow_redirects=False,
                    timeout=aiohttp.ClientTimeout(total=seconds),
                    skip_auto_headers=("Accept-Encoding",),
                ) as answer:
                    if not await _read_capped(answer.content, ANSWER_CAP):
                        answer.close()  # the rest is never read: drop the connection
                    status = answer.status
        except TimeoutError:
            return Outcome(None, "timed out")
        except aiohttp.ClientConnectorError as exc:
            return Outcome(None, REFUSED if refused(exc) else "could not connect")
        except aiohttp.ClientError as exc:
            return Outcome(None, f"connection failed ({type(exc).__name__})")
        except ValueError:  # a URL aiohttp cannot send to (config checks the usual ones)
            return Outcome(None, "the webhook URL cannot be sent to")
        return Outcome(status, None if 200 <= status < 300 else f"HTTP {status}")

    async def aclose(self) -> None:
        sessions, self._sessions = list(self._sessions.values()), {}
        for _, session in sessions:
            await session.close()


async def _read_capped(content: aiohttp.StreamReader, cap: int) -> bool:
    """Read and drop up to ``cap`` bytes; whether the answer ended within them."""
    left = cap
    while left > 0:
        chunk = await content.read(left)
        if not chunk:
            return True
        left -= len(chunk)
    return content.at_eof()
