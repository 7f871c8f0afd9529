"""One upstream HTTP call, with the failures every upstream shares mapped once.

``Upstream.call`` sends the request (forwarding the request's ``X-Request-ID``) and
returns an ``UpstreamResponse`` for the adapter to read. Failures that mean the same
on every upstream are raised here:

- timeout -> ``UpstreamTimeout`` (504); transport failure -> ``UpstreamError`` (502)
- 401/403 -> ``UpstreamError``: the gateway's own upstream credentials were refused,
  which is not the client's fault and must not look like a 401 to it
- 429 -> ``RateLimited`` with the upstream's ``Retry-After``
- 5xx -> ``UpstreamError`` carrying the upstream status

Retries and the circuit breaker wrap every attempt (kernel/resilience.py); the first
attempt runs outside the retry machinery, which is entered only on a retryable failure.
Upstream-specific statuses (404, 409, 422, ...) are left to the adapter, which knows
that upstream's error shapes. ``UpstreamResponse.json`` refuses a body that is not
JSON of the expected type with ``UpstreamError``, so garbage never becomes a 500.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx
import stamina
import structlog
from pydantic_core import from_json

from kernel.context import request_id_var, stale_fallback_var, writes_sent_var
from kernel.errors import GatewayError, RateLimited, UpstreamError, UpstreamTimeout
from kernel.log_level import enabled_for
from kernel.numbers import ascii_int
from kernel.resilience import CircuitBreaker, CircuitState, RetryPolicy, Transient
from kernel.tracing import RESEND_COUNT

log = structlog.get_logger("gateway.upstream")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class UpstreamResponse:
    connection: str
    status: int
    content: bytes
    headers: httpx.Headers

    def json(self, expected: type[T] = dict) -> T:  # type: ignore[assignment]
        """The body as JSON of type ``expected``; anything else is a 502."""
        try:
            body = from_json(self.content, cache_strings="keys")
        except ValueError as exc:
            raise self.error("upstream answered with a body that is not JSON") from exc
        if not isinstance(body, expected):
            raise self.error(f"upstream answered with JSON that is not a {expected.__name__}")
        return body

    def json_or_none(self) -> Any:
        try:
            return from_json(self.content) if self.content else None
        except ValueError:
            return None

    def error(self, message: str) -> UpstreamError:
        return UpstreamError(message, connection=self.connection, upstream_status=self.status)

    def message(self) -> str | None:
        """The human message of an error body: ``message``, ``error.message``,
        ``error.description`` or a string ``error``."""
        body = self.json_or_none()
        if not isinstance(body, dict):
            return None
        error = body.get("error")
        nested = error if isinstance(error, dict) else {}
        for candidate in (body.get("message"), nested.get("message"), nested.get("description")):
            if isinstance(candidate, str) and candidate:
                return candidate[:500]
        return error[:500] if isinstance(error, str) and error else None

    def data_object(self, body: dict[str, Any], what: str) -> dict[str, Any]:
        """``body["data"]`` as an object with an ``id``, else a 502."""
        data = body.get("data")
        if not isinstance(data, dict) or "id" not in data:
            raise self.error(f"upstream answered without the {what} object")
        return data

    def created_id(self, data: dict[str, Any], valid: Callable[[str], bool]) -> str:
        """The ID of what a create made, checked like any remote ID, else a 502."""
        remote_id = str(data.get("id", ""))
        if not valid(remote_id):
            raise self.error("upstream answered with an id this gateway cannot use")
        return remote_id


def retry_after(value: str | None, default: int = 1) -> str:
    """A ``Retry-After`` worth passing on: delay-seconds or an HTTP-date, else ``default``."""
    value = (value or "").strip()
    if ascii_int(value) is not None:
        return value
    return value if retry_after_seconds(value) is not None else str(default)


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds from now (delay-seconds or an HTTP-date), if readable."""
    value = (value or "").strip()
    seconds = ascii_int(value)
    if seconds is not None:
        return float(seconds)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


@dataclass(slots=True)
class Sent:
    """What one call sends, the same on every attempt."""

    params: dict[str, Any] | None
    json_body: Any
    content: bytes | None
    headers: dict[str, str]
    raw: bool
    idempotent: bool = False  # a read whatever its method (a POST search): retried as one
    sends: int = 0  # attempts sent so far: a retry's span carries the count (its resend)


NEVER_REACHED = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
READ = httpx.ByteStream(b"")  # what stands for a response body once read


