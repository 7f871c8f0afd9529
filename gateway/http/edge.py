"""A request as plain values, and the checks every route makes on it.

``gateway/http/endpoint.py`` turns each starlette request into one ``Call`` (who is calling,
the parsed query, the validated body, the path parameters, the headers that matter)
before any handler runs; nothing below a route sees a starlette ``Request``. The
helpers here resolve what a call names, and check it before any adapter is called:
the connection (``?connection=``, ``X-Connection``, the default), canonical IDs (the
remote part checked by its adapter, so nothing odd reaches an upstream path), and
whether the connection can do the operation (else 501).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic

from pydantic import BaseModel
from starlette.responses import JSONResponse, Response
from typing_extensions import TypeVar

from adapters.base import Operation
from gateway.http.auth import Identity
from gateway.http.forwarded import client_address, forwarded_https, networks
from gateway.runtime import Host, Runtime
from gateway.upstreams.connections import Connection
from kernel.context import request_id_var
from kernel.errors import (
    BadRequest,
    ConnectionRequired,
    GatewayError,
    NotFound,
    UnsupportedOperation,
)
from kernel.ids import split_id
from kernel.wording import in_words, one_of, suggestion


@dataclass(frozen=True, slots=True)
class ReadKey:
    """What identifies a GET's answer in the read cache, and how the client asks."""

    path: str
    query: str  # the query string, normalised (sorted pairs)
    bypass: bool  # Cache-Control: no-cache
    if_none_match: str | None


# The query model a handler reads (gateway/http/queries.py). A handler says which in its
# signature, ``call: Call[CustomerList]``, so ``call.query`` is typed where it is read;
# tests/test_architecture.py checks each endpoint parses the model its handler names.
Q = TypeVar("Q", default=Any)


@dataclass(slots=True)
class Call(Generic[Q]):
    """One request, parsed once at the edge."""

    host: Host
    runtime: Runtime
    identity: Identity | None
    method: str
    path_params: Mapping[str, str]
    query: Q
    headers: Mapping[str, str]
    read: ReadKey
    raw_query: str = ""
    peer: str | None = None  # the connection's other end (a proxy's address, behind one)
    body: Any = None
    raw_body: bytes = b""
    trace: dict[str, Any] = field(default_factory=dict)  # read by the access log

    @property
    def key(self) -> Identity:
        assert self.identity is not None, "an endpoint with a scope always authenticates"
        return self.identity

    @property
    def named_connection(self) -> str | None:
        """The connection the query or ``X-Connection`` names (query first)."""
        named: str | None = getattr(self.query, "connection", None)
        return named or self.headers.get("x-connection")

    @property
    def client(self) -> str | None:
        """The client's address, through ``server.trusted_proxies`` (gateway/http/forwarded.py)."""
        trusted = networks(tuple(self.runtime.config.server.trusted_proxies))
        return client_address(self.peer, self.headers, trusted)

    @property
    def forwarded_https(self) -> bool:
        """Whether a trusted proxy says the client connected with HTTPS."""
        trusted = networks(tuple(self.runtime.config.server.trusted_proxies))
        return forwarded_https(self.peer, self.headers, trusted)

    def note_connection(self, name: str) -> None:
        self.trace["connection"] = name


def use(call: Call, connection: Connection, op: Operation, defaulted: bool = False) -> Connection:
    """Check the key may use ``connection`` and that it can do ``op`` (else 501, naming
    the connections that can)."""
    call.key.require_connection(connection.name, defaulted, call.runtime.connections)
    call.note_connection(connection.name)
    adapter = connection.adapter
    if op not in adapter.capabilities:
        hint = adapter.alternatives.get(op)
        able = [
            name
            for name, other in call.runtime.connections.items()
            if op in other.adapter.capabilities and call.key.may_use(name)
        ]
        raise UnsupportedOperation(
            f"connection {connection.name!r} ({adapter.name}) cannot {op.value.replace('_', ' ')}"
            + (f"; instead: {hint}" if hint else "")
            + (f"; connections that can: {in_words(able, 'and')}" if able else ""),
            connection=connection.name,
        )
    return connection


def refuse_unusable_connection(
    runtime: Runtime,
    identity: Identity,
    chooses: bool,
    path_params: Mapping[str, str],
    named: str | None,
) -> None:
    """403 now for a connection the key may not use that the call names (its ``{id}``,
    its ``{connection}``, ``?connection=``/``X-Connection``) or, on an endpoint that
    ``chooses`` one, gets by default: checked before the key's rate limit is counted,
    so a refused call uses none of it. The handler's own check (``use``) stays."""
    if "*" in identity.connections:
        return
    name = path_params.get("connection")
    parts = split_id(path_params["id"]) if "id" in path_params else None
    defaulted = False
    if name is None and parts is not None:
        name = parts[0]
    elif name is None and chooses:
        name = named or runtime.config.server.default_connection
        defaulted = not named
    if name in runtime.connections:
        identity.require_connection(name, defaulted, runtime.connections)


