"""Declared operations: one handler shape for every single read, create, update, delete
and action.

A single read (``read_one``) resolves the ``{id}`` in the path, checks the operation and
answers the adapter's resource through the read cache, tagged with that resource.

A write names the adapter operation it runs and what it acts on: the collection (the
connection the call names), one resource (the ``{id}`` in the path) or a child of it
(``{contact_id}``). The handler checks the key and the operation, runs the adapter
method with the remote IDs (and the validated body), invalidates what the write
changes whether it succeeded or not (a failed write may still have happened), records
its event once it succeeded (gateway/changes/writes.py: an update reads the resource
first, for ``changed_fields``), and answers the resource (201 with ``Location`` for
creates) or 204.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from pydantic import BaseModel
from starlette.responses import Response

from adapters.base import Operation
from gateway.caching.reads import cached_read, invalidating
from gateway.changes.writes import before_write, record_write
from gateway.guarantees.audit import action_of
from gateway.http.edge import Call, chosen_connection, resolve_child_id, resolve_id, respond
from gateway.http.endpoint import WRITES, Endpoint, Handler
from gateway.http.queries import OnConnection, Read
from kernel.context import writes_sent_var
from kernel.errors import GatewayError, RateLimited, StateUnavailable, UpstreamError

Target = Literal["collection", "resource", "child"]


def read_one(op: Operation, tag: Callable[[str], str]) -> Handler:
    """The handler of ``GET .../{id}``: ``adapter.<op>(remote_id, include_remote_data=)``."""

    async def handler(call: Call[Read]) -> Response:
        connection, remote_id = resolve_id(call, "id", op)
        include = call.query.include_remote_data
        method = getattr(connection.adapter, op.value)
        return await cached_read(
            call,
            connection,
            [tag(remote_id)],
            lambda: method(remote_id, include_remote_data=include),
        )

    handler.__name__ = op.value
    return handler


def write_handler(
    op: Operation,
    *,
    on: Target,
    invalidates: Callable[..., Sequence[str]],
    takes_body: bool,
    status: int,
    location: str | None,
) -> Handler:
    async def handler(call: Call) -> Response:
        ids: tuple[str, ...] = ()
        if on == "collection":
            connection = chosen_connection(call, op)
        else:
            connection, remote_id = resolve_id(call, "id", op)
            ids = (remote_id,)
            if on == "child":
                ids = (remote_id, resolve_child_id(call, connection, "contact_id"))
        args: tuple[Any, ...] = (*ids, call.body) if takes_body else ids
        sent: list[str] = []
        token = writes_sent_var.set(sent)
        try:
            before = await before_write(connection.adapter, op, ids)
            async with invalidating(connection, *invalidates(*ids)):
                result = await getattr(connection.adapter, op.value)(*args)
        except RateLimited as exc:
            if not sent:
                raise  # refused before anything was written: the client may retry
            raise UpstreamError(
                "the write reached the upstream, but reading its result back was refused "
                f"by a rate limit ({exc.message}); read the resource before retrying",
                connection=exc.connection,
            ) from exc
        except GatewayError as exc:
            # Raised on the way to this connection's upstream (a body that does not fit
            # it, its answer): the client is told which connection said so.
            if exc.connection is None and not isinstance(exc, StateUnavailable):
                exc.connection = connection.name
            raise
        finally:
            writes_sent_var.reset(token)
        await record_write(
            call.host.changes, connection.adapter, connection.config, op, ids, before, result
        )
        if result is None:
            return Response(status_code=204)
        headers = None
        if location is not None:
            where = location.format(id=result.id, parent=call.path_params.get("id"))
            headers = {"Location": where}
        return respond(result, status, headers)

    handler.__name__ = op.value
    return handler


def write(
    method: str,
    path: str,
    op: Operation,
    summary: str,
    tag: str,
    scope: str,
    *,
    on: Target,
    invalidates: Callable[..., Sequence[str]],
    body: type[BaseModel] | None = None,
    optional_body: bool = False,
    answer: type[BaseModel] | None = None,
    status: int = 200,
    location: str | None = None,
    errors: Sequence[int] = WRITES,
) -> Endpoint:
    """The endpoint of one write (module docstring); POSTs take ``Idempotency-Key``."""
    handler = write_handler(
        op,
        on=on,
        invalidates=invalidates,
        takes_body=body is not None and not optional_body,
        status=204 if answer is None else status,
        location=location,
    )
    return Endpoint(
        method,
        path,
        handler,
        summary,
        tag,
        scope,
        query=OnConnection,
        body=body,
        optional_body=optional_body,
        status=204 if answer is None else status,
        answer=answer,
        errors=errors,
        idempotent=method == "POST",
        action=action_of(op.value),
    )
