"""One upstream HTTP call, with the failures every upstream shares mapped once.

``Upstream.call`` sends the request (forwarding the request's ``X-Request-ID``) and
returns an ``UpstreamResponse`` for the adapter to read. Failures that mean the same
on every upstream are raised here:

- timeout -> ``UpstreamTimeout`` (504); transport failure -> ``UpstreamError`` (502)
- 401/403 -> ``UpstreamError``: the gateway's own upstream credentials were refused,
  which is not the client's fault and must not look like a 401 to it
- 429 -> ``RateLimited`` with the upstream's ``Retry-After``
- 5xx -> ``UpstreamError`` carrying the upstream status

Upstream-specific statuses (404, 409, 422, ...) are left to the adapter, which knows
that upstream's error shapes. ``UpstreamResponse.json`` refuses a body that is not
JSON of the expected type with ``UpstreamError``, so garbage never becomes a 500.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx
import structlog

from gateway.context import request_id_var
from gateway.errors import RateLimited, UpstreamError, UpstreamTimeout

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
            body = json.loads(self.content)
        except ValueError as exc:
            raise self.error("upstream answered with a body that is not JSON") from exc
        if not isinstance(body, expected):
            raise self.error(f"upstream answered with JSON that is not a {expected.__name__}")
        return body

    def json_or_none(self) -> Any:
        try:
            return json.loads(self.content) if self.content else None
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
    if value.isdigit():
        return value
    try:
        parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return str(default)
    return value


class Upstream:
    """Calls one connection's upstream through its configured ``httpx.AsyncClient``."""

    def __init__(
        self, connection: str, client: httpx.AsyncClient, headers: dict[str, str] | None = None
    ) -> None:
        self.connection = connection
        self.client = client
        self.headers = {"Accept": "application/json", **(headers or {})}

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
    ) -> UpstreamResponse:
        headers = dict(self.headers)
        if request_id := request_id_var.get():
            headers["X-Request-ID"] = request_id
        started = time.perf_counter()
        try:
            response = await self.client.request(
                method, path, params=params, json=json_body, headers=headers
            )
        except httpx.TimeoutException as exc:
            raise UpstreamTimeout(
                "upstream did not answer in time", connection=self.connection
            ) from exc
        except httpx.HTTPError as exc:
            raise UpstreamError(
                f"upstream could not be reached ({type(exc).__name__})", connection=self.connection
            ) from exc
        log.debug(
            "upstream_call",
            connection=self.connection,
            method=method,
            path=path,
            status=response.status_code,
            duration_ms=round((time.perf_counter() - started) * 1000, 2),
        )
        result = UpstreamResponse(
            self.connection, response.status_code, response.content, response.headers
        )
        self._raise_shared(result)
        return result

    def _raise_shared(self, response: UpstreamResponse) -> None:
        status = response.status
        if status in (401, 403):
            raise response.error("upstream refused the gateway's credentials for this connection")
        if status == 429:
            raise RateLimited(
                "upstream rate limit reached; retry later",
                connection=self.connection,
                upstream_status=status,
                headers={"Retry-After": retry_after(response.headers.get("Retry-After"))},
            )
        if status >= 500:
            raise response.error(f"upstream failed with HTTP {status}")
