from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.admin_webhooks_deliveries_list_response_200 import AdminWebhooksDeliveriesListResponse200
from ...models.admin_webhooks_deliveries_list_status import AdminWebhooksDeliveriesListStatus
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    status: AdminWebhooksDeliveriesListStatus | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["limit"] = limit

    params["cursor"] = cursor


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/admin/webhooks/deliveries",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AdminWebhooksDeliveriesListResponse200 | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = AdminWebhooksDeliveriesListResponse200.from_dict(response.json())



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

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AdminWebhooksDeliveriesListResponse200 | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    status: AdminWebhooksDeliveriesListStatus | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,

) -> Response[AdminWebhooksDeliveriesListResponse200 | ErrorEnvelope]:
    """ Webhook deliveries, newest first

     Returns webhook deliveries, newest first, with their status and attempts. Scope: `admin`.

    **Errors**

    - **400** Bad Request: fix the parameter `error.details` names; a cursor works only with its own
    query.
    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.

    Args:
        status (AdminWebhooksDeliveriesListStatus | Unset): only deliveries in this state
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AdminWebhooksDeliveriesListResponse200 | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        status=status,
limit=limit,
cursor=cursor,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    status: AdminWebhooksDeliveriesListStatus | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,

) -> AdminWebhooksDeliveriesListResponse200 | ErrorEnvelope | None:
    """ Webhook deliveries, newest first

     Returns webhook deliveries, newest first, with their status and attempts. Scope: `admin`.

    **Errors**

    - **400** Bad Request: fix the parameter `error.details` names; a cursor works only with its own
    query.
    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.

    Args:
        status (AdminWebhooksDeliveriesListStatus | Unset): only deliveries in this state
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AdminWebhooksDeliveriesListResponse200 | ErrorEnvelope
     """


    return sync_detailed(
        client=client,
status=status,
limit=limit,
cursor=cursor,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    status: AdminWebhooksDeliveriesListStatus | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,

) -> Response[AdminWebhooksDeliveriesListResponse200 | ErrorEnvelope]:
    """ Webhook deliveries, newest first

     Returns webhook deliveries, newest first, with their status and attempts. Scope: `admin`.

    **Errors**

    - **400** Bad Request: fix the parameter `error.details` names; a cursor works only with its own
    query.
    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.

    Args:
        status (AdminWebhooksDeliveriesListStatus | Unset): only deliveries in this state
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AdminWebhooksDeliveriesListResponse200 | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        status=status,
limit=limit,
cursor=cursor,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    status: AdminWebhooksDeliveriesListStatus | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,

) -> AdminWebhooksDeliveriesListResponse200 | ErrorEnvelope | None:
    """ Webhook deliveries, newest first

     Returns webhook deliveries, newest first, with their status and attempts. Scope: `admin`.

    **Errors**

    - **400** Bad Request: fix the parameter `error.details` names; a cursor works only with its own
    query.
    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.

    Args:
        status (AdminWebhooksDeliveriesListStatus | Unset): only deliveries in this state
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AdminWebhooksDeliveriesListResponse200 | ErrorEnvelope
     """


    return (await asyncio_detailed(
        client=client,
status=status,
limit=limit,
cursor=cursor,

    )).parsed
