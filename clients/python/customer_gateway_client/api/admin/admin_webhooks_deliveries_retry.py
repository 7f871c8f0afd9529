from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.admin_webhooks_deliveries_retry_response_200 import AdminWebhooksDeliveriesRetryResponse200
from ...models.error_envelope import ErrorEnvelope
from typing import cast



def _get_kwargs(
    id: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/admin/webhooks/deliveries/{id}/retry".format(id=quote(str(id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AdminWebhooksDeliveriesRetryResponse200 | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = AdminWebhooksDeliveriesRetryResponse200.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())



        return response_404

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())



        return response_409

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AdminWebhooksDeliveriesRetryResponse200 | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: str,
    *,
    client: AuthenticatedClient | Client,

) -> Response[AdminWebhooksDeliveriesRetryResponse200 | ErrorEnvelope]:
    """ Send a delivery again now (same webhook-id); 409 while one is in flight

     Sends a delivery again now, with the same `webhook-id`. Scope: `admin`.

    **Errors**

    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **404** Not Found: check the ID: it is `connection:remote_id`, as a list returns it.
    - **409** Conflict: read the resource, resolve the conflict in its data, then retry.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.

    Args:
        id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AdminWebhooksDeliveriesRetryResponse200 | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        id=id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    id: str,
    *,
    client: AuthenticatedClient | Client,

) -> AdminWebhooksDeliveriesRetryResponse200 | ErrorEnvelope | None:
    """ Send a delivery again now (same webhook-id); 409 while one is in flight

     Sends a delivery again now, with the same `webhook-id`. Scope: `admin`.

    **Errors**

    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **404** Not Found: check the ID: it is `connection:remote_id`, as a list returns it.
    - **409** Conflict: read the resource, resolve the conflict in its data, then retry.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.

    Args:
        id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AdminWebhooksDeliveriesRetryResponse200 | ErrorEnvelope
     """


    return sync_detailed(
        id=id,
client=client,

    ).parsed

async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient | Client,

) -> Response[AdminWebhooksDeliveriesRetryResponse200 | ErrorEnvelope]:
    """ Send a delivery again now (same webhook-id); 409 while one is in flight

     Sends a delivery again now, with the same `webhook-id`. Scope: `admin`.

    **Errors**

    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **404** Not Found: check the ID: it is `connection:remote_id`, as a list returns it.
    - **409** Conflict: read the resource, resolve the conflict in its data, then retry.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.

    Args:
        id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AdminWebhooksDeliveriesRetryResponse200 | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        id=id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient | Client,

) -> AdminWebhooksDeliveriesRetryResponse200 | ErrorEnvelope | None:
    """ Send a delivery again now (same webhook-id); 409 while one is in flight

     Sends a delivery again now, with the same `webhook-id`. Scope: `admin`.

    **Errors**

    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **404** Not Found: check the ID: it is `connection:remote_id`, as a list returns it.
    - **409** Conflict: read the resource, resolve the conflict in its data, then retry.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.

    Args:
        id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AdminWebhooksDeliveriesRetryResponse200 | ErrorEnvelope
     """


    return (await asyncio_detailed(
        id=id,
client=client,

    )).parsed
