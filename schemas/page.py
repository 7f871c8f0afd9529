"""The list envelope: ``{"data": [...], "meta": {...}}`` (API.md section 4)."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

from schemas.error import ErrorBody

T = TypeVar("T")


class PageMeta(BaseModel):
    next_cursor: str | None
    limit: int
    total: int | None
    connections: list[str]
    emulated: list[str] = Field(default_factory=list)
    errors: list[ErrorBody] = Field(default_factory=list)


class Page(BaseModel, Generic[T]):
    data: list[T]
    meta: PageMeta
