"""The OpenAPI 3.1 document, generated from the endpoint declarations.

Nothing here names an endpoint: ``spec`` walks the ``Endpoint``s the app serves (as
starlette's ``SchemaGenerator`` walks its routes) and writes each operation from its
declaration: path parameters from the path, query parameters from the query model's
JSON schema, the body and answer models as ``$ref``s into the components, the scope,
the errors it can give, the cache headers of a cached read and ``Idempotency-Key`` on
an idempotent POST. Each operation carries the examples recorded from the sandbox
simulators' real answers (gateway/static/examples.json, written by tests/examples.py):
its path parameters, body and answer, and one real answer per error status. A test
checks that every route is in the document exactly as declared, and schemathesis
checks the app's answers against it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from importlib.resources import files
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from adapters import REGISTRY
from gateway.http.endpoint import ANY_KEY, Endpoint
from schemas import ErrorEnvelope

REF = "#/components/schemas/{model}"
FREE = {"type": "object"}
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
    503: "The connection's circuit is open (see Retry-After), or the state store is down",
    504: "The upstream did not answer in time",
}
IDEMPOTENCY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,255}$"},
    "description": "repeat a POST safely: the same key and body within 24 h replay its answer",
}
CACHE_HEADERS = {
    "ETag": {"schema": {"type": "string"}},
    "X-Cache": {"schema": {"type": "string", "enum": ["HIT", "MISS", "STALE", "BYPASS"]}},
}


# What each path parameter is, by path prefix (the first match wins) and name.
PATH_PARAMS: tuple[tuple[str, str, str], ...] = (
    ("/v1/items/", "id", "The item's canonical ID, connection:remote_id"),
    ("/v1/customers/", "id", "The customer's canonical ID, connection:remote_id"),
    ("/v1/customers/", "contact_id", "The contact's canonical ID, on the customer's connection"),
    ("/v1/customers/", "code", "The customer's code in its upstream"),
    ("/admin/config/versions/", "id", "A config version's id, from GET /admin/config/versions"),
    ("/admin/webhooks/", "id", "A delivery's id, from GET /admin/webhooks/deliveries"),
    ("/admin/ui/deliveries/", "id", "A delivery's id, from the console's Changes page"),
    ("/v1/passthrough/", "connection", "A connection's name, from GET /v1/connections"),
    ("/v1/passthrough/", "path", "The upstream's own path under its API root, with its query"),
    ("/docs/guide/", "path", "A file of the docs site as make docs wrote it (concepts.html)"),
    ("/docs/", "name", "The file's name (swagger-ui-bundle.js, swagger-ui.css, docs.js, docs.css)"),
)


@functools.cache
def examples() -> dict[str, Any]:
    """Real answers of the sandbox simulators (tests/examples.py wrote them)."""
    text = files("gateway").joinpath("static/examples.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def spec(endpoints: Sequence[Endpoint]) -> dict[str, Any]:
    return _spec(tuple(endpoints))


@functools.cache
def _spec(endpoints: tuple[Endpoint, ...]) -> dict[str, Any]:
    models = _models(endpoints)
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        paths.setdefault(documented_path(endpoint.path), {})[endpoint.method.lower()] = operation(
            endpoint, models
        )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Customer Gateway",
            "version": "0.1.0",
            "description": "One canonical API for customers, contacts and items over "
            f"several upstreams (adapters: {', '.join(REGISTRY)}). Canonical IDs are "
            "'{connection}:{remote_id}'.",
        },
        "servers": [{"url": "/"}],
        "components": {
            "schemas": models,
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"apiKey": []}],
        "paths": paths,
    }


def documented_path(path: str) -> str:
    """A route path as OpenAPI writes it: ``{path:path}`` -> ``{path}``."""
    return re.sub(r"\{(\w+)(:\w+)?\}", r"{\1}", path)


def operation(endpoint: Endpoint, models: dict[str, Any]) -> dict[str, Any]:
    path = documented_path(endpoint.path)
    scope = f"Scope: `{endpoint.scope}`." if endpoint.scope not in (None, ANY_KEY) else ""
    if endpoint.scope == ANY_KEY:
        scope = "Any valid API key."
    result: dict[str, Any] = {
        "operationId": endpoint.method.lower()
        + "_"
        + re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_"),
        "summary": endpoint.summary,
        "tags": [endpoint.tag],
        "description": " ".join(part for part in (scope, endpoint.description) if part),
        "parameters": [*_path_params(path), *query_params(endpoint), *_headers(endpoint)],
        "responses": _responses(endpoint, models),
    }
    if endpoint.scope is None:
        result["security"] = []
    if endpoint.body is not None:
        body = _json(_ref(endpoint.body, models))
        result["requestBody"] = {"required": not endpoint.optional_body, "content": body}
    elif endpoint.raw_content is not None:
        required = "*/*" not in endpoint.raw_content
        result["requestBody"] = {"required": required, "content": dict(endpoint.raw_content)}
    _with_examples(result, path, examples()["operations"].get(f"{endpoint.method.lower()} {path}"))
    return result


def _with_examples(operation: dict[str, Any], path: str, example: dict[str, Any] | None) -> None:
    """The recorded call's parameters, body and answer as the operation's examples, and
    each error status's recorded answer."""
    errors = examples()["errors"]
    for status, response in operation["responses"].items():
        content = response.get("content", {}).get("application/json")
        if content is not None and status in errors:
            response["content"] = {
                **response["content"],
                "application/json": {**content, "example": errors[status]},
            }
    if example is None:
        return
    values = _path_values(path, example["path"])
    for parameter in operation["parameters"]:
        if parameter["in"] == "path" and parameter["name"] in values:
            parameter["example"] = values[parameter["name"]]
    body = operation.get("requestBody", {}).get("content", {})
    for media_type, content in body.items():
        if example["request"] is not None and media_type != "*/*":
            body[media_type] = {**content, "example": example["request"]}
    response = operation["responses"].get(str(example["status"]), {})
    content = response.get("content", {}).get("application/json")
    if content is not None and example["answer"] is not None:
        response["content"] = {
            **response["content"],
            "application/json": {**content, "example": example["answer"]},
        }


