"""The OpenAPI document as this deployment serves it: its connections by name.

The document gateway/http/openapi.py builds is the same for every deployment; what
differs is the connections. This pass, run per request on the cached document, makes
every ``connection`` parameter of the canonical API an enum of the configured names
(``*`` and ``a,b`` too where a list fans out), and adds to each operation that needs
an adapter capability a **Connections** paragraph: which connections can do it, which
cannot (a 501, with the adapter's alternative), and for the customer list which filters
each connection runs natively, emulates (scanning at most ``max_scan_pages`` pages) or
refuses. The cached document is never changed: the operations touched are copies.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from adapters.operations import FilterSupport
from gateway.http.openapi_words import OPERATIONS, Words
from gateway.http.queries import CUSTOMER_FILTERS
from gateway.upstreams.connections import Connection

# The lists whose ``connection`` takes several names (``*`` or ``a,b``).
FAN_OUT = {("get", "/v1/customers"), ("get", "/v1/events")}
FILTERED = ("get", "/v1/customers")


def for_deployment(document: dict[str, Any], connections: Iterable[Connection]) -> dict[str, Any]:
    chosen = list(connections)
    if not chosen:
        return document
    names = [c.name for c in chosen]
    paths: dict[str, Any] = {}
    for path, item in document["paths"].items():
        paths[path] = {
            method: _operation(method, path, operation, names, chosen)
            for method, operation in item.items()
        }
    components = document["components"]
    schemas = {**components["schemas"], "ConnectionName": name_schema(names)}
    return {**document, "paths": paths, "components": {**components, "schemas": schemas}}


def _operation(
    method: str,
    path: str,
    operation: dict[str, Any],
    names: list[str],
    connections: list[Connection],
) -> dict[str, Any]:
    if not path.startswith("/v1/"):
        return operation
    parameters = [
        {**p, "schema": connection_schema(fan_out=(method, path) in FAN_OUT)}
        if p["name"] == "connection" and p["in"] in ("query", "path")
        else p
        for p in operation["parameters"]
    ]
    said = OPERATIONS.get((method.upper(), path))
    paragraph = _who_can(said, connections) if said is not None else ""
    if (method, path) == FILTERED:
        paragraph += "\n\n" + _filters(connections)
    description = operation["description"]
    if paragraph:
        opening, _, rest = description.partition("\n\n")
        description = "\n\n".join(part for part in (opening, paragraph.strip(), rest) if part)
    return {**operation, "parameters": parameters, "description": description}


NAME = {"$ref": "#/components/schemas/ConnectionName"}


def name_schema(names: list[str]) -> dict[str, Any]:
    """components/schemas/ConnectionName: one enum that every generated client shares."""
    return {
        "type": "string",
        "enum": names,
        "title": "ConnectionName",
        "description": "A connection configured in this deployment",
    }


# Where a list fans out: ``*``, or names separated by commas (each checked by the edge).
SEVERAL = {"type": "string", "minLength": 1, "description": "'*', or names like 'a,b'"}


def connection_schema(*, fan_out: bool) -> dict[str, Any]:
    """One of the configured names; where the list fans out, also ``*`` or ``a,b``."""
    return {"anyOf": [NAME, SEVERAL]} if fan_out else NAME


def _who_can(said: Words, connections: list[Connection]) -> str:
    if said.needs is None:
        return ""
    able = [c for c in connections if said.needs in c.adapter.capabilities]
    unable = [c for c in connections if said.needs not in c.adapter.capabilities]
    text = "**Connections.** " + (
        f"{_named(able)} can do this." if able else "No connection here can do this."
    )
    for connection in unable:
        alternative = connection.adapter.alternatives.get(said.needs)
        text += (
            f" `{connection.name}` ({connection.adapter.name}) cannot: 501 "
            f"`unsupported_operation`{f'; instead, {alternative}' if alternative else ''}."
        )
    return text


def _filters(connections: list[Connection]) -> str:
    """For each connection, the customer filters it runs natively, emulates, refuses."""
    lines = []
    for connection in connections:
        modes: dict[FilterSupport, list[str]] = {mode: [] for mode in FilterSupport}
        for name in CUSTOMER_FILTERS:
            modes[connection.adapter.filter_mode(name)].append(f"`{name}`")
        said = [f"{mode.value}: {', '.join(found)}" for mode, found in modes.items() if found]
        lines.append(f"- `{connection.name}`: {'; '.join(said)}")
    return (
        "**Filters.** Native filters are sent upstream; emulated ones are applied here "
        "while scanning at most `max_scan_pages` upstream pages (listed in "
        "`meta.emulated`); unsupported ones are 400 `unsupported_filter`.\n\n" + "\n".join(lines)
    )


def _named(connections: list[Connection]) -> str:
    return ", ".join(f"`{c.name}` ({c.adapter.name})" for c in connections)
