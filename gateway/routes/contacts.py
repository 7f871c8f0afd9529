"""/v1/customers/{id}/contacts: a customer's contacts, and one contact of that customer."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from adapters.base import Operation, Window
from gateway.caching import tags
from gateway.caching.reads import cached_read
from gateway.http.edge import Call, resolve_child_id, resolve_id
from gateway.http.endpoint import COMMON, Endpoint
from gateway.http.handlers import write
from gateway.http.queries import OnConnection, Paged
from gateway.lists.listing import Listing
from schemas import Contact, ContactCreate, ContactPatch, Page


async def list_contacts(call: Call) -> Response:
    connection, customer_id = resolve_id(call, "id", Operation.LIST_CONTACTS)
    listing = Listing.of(call, "contacts", connection.name, customer=customer_id)

    async def page() -> dict[str, Any]:
        contacts = await connection.adapter.list_contacts(customer_id)
        return listing.page(Window.of(contacts, listing.offset, listing.limit))

    return await cached_read(call, connection, [tags.customer(customer_id)], page)


async def get_contact(call: Call) -> Response:
    connection, customer_id = resolve_id(call, "id", Operation.GET_CONTACT)
    contact_id = resolve_child_id(call, connection, "contact_id")
    return await cached_read(
        call,
        connection,
        [tags.customer(customer_id)],
        lambda: connection.adapter.get_contact(customer_id, contact_id),
    )


def _customer(customer_id: str, *contact_id: str) -> list[str]:
    return [tags.customer(customer_id)]


ONE = "/v1/customers/{id}/contacts/{contact_id}"
endpoints = [
    Endpoint(
        "GET",
        "/v1/customers/{id}/contacts",
        list_contacts,
        "A customer's contacts",
        "contacts",
        "customers:read",
        query=Paged,
        answer=Page[Contact],
        cached=True,
    ),
    write(
        "POST",
        "/v1/customers/{id}/contacts",
        Operation.CREATE_CONTACT,
        "Add a contact",
        "contacts",
        "customers:write",
        on="resource",
        invalidates=_customer,
        body=ContactCreate,
        answer=Contact,
        status=201,
        location="/v1/customers/{parent}/contacts/{id}",
    ),
    Endpoint(
        "GET",
        ONE,
        get_contact,
        "One contact",
        "contacts",
        "customers:read",
        query=OnConnection,
        answer=Contact,
        cached=True,
    ),
    write(
        "PATCH",
        ONE,
        Operation.UPDATE_CONTACT,
        "Update a contact",
        "contacts",
        "customers:write",
        on="child",
        invalidates=_customer,
        body=ContactPatch,
        answer=Contact,
    ),
    write(
        "DELETE",
        ONE,
        Operation.DELETE_CONTACT,
        "Delete a contact",
        "contacts",
        "customers:delete",
        on="child",
        invalidates=_customer,
        errors=COMMON,
    ),
]
