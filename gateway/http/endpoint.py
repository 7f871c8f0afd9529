"""Each endpoint declared once; its route, checks and OpenAPI operation derived from that.

An ``Endpoint`` names its method and path, the scope a key needs, the pydantic model
of its query and of its body, the model it answers with, and flags (``cached``,
``idempotent``, ``audited``). ``Endpoint.route()`` makes the starlette route that, in
this order: authenticates the key and checks the scope and the connection the call
names or defaults to (401/403), then the key's rate limit (429,
gateway/guarantees/quotas.py: a refused call uses none of it); refuses query
parameters the model does not declare and parses the rest (400); reads the body
(413 too large, 400 malformed, 422 invalid); runs ``Idempotency-Key`` for an
idempotent POST; then calls the handler with one ``Call`` of plain values. An
endpoint with an ``action`` is audited: its outcome, success or failure, is recorded
with the status answered, or the one the handler names in ``trace["audit"]["status"]``
when its answer is not the action's (the console's redirect after a config change).
``gateway/http/openapi.py`` walks the same declarations to write the document.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from pydantic import BaseModel, ValidationError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from gateway.config.model import RateLimit
from gateway.guarantees.audit import changed_fields
from gateway.guarantees.idempotency import KEY as IDEMPOTENCY_KEY
from gateway.guarantees.idempotency import fingerprint
from gateway.http.edge import Call, ReadKey, error_response, refuse_unusable_connection
from gateway.http.nesting import MAX_DEPTH, flow_depth
from gateway.http.queries import OnConnection, Query
from gateway.http.reading import RequestHeaders, query_of, query_string
from gateway.runtime import Host, Runtime
from kernel.context import request_id_var
from kernel.errors import (
    BadRequest,
    FieldError,
    GatewayError,
    PayloadTooLarge,
    RateLimited,
    ValidationFailed,
)
from kernel.numbers import ascii_int
from kernel.wording import field_problems, sentence

Handler = Callable[[Call], Awaitable[Response]]
log = structlog.get_logger("gateway.endpoint")
ANY_KEY = "any"  # a scope that any valid API key has

PATCH_OPS = ("add", "replace", "remove")  # JSON Patch operations a merge patch can say
COMMON = (400, 401, 403, 404, 405, 429, 501, 502, 503, 504)
WRITES = (*COMMON, 409, 413, 422)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    scope: str | None  # None: no API key at all (operations endpoints)
    query: type[Query] | None = Query  # None: any query string, forwarded (passthrough)
    body: type[BaseModel] | None = None
    optional_body: bool = False  # the body may be absent (a POST action)
    raw_body: bool = False  # the handler reads the bytes itself (YAML, passthrough)
    raw_content: Mapping[str, Any] | None = None  # how OpenAPI shows such a body
    headers: Sequence[Mapping[str, Any]] = ()  # header parameters beyond the usual
    description: str = ""
    status: int = 200
    answer: type[BaseModel] | dict[str, Any] | str | None = None
    errors: Sequence[int] = COMMON
    cached: bool = False
    idempotent: bool = False
    action: str | None = None  # audited as this action (gateway/guarantees/audit.py)
    include_in_schema: bool = True  # False: served, but not in /openapi.json (the console)

    @property
    def audited(self) -> bool:
        return self.action is not None

    @property
    def path_names(self) -> list[str]:
        """The path parameters, in order (``{path:path}`` is ``path``)."""
        return re.findall(r"\{(\w+)(?::\w+)?\}", self.path)

    def route(self) -> Route:
        async def endpoint(request: Request) -> Response:
            return await self._dispatch(await self.parse(request))

        async def audited(request: Request) -> Response:
            call: Call | None = None
            response: Response | None = None
            status = 500
            try:
                call = await self.parse(request)
                response = await self._dispatch(call)
                status = response.status_code
                return response
            except GatewayError as exc:
                status = exc.status
                raise
            except ClientDisconnect:
                status = 499
                raise
            finally:
                try:
                    self._audit(request, call, status, response)
                except Exception:  # recording never breaks the request (guarantees/audit.py)
                    log.exception("audit_record_not_queued", action=self.action)

        chosen = endpoint if self.action is None else audited
        return Route(
            self.path,
            Served(chosen),
            methods=[self.method],
            name=self.handler.__name__,
            include_in_schema=self.include_in_schema,
        )

    async def _dispatch(self, call: Call) -> Response:
        key = call.headers.get("idempotency-key")
        if not self.idempotent or key is None:
            return await self.handler(call)
        return await self._idempotently(call, key)

    async def parse(self, request: Request) -> Call:
        """The request as a ``Call``, or the first error it has (module docstring)."""
        host: Host = request.app.state.host
        runtime: Runtime = request.scope.get("state", {}).get("runtime") or host.runtime
        await runtime.store.ready_for_request()  # once loaded, no store call per request
        scope = request.scope
        trace: dict[str, Any] = scope.setdefault("state", {})
        headers = RequestHeaders(scope=scope)
        string = query_string(scope["query_string"])
        params = string.params
        identity = None
        if self.scope is not None:
            identity = runtime.keys.authenticate(headers.get("authorization"))
            trace["key_name"] = identity.name
            if self.scope != ANY_KEY:
                identity.require_scope(self.scope)
            chooses = self.query is not None and issubclass(self.query, OnConnection)
            named = params.get("connection") or headers.get("x-connection")
            path_params = scope.get("path_params", {})
            refuse_unusable_connection(runtime, identity, chooses, path_params, named)
            if identity.rate_limit is not None:
                await _count_request(runtime, identity.name, identity.rate_limit, trace)
        query = query_of(self.query, string) if self.query is not None else None
        call = Call(
            host=host,
            runtime=runtime,
            identity=identity,
            method=scope["method"],
            path_params=scope.get("path_params", {}),
            query=query,
            headers=headers,
            read=ReadKey(
                path=scope["path"],
                query=string.normalised,
                bypass="no-cache" in headers.get("cache-control", "").lower(),
                if_none_match=headers.get("if-none-match"),
            ),
            raw_query=scope["query_string"].decode("latin-1"),
            peer=(scope.get("client") or (None,))[0],
            trace=trace,
        )
        if self.body is not None or self.raw_body or self.idempotent:
            call.raw_body = await read_bytes(request, runtime.config.server.max_body_bytes)
            if flow_depth(call.raw_body) > MAX_DEPTH:
                raise BadRequest(
                    f"the body nests deeper than {MAX_DEPTH} levels",
                    details=[FieldError(None, f"at most {MAX_DEPTH} nested arrays or objects")],
                )
        if self.body is not None and not (self.optional_body and not call.raw_body):
            content_type = headers.get("content-type")
            patch = self.method == "PATCH"
            call.body = parse_body(self.body, content_type, call.raw_body, patch=patch)
        return call

    def _audit(
        self, request: Request, call: Call | None, status: int, response: Response | None
    ) -> None:
        """Queue this write's audit record (gateway/guarantees/audit.py)."""
        trace: dict[str, Any] = request.scope.get("state", {})
        actor = trace.get("key_name")
        if actor is None or (response is not None and "idempotent-replayed" in response.headers):
            return  # no valid key, or a replay: no write was made
        host: Host = request.app.state.host
        path = request.path_params
        resource = path.get("contact_id") or path.get("id")
        if status == 201 and response is not None:
            with contextlib.suppress(ValueError, AttributeError):
                resource = json.loads(bytes(response.body)).get("id", resource)
        body = call.body if call is not None else None
        details = trace.get("audit", {})
        host.audit.record(
            {
                "actor": actor,
                "action": self.action,
                "connection": trace.get("connection"),
                "resource_id": resource,
                "request_id": request_id_var.get(),
                "status": details.get("status", status),
                "changed_fields": details.get("changed_fields")
                or (changed_fields(body.model_dump(exclude_unset=True)) if body else []),
                **({"diff": details["diff"]} if "diff" in details else {}),
            }
        )

    async def _idempotently(self, call: Call, key: str) -> Response:
        if not IDEMPOTENCY_KEY.fullmatch(key):
            raise BadRequest(
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
                details=[FieldError("Idempotency-Key", "1..255 visible ASCII")],
            )

        async def produce() -> Response:
            try:
                return await self.handler(call)
            except GatewayError as exc:
                return error_response(exc)

        request_print = fingerprint(call.method, call.read.path, call.raw_body)
        store = call.runtime.idempotency
        return await store.run((call.key.digest, key), request_print, produce)


