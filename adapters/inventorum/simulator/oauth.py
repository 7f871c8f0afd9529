"""The simulated Inventorum's OAuth2 client-credentials token endpoint, and the check of
the bearer tokens it issued (or of a fixed token, when the connection has one)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.sandbox import Credentials

TOKEN_LIFETIME = 3600


class TokenIssuer:
    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self.tokens: dict[str, datetime] = {}
        self.tokens_issued = 0

    def authorized(self, presented: str) -> bool:
        if self.credentials.token is not None:
            return secrets.compare_digest(presented, self.credentials.token)
        expiry = self.tokens.get(presented)
        return expiry is not None and datetime.now(UTC) < expiry

    def expire_tokens(self) -> None:
        self.tokens = dict.fromkeys(self.tokens, datetime.now(UTC) - timedelta(seconds=1))

    async def token(self, request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode("latin-1")).items()}
        creds = self.credentials
        if (
            form.get("grant_type") != "client_credentials"
            or creds.client_id is None
            or form.get("client_id") != creds.client_id
            or form.get("client_secret") != creds.client_secret
        ):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        token = secrets.token_urlsafe(24)
        self.tokens[token] = datetime.now(UTC) + timedelta(seconds=TOKEN_LIFETIME)
        self.tokens_issued += 1
        return JSONResponse(
            {"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME}
        )
