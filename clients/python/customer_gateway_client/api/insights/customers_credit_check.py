from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.connection_name import ConnectionName
from ...models.credit_check import CreditCheck
from ...models.error_envelope import ErrorEnvelope
from ...models.no_body import NoBody
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    id: str,
    *,
    body: NoBody | Unset = UNSET,
    connection: ConnectionName | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    params: dict[str, Any] = {}

    json_connection: str | Unset = UNSET
    if not isinstance(connection, Unset):
        json_connection = connection.value

    params["connection"] = json_connection


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/customers/{id}/credit-check".format(id=quote(str(id), safe=""),),
        "params": params,
    }

    
    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> CreditCheck | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = CreditCheck.from_dict(response.json())



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

    if response.status_code == 405:
        response_405 = ErrorEnvelope.from_dict(response.json())



        return response_405

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())



        return response_409

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())



        return response_413

    if response.status_code == 422:
        response_422 = ErrorEnvelope.from_dict(response.json())



        return response_422

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[CreditCheck | ErrorEnvelope]:
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
    body: NoBody | Unset = UNSET,
    connection: ConnectionName | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Response[CreditCheck | ErrorEnvelope]:
    """ Run a credit check (connections that offer one)

     Runs a credit check on the customer in its upstream and returns the outcome. Scope:
    `customers:write`.

    **Connections.** `crm` (crm) can do this. `borderbolt` (borderbolt) cannot: 501
    `unsupported_operation`. `shop` (inventorum) cannot: 501 `unsupported_operation`.

    **Errors**

    - **400** Bad Request: fix the parameter `error.details` names; a cursor works only with its own
    query.
    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **404** Not Found: check the ID: it is `connection:remote_id`, as a list returns it.
    - **409** Conflict: read the resource, resolve the conflict in its data, then retry.
    - **413** Content Too Large: send a smaller body.
    - **422** Unprocessable Content: correct each field `error.details` names; a reused `Idempotency-
    Key` needs the same body.
    - **429** Too Many Requests: wait `Retry-After` seconds and retry.
    - **501** Not Implemented: use another connection, or the alternative `error.message` gives.
    - **502** Bad Gateway: retry later; `error.upstream_status` says what the upstream answered.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.
    - **504** Gateway Timeout: retry later; a write may have reached the upstream, so read before
    writing again.

    Args:
        id (str):
        connection (ConnectionName | Unset): A connection configured in this deployment
        idempotency_key (str | Unset):
        body (NoBody | Unset): A POST that takes no fields: an empty object, or no body at all.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreditCheck | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,
connection=connection,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    body: NoBody | Unset = UNSET,
    connection: ConnectionName | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> CreditCheck | ErrorEnvelope | None:
    """ Run a credit check (connections that offer one)

     Runs a credit check on the customer in its upstream and returns the outcome. Scope:
    `customers:write`.

    **Connections.** `crm` (crm) can do this. `borderbolt` (borderbolt) cannot: 501
    `unsupported_operation`. `shop` (inventorum) cannot: 501 `unsupported_operation`.

    **Errors**

    - **400** Bad Request: fix the parameter `error.details` names; a cursor works only with its own
    query.
    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **404** Not Found: check the ID: it is `connection:remote_id`, as a list returns it.
    - **409** Conflict: read the resource, resolve the conflict in its data, then retry.
    - **413** Content Too Large: send a smaller body.
    - **422** Unprocessable Content: correct each field `error.details` names; a reused `Idempotency-
    Key` needs the same body.
    - **429** Too Many Requests: wait `Retry-After` seconds and retry.
    - **501** Not Implemented: use another connection, or the alternative `error.message` gives.
    - **502** Bad Gateway: retry later; `error.upstream_status` says what the upstream answered.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.
    - **504** Gateway Timeout: retry later; a write may have reached the upstream, so read before
    writing again.

    Args:
        id (str):
        connection (ConnectionName | Unset): A connection configured in this deployment
        idempotency_key (str | Unset):
        body (NoBody | Unset): A POST that takes no fields: an empty object, or no body at all.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreditCheck | ErrorEnvelope
     """


    return sync_detailed(
        id=id,
client=client,
body=body,
connection=connection,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    body: NoBody | Unset = UNSET,
    connection: ConnectionName | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Response[CreditCheck | ErrorEnvelope]:
    """ Run a credit check (connections that offer one)

     Runs a credit check on the customer in its upstream and returns the outcome. Scope:
    `customers:write`.

    **Connections.** `crm` (crm) can do this. `borderbolt` (borderbolt) cannot: 501
    `unsupported_operation`. `shop` (inventorum) cannot: 501 `unsupported_operation`.

    **Errors**

    - **400** Bad Request: fix the parameter `error.details` names; a cursor works only with its own
    query.
    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **404** Not Found: check the ID: it is `connection:remote_id`, as a list returns it.
    - **409** Conflict: read the resource, resolve the conflict in its data, then retry.
    - **413** Content Too Large: send a smaller body.
    - **422** Unprocessable Content: correct each field `error.details` names; a reused `Idempotency-
    Key` needs the same body.
    - **429** Too Many Requests: wait `Retry-After` seconds and retry.
    - **501** Not Implemented: use another connection, or the alternative `error.message` gives.
    - **502** Bad Gateway: retry later; `error.upstream_status` says what the upstream answered.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.
    - **504** Gateway Timeout: retry later; a write may have reached the upstream, so read before
    writing again.

    Args:
        id (str):
        connection (ConnectionName | Unset): A connection configured in this deployment
        idempotency_key (str | Unset):
        body (NoBody | Unset): A POST that takes no fields: an empty object, or no body at all.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreditCheck | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,
connection=connection,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    body: NoBody | Unset = UNSET,
    connection: ConnectionName | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> CreditCheck | ErrorEnvelope | None:
    """ Run a credit check (connections that offer one)

     Runs a credit check on the customer in its upstream and returns the outcome. Scope:
    `customers:write`.

    **Connections.** `crm` (crm) can do this. `borderbolt` (borderbolt) cannot: 501
    `unsupported_operation`. `shop` (inventorum) cannot: 501 `unsupported_operation`.

    **Errors**

    - **400** Bad Request: fix the parameter `error.details` names; a cursor works only with its own
    query.
    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **404** Not Found: check the ID: it is `connection:remote_id`, as a list returns it.
    - **409** Conflict: read the resource, resolve the conflict in its data, then retry.
    - **413** Content Too Large: send a smaller body.
    - **422** Unprocessable Content: correct each field `error.details` names; a reused `Idempotency-
    Key` needs the same body.
    - **429** Too Many Requests: wait `Retry-After` seconds and retry.
    - **501** Not Implemented: use another connection, or the alternative `error.message` gives.
    - **502** Bad Gateway: retry later; `error.upstream_status` says what the upstream answered.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.
    - **504** Gateway Timeout: retry later; a write may have reached the upstream, so read before
    writing again.

    Args:
        id (str):
        connection (ConnectionName | Unset): A connection configured in this deployment
        idempotency_key (str | Unset):
        body (NoBody | Unset): A POST that takes no fields: an empty object, or no body at all.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreditCheck | ErrorEnvelope
     """


    return (await asyncio_detailed(
        id=id,
client=client,
body=body,
connection=connection,
idempotency_key=idempotency_key,

    )).parsed