def unbind(response: httpx.Response) -> None:
    """Break the cycle httpx makes: the client wraps each response's stream in one that
    points back at the response (to time it on close), so a response, its request,
    headers and decoders (~24 objects a call) were freed only by the garbage collector,
    whose young-generation runs then came every few dozen requests. Its body was read
    and its stream closed by ``client.request``; nothing reads the stream again."""
    if response.is_closed:
        response.stream = READ


WaitHint = Callable[[Mapping[str, str]], float | None]


def _outcome(exc: httpx.HTTPError) -> str:
    return "timeout" if isinstance(exc, httpx.TimeoutException) else "unreachable"


def _as(method: str, sent: Sent) -> str:
    """The method a call counts as for retries and write tracking."""
    return "GET" if sent.idempotent else method


class Upstream:
    """Calls one connection's upstream: its ``httpx.AsyncClient``, retry policy and breaker.

    ``call`` retries as ``RetryPolicy`` allows (kernel/resilience.py) and maps the
    failures every upstream shares (module docstring); an open breaker fails fast.
    """

    def __init__(
        self,
        connection: str,
        client: httpx.AsyncClient,
        *,
        retry: RetryPolicy | None = None,
        breaker: CircuitBreaker | None = None,
        headers: dict[str, str] | None = None,
        observe: Callable[[str, str, float], None] | None = None,
        wait_hint: WaitHint | None = None,
    ) -> None:
        self.connection = connection
        self.client = client
        self.retry = retry or RetryPolicy()
        self.breaker = breaker or CircuitBreaker(connection)
        self.headers = {"Accept": "application/json", **(headers or {})}
        self.observe = observe or (lambda method, outcome, seconds: None)
        self.wait_hint = wait_hint  # how a 429 without Retry-After says how long to wait

    def with_headers(self, headers: dict[str, str]) -> Upstream:
        """The same upstream (client, policy, breaker) sending ``headers`` on every call."""
        return self.changed(headers={**self.headers, **headers})

    def changed(self, **changes: Any) -> Upstream:
        """The same upstream with some of its settings changed."""
        settings: dict[str, Any] = {
            "retry": self.retry,
            "breaker": self.breaker,
            "headers": self.headers,
            "observe": self.observe,
            "wait_hint": self.wait_hint,
        }
        return Upstream(self.connection, self.client, **{**settings, **changes})

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        raw: bool = False,
        idempotent: bool = False,
    ) -> UpstreamResponse:
        """One call, retried as the policy allows. ``raw`` answers every status as it
        came (for passthrough); otherwise the shared statuses are raised (docstring).
        ``idempotent``: a read sent as a POST (a search), retried like a GET and never
        counted as a write."""
        merged = {**self.headers, **(headers or {})}
        sent = Sent(params, json_body, content, merged, raw, idempotent)
        if request_id := request_id_var.get():
            sent.headers["X-Request-ID"] = request_id
        policy = self.retry
        # With a stale answer to fall back on, the first failure is final: the cache
        # answers it at once instead of the client waiting out every retry.
        attempts = 1 if stale_fallback_var.get() else policy.attempts
        started = time.monotonic()
        # The first attempt runs outside the retry machinery (most calls need no retry,
        # and entering stamina costs tens of µs). A retryable failure is handed to
        # stamina as its own first attempt, so waits, hooks and attempt counts are
        # exactly those of a call made inside it from the start.
        try:
            return await self._within_deadline(method, path, sent, started)
        except Transient as exc:
            if attempts == 1 or policy.backoff(exc) is False:
                raise exc.error from exc
            failed: Transient | None = exc
        try:
            async for attempt in stamina.retry_context(
                on=policy.backoff,
                attempts=attempts,
                timeout=policy.deadline,
                wait_initial=policy.wait_initial,
                wait_max=policy.wait_max,
                wait_jitter=policy.wait_jitter,
            ):
                with attempt:
                    if failed is not None:
                        first, failed = failed, None
                        raise first
                    return await self._within_deadline(method, path, sent, started)
        except Transient as exc:
            raise exc.error from exc
        raise AssertionError("unreachable: stamina either returns or raises")  # pragma: no cover

    async def _within_deadline(
        self, method: str, path: str, sent: Sent, started: float
    ) -> UpstreamResponse:
        """One attempt, cut off when the call's overall deadline (``timeout.total``) ends."""
        deadline = self.retry.deadline
        if deadline is None:
            return await self._attempt(method, path, sent)
        remaining = deadline - (time.monotonic() - started)
        try:
            if remaining <= 0:
                raise TimeoutError
            async with asyncio.timeout(remaining):
                return await self._attempt(method, path, sent)
        except TimeoutError as exc:
            raise UpstreamTimeout(
                f"upstream did not answer within the request's deadline ({deadline:g} s)",
                connection=self.connection,
            ) from exc

    async def _attempt(self, method: str, path: str, sent: Sent) -> UpstreamResponse:
        """One attempt: let through by the breaker, sent, observed, then classified."""
        await self._admit(sent)
        started = time.perf_counter()
        resends, sent.sends = sent.sends, sent.sends + 1
        try:
            response = await self.client.request(
                method,
                path,
                params=sent.params,
                json=sent.json_body,
                content=sent.content,
                headers=sent.headers,
                extensions={RESEND_COUNT: resends} if resends else None,
            )
        except httpx.HTTPError as exc:
            if not sent.raw:
                await self.breaker.failed()
            self.observe(method, _outcome(exc), time.perf_counter() - started)
            raise self._unreachable(exc, _as(method, sent)) from exc
        except BaseException:
            if not sent.raw:
                self.breaker.release()
            raise
        result = self._received(method, path, sent, response, started)
        unbind(response)
        return result if sent.raw else await self._classified(result, _as(method, sent))

    def _hinted(self, result: UpstreamResponse) -> str | None:
        """A 429 without ``Retry-After``: the wait the adapter reads elsewhere in it."""
        seconds = self.wait_hint(result.headers) if self.wait_hint is not None else None
        return None if seconds is None else str(max(1, math.ceil(seconds)))

    async def _admit(self, sent: Sent) -> None:
        """The breaker's say. Passthrough never feeds it (API.md section 5: an upstream
        path answering 500 says nothing about the canonical API), but still fails fast."""
        if not sent.raw or self.breaker.state is CircuitState.OPEN:
            await self.breaker.acquire()

    def _unreachable(self, exc: httpx.HTTPError, kind: str) -> Transient:
        """A transport failure as the canonical error, retryable as ``kind`` allows."""
        error: GatewayError
        if isinstance(exc, httpx.TimeoutException) and not isinstance(exc, NEVER_REACHED):
            error = UpstreamTimeout("upstream did not answer in time", connection=self.connection)
        else:
            error = UpstreamError(
                f"upstream could not be reached ({type(exc).__name__})",
                connection=self.connection,
            )
        return Transient(error, method=kind, reached=not isinstance(exc, NEVER_REACHED))

    def _received(
        self, method: str, path: str, sent: Sent, response: httpx.Response, started: float
    ) -> UpstreamResponse:
        """An answer came: measured, logged, and a write noted as sent."""
        elapsed = time.perf_counter() - started
        self.observe(method, str(response.status_code), elapsed)
        if (
            _as(method, sent) not in ("GET", "HEAD")
            and (writes := writes_sent_var.get()) is not None
        ):
            writes.append(f"{method} {path}")
        if enabled_for(logging.DEBUG):  # asking the lazy logger costs a bind
            log.debug(
                "upstream_call",
                connection=self.connection,
                method=method,
                path=path,
                status=response.status_code,
                duration_ms=round(elapsed * 1000, 2),
            )
        return UpstreamResponse(
            self.connection, response.status_code, response.content, response.headers
        )

    async def _classified(self, result: UpstreamResponse, kind: str) -> UpstreamResponse:
        """The statuses every upstream shares: 5xx (a breaker failure, retryable), 429
        (its Retry-After honoured), 401/403 (the gateway's credentials refused)."""
        if result.status >= 500:
            await self.breaker.failed()
            error = result.error(f"upstream failed with HTTP {result.status}")
            raise Transient(error, method=kind, reached=True)
        await self.breaker.succeeded()
        if result.status == 429:
            header = result.headers.get("Retry-After") or self._hinted(result)
            limited = RateLimited(
                "upstream rate limit reached; retry later",
                connection=self.connection,
                upstream_status=429,
                headers={"Retry-After": retry_after(header)},
            )
            wait = retry_after_seconds(header) or 0.0
            raise Transient(limited, method=kind, reached=True, retry_after=wait)
        if result.status in (401, 403):
            raise result.error("upstream refused the gateway's credentials for this connection")
        return result
