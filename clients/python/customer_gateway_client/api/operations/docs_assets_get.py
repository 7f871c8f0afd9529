from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.docs_assets_get_response_404 import DocsAssetsGetResponse404
from ...models.error_envelope import ErrorEnvelope
from ...types import File, FileTypes
from io import BytesIO
from typing import cast



def _get_kwargs(
    name: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/docs/assets/{name}".format(name=quote(str(name), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> DocsAssetsGetResponse404 | ErrorEnvelope | File | None:
    if response.status_code == 200:
        response_200 = File(
             payload = BytesIO(response.content)
        )



        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())



        return response_400

    if response.status_code == 404:
        response_404 = DocsAssetsGetResponse404.from_dict(response.json())



        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[DocsAssetsGetResponse404 | ErrorEnvelope | File]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    name: str,
    *,
    client: AuthenticatedClient | Client,

) -> Response[DocsAssetsGetResponse404 | ErrorEnvelope | File]:
    """ A file of the documentation page (Swagger UI, vendored)

     A file of the reference page (Swagger UI, vendored).

    **Errors**

    - **404** Not Found: check the ID: it is `connection:remote_id`, as a list returns it.

    Args:
        name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DocsAssetsGetResponse404 | ErrorEnvelope | File]
     """


    kwargs = _get_kwargs(
        name=name,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    name: str,
    *,
    client: AuthenticatedClient | Client,

) -> DocsAssetsGetResponse404 | ErrorEnvelope | File | None:
    """ A file of the documentation page (Swagger UI, vendored)

     A file of the reference page (Swagger UI, vendored).

    **Errors**

    - **404** Not Found: check the ID: it is `connection:remote_id`, as a list returns it.

    Args:
        name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DocsAssetsGetResponse404 | ErrorEnvelope | File
     """


    return sync_detailed(
        name=name,
client=client,

    ).parsed

async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient | Client,

) -> Response[DocsAssetsGetResponse404 | ErrorEnvelope | File]:
    """ A file of the documentation page (Swagger UI, vendored)

     A file of the reference page (Swagger UI, vendored).

    **Errors**

    - **404** Not Found: check the ID: it is `connection:remote_id`, as a list returns it.

    Args:
        name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DocsAssetsGetResponse404 | ErrorEnvelope | File]
     """


    kwargs = _get_kwargs(
        name=name,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient | Client,

) -> DocsAssetsGetResponse404 | ErrorEnvelope | File | None:
    """ A file of the documentation page (Swagger UI, vendored)

     A file of the reference page (Swagger UI, vendored).

    **Errors**

    - **404** Not Found: check the ID: it is `connection:remote_id`, as a list returns it.

    Args:
        name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DocsAssetsGetResponse404 | ErrorEnvelope | File
     """


    return (await asyncio_detailed(
        name=name,
client=client,

    )).parsed
