from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET, Unset
from ... import errors

from ...models.admin_config_replace_json_body import AdminConfigReplaceJsonBody
from ...models.admin_config_replace_response_200 import AdminConfigReplaceResponse200
from ...models.error_envelope import ErrorEnvelope
from ...types import File, FileTypes
from io import BytesIO
from typing import cast



def _get_kwargs(
    *,
    body:    File  |     AdminConfigReplaceJsonBody  | Unset = UNSET,
    if_match: str,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["If-Match"] = if_match



    

    

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/admin/config",
    }

    if isinstance(body, File):
        _kwargs["content"] = body.payload
        headers["Content-Type"] = "application/yaml"
    if isinstance(body, AdminConfigReplaceJsonBody):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AdminConfigReplaceResponse200 | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = AdminConfigReplaceResponse200.from_dict(response.json())



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

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())



        return response_409

    if response.status_code == 412:
        response_412 = ErrorEnvelope.from_dict(response.json())



        return response_412

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())



        return response_413

    if response.status_code == 422:
        response_422 = ErrorEnvelope.from_dict(response.json())



        return response_422

    if response.status_code == 428:
        response_428 = ErrorEnvelope.from_dict(response.json())



        return response_428

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AdminConfigReplaceResponse200 | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body:    File  |     AdminConfigReplaceJsonBody  | Unset = UNSET,
    if_match: str,

) -> Response[AdminConfigReplaceResponse200 | ErrorEnvelope]:
    """ Replace the config (If-Match), applied live

     Validates the config (YAML or JSON), writes it atomically (the previous one kept as
    `config.yaml.bak`, comments preserved) and applies it live on every instance. A secret sent as `***`
    keeps its current value. `If-Match` must be the ETag of the config you read. Scope: `admin`.

    **Errors**

    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **409** Conflict: read the resource, resolve the conflict in its data, then retry.
    - **412** Precondition Failed: GET the config again and send its `ETag` as `If-Match`.
    - **413** Content Too Large: send a smaller body.
    - **422** Unprocessable Content: correct each field `error.details` names; a reused `Idempotency-
    Key` needs the same body.
    - **428** Precondition Required: send `If-Match` with the config's `ETag`.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.

    Args:
        if_match (str):
        body (File):
        body (AdminConfigReplaceJsonBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AdminConfigReplaceResponse200 | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        body=body,
if_match=if_match,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    body:    File  |     AdminConfigReplaceJsonBody  | Unset = UNSET,
    if_match: str,

) -> AdminConfigReplaceResponse200 | ErrorEnvelope | None:
    """ Replace the config (If-Match), applied live

     Validates the config (YAML or JSON), writes it atomically (the previous one kept as
    `config.yaml.bak`, comments preserved) and applies it live on every instance. A secret sent as `***`
    keeps its current value. `If-Match` must be the ETag of the config you read. Scope: `admin`.

    **Errors**

    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **409** Conflict: read the resource, resolve the conflict in its data, then retry.
    - **412** Precondition Failed: GET the config again and send its `ETag` as `If-Match`.
    - **413** Content Too Large: send a smaller body.
    - **422** Unprocessable Content: correct each field `error.details` names; a reused `Idempotency-
    Key` needs the same body.
    - **428** Precondition Required: send `If-Match` with the config's `ETag`.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.

    Args:
        if_match (str):
        body (File):
        body (AdminConfigReplaceJsonBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AdminConfigReplaceResponse200 | ErrorEnvelope
     """


    return sync_detailed(
        client=client,
body=body,
if_match=if_match,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body:    File  |     AdminConfigReplaceJsonBody  | Unset = UNSET,
    if_match: str,

) -> Response[AdminConfigReplaceResponse200 | ErrorEnvelope]:
    """ Replace the config (If-Match), applied live

     Validates the config (YAML or JSON), writes it atomically (the previous one kept as
    `config.yaml.bak`, comments preserved) and applies it live on every instance. A secret sent as `***`
    keeps its current value. `If-Match` must be the ETag of the config you read. Scope: `admin`.

    **Errors**

    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **409** Conflict: read the resource, resolve the conflict in its data, then retry.
    - **412** Precondition Failed: GET the config again and send its `ETag` as `If-Match`.
    - **413** Content Too Large: send a smaller body.
    - **422** Unprocessable Content: correct each field `error.details` names; a reused `Idempotency-
    Key` needs the same body.
    - **428** Precondition Required: send `If-Match` with the config's `ETag`.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.

    Args:
        if_match (str):
        body (File):
        body (AdminConfigReplaceJsonBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AdminConfigReplaceResponse200 | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        body=body,
if_match=if_match,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body:    File  |     AdminConfigReplaceJsonBody  | Unset = UNSET,
    if_match: str,

) -> AdminConfigReplaceResponse200 | ErrorEnvelope | None:
    """ Replace the config (If-Match), applied live

     Validates the config (YAML or JSON), writes it atomically (the previous one kept as
    `config.yaml.bak`, comments preserved) and applies it live on every instance. A secret sent as `***`
    keeps its current value. `If-Match` must be the ETag of the config you read. Scope: `admin`.

    **Errors**

    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **409** Conflict: read the resource, resolve the conflict in its data, then retry.
    - **412** Precondition Failed: GET the config again and send its `ETag` as `If-Match`.
    - **413** Content Too Large: send a smaller body.
    - **422** Unprocessable Content: correct each field `error.details` names; a reused `Idempotency-
    Key` needs the same body.
    - **428** Precondition Required: send `If-Match` with the config's `ETag`.
    - **503** Service Unavailable: retry after `Retry-After`; reads may still be served from the cache.

    Args:
        if_match (str):
        body (File):
        body (AdminConfigReplaceJsonBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AdminConfigReplaceResponse200 | ErrorEnvelope
     """


    return (await asyncio_detailed(
        client=client,
body=body,
if_match=if_match,

    )).parsed
