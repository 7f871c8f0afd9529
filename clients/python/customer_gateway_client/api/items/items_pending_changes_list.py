from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.connection_name import ConnectionName
from ...models.error_envelope import ErrorEnvelope
from ...models.items_pending_changes_list_status import ItemsPendingChangesListStatus
from ...models.page_pending_change import PagePendingChange
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    id: str,
    *,
    connection: ConnectionName | Unset = UNSET,
    status: ItemsPendingChangesListStatus | Unset = ItemsPendingChangesListStatus.PENDING,
    if_none_match: str | Unset = UNSET,
    cache_control: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    if not isinstance(cache_control, Unset):
        headers["Cache-Control"] = cache_control



    

    params: dict[str, Any] = {}

    json_connection: str | Unset = UNSET
    if not isinstance(connection, Unset):
        json_connection = connection.value

    params["connection"] = json_connection

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/items/{id}/pending-changes".format(id=quote(str(id), safe=""),),
        "params": params,
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | ErrorEnvelope | PagePendingChange | None:
    if response.status_code == 200:
        response_200 = PagePendingChange.from_dict(response.json())



        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

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

    if response.status_code == 405:
        response_405 = ErrorEnvelope.from_dict(response.json())



        return response_405

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())



        return response_429

    if response.status_code == 501:
        response_501 = ErrorEnvelope.from_dict(response.json())



        return response_501

    if response.status_code == 502:
        response_502 = ErrorEnvelope.from_dict(response.json())



        return response_502

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())



        return response_503

    if response.status_code == 504:
        response_504 = ErrorEnvelope.from_dict(response.json())



        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | ErrorEnvelope | PagePendingChange]:
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
    connection: ConnectionName | Unset = UNSET,
    status: ItemsPendingChangesListStatus | Unset = ItemsPendingChangesListStatus.PENDING,
    if_none_match: str | Unset = UNSET,
    cache_control: str | Unset = UNSET,

) -> Response[Any | ErrorEnvelope | PagePendingChange]:
    """ An item's pending changes

     Returns the item's changes waiting for approval (or those decided). Scope: `items:read`.

    **Connections.** `borderbolt` (borderbolt) can do this. `crm` (crm) cannot: 501
    `unsupported_operation`. `shop` (inventorum) cannot: 501 `unsupported_operation`.

    **Errors**

    - **400** Bad Request: fix the parameter `error.details` names; a cursor works only with its own
    query.
    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **404** Not Found: check the ID: it is `connection:remote_id`, as a list returns it.
    - **429** Too Many Requests: wait `Retry-After` seconds and retry.
    - **501** Not Implemented: use another connection, or the alternative `error.message` gives.
    - **502** Bad Gateway: retry later; `error.upstream_status` says what the upstream answered.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.
    - **504** Gateway Timeout: retry later; a write may have reached the upstream, so read before
    writing again.

    Args:
        id (str):
        connection (ConnectionName | Unset): A connection configured in this deployment
        status (ItemsPendingChangesListStatus | Unset):  Default:
            ItemsPendingChangesListStatus.PENDING.
        if_none_match (str | Unset):
        cache_control (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope | PagePendingChange]
     """


    kwargs = _get_kwargs(
        id=id,
connection=connection,
status=status,
if_none_match=if_none_match,
cache_control=cache_control,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    connection: ConnectionName | Unset = UNSET,
    status: ItemsPendingChangesListStatus | Unset = ItemsPendingChangesListStatus.PENDING,
    if_none_match: str | Unset = UNSET,
    cache_control: str | Unset = UNSET,

) -> Any | ErrorEnvelope | PagePendingChange | None:
    """ An item's pending changes

     Returns the item's changes waiting for approval (or those decided). Scope: `items:read`.

    **Connections.** `borderbolt` (borderbolt) can do this. `crm` (crm) cannot: 501
    `unsupported_operation`. `shop` (inventorum) cannot: 501 `unsupported_operation`.

    **Errors**

    - **400** Bad Request: fix the parameter `error.details` names; a cursor works only with its own
    query.
    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **404** Not Found: check the ID: it is `connection:remote_id`, as a list returns it.
    - **429** Too Many Requests: wait `Retry-After` seconds and retry.
    - **501** Not Implemented: use another connection, or the alternative `error.message` gives.
    - **502** Bad Gateway: retry later; `error.upstream_status` says what the upstream answered.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.
    - **504** Gateway Timeout: retry later; a write may have reached the upstream, so read before
    writing again.

    Args:
        id (str):
        connection (ConnectionName | Unset): A connection configured in this deployment
        status (ItemsPendingChangesListStatus | Unset):  Default:
            ItemsPendingChangesListStatus.PENDING.
        if_none_match (str | Unset):
        cache_control (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope | PagePendingChange
     """


    return sync_detailed(
        id=id,
client=client,
connection=connection,
status=status,
if_none_match=if_none_match,
cache_control=cache_control,

    ).parsed

