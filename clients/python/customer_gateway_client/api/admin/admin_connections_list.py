from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.admin_connections_list_response_200 import AdminConnectionsListResponse200
from ...models.error_envelope import ErrorEnvelope
from typing import cast



def _get_kwargs(
    
) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/admin/connections",
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AdminConnectionsListResponse200 | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = AdminConnectionsListResponse200.from_dict(response.json())



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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AdminConnectionsListResponse200 | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,

) -> Response[AdminConnectionsListResponse200 | ErrorEnvelope]:
    """ Health, circuit, cache and upstream figures

     Returns each connection's health, circuit state, cache, upstream and rate-limit figures. Scope:
    `admin`.

    **Errors**

    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AdminConnectionsListResponse200 | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,

) -> AdminConnectionsListResponse200 | ErrorEnvelope | None:
    """ Health, circuit, cache and upstream figures

     Returns each connection's health, circuit state, cache, upstream and rate-limit figures. Scope:
    `admin`.

    **Errors**

    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AdminConnectionsListResponse200 | ErrorEnvelope
     """


    return sync_detailed(
        client=client,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,

) -> Response[AdminConnectionsListResponse200 | ErrorEnvelope]:
    """ Health, circuit, cache and upstream figures

     Returns each connection's health, circuit state, cache, upstream and rate-limit figures. Scope:
    `admin`.

    **Errors**

    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AdminConnectionsListResponse200 | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        
    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,

) -> AdminConnectionsListResponse200 | ErrorEnvelope | None:
    """ Health, circuit, cache and upstream figures

     Returns each connection's health, circuit state, cache, upstream and rate-limit figures. Scope:
    `admin`.

    **Errors**

    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AdminConnectionsListResponse200 | ErrorEnvelope
     """


    return (await asyncio_detailed(
        client=client,

    )).parsed