def _path_values(template: str, called: str) -> dict[str, str]:
    """``{"id": "erp:501"}`` from ``/v1/customers/{id}`` and the path called."""
    pattern = "".join(
        f"(?P<{part[1:-1]}>[^?]+?)" if part.startswith("{") else re.escape(part)
        for part in re.split(r"(\{\w+\})", template)
    )
    found = re.fullmatch(pattern + r"(?:\?.*)?", called)
    return found.groupdict() if found else {}


def query_params(endpoint: Endpoint) -> list[dict[str, Any]]:
    """The query parameters of the endpoint's model, each with its JSON schema."""
    if endpoint.query is None:
        return []
    properties = endpoint.query.model_json_schema(mode="validation").get("properties", {})
    found = []
    for name, schema in properties.items():
        schema = {k: v for k, v in schema.items() if k != "title"}
        description = schema.pop("description", "")
        if "anyOf" in schema:  # X | None: a query parameter is simply absent
            options = [s for s in schema.pop("anyOf") if s.get("type") != "null"]
            schema = {**options[0], **schema} if len(options) == 1 else {"anyOf": options}
            description = description or options[0].pop("description", "")
        if schema.get("default", ...) is None:
            del schema["default"]
        if isinstance(schema.get("default"), bool):
            schema["default"] = str(schema["default"]).lower()
        found.append(
            {
                "name": name,
                "in": "query",
                "required": False,
                "schema": schema,
                "description": description,
            }
        )
    return found


def _headers(endpoint: Endpoint) -> list[dict[str, Any]]:
    return [*([IDEMPOTENCY] if endpoint.idempotent else []), *map(dict, endpoint.headers)]


def _responses(endpoint: Endpoint, models: dict[str, Any]) -> dict[str, Any]:
    answer = endpoint.answer
    if answer == "*/*":
        said = "The upstream's answer" if endpoint.tag == "passthrough" else "The file, as it is"
        responses: dict[str, Any] = {"default": {"description": said}}
    else:
        success: dict[str, Any] = {"description": "Done" if endpoint.status == 204 else "OK"}
        if endpoint.scope is not None:
            success["headers"] = {
                "X-Request-ID": {"schema": {"type": "string"}},
                **(CACHE_HEADERS if endpoint.cached else {}),
            }
        if isinstance(answer, str):
            success["content"] = {answer: {"schema": {"type": "string"}}}
        elif answer is not None:
            success["content"] = _json(_ref(answer, models))
        responses = {str(endpoint.status): success}
    # Operations endpoints answer their own JSON on failure, not the error envelope.
    error = _ref(ErrorEnvelope, models) if endpoint.scope is not None else FREE
    # A page (the admin console) answers its refusals as pages, or as the envelope when
    # refused before it renders (no session, another origin, too large a body).
    page = {"text/html": {"schema": {"type": "string"}}} if answer == "text/html" else {}
    for code in endpoint.errors:
        content = {**page, **_json(error)}
        responses[str(code)] = {"description": ERROR_TEXT[code], "content": content}
    if endpoint.cached:
        responses["304"] = {"description": "Not modified (If-None-Match)"}
    return responses


def _models(endpoints: tuple[Endpoint, ...]) -> dict[str, Any]:
    inputs = {e.body for e in endpoints if e.body is not None}
    outputs = {e.answer for e in endpoints if isinstance(e.answer, type)} | {ErrorEnvelope}
    _, top = models_json_schema(
        [(m, "validation") for m in sorted(inputs, key=_name)]
        + [(m, "serialization") for m in sorted(outputs, key=_name)],
        ref_template=REF,
    )
    defs: dict[str, Any] = top.get("$defs", {})
    return defs


def _name(model: type[BaseModel]) -> str:
    return model.__name__


def _ref(model: type[BaseModel] | dict[str, Any], models: dict[str, Any]) -> dict[str, Any]:
    if isinstance(model, dict):
        return model
    name = model.__name__.replace("[", "_").replace("]", "_").replace(".", "_")
    for key in models:
        if key.replace("_", "") == name.replace("_", "") or key == name:
            return {"$ref": REF.format(model=key)}
    raise KeyError(name)


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _path_params(path: str) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
            "description": next(
                (text for prefix, n, text in PATH_PARAMS if n == name and path.startswith(prefix)),
                "",
            ),
        }
        for name in re.findall(r"\{(\w+)\}", path)
    ]
