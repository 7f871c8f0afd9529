"""One HTTP/1.1 connection to an upstream: an ``asyncio.Protocol`` that writes a request
in one ``transport.write`` and reads its answer with httptools' parser (llhttp, the C
parser uvicorn reads requests with; here it reads responses).

It is the part of gateway/upstreams/lean_transport.py that touches bytes: one request at
a time, its answer collected whole (status, raw headers, body). What it promises about
reaching the upstream (the transport's module docstring has the table): a failure
before any byte of the answer arrived is ``RemoteProtocolError``, a connection that
ends mid-answer ``ReadError``, silence longer than the read timeout ``ReadTimeout``;
all three "may have reached it", since the request was written. Nothing is ever
written twice: a connection that failed is closed, and the caller decides.

An answer read to the end of the connection (HTTP/1.0, or no length given) ends when
the peer closes; llhttp needs to be told that (httptools has no ``finish``), so
``_ended`` completes it when the headers named no length. 1xx answers are skipped. A
HEAD answer ends with its headers (llhttp cannot be told the request was a HEAD): the
parser is replaced before the connection's next request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
from httptools import HttpParserError, HttpParserUpgrade, HttpResponseParser

Answer = tuple[int, list[tuple[bytes, bytes]], bytes]
LENGTHS = frozenset({b"content-length", b"transfer-encoding"})


class Connection(asyncio.Protocol):
    """``key``: the origin it is connected to; ``forget``: called once when it closes
    (the pool counts it no more)."""

    def __init__(self, key: tuple[str, str, int], forget: Callable[[Connection], None]) -> None:
        self.key = key
        self.loop = asyncio.get_running_loop()
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.reusable = True  # False once its answer said close, or it went wrong
        self.idle_since = 0.0
        self._forget = forget
        self._parser = HttpResponseParser(self)
        self._stale_parser = False
        self._waiter: asyncio.Future[Answer] | None = None
        self._request: httpx.Request | None = None
        self._head = False
        self._status = 0
        self._informational = False
        self._headers: list[tuple[bytes, bytes]] = []
        self._body: list[bytes] = []
        self._answered = False  # a byte of the answer arrived
        self._timer: asyncio.TimerHandle | None = None
        self._read_timeout = 0.0
        self._last_read = 0.0

    def send(
        self, request: httpx.Request, data: bytes, read_timeout: float | None, head: bool
    ) -> asyncio.Future[Answer]:
        """Write ``data`` (the whole request) and return the future of its answer."""
        if self._stale_parser:
            self._parser, self._stale_parser = HttpResponseParser(self), False
        self._request, self._head = request, head
        self._status, self._informational, self._answered = 0, False, False
        self._headers, self._body = [], []
        self._waiter = waiter = self.loop.create_future()
        assert self.transport is not None
        self.transport.write(data)
        if read_timeout is not None:
            self._read_timeout, self._last_read = read_timeout, self.loop.time()
            self._timer = self.loop.call_later(read_timeout, self._read_check)
        return waiter

    def close(self, *, abort: bool = False) -> None:
        """Close it (``abort``: dropping whatever is still unwritten) and tell the pool."""
        self._stop_timer()
        if not self.closed:
            self.closed, self.reusable = True, False
            if self.transport is not None:
                if abort:
                    self.transport.abort()
                else:
                    self.transport.close()
            self._forget(self)

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        waiter = self._waiter
        if waiter is None or waiter.done():
            self.close(abort=True)  # bytes nobody asked for: the connection is not sane
            return
        self._answered = True
        if self._timer is not None:
            self._last_read = self.loop.time()
        try:
            self._parser.feed_data(data)
        except HttpParserUpgrade:
            self._fail(httpx.RemoteProtocolError, "the upstream switched protocols")
        except HttpParserError as exc:
            self._fail(httpx.RemoteProtocolError, f"a malformed answer ({exc})")

    def eof_received(self) -> bool:
        self._ended()
        return False  # the transport closes itself

    def connection_lost(self, exc: Exception | None) -> None:
        self._ended()

    # httptools' callbacks

    def on_message_begin(self) -> None:
        if self._waiter is None or self._waiter.done():
            self.reusable = False  # a second answer to one request

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers.append((name, value))

    def on_headers_complete(self) -> None:
        status = self._parser.get_status_code()
        if status < 200:
            self._informational, self._headers = True, []
            return
        self._status = status
        if self._head:
            self._stale_parser = True
            self._finish()

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        if self._informational:
            self._informational = False
        elif self._waiter is not None and not self._waiter.done():
            self._finish()

    # the answer's end

    def _finish(self) -> None:
        if not self._parser.should_keep_alive():
            self.reusable = False
        self._stop_timer()
        assert self._waiter is not None
        self._waiter.set_result((self._status, self._headers, b"".join(self._body)))

    def _fail(self, error: type[httpx.TransportError], message: str) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_exception(error(message, request=self._request))
        self.close(abort=True)

    def _ended(self) -> None:
        """The peer closed (or the connection was lost): the answer ends here."""
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            if self._status and not self._head and self._read_to_end():
                self.reusable = False
                self._finish()
            elif self._answered:
                self._fail(httpx.ReadError, "the upstream closed the connection mid-answer")
            else:
                self._fail(
                    httpx.RemoteProtocolError,
                    "the upstream closed the connection before answering",
                )
        self.close(abort=True)

    def _read_to_end(self) -> bool:
        """Whether the answer's headers named no length: its body ends with the connection."""
        return self._status not in (204, 304) and not any(
            name.lower() in LENGTHS for name, _ in self._headers
        )

    def _read_check(self) -> None:
        remaining = self._last_read + self._read_timeout - self.loop.time()
        if remaining > 0:
            self._timer = self.loop.call_later(remaining, self._read_check)
            return
        self._timer = None
        self._fail(httpx.ReadTimeout, "the upstream did not answer in time (read timeout)")

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