class Served:
    """A route's ASGI app: the request, the answer, sent. Starlette would wrap a plain
    function in ``request_response``, which also catches the handler's exceptions to
    render them with the app's handlers: the app's ``ExceptionMiddleware`` renders them
    the same way one layer up, so that per-request wrapper (two closures, a sender
    around each message) is spared."""

    def __init__(self, answer: Callable[[Request], Awaitable[Response]]) -> None:
        self.answer = answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.answer(Request(scope, receive, send))
        await response(scope, receive, send)


async def _count_request(
    runtime: Runtime, key: str, limit: RateLimit, trace: dict[str, Any]
) -> None:
    """The API key's rate limit: headers on every answer, 429 past it."""
    decision = await runtime.quotas.check_key(key, limit)
    trace["response_headers"] = decision.headers()
    if not decision.allowed:
        runtime.metrics.limited(key, "")
        raise RateLimited(
            f"this API key is over its rate limit ({limit.requests} requests per "
            f"{limit.per} s); retry after {max(1, decision.reset)} s",
            headers={"Retry-After": str(max(1, decision.reset))},  # RateLimit-* via trace
        )


async def read_bytes(request: Request, limit: int) -> bytes:
    """The body's bytes, refused past ``limit`` (413) whether declared or streamed."""
    declared = ascii_int(request.headers.get("content-length"))
    if declared is not None and declared > limit:
        raise PayloadTooLarge(f"the body is larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_body(
    model: type[BaseModel], content_type: str | None, raw: bytes, patch: bool = False
) -> BaseModel:
    """The JSON body validated as ``model``: 400 malformed, 422 invalid (a ``patch`` sent
    as a JSON Patch is told the merge patch to send instead)."""
    if "json" not in (content_type or "application/json").split(";")[0]:
        raise BadRequest("send the body as JSON (Content-Type: application/json)")
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}") from exc
    if patch and is_json_patch(data):
        merge = as_merge_patch(data)
        raise ValidationFailed(
            "the body is a JSON Patch (a list of operations); this API takes a merge patch: "
            "one object of the fields to change, absent = unchanged, null = clear"
            + (f", here {json.dumps(merge)}" if merge is not None else ""),
            details=[FieldError(None, "an object of fields, not a list of operations")],
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = field_problems(model, exc)
        if problems[0][0] is None:  # the body itself: a list, a string, a number
            raise ValidationFailed(
                "the body must be a JSON object of fields", details=[FieldError(None, "an object")]
            ) from exc
        first = sentence(*problems[0])
        more = f"; and {len(problems) - 1} more (see details)" if len(problems) > 1 else ""
        raise ValidationFailed(
            f"the body is not valid: {first}{more}",
            details=[FieldError(field, phrase) for field, phrase in problems],
        ) from exc


def is_json_patch(data: Any) -> bool:
    """A JSON Patch (RFC 6902): a non-empty list of objects each with ``op`` and ``path``."""
    return (
        isinstance(data, list)
        and bool(data)
        and all(isinstance(op, dict) and "op" in op and "path" in op for op in data)
    )


def as_merge_patch(operations: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The merge patch that does what ``operations`` do, when each is an ``add``,
    ``replace`` or ``remove`` of an object member (``/name``, ``/billing_address/city``);
    ``None`` when one is anything else (an array index, ``move``, ``copy``, ``test``)."""
    merge: dict[str, Any] = {}
    for operation in operations:
        path, kind = operation["path"], operation["op"]
        if not isinstance(path, str) or not path.startswith("/") or kind not in PATCH_OPS:
            return None
        keys = [k.replace("~1", "/").replace("~0", "~") for k in path[1:].split("/")]
        if any(not key or key.isdigit() or key == "-" for key in keys):
            return None
        if kind != "remove" and "value" not in operation:
            return None
        target = merge
        for key in keys[:-1]:
            target = target.setdefault(key, {})
            if not isinstance(target, dict):
                return None
        target[keys[-1]] = None if kind == "remove" else operation["value"]
    return merge
