"""How the gateway authenticates to an upstream: ``httpx.Auth`` flows per connection.

- ``BearerToken``: a fixed token from config.
- ``ClientCredentials``: OAuth2 client credentials. The access token is fetched on
  first use, cached until shortly before it expires, fetched once for concurrent
  callers (a lock), and refreshed once when the upstream answers 401 (the request is
  then sent again: a 401 means the upstream did not act on it). The token request
  goes through the same client, so it works against a sandbox too; a relative
  ``token_url`` is resolved against the request's origin.

Tokens and secrets are never logged; fetched tokens are added to the log redactor.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator, Callable, Generator

import httpx

from gateway.observability.logging import redactor
from kernel.errors import UpstreamError
from kernel.tracing import RESEND_COUNT, SPAN_NAME

EXPIRY_MARGIN = 30.0
DEFAULT_LIFETIME = 300.0


class BearerToken(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request


class ClientCredentials(httpx.Auth):
    def __init__(
        self,
        *,
        connection: str,
        token_url: str,
        client_id: str,
        client_secret: str,
        scope: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        on_refused: Callable[[], None] | None = None,
    ) -> None:
        self.connection = connection
        self.on_refused = on_refused  # told when the token endpoint refuses (its health)
        self.token_url = token_url
        self._form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
            **({"scope": scope} if scope else {}),
        }
        self._clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()
        self.fetched = 0

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        raise RuntimeError("ClientCredentials is for the gateway's async clients only")

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = self._valid_token()
        if token is None:
            async with self._lock:
                token = self._valid_token()
                if token is None:
                    token_response = yield self._token_request(request)
                    token = self._store(token_response, await token_response.aread())
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401:
            return
        await response.aread()
        async with self._lock:
            if self._token == token:  # nobody refreshed it meanwhile
                self._token = None
                token_response = yield self._token_request(request)
                self._store(token_response, await token_response.aread())
            token = self._token
        request.headers["Authorization"] = f"Bearer {token}"
        yield request

    def _valid_token(self) -> str | None:
        return self._token if self._token and self._clock() < self._expires_at else None

    def _token_request(self, request: httpx.Request) -> httpx.Request:
        url = request.url.join(self.token_url)
        return httpx.Request(
            "POST",
            url,
            data=self._form,
            headers={"Accept": "application/json"},
            # the attempt's timeouts; its span is named apart, with no resend count
            extensions={
                **{k: v for k, v in request.extensions.items() if k != RESEND_COUNT},
                SPAN_NAME: "POST token",
            },
        )

    def _store(self, response: httpx.Response, content: bytes) -> str:
        self.fetched += 1
        try:
            body = json.loads(content)
        except ValueError:
            body = None
        token = body.get("access_token") if isinstance(body, dict) else None
        if response.status_code != 200 or not isinstance(token, str) or not token:
            if self.on_refused is not None and response.status_code in (400, 401, 403):
                self.on_refused()
            raise UpstreamError(
                "the upstream refused the gateway's client credentials "
                f"(HTTP {response.status_code})",
                connection=self.connection,
                upstream_status=response.status_code,
            )
        lifetime = body.get("expires_in") if isinstance(body, dict) else None
        seconds = float(lifetime) if isinstance(lifetime, int | float) else DEFAULT_LIFETIME
        redactor.add_secret(token)
        self._token = token
        self._expires_at = self._clock() + max(0.0, seconds - EXPIRY_MARGIN)
        return token