def chosen_connection(call: Call, op: Operation) -> Connection:
    """The connection a list or create names: ``?connection=``, ``X-Connection`` or default."""
    query_value = getattr(call.query, "connection", None)
    header_value = call.headers.get("x-connection")
    if query_value and header_value and query_value != header_value:
        raise BadRequest(
            f"the query names connection {query_value!r} and X-Connection names "
            f"{header_value!r}; give one"
        )
    runtime = call.runtime
    name = query_value or header_value or runtime.config.server.default_connection
    if name is None:
        if len(runtime.connections) == 1:
            return use(call, next(iter(runtime.connections.values())), op, defaulted=True)
        raise ConnectionRequired(
            f"name a connection with ?connection= or X-Connection: {one_of(runtime.connections)}"
        )
    if name == "*" or "," in name:
        raise BadRequest("only GET /v1/customers lists across several connections")
    connection = runtime.connections.get(name)
    if connection is None:
        raise BadRequest(
            f"no connection named {name[:64]!r}" + suggestion(name, runtime.connections)
        )
    return use(call, connection, op, defaulted=not (query_value or header_value))


def resolve_id(call: Call, param: str, op: Operation) -> tuple[Connection, str]:
    """The connection and validated remote ID of the canonical ID in path ``param``."""
    canonical = call.path_params[param]
    parts = split_id(canonical)
    connection = call.runtime.connections.get(parts[0]) if parts else None
    if parts is None or connection is None or not connection.adapter.valid_remote_id(parts[1]):
        raise NotFound(unknown_id(call.runtime, canonical, op))
    hinted = call.named_connection
    if hinted and hinted != connection.name:
        raise BadRequest(f"the id belongs to connection {connection.name!r}, not {hinted!r}")
    return use(call, connection, op), parts[1]


def unknown_id(runtime: Runtime, canonical: str, op: Operation) -> str:
    """Why ``canonical`` names nothing, with the ID it was probably meant to be."""
    shown = canonical[:100]
    parts = split_id(canonical)
    connections = runtime.connections
    if parts is None:  # a bare remote ID: suggest it on the connections that could hold it
        holders = [
            name
            for name, connection in connections.items()
            if op in connection.adapter.capabilities
            and connection.adapter.valid_remote_id(canonical)
        ]
        default = runtime.config.server.default_connection
        holders.sort(key=lambda name: name != default)
        said = f"no resource with id {shown!r}: IDs are connection:remote_id" + (
            f", e.g. '{holders[0]}:{shown}'" if holders else ""
        )
        return said + by_code(runtime, canonical, op)
    name = parts[0]
    if name not in connections:
        return f"no resource with id {shown!r}: there is no connection named {name[:64]!r}" + (
            suggestion(name, connections, "; ")
        )
    return f"no resource with id {shown!r}"


def by_code(runtime: Runtime, bare: str, op: Operation) -> str:
    """For a customer read whose bare ID looks like a customer code of a connection
    that reads by code (``customer_code_pattern``): the by-code route to use."""
    if op is not Operation.GET_CUSTOMER:
        return ""
    default = runtime.config.server.default_connection
    for name in sorted(runtime.connections, key=lambda name: name != default):
        adapter = runtime.connections[name].adapter
        pattern = adapter.customer_code_pattern
        if (
            Operation.GET_CUSTOMER_BY_CODE in adapter.capabilities
            and pattern is not None
            and pattern.fullmatch(bare)
        ):
            return (
                "; if it is a customer code, look it up with "
                f"GET /v1/customers/by-code/{bare}?connection={name}"
            )
    return ""


def resolve_child_id(call: Call, connection: Connection, param: str) -> str:
    """The remote ID of a child resource (a contact) that must live on ``connection``."""
    canonical = call.path_params[param]
    parts = split_id(canonical)
    if (
        parts is None
        or parts[0] != connection.name
        or not connection.adapter.valid_remote_id(parts[1])
    ):
        raise NotFound(f"no resource with id {canonical[:100]!r} on this customer")
    return parts[1]


def error_response(error: GatewayError) -> Response:
    return JSONResponse(
        error.envelope(request_id_var.get()),
        status_code=error.status,
        headers=error.headers or None,
    )


def respond(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer; a model is serialised by pydantic-core in one pass."""
    if isinstance(body, BaseModel):
        content = body.__pydantic_serializer__.to_json(body)
        return Response(content, status_code=status, headers=headers, media_type="application/json")
    return JSONResponse(body, status_code=status, headers=headers)
