"""Contact update and delete for an upstream that writes a contact at its own path
(PUT to update, DELETE to remove): mixed into an adapter that declares both operations.

The adapter says where (``contact_path``: a template with ``{customer_id}`` and
``{contact_id}``), how a canonical patch reads upstream (``contact_body``), and how to
read the raw contact (``_raw_contact``, for field mappings that write into nested
upstream values). Both check the contact exists under that customer first (404
otherwise), and an update answers the contact re-read.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from adapters.field_mapping import FieldMapping
from adapters.upstream import Upstream, UpstreamResponse
from schemas import Contact, ContactPatch


class _Writer(Protocol):
    """What ``ContactWrites`` needs of the adapter it is mixed into."""

    contact_path: str
    upstream: Upstream
    field_mapping: FieldMapping

    def contact_body(self, fields: dict[str, Any]) -> dict[str, Any]: ...

    def ok(self, response: UpstreamResponse, what: str = ...) -> dict[str, Any]: ...

    async def get_contact(self, customer_id: str, contact_id: str) -> Contact: ...

    async def _raw_contact(self, customer_id: str, contact_id: str) -> dict[str, Any]: ...


class ContactWrites:
    contact_path: ClassVar[str]  # e.g. "/api/v1/contacts/{contact_id}"

    async def update_contact(
        self: _Writer, customer_id: str, contact_id: str, patch: ContactPatch
    ) -> Contact:
        fields, writes = self.field_mapping.split("contact", patch.model_dump(exclude_unset=True))
        await self.get_contact(customer_id, contact_id)
        payload = await self.field_mapping.place(
            self.contact_body(fields), writes, lambda: self._raw_contact(customer_id, contact_id)
        )
        if payload:
            path = self.contact_path.format(customer_id=customer_id, contact_id=contact_id)
            self.ok(await self.upstream.call("PUT", path, json_body=payload), "contact")
        return await self.get_contact(customer_id, contact_id)

    async def delete_contact(self: _Writer, customer_id: str, contact_id: str) -> None:
        await self.get_contact(customer_id, contact_id)
        path = self.contact_path.format(customer_id=customer_id, contact_id=contact_id)
        self.ok(await self.upstream.call("DELETE", path), "contact")
