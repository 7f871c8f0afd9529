from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET, Unset
from ... import errors

from ...models.admin_config_validate_json_body import AdminConfigValidateJsonBody
from ...models.admin_config_validate_response_200 import AdminConfigValidateResponse200
from ...models.error_envelope import ErrorEnvelope
from ...types import File, FileTypes
from io import BytesIO
from typing import cast



def _get_kwargs(
    *,
    body:    File  |     AdminConfigValidateJsonBody  | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/admin/config/validate",
    }

    if isinstance(body, File):
        _kwargs["content"] = body.payload
        headers["Content-Type"] = "application/yaml"
    if isinstance(body, AdminConfigValidateJsonBody):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AdminConfigValidateResponse200 | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = AdminConfigValidateResponse200.from_dict(response.json())



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

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())



        return response_413

    if response.status_code == 422:
        response_422 = ErrorEnvelope.from_dict(response.json())



        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AdminConfigValidateResponse200 | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body:    File  |     AdminConfigValidateJsonBody  | Unset = UNSET,

) -> Response[AdminConfigValidateResponse200 | ErrorEnvelope]:
    """ Validate a config (dry run)

     Checks a config without applying it: 200 when valid, 422 with the path of every problem otherwise.
    Scope: `admin`.

    **Errors**

    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **409** Conflict: read the resource, resolve the conflict in its data, then retry.
    - **413** Content Too Large: send a smaller body.
    - **422** Unprocessable Content: correct each field `error.details` names; a reused `Idempotency-
    Key` needs the same body.

    Args:
        body (File):
        body (AdminConfigValidateJsonBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AdminConfigValidateResponse200 | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    body:    File  |     AdminConfigValidateJsonBody  | Unset = UNSET,

) -> AdminConfigValidateResponse200 | ErrorEnvelope | None:
    """ Validate a config (dry run)

     Checks a config without applying it: 200 when valid, 422 with the path of every problem otherwise.
    Scope: `admin`.

    **Errors**

    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **409** Conflict: read the resource, resolve the conflict in its data, then retry.
    - **413** Content Too Large: send a smaller body.
    - **422** Unprocessable Content: correct each field `error.details` names; a reused `Idempotency-
    Key` needs the same body.

    Args:
        body (File):
        body (AdminConfigValidateJsonBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AdminConfigValidateResponse200 | ErrorEnvelope
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body:    File  |     AdminConfigValidateJsonBody  | Unset = UNSET,

) -> Response[AdminConfigValidateResponse200 | ErrorEnvelope]:
    """ Validate a config (dry run)

     Checks a config without applying it: 200 when valid, 422 with the path of every problem otherwise.
    Scope: `admin`.

    **Errors**

    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **409** Conflict: read the resource, resolve the conflict in its data, then retry.
    - **413** Content Too Large: send a smaller body.
    - **422** Unprocessable Content: correct each field `error.details` names; a reused `Idempotency-
    Key` needs the same body.

    Args:
        body (File):
        body (AdminConfigValidateJsonBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AdminConfigValidateResponse200 | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body:    File  |     AdminConfigValidateJsonBody  | Unset = UNSET,

) -> AdminConfigValidateResponse200 | ErrorEnvelope | None:
    """ Validate a config (dry run)

     Checks a config without applying it: 200 when valid, 422 with the path of every problem otherwise.
    Scope: `admin`.

    **Errors**

    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.
    - **409** Conflict: read the resource, resolve the conflict in its data, then retry.
    - **413** Content Too Large: send a smaller body.
    - **422** Unprocessable Content: correct each field `error.details` names; a reused `Idempotency-
    Key` needs the same body.

    Args:
        body (File):
        body (AdminConfigValidateJsonBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AdminConfigValidateResponse200 | ErrorEnvelope
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
