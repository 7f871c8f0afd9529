"""ANY /v1/passthrough/{connection}/{path}: a raw call under the upstream's API root.

For what the canonical API does not cover. The path is appended to the adapter's API
root (the adapter's ``api_root``, e.g. ``/api/v1``, or the base URL), segment by
segment, percent-encoded again; empty, ``.`` and ``..`` segments are refused (404),
as the middleware already refuses encoded separators, so no call leaves that root.
The gateway's credentials, the version header and ``X-Request-ID`` are added; the
client's ``Authorization`` and cookies are not forwarded. The answer comes back as
the upstream gave it (status, body, content type), marked ``X-Passthrough: true``,
but for the gateway's own secrets: a body or returned header that echoes one (the
token it sent, a fetched OAuth token, in the forms kernel/secrets.py lists) has it
replaced by ``***``, and ``Content-Length`` is that of the body sent.
Not cached, and a write drops the connection's whole read cache; GETs are retried like
any GET; the circuit breaker applies.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from starlette.responses import Response

from gateway.http.edge import Call
from gateway.http.endpoint import Endpoint
from kernel.errors import NotFound
from kernel.secrets import KNOWN

FORWARDED = ("content-type", "accept", "accept-language", "if-none-match", "if-match")
RETURNED = ("content-type", "etag", "retry-after", "location", "cache-control", "last-modified")
SEGMENT = re.compile(r"[^\x00-\x1f\x7f]+")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")  # GET also answers HEAD
PATH = "/v1/passthrough/{connection}/{path:path}"
SANDBOX_TOOLS = "__sandbox__"


async def passthrough(call: Call) -> Response:
    connection = call.runtime.connections.get(call.path_params["connection"])
    if connection is None:
        raise NotFound("no such connection")
    call.key.require_connection(connection.name)
    call.note_connection(connection.name)
    segments = call.path_params["path"].split("/")
    trailing = segments[-1] == "" and len(segments) > 1
    if trailing:
        segments = segments[:-1]
    if any(s in ("", ".", "..") or not SEGMENT.fullmatch(s) for s in segments):
        raise NotFound("no such upstream path")
    if segments[0].startswith(SANDBOX_TOOLS):  # a simulator's own tools are not its API
        raise NotFound("no such upstream path")
    path = connection.adapter.api_root + "/" + "/".join(quote(s, safe="") for s in segments)
    if trailing:
        path += "/"
    if call.raw_query:
        path += "?" + call.raw_query
    headers = {k: v for k, v in call.headers.items() if k in FORWARDED}
    writes = call.method not in ("GET", "HEAD")
    body = call.raw_body if writes else None
    upstream = connection.adapter.upstream
    try:
        answer = await upstream.call(call.method, path, content=body, headers=headers, raw=True)
    finally:
        if writes:
            await connection.cache.ainvalidate_all()  # a raw write may have changed anything
    returned = {
        name.decode("latin-1"): KNOWN.redact_bytes(value).decode("latin-1")
        for name, value in answer.headers.raw
        if name.decode("latin-1").lower() in RETURNED
    }
    return Response(
        KNOWN.redact_bytes(answer.content),
        status_code=answer.status,
        headers={**returned, "X-Passthrough": "true"},
    )


# How OpenAPI shows the body sent on: a JSON object, or any bytes with their own
# Content-Type (a generator keeps both; ``*/*`` made generators drop the operation).
RAW_BODY = {
    "application/json": {"schema": {"type": "object"}, "example": {"name": "Acme B.V."}},
    "application/octet-stream": {
        "schema": {"type": "string", "format": "binary"},
        "example": "any bytes, sent with their own Content-Type",
    },
}
endpoints = [
    Endpoint(
        method,
        PATH,
        passthrough,
        "A raw call under the upstream's API root",
        "passthrough",
        "passthrough",
        query=None,
        raw_body=method != "GET",
        raw_content=RAW_BODY if method in ("POST", "PUT", "PATCH") else None,
        answer="*/*",
        description=(
            "The upstream's answer, as it came (X-Passthrough: true), whatever its status: "
            "a 404 may be the upstream's own. The gateway's own refusals (a key without "
            "the scope, an unknown connection, an open circuit) use the error envelope."
        ),
        errors=(401, 403, 413, 502, 503, 504),
    )
    for method in METHODS
]
