"""The error envelope every failure answers with (API.md section 5)."""

from __future__ import annotations

from pydantic import BaseModel


class ErrorDetail(BaseModel):
    field: str | None
    message: str


class ErrorBody(BaseModel):
    code: str
    message: str
    connection: str | None
    upstream_status: int | None
    details: list[ErrorDetail]
    request_id: str | None


class ErrorEnvelope(BaseModel):
    error: ErrorBody
