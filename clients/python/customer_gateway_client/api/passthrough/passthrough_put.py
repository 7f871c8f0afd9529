from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.connection_name import ConnectionName
from ...models.error_envelope import ErrorEnvelope
from ...models.passthrough_put_json_body import PassthroughPutJsonBody
from ...models.passthrough_put_response_200 import PassthroughPutResponse200
from ...models.passthrough_put_response_default import PassthroughPutResponseDefault
from ...types import File, FileTypes
from ...types import UNSET, Unset
from io import BytesIO
from typing import cast



def _get_kwargs(
    connection: ConnectionName,
    path: str,
    *,
    body:    PassthroughPutJsonBody  |     File  | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/passthrough/{connection}/{path}".format(connection=quote(str(connection), safe=""),path=quote(str(path), safe=""),),
    }

    if isinstance(body, PassthroughPutJsonBody):
        
        if not isinstance(body, Unset):
            _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, File):
        if not isinstance(body, Unset):
            _kwargs["content"] = body.payload
        headers["Content-Type"] = "application/octet-stream"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorEnvelope | PassthroughPutResponse200 | PassthroughPutResponseDefault:
    if response.status_code == 200:
        response_200 = PassthroughPutResponse200.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())



        return response_403

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())



        return response_413

    if response.status_code == 502:
        response_502 = ErrorEnvelope.from_dict(response.json())



        return response_502

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())



        return response_503

    if response.status_code == 504:
        response_504 = ErrorEnvelope.from_dict(response.json())



        return response_504

    response_default = PassthroughPutResponseDefault.from_dict(response.json())



    return response_default



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorEnvelope | PassthroughPutResponse200 | PassthroughPutResponseDefault]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    connection: ConnectionName,
    path: str,
    *,
    client: AuthenticatedClient | Client,
    body:    PassthroughPutJsonBody  |     File  | Unset = UNSET,

) -> Response[ErrorEnvelope | PassthroughPutResponse200 | PassthroughPutResponseDefault]:
    """ A raw call under the upstream's API root

     Sends the request to the connection's upstream as it is, under the upstream's API root, with the
    connection's credentials added; the upstream's status, body and headers come back, with any secret
    it echoes redacted to `***`. Nothing is cached, and a passthrough call never opens the connection's
    circuit breaker. Scope: `passthrough`.

    The upstream's answer, as it came (X-Passthrough: true), whatever its status: a 404 may be the
    upstream's own. The gateway's own refusals (a key without the scope, an unknown connection, an open
    circuit) use the error envelope.

    **Errors**

    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **413** Content Too Large: send a smaller body.
    - **502** Bad Gateway: retry later; `error.upstream_status` says what the upstream answered.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.
    - **504** Gateway Timeout: retry later; a write may have reached the upstream, so read before
    writing again.

    Args:
        connection (ConnectionName): A connection configured in this deployment
        path (str):
        body (PassthroughPutJsonBody | Unset):
        body (File | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | PassthroughPutResponse200 | PassthroughPutResponseDefault]
     """


    kwargs = _get_kwargs(
        connection=connection,
path=path,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    connection: ConnectionName,
    path: str,
    *,
    client: AuthenticatedClient | Client,
    body:    PassthroughPutJsonBody  |     File  | Unset = UNSET,

) -> ErrorEnvelope | PassthroughPutResponse200 | PassthroughPutResponseDefault | None:
    """ A raw call under the upstream's API root

     Sends the request to the connection's upstream as it is, under the upstream's API root, with the
    connection's credentials added; the upstream's status, body and headers come back, with any secret
    it echoes redacted to `***`. Nothing is cached, and a passthrough call never opens the connection's
    circuit breaker. Scope: `passthrough`.

    The upstream's answer, as it came (X-Passthrough: true), whatever its status: a 404 may be the
    upstream's own. The gateway's own refusals (a key without the scope, an unknown connection, an open
    circuit) use the error envelope.

    **Errors**

    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **413** Content Too Large: send a smaller body.
    - **502** Bad Gateway: retry later; `error.upstream_status` says what the upstream answered.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.
    - **504** Gateway Timeout: retry later; a write may have reached the upstream, so read before
    writing again.

    Args:
        connection (ConnectionName): A connection configured in this deployment
        path (str):
        body (PassthroughPutJsonBody | Unset):
        body (File | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | PassthroughPutResponse200 | PassthroughPutResponseDefault
     """


    return sync_detailed(
        connection=connection,
path=path,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    connection: ConnectionName,
    path: str,
    *,
    client: AuthenticatedClient | Client,
    body:    PassthroughPutJsonBody  |     File  | Unset = UNSET,

) -> Response[ErrorEnvelope | PassthroughPutResponse200 | PassthroughPutResponseDefault]:
    """ A raw call under the upstream's API root

     Sends the request to the connection's upstream as it is, under the upstream's API root, with the
    connection's credentials added; the upstream's status, body and headers come back, with any secret
    it echoes redacted to `***`. Nothing is cached, and a passthrough call never opens the connection's
    circuit breaker. Scope: `passthrough`.

    The upstream's answer, as it came (X-Passthrough: true), whatever its status: a 404 may be the
    upstream's own. The gateway's own refusals (a key without the scope, an unknown connection, an open
    circuit) use the error envelope.

    **Errors**

    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **413** Content Too Large: send a smaller body.
    - **502** Bad Gateway: retry later; `error.upstream_status` says what the upstream answered.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.
    - **504** Gateway Timeout: retry later; a write may have reached the upstream, so read before
    writing again.

    Args:
        connection (ConnectionName): A connection configured in this deployment
        path (str):
        body (PassthroughPutJsonBody | Unset):
        body (File | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | PassthroughPutResponse200 | PassthroughPutResponseDefault]
     """


    kwargs = _get_kwargs(
        connection=connection,
path=path,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    connection: ConnectionName,
    path: str,
    *,
    client: AuthenticatedClient | Client,
    body:    PassthroughPutJsonBody  |     File  | Unset = UNSET,

) -> ErrorEnvelope | PassthroughPutResponse200 | PassthroughPutResponseDefault | None:
    """ A raw call under the upstream's API root

     Sends the request to the connection's upstream as it is, under the upstream's API root, with the
    connection's credentials added; the upstream's status, body and headers come back, with any secret
    it echoes redacted to `***`. Nothing is cached, and a passthrough call never opens the connection's
    circuit breaker. Scope: `passthrough`.

    The upstream's answer, as it came (X-Passthrough: true), whatever its status: a 404 may be the
    upstream's own. The gateway's own refusals (a key without the scope, an unknown connection, an open
    circuit) use the error envelope.

    **Errors**

    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **413** Content Too Large: send a smaller body.
    - **502** Bad Gateway: retry later; `error.upstream_status` says what the upstream answered.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.
    - **504** Gateway Timeout: retry later; a write may have reached the upstream, so read before
    writing again.

    Args:
        connection (ConnectionName): A connection configured in this deployment
        path (str):
        body (PassthroughPutJsonBody | Unset):
        body (File | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | PassthroughPutResponse200 | PassthroughPutResponseDefault
     """


    return (await asyncio_detailed(
        connection=connection,
path=path,
client=client,
body=body,

    )).parsed
