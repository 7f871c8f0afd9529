"""The canonical contact person of a customer."""

from __future__ import annotations

from pydantic import Field

from schemas.base import Extra, Input, LongText, Resource, ShortText


class Contact(Resource):
    id: str
    customer_id: str
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    title: str | None = None
    department: str | None = None
    is_primary: bool | None = None
    language: str | None = None
    receives_notifications: bool | None = None
    receives_approvals: bool | None = None
    notes: str | None = None
    extra: Extra = Field(default_factory=dict)
    created_at: str | None = None
    updated_at: str | None = None


class ContactPatch(Input):
    """JSON merge patch of a contact: absent = unchanged, null = clear."""

    name: ShortText | None = Field(default=None, min_length=1)
    email: ShortText | None = None
    phone: ShortText | None = None
    title: ShortText | None = None
    department: ShortText | None = None
    is_primary: bool | None = None
    language: ShortText | None = None
    receives_notifications: bool | None = None
    receives_approvals: bool | None = None
    notes: LongText | None = None
    extra: Extra | None = None


class ContactCreate(ContactPatch):
    name: ShortText = Field(min_length=1)
