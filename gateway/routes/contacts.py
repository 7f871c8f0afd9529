"""/v1/customers/{id}/contacts: a customer's contacts, and one contact of that customer."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.base import Operation
from gateway.listing import Listing
from gateway.reads import cached_read, invalidating
from gateway.web import (
    authorize,
    check_params,
    idempotent,
    read_body,
    resolve_child_id,
    resolve_id,
    respond,
)
from schemas import ContactCreate, ContactPatch


async def list_contacts(request: Request) -> Response:
    identity = authorize(request, "customers:read")
    check_params(request, ["limit", "cursor", "connection"])
    connection, customer_id = resolve_id(request, identity, "id", Operation.LIST_CONTACTS)
    listing = Listing(request, "contacts", connection, customer=customer_id)

    async def page() -> dict[str, Any]:
        return listing.page(listing.slice(await connection.adapter.list_contacts(customer_id)))

    return await cached_read(request, identity, connection, [f"customer:{customer_id}"], page)


@idempotent
async def create_contact(request: Request) -> Response:
    identity = authorize(request, "customers:write")
    check_params(request, ["connection"])
    connection, customer_id = resolve_id(request, identity, "id", Operation.CREATE_CONTACT)
    body = await read_body(request, ContactCreate)
    with invalidating(connection, f"customer:{customer_id}"):
        contact = await connection.adapter.create_contact(customer_id, body)
    location = f"/v1/customers/{request.path_params['id']}/contacts/{contact.id}"
    return respond(contact, 201, {"Location": location})


async def get_contact(request: Request) -> Response:
    identity = authorize(request, "customers:read")
    check_params(request, ["connection"])
    connection, customer_id = resolve_id(request, identity, "id", Operation.GET_CONTACT)
    contact_id = resolve_child_id(request, connection, "contact_id")
    return await cached_read(
        request,
        identity,
        connection,
        [f"customer:{customer_id}"],
        lambda: connection.adapter.get_contact(customer_id, contact_id),
    )


async def update_contact(request: Request) -> Response:
    identity = authorize(request, "customers:write")
    check_params(request, ["connection"])
    connection, customer_id = resolve_id(request, identity, "id", Operation.UPDATE_CONTACT)
    contact_id = resolve_child_id(request, connection, "contact_id")
    patch = await read_body(request, ContactPatch)
    with invalidating(connection, f"customer:{customer_id}"):
        contact = await connection.adapter.update_contact(customer_id, contact_id, patch)
    return respond(contact)


async def delete_contact(request: Request) -> Response:
    identity = authorize(request, "customers:delete")
    check_params(request, ["connection"])
    connection, customer_id = resolve_id(request, identity, "id", Operation.DELETE_CONTACT)
    contact_id = resolve_child_id(request, connection, "contact_id")
    with invalidating(connection, f"customer:{customer_id}"):
        await connection.adapter.delete_contact(customer_id, contact_id)
    return Response(status_code=204)


routes = [
    Route("/v1/customers/{id}/contacts", list_contacts, methods=["GET"]),
    Route("/v1/customers/{id}/contacts", create_contact, methods=["POST"]),
    Route("/v1/customers/{id}/contacts/{contact_id}", get_contact, methods=["GET"]),
    Route("/v1/customers/{id}/contacts/{contact_id}", update_contact, methods=["PATCH"]),
    Route("/v1/customers/{id}/contacts/{contact_id}", delete_contact, methods=["DELETE"]),
]
