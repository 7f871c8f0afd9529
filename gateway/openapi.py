"""The OpenAPI 3.1 document: schemas from the pydantic models, operations from ``OPS``.

``OPS`` declares each operation once: its scope, parameters, body model, success answer
and the errors it can give. ``spec()`` turns that into the document served at
``/openapi.json``; a test checks that every route the app serves is in it, and
schemathesis checks the app's answers against it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from gateway.filters import CUSTOMER_FILTERS
from schemas import (
    Contact,
    ContactCreate,
    ContactPatch,
    CreditCheck,
    Customer,
    CustomerAnalytics,
    CustomerCreate,
    CustomerPatch,
    Document,
    ErrorEnvelope,
    Item,
    ItemCreate,
    ItemPatch,
    Order,
    Page,
    PendingChange,
)

REF = "#/components/schemas/{model}"
ERROR_TEXT = {
    400: "Bad request: a parameter, filter, cursor or connection choice is wrong",
    401: "No valid API key",
    403: "The API key lacks the scope or the connection",
    404: "No such resource",
    405: "Method not allowed",
    409: "Conflict with the upstream's data",
    412: "If-Match does not match the current config",
    413: "The body is too large",
    422: "The body is not valid (or an Idempotency-Key was reused)",
    428: "If-Match is required",
    429: "The upstream's rate limit; see Retry-After",
    501: "The connection cannot do this",
    502: "The upstream failed or answered nonsense",
    503: "The connection's circuit is open; see Retry-After",
    504: "The upstream did not answer in time",
}
COMMON = (400, 401, 403, 404, 405, 429, 501, 502, 503, 504)
WRITES = (*COMMON, 409, 413, 422)


def _q(name: str, schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


BOOL = {"type": "string", "enum": ["true", "false", "1", "0"]}
CONNECTION = _q("connection", {"type": "string"}, "connection name; lists also take * or a,b")
INCLUDE_RAW = _q("include_remote_data", BOOL, "add the upstream's raw object")
LIST = (
    _q("limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 25}),
    _q("cursor", {"type": "string"}, "meta.next_cursor of the previous page, same query"),
    CONNECTION,
    INCLUDE_RAW,
)
KINDS: dict[str, dict[str, Any]] = {
    "text": {"type": "string", "minLength": 1, "maxLength": 255},
    "country": {"type": "string", "pattern": "^[A-Za-z]{2}$"},
    "bool": BOOL,
}
CUSTOMER_QUERY = (
    *LIST,
    *(_q(name, KINDS[kind]) for name, kind in CUSTOMER_FILTERS.items()),
    _q(
        "sort",
        {
            "type": "string",
            "enum": [
                f"{d}{k}" for k in ("name", "code", "country", "created_at") for d in ("", "-")
            ],
        },
    ),
    _q("partial", BOOL, "fan-out: false makes any failing connection fail the request"),
)
ITEM_QUERY = (
    *LIST,
    _q("q", KINDS["text"]),
    _q("status", {"type": "string", "enum": ["active", "inactive", "pending"]}),
    _q("customer_id", {"type": "string"}, "a canonical customer ID on the same connection"),
    _q(
        "sort",
        {
            "type": "string",
            "enum": [
                f"{d}{k}"
                for k in ("code", "description", "hs_code", "status", "created_at", "updated_at")
                for d in ("", "-")
            ],
        },
    ),
)
ORDER_QUERY = (
    *LIST[:3],
    INCLUDE_RAW,
    _q("status", {"type": "string"}),
    _q("date_from", {"type": "string", "format": "date"}),
    _q("date_to", {"type": "string", "format": "date"}),
)
IDEMPOTENCY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,255}$"},
}


@dataclass(frozen=True)
class Op:
    method: str
    path: str
    summary: str
    tag: str
    scope: str | None
    query: tuple[dict[str, Any], ...] = ()
    body: type[BaseModel] | None = None
    status: int = 200
    answer: type[BaseModel] | dict[str, Any] | None = None
    errors: tuple[int, ...] = COMMON
    extra_headers: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    cached: bool = False


CONNECTIONS_ANSWER = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {"type": "array", "items": {"type": "object"}},
        "meta": {"type": "object"},
    },
}
FREE = {"type": "object"}

OPS: tuple[Op, ...] = (
    Op(
        "get",
        "/v1/customers",
        "List customers",
        "customers",
        "customers:read",
        CUSTOMER_QUERY,
        answer=Page[Customer],
        cached=True,
    ),
    Op(
        "post",
        "/v1/customers",
        "Create a customer",
        "customers",
        "customers:write",
        (CONNECTION,),
        CustomerCreate,
        201,
        Customer,
        WRITES,
        (IDEMPOTENCY,),
    ),
    Op(
        "get",
        "/v1/customers/by-code/{code}",
        "A customer by its code",
        "customers",
        "customers:read",
        (CONNECTION, INCLUDE_RAW),
        answer=Customer,
        cached=True,
    ),
    Op(
        "get",
        "/v1/customers/{id}",
        "One customer, with contacts",
        "customers",
        "customers:read",
        (CONNECTION, INCLUDE_RAW),
        answer=Customer,
        cached=True,
    ),
    Op(
        "patch",
        "/v1/customers/{id}",
        "Update a customer (merge patch)",
        "customers",
        "customers:write",
        (CONNECTION,),
        CustomerPatch,
        200,
        Customer,
        WRITES,
    ),
    Op(
        "delete",
        "/v1/customers/{id}",
        "Delete a customer",
        "customers",
        "customers:delete",
        (CONNECTION,),
        status=204,
        errors=(*COMMON, 409),
    ),
    Op(
        "get",
        "/v1/customers/{id}/contacts",
        "A customer's contacts",
        "contacts",
        "customers:read",
        LIST[:3],
        answer=Page[Contact],
        cached=True,
    ),
    Op(
        "post",
        "/v1/customers/{id}/contacts",
        "Add a contact",
        "contacts",
        "customers:write",
        (CONNECTION,),
        ContactCreate,
        201,
        Contact,
        WRITES,
        (IDEMPOTENCY,),
    ),
    Op(
        "get",
        "/v1/customers/{id}/contacts/{contact_id}",
        "One contact",
        "contacts",
        "customers:read",
        (CONNECTION,),
        answer=Contact,
        cached=True,
    ),
    Op(
        "patch",
        "/v1/customers/{id}/contacts/{contact_id}",
        "Update a contact",
        "contacts",
        "customers:write",
        (CONNECTION,),
        ContactPatch,
        200,
        Contact,
        WRITES,
    ),
    Op(
        "delete",
        "/v1/customers/{id}/contacts/{contact_id}",
        "Delete a contact",
        "contacts",
        "customers:delete",
        (CONNECTION,),
        status=204,
    ),
    Op(
        "get",
        "/v1/customers/{id}/orders",
        "A customer's orders (CRM)",
        "crm",
        "customers:read",
        ORDER_QUERY,
        answer=Page[Order],
        cached=True,
    ),
    Op(
        "get",
        "/v1/customers/{id}/analytics",
        "A customer's analytics (CRM)",
        "crm",
        "customers:read",
        (CONNECTION, _q("period", {"type": "string", "enum": ["30d", "90d", "1y", "all"]})),
        answer=CustomerAnalytics,
        cached=True,
    ),
    Op(
        "post",
        "/v1/customers/{id}/credit-check",
        "Run a credit check (CRM)",
        "crm",
        "customers:write",
        (CONNECTION,),
        None,
        200,
        CreditCheck,
        WRITES,
        (IDEMPOTENCY,),
    ),
    Op(
        "get",
        "/v1/items",
        "List items",
        "items",
        "items:read",
        ITEM_QUERY,
        answer=Page[Item],
        cached=True,
    ),
    Op(
        "post",
        "/v1/items",
        "Create an item",
        "items",
        "items:write",
        (CONNECTION,),
        ItemCreate,
        201,
        Item,
        WRITES,
        (IDEMPOTENCY,),
    ),
    Op(
        "get",
        "/v1/items/search",
        "Type-ahead search (at most 20)",
        "items",
        "items:read",
        (_q("q", KINDS["text"]), _q("customer_id", {"type": "string"}), CONNECTION),
        answer=Page[Item],
        cached=True,
    ),
    Op(
        "get",
        "/v1/items/{id}",
        "One item, with documents and pending changes",
        "items",
        "items:read",
        (CONNECTION, INCLUDE_RAW),
        answer=Item,
        cached=True,
    ),
    Op(
        "patch",
        "/v1/items/{id}",
        "Update an item (merge patch)",
        "items",
        "items:write",
        (CONNECTION,),
        ItemPatch,
        200,
        Item,
        WRITES,
    ),
    Op(
        "delete",
        "/v1/items/{id}",
        "Delete an item",
        "items",
        "items:delete",
        (CONNECTION,),
        status=204,
    ),
    Op(
        "post",
        "/v1/items/{id}/duplicate",
        "Duplicate an item",
        "items",
        "items:write",
        (CONNECTION,),
        None,
        201,
        Item,
        WRITES,
        (IDEMPOTENCY,),
    ),
    Op(
        "post",
        "/v1/items/{id}/verify",
        "Mark an item verified",
        "items",
        "items:write",
        (CONNECTION,),
        None,
        200,
        Item,
        WRITES,
        (IDEMPOTENCY,),
    ),
    Op(
        "get",
        "/v1/items/{id}/pending-changes",
        "An item's pending changes",
        "items",
        "items:read",
        (CONNECTION, _q("status", {"type": "string", "enum": ["pending", "approved", "rejected"]})),
        answer=Page[PendingChange],
        cached=True,
    ),
    Op(
        "get",
        "/v1/items/{id}/documents",
        "An item's documents",
        "items",
        "items:read",
        (CONNECTION,),
        answer=Page[Document],
        cached=True,
    ),
    Op(
        "get",
        "/v1/connections",
        "Connections and what each can do",
        "operations",
        "any",
        answer=CONNECTIONS_ANSWER,
        errors=(400, 401),
    ),
)
PASSTHROUGH_METHODS = ("get", "post", "put", "patch", "delete")
OPERATIONS_PATHS: dict[str, tuple[str, dict[str, Any] | str]] = {
    "/healthz": ("Liveness", FREE),
    "/readyz": ("Readiness: 503 when every circuit is open", FREE),
    "/metrics": ("Prometheus metrics", "text/plain"),
    "/openapi.json": ("This document", FREE),
    "/docs": ("Documentation page", "text/html"),
}
ADMIN = (
    ("get", "/admin/config", "The config, secrets masked (ETag)", None, (401, 403, 409)),
    (
        "put",
        "/admin/config",
        "Replace the config (If-Match), applied live",
        FREE,
        (401, 403, 409, 412, 413, 422, 428),
    ),
    (
        "post",
        "/admin/config/validate",
        "Validate a config (dry run)",
        FREE,
        (401, 403, 409, 413, 422),
    ),
    ("post", "/admin/reload", "Re-read the config file", None, (401, 403, 409, 422)),
    ("get", "/admin/connections", "Health, circuit, cache and upstream figures", None, (401, 403)),
)


@functools.cache
def spec() -> dict[str, Any]:
    models = _models()
    paths: dict[str, dict[str, Any]] = {}
    for op in OPS:
        paths.setdefault(op.path, {})[op.method] = _operation(op, models)
    passthrough = "/v1/passthrough/{connection}/{path}"
    for method in PASSTHROUGH_METHODS:
        paths.setdefault(passthrough, {})[method] = _passthrough(method)
    for method, path, summary, body, errors in ADMIN:
        paths.setdefault(path, {})[method] = _admin(method, summary, body, errors)
    for path, (summary, schema) in OPERATIONS_PATHS.items():
        paths[path] = {"get": _plain(summary, schema)}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Customer Gateway",
            "version": "0.1.0",
            "description": "One canonical API for customers, contacts and items over "
            "BorderBolt, a CRM and Inventorum. Canonical IDs are '{connection}:{remote_id}'.",
        },
        "servers": [{"url": "/"}],
        "components": {
            "schemas": models,
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"apiKey": []}],
        "paths": paths,
    }


def _models() -> dict[str, Any]:
    inputs = (CustomerCreate, CustomerPatch, ContactCreate, ContactPatch, ItemCreate, ItemPatch)
    outputs = (
        Customer,
        Contact,
        Item,
        Order,
        CustomerAnalytics,
        CreditCheck,
        Document,
        PendingChange,
        ErrorEnvelope,
        Page[Customer],
        Page[Contact],
        Page[Item],
        Page[Order],
        Page[PendingChange],
        Page[Document],
    )
    _, top = models_json_schema(
        [(m, "validation") for m in inputs] + [(m, "serialization") for m in outputs],
        ref_template=REF,
    )
    defs: dict[str, Any] = top.get("$defs", {})
    return defs


def _ref(model: type[BaseModel] | dict[str, Any]) -> dict[str, Any]:
    if isinstance(model, dict):
        return model
    name = model.__name__.replace("[", "_").replace("]", "_").replace(".", "_")
    return {"$ref": REF.format(model=_defs_name(name))}


def _defs_name(name: str) -> str:
    for key in _models():
        if key.replace("_", "") == name.replace("_", "") or key == name:
            return key
    raise KeyError(name)


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _errors(codes: tuple[int, ...]) -> dict[str, Any]:
    error = _ref(ErrorEnvelope)
    return {str(c): {"description": ERROR_TEXT[c], "content": _json(error)} for c in codes}


def _path_params(path: str) -> list[dict[str, Any]]:
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    return [
        {"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in names
    ]


def _operation(op: Op, models: dict[str, Any]) -> dict[str, Any]:
    success: dict[str, Any] = {"description": "OK" if op.status != 204 else "Done"}
    headers: dict[str, Any] = {"X-Request-ID": {"schema": {"type": "string"}}}
    if op.cached:
        headers["ETag"] = {"schema": {"type": "string"}}
        headers["X-Cache"] = {
            "schema": {"type": "string", "enum": ["HIT", "MISS", "STALE", "BYPASS"]}
        }
    success["headers"] = headers
    if op.answer is not None:
        success["content"] = _json(_ref(op.answer))
    responses = {str(op.status): success, **_errors(op.errors)}
    if op.cached:
        responses["304"] = {"description": "Not modified (If-None-Match)"}
    operation: dict[str, Any] = {
        "operationId": _operation_id(op.method, op.path),
        "summary": op.summary,
        "tags": [op.tag],
        "description": f"Scope: `{op.scope}`.",
        "parameters": [*_path_params(op.path), *op.query, *op.extra_headers],
        "responses": responses,
    }
    if op.body is not None:
        operation["requestBody"] = {"required": True, "content": _json(_ref(op.body))}
    return operation


def _operation_id(method: str, path: str) -> str:
    return method + "_" + re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_")


def _passthrough(method: str) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": f"{method}_passthrough",
        "summary": "A raw call under the upstream's API root",
        "tags": ["passthrough"],
        "description": "Scope: `passthrough`. The upstream's answer, as it came "
        "(X-Passthrough: true).",
        "parameters": _path_params("/v1/passthrough/{connection}/{path}"),
        "responses": {
            "default": {"description": "The upstream's answer"},
            **_errors((401, 403, 404, 413, 502, 503, 504)),
        },
    }
    if method in ("post", "put", "patch"):
        operation["requestBody"] = {"required": False, "content": {"*/*": {"schema": {}}}}
    return operation


def _admin(
    method: str, summary: str, body: dict[str, Any] | None, errors: tuple[int, ...]
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": f"{method}_admin_{summary.split()[0].lower()}",
        "summary": summary,
        "tags": ["admin"],
        "description": "Scope: `admin`.",
        "responses": {"200": {"description": "OK", "content": _json(FREE)}, **_errors(errors)},
    }
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/yaml": {"schema": {"type": "string"}}, **_json(body)},
        }
    if method == "put":
        operation["parameters"] = [
            {"name": "If-Match", "in": "header", "required": True, "schema": {"type": "string"}}
        ]
    return operation


def _plain(summary: str, schema: dict[str, Any] | str) -> dict[str, Any]:
    text = {"schema": {"type": "string"}}
    content = {schema: text} if isinstance(schema, str) else _json(schema)
    responses: dict[str, Any] = {"200": {"description": "OK", "content": content}}
    if summary.startswith("Readiness"):
        responses["503"] = {"description": "Not ready", "content": _json(FREE)}
    return {"summary": summary, "tags": ["operations"], "security": [], "responses": responses}
