"""The OpenAPI 3.1 document, generated from the endpoint declarations.

Nothing here names an endpoint: ``spec`` walks the ``Endpoint``s the app serves (as
starlette's ``SchemaGenerator`` walks its routes) and writes each operation from its
declaration: path parameters from the path, query parameters from the query model's
JSON schema, the body and answer models as ``$ref``s into the components, the scope,
the errors it can give, the cache headers of a cached read and ``Idempotency-Key`` on
an idempotent POST. Each operation carries the examples recorded from the sandbox
simulators' real answers (gateway/static/examples.json, written by tests/examples.py):
its path parameters, body and answer, and one real answer per error status. The words
(operation IDs, opening paragraphs, status and header descriptions) are in
gateway/http/openapi_words.py; what depends on the deployment's connections is added
per request by gateway/http/openapi_deployment.py. An endpoint declared with
``include_in_schema=False`` (the console's pages) is served but left out. A test
checks that every route is in the document exactly as declared, schemathesis checks
the app's answers against it, and three linters and a client generator read it
(tests/test_openapi_lint.py, tests/test_clients.py).
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
from gateway.config.change import plain_dump
from gateway.http import openapi_words as words
from gateway.http.endpoint import ANY_KEY, Endpoint
from schemas import ErrorEnvelope

REF = "#/components/schemas/{model}"
FREE = {"type": "object"}
ERROR_TEXT = words.STATUS_TEXT
BINARY = {"type": "string", "format": "binary"}
# What a passthrough call sends and answers: JSON, or any other bytes (its Content-Type).
RAW_ANSWER = {
    "application/json": {"schema": FREE, "example": {"id": 501, "name": "Acme B.V."}},
    "application/octet-stream": {"schema": BINARY},
}
IDEMPOTENCY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,255}$"},
    "description": "repeat a POST safely: the same key and body within 24 h replay its answer",
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
    for endpoint in (e for e in endpoints if e.include_in_schema):
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
            "contact": {"name": "Customer Gateway maintainers"},
            "license": {"name": "Proprietary", "identifier": "LicenseRef-Proprietary"},
        },
        "servers": [{"url": "/"}],
        "tags": words.TAGS,
        "components": {
            "schemas": models,
            "headers": words.HEADERS,
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"apiKey": []}],
        "paths": paths,
    }


def documented_path(path: str) -> str:
    """A route path as OpenAPI writes it: ``{path:path}`` -> ``{path}``."""
    return re.sub(r"\{(\w+)(:\w+)?\}", r"{\1}", path)


def words_of(endpoint: Endpoint) -> words.Words:
    """The operation's ID and opening paragraph; an endpoint not in the table gets a
    resource-style ID from its path (``/v1/a/{id}/b`` GET: ``a_b_list``)."""
    path = documented_path(endpoint.path)
    found = words.OPERATIONS.get((endpoint.method, path))
    if found is not None:
        return found
    names = [part for part in path.split("/") if part and part != "v1" and "{" not in part]
    verb = {"GET": "list", "POST": "create", "PUT": "replace"}.get(endpoint.method, "")
    if path.endswith("}"):
        verb = {"GET": "retrieve", "PATCH": "update", "DELETE": "delete"}.get(endpoint.method, verb)
    resource = "_".join(re.sub(r"[^a-z0-9]+", "_", name.lower()) for name in names) or "root"
    return words.Words(f"{resource}_{verb or endpoint.method.lower()}", endpoint.summary + ".")


def operation(endpoint: Endpoint, models: dict[str, Any]) -> dict[str, Any]:
    path = documented_path(endpoint.path)
    scope = f"Scope: `{endpoint.scope}`." if endpoint.scope not in (None, ANY_KEY) else ""
    if endpoint.scope == ANY_KEY:
        scope = "Any valid API key."
    said = words_of(endpoint)
    opening = " ".join(part for part in (said.text, scope) if part)
    result: dict[str, Any] = {
        "operationId": said.operation_id,
        "summary": endpoint.summary,
        "tags": [endpoint.tag],
        "description": "\n\n".join(
            part for part in (opening, endpoint.description, _advice(endpoint)) if part
        ),
        "parameters": [*_path_params(path), *query_params(endpoint), *_headers(endpoint)],
        "responses": _responses(endpoint, models),
    }
    if endpoint.scope is None:
        result["security"] = []
    if endpoint.body is not None:
        body = _json(_ref(endpoint.body, models))
        result["requestBody"] = {"required": not endpoint.optional_body, "content": body}
    elif endpoint.raw_content is not None:
        required = endpoint.tag != "passthrough"  # a raw call may have no body
        result["requestBody"] = {"required": required, "content": dict(endpoint.raw_content)}
    _with_examples(result, path, examples()["operations"].get(f"{endpoint.method.lower()} {path}"))
    return result


def _advice(endpoint: Endpoint) -> str:
    """The errors the operation can give and what to do about each, as a list."""
    lines = [
        f"- **{code}** {words.STATUS_TEXT[code].split(':')[0]}: {words.ADVICE[code]}."
        for code in sorted(endpoint.errors)
        if code in words.ADVICE
    ]
    return "**Errors**\n\n" + "\n".join(lines) if lines else ""


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
        sent = example["request"]
        if isinstance(sent, str) and sent.startswith("(the config"):  # a raw config body
            sent = _config_example(media_type)
        if sent is not None and "example" not in content:
            body[media_type] = {**content, "example": sent}
    response = operation["responses"].get(str(example["status"]), {})
    content = response.get("content", {}).get("application/json")
    if content is not None and example["answer"] is not None:
        response["content"] = {
            **response["content"],
            "application/json": {**content, "example": example["answer"]},
        }


def _config_example(media_type: str) -> Any:
    """The example config (the recorded GET /admin/config answer), as the media type
    carries it: an object for JSON, its YAML text for YAML."""
    config = examples()["operations"]["get /admin/config"]["answer"]
    if media_type == "application/json":
        return config
    return plain_dump(config)


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
    cached = [words.IF_NONE_MATCH, words.CACHE_CONTROL] if endpoint.cached else []
    idempotent = [IDEMPOTENCY] if endpoint.idempotent else []
    return [*idempotent, *cached, *map(dict, endpoint.headers)]


def _success_headers(endpoint: Endpoint) -> dict[str, Any]:
    """The headers a successful answer carries (operations endpoints: none of ours)."""
    if endpoint.scope is None:
        return {}
    found = {**words.REQUEST_ID, **words.RATE_LIMIT}
    if endpoint.cached:
        found |= words.CACHED
    if endpoint.status == 201:
        found |= words.CREATED
    if endpoint.idempotent:
        found |= words.REPLAYED
    if endpoint.path == "/admin/config" or any(h["name"] == "If-Match" for h in endpoint.headers):
        found |= words.CONFIG_ETAG  # the config read, or the one a change made
    return found


def _responses(endpoint: Endpoint, models: dict[str, Any]) -> dict[str, Any]:
    answer = endpoint.answer
    success: dict[str, Any] = {"description": words.STATUS_TEXT[endpoint.status]}
    if headers := _success_headers(endpoint):
        success["headers"] = headers
    responses: dict[str, Any] = {str(endpoint.status): success}
    if answer == "*/*":
        if endpoint.tag == "passthrough":
            success["description"] = (
                "The upstream's answer as it sent it (X-Passthrough: true): its status, "
                "which may be any, its body and headers"
            )
            success["content"] = dict(RAW_ANSWER)
            responses["default"] = {
                "description": "The upstream's answer with another status, as it sent it "
                "(its 404 is the upstream's own; the gateway's refusals use the envelope)",
                "content": dict(RAW_ANSWER),
            }
        else:
            success["content"] = {"application/octet-stream": {"schema": BINARY}}
    else:
        if isinstance(answer, str):
            success["content"] = {answer: {"schema": {"type": "string"}}}
        elif answer is not None:
            success["content"] = _json(_ref(answer, models))
        if (endpoint.method, endpoint.path) in words.YAML_ANSWERS:
            yaml = {"schema": {"type": "string"}, "example": _config_example("application/yaml")}
            success["content"] = {**success["content"], "application/yaml": yaml}
    # Operations endpoints answer their own JSON on failure, not the error envelope.
    error = _ref(ErrorEnvelope, models) if endpoint.scope is not None else FREE
    # A page (the admin console) answers its refusals as pages, or as the envelope when
    # refused before it renders (no session, another origin, too large a body).
    page = {"text/html": {"schema": {"type": "string"}}} if answer == "text/html" else {}
    # A query parameter the endpoint does not declare is 400, on every endpoint.
    refused = {*endpoint.errors, *((400,) if endpoint.query is not None else ())}
    for code in sorted(refused):
        content = {**page, **_json(_ref(ErrorEnvelope, models) if code == 400 else error)}
        responses[str(code)] = {"description": ERROR_TEXT[code], "content": content}
        if code in (429, 503) and endpoint.scope is not None:
            responses[str(code)]["headers"] = {
                **words.RETRY_AFTER,
                **(words.RATE_LIMIT if code == 429 else {}),
            }
    if endpoint.cached:
        responses["304"] = {"description": ERROR_TEXT[304], "headers": dict(words.CACHED)}
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
