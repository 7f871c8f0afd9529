from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.admin_audit_list_response_200 import AdminAuditListResponse200
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    actor: str | Unset = UNSET,
    action: str | Unset = UNSET,
    connection: str | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["actor"] = actor

    params["action"] = action

    params["connection"] = connection

    params["limit"] = limit

    params["cursor"] = cursor


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/admin/audit",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AdminAuditListResponse200 | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = AdminAuditListResponse200.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AdminAuditListResponse200 | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    actor: str | Unset = UNSET,
    action: str | Unset = UNSET,
    connection: str | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,

) -> Response[AdminAuditListResponse200 | ErrorEnvelope]:
    """ The audit log, newest first

     Returns the audit records (every write and admin action), newest first. Scope: `admin`.

    **Errors**

    - **400** Bad Request: fix the parameter `error.details` names; a cursor works only with its own
    query.
    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.

    Args:
        actor (str | Unset):
        action (str | Unset):
        connection (str | Unset):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AdminAuditListResponse200 | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        actor=actor,
action=action,
connection=connection,
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
    actor: str | Unset = UNSET,
    action: str | Unset = UNSET,
    connection: str | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,

) -> AdminAuditListResponse200 | ErrorEnvelope | None:
    """ The audit log, newest first

     Returns the audit records (every write and admin action), newest first. Scope: `admin`.

    **Errors**

    - **400** Bad Request: fix the parameter `error.details` names; a cursor works only with its own
    query.
    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.

    Args:
        actor (str | Unset):
        action (str | Unset):
        connection (str | Unset):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AdminAuditListResponse200 | ErrorEnvelope
     """


    return sync_detailed(
        client=client,
actor=actor,
action=action,
connection=connection,
limit=limit,
cursor=cursor,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    actor: str | Unset = UNSET,
    action: str | Unset = UNSET,
    connection: str | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,

) -> Response[AdminAuditListResponse200 | ErrorEnvelope]:
    """ The audit log, newest first

     Returns the audit records (every write and admin action), newest first. Scope: `admin`.

    **Errors**

    - **400** Bad Request: fix the parameter `error.details` names; a cursor works only with its own
    query.
    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.

    Args:
        actor (str | Unset):
        action (str | Unset):
        connection (str | Unset):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AdminAuditListResponse200 | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        actor=actor,
action=action,
connection=connection,
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
    actor: str | Unset = UNSET,
    action: str | Unset = UNSET,
    connection: str | Unset = UNSET,
    limit: int | Unset = 25,
    cursor: str | Unset = UNSET,

) -> AdminAuditListResponse200 | ErrorEnvelope | None:
    """ The audit log, newest first

     Returns the audit records (every write and admin action), newest first. Scope: `admin`.

    **Errors**

    - **400** Bad Request: fix the parameter `error.details` names; a cursor works only with its own
    query.
    - **401** Unauthorized: send `Authorization: Bearer <key>` with a configured key.
    - **403** Forbidden: use a key with the scope, or name a connection the key may use.

    Args:
        actor (str | Unset):
        action (str | Unset):
        connection (str | Unset):
        limit (int | Unset):  Default: 25.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AdminAuditListResponse200 | ErrorEnvelope
     """


    return (await asyncio_detailed(
        client=client,
actor=actor,
action=action,
connection=connection,
limit=limit,
cursor=cursor,

    )).parsed
