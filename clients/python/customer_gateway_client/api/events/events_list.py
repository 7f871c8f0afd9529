from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.connection_name import ConnectionName
from ...models.error_envelope import ErrorEnvelope
from ...models.events_list_response_200 import EventsListResponse200
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    connection: ConnectionName | str | Unset = UNSET,
    type_: str | Unset = UNSET,
    resource_id: str | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_connection: str | Unset
    if isinstance(connection, Unset):
        json_connection = UNSET
    elif isinstance(connection, ConnectionName):
        json_connection = connection.value
    else:
        json_connection = connection
    params["connection"] = json_connection

    params["type"] = type_

    params["resource_id"] = resource_id

    params["limit"] = limit

    params["cursor"] = cursor


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/events",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorEnvelope | EventsListResponse200 | None:
    if response.status_code == 200:
        response_200 = EventsListResponse200.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorEnvelope | EventsListResponse200]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    connection: ConnectionName | str | Unset = UNSET,
    type_: str | Unset = UNSET,
    resource_id: str | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,

) -> Response[ErrorEnvelope | EventsListResponse200]:
    """ Changes: events, oldest first

     Returns changes, oldest first: writes made through the gateway and changes found by polling the
    upstreams. Keep `meta.next_cursor` and poll with it to receive only newer events, none lost and none
    repeated. Any valid API key.

    Events of the resources the key may read, on the connections it may use. Keep meta.next_cursor and
    poll with it to receive each newer event once.

    **Errors**

    - **400** Bad Request: fix the parameter `error.details` names; a cursor works only with its own
    query.
    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.

    Args:
        connection (ConnectionName | str | Unset):
        type_ (str | Unset):
        resource_id (str | Unset):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | EventsListResponse200]
     """


    kwargs = _get_kwargs(
        connection=connection,
type_=type_,
resource_id=resource_id,
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
    connection: ConnectionName | str | Unset = UNSET,
    type_: str | Unset = UNSET,
    resource_id: str | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,

) -> ErrorEnvelope | EventsListResponse200 | None:
    """ Changes: events, oldest first

     Returns changes, oldest first: writes made through the gateway and changes found by polling the
    upstreams. Keep `meta.next_cursor` and poll with it to receive only newer events, none lost and none
    repeated. Any valid API key.

    Events of the resources the key may read, on the connections it may use. Keep meta.next_cursor and
    poll with it to receive each newer event once.

    **Errors**

    - **400** Bad Request: fix the parameter `error.details` names; a cursor works only with its own
    query.
    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.

    Args:
        connection (ConnectionName | str | Unset):
        type_ (str | Unset):
        resource_id (str | Unset):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | EventsListResponse200
     """


    return sync_detailed(
        client=client,
connection=connection,
type_=type_,
resource_id=resource_id,
limit=limit,
cursor=cursor,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    connection: ConnectionName | str | Unset = UNSET,
    type_: str | Unset = UNSET,
    resource_id: str | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,

) -> Response[ErrorEnvelope | EventsListResponse200]:
    """ Changes: events, oldest first

     Returns changes, oldest first: writes made through the gateway and changes found by polling the
    upstreams. Keep `meta.next_cursor` and poll with it to receive only newer events, none lost and none
    repeated. Any valid API key.

    Events of the resources the key may read, on the connections it may use. Keep meta.next_cursor and
    poll with it to receive each newer event once.

    **Errors**

    - **400** Bad Request: fix the parameter `error.details` names; a cursor works only with its own
    query.
    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.

    Args:
        connection (ConnectionName | str | Unset):
        type_ (str | Unset):
        resource_id (str | Unset):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | EventsListResponse200]
     """


    kwargs = _get_kwargs(
        connection=connection,
type_=type_,
resource_id=resource_id,
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
    connection: ConnectionName | str | Unset = UNSET,
    type_: str | Unset = UNSET,
    resource_id: str | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,

) -> ErrorEnvelope | EventsListResponse200 | None:
    """ Changes: events, oldest first

     Returns changes, oldest first: writes made through the gateway and changes found by polling the
    upstreams. Keep `meta.next_cursor` and poll with it to receive only newer events, none lost and none
    repeated. Any valid API key.

    Events of the resources the key may read, on the connections it may use. Keep meta.next_cursor and
    poll with it to receive each newer event once.

    **Errors**

    - **400** Bad Request: fix the parameter `error.details` names; a cursor works only with its own
    query.
    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.

    Args:
        connection (ConnectionName | str | Unset):
        type_ (str | Unset):
        resource_id (str | Unset):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | EventsListResponse200
     """


    return (await asyncio_detailed(
        client=client,
connection=connection,
type_=type_,
resource_id=resource_id,
limit=limit,
cursor=cursor,

    )).parsed