async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    connection: ConnectionName | Unset = UNSET,
    status: ItemsPendingChangesListStatus | Unset = ItemsPendingChangesListStatus.PENDING,
    if_none_match: str | Unset = UNSET,
    cache_control: str | Unset = UNSET,

) -> Response[Any | ErrorEnvelope | PagePendingChange]:
    """ An item's pending changes

     Returns the item's changes waiting for approval (or those decided). Scope: `items:read`.

    **Connections.** `borderbolt` (borderbolt) can do this. `crm` (crm) cannot: 501
    `unsupported_operation`. `shop` (inventorum) cannot: 501 `unsupported_operation`.

    **Errors**

    - **400** Bad Request: fix the parameter `error.details` names; a cursor works only with its own
    query.
    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **404** Not Found: check the ID: it is `connection:remote_id`, as a list returns it.
    - **429** Too Many Requests: wait `Retry-After` seconds and retry.
    - **501** Not Implemented: use another connection, or the alternative `error.message` gives.
    - **502** Bad Gateway: retry later; `error.upstream_status` says what the upstream answered.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.
    - **504** Gateway Timeout: retry later; a write may have reached the upstream, so read before
    writing again.

    Args:
        id (str):
        connection (ConnectionName | Unset): A connection configured in this deployment
        status (ItemsPendingChangesListStatus | Unset):  Default:
            ItemsPendingChangesListStatus.PENDING.
        if_none_match (str | Unset):
        cache_control (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope | PagePendingChange]
     """


    kwargs = _get_kwargs(
        id=id,
connection=connection,
status=status,
if_none_match=if_none_match,
cache_control=cache_control,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    connection: ConnectionName | Unset = UNSET,
    status: ItemsPendingChangesListStatus | Unset = ItemsPendingChangesListStatus.PENDING,
    if_none_match: str | Unset = UNSET,
    cache_control: str | Unset = UNSET,

) -> Any | ErrorEnvelope | PagePendingChange | None:
    """ An item's pending changes

     Returns the item's changes waiting for approval (or those decided). Scope: `items:read`.

    **Connections.** `borderbolt` (borderbolt) can do this. `crm` (crm) cannot: 501
    `unsupported_operation`. `shop` (inventorum) cannot: 501 `unsupported_operation`.

    **Errors**

    - **400** Bad Request: fix the parameter `error.details` names; a cursor works only with its own
    query.
    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **404** Not Found: check the ID: it is `connection:remote_id`, as a list returns it.
    - **429** Too Many Requests: wait `Retry-After` seconds and retry.
    - **501** Not Implemented: use another connection, or the alternative `error.message` gives.
    - **502** Bad Gateway: retry later; `error.upstream_status` says what the upstream answered.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.
    - **504** Gateway Timeout: retry later; a write may have reached the upstream, so read before
    writing again.

    Args:
        id (str):
        connection (ConnectionName | Unset): A connection configured in this deployment
        status (ItemsPendingChangesListStatus | Unset):  Default:
            ItemsPendingChangesListStatus.PENDING.
        if_none_match (str | Unset):
        cache_control (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope | PagePendingChange
     """


    return (await asyncio_detailed(
        id=id,
client=client,
connection=connection,
status=status,
if_none_match=if_none_match,
cache_control=cache_control,

    )).parsed
