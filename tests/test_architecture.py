"""The structure's promises: arrows point one way, simulators load only for sandboxes,
modules stay small, and the OpenAPI document says exactly what each endpoint declares."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from gateway.http.endpoint import ANY_KEY, Endpoint
from gateway.http.openapi import documented_path
from gateway.routes import ENDPOINTS
from tests.conftest import client_for

ROOT = Path(__file__).parent.parent
pytestmark = pytest.mark.anyio


def imported_packages(folder: str) -> dict[str, set[str]]:
    """Top-level packages each module under ``folder`` imports, at any depth."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / folder).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [("kernel", {"gateway", "adapters"}), ("adapters", {"gateway"}), ("schemas", {"gateway"})],
)
def test_layers_point_one_way(folder: str, forbidden: set[str]) -> None:
    offenders = {module: names & forbidden for module, names in imported_packages(folder).items()}
    assert {m: n for m, n in offenders.items() if n} == {}


def test_no_module_is_over_400_lines() -> None:
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for folder in ("gateway", "adapters", "kernel", "schemas", "bench", "tests")
        for path in (ROOT / folder).rglob("*.py")
    }
    assert {path: size for path, size in sizes.items() if size > 400} == {}


def test_a_gateway_without_sandboxes_imports_no_simulator() -> None:
    script = """
import sys
from gateway.app import create_app
from gateway.config.text import parse_config
create_app(parse_config('''
connections:
  bb: {adapter: borderbolt, base_url: "https://bb.example.test", auth: {type: bearer, token: t}}
  crm: {adapter: crm, base_url: "https://crm.example.test", auth: {type: bearer, token: t}}
''', env={}))
print(sorted(m for m in sys.modules if "simulator" in m))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "[]"
    assert "inventorum" not in done.stdout


def _declared(endpoint: Endpoint) -> tuple[str, str]:
    return documented_path(endpoint.path), endpoint.method.lower()


async def test_openapi_says_what_each_endpoint_declares(app: Starlette) -> None:
    async with client_for(app, key=None) as anon:
        doc = (await anon.get("/openapi.json")).json()
    documented = {(p, m) for p, item in doc["paths"].items() for m in item}
    public = [e for e in ENDPOINTS if e.include_in_schema]  # not the console's forms
    assert documented == {_declared(e) for e in public}
    schemas = doc["components"]["schemas"]
    for endpoint in public:
        path, method = _declared(endpoint)
        operation = doc["paths"][path][method]
        query = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
        declared = set(endpoint.query.model_fields) if endpoint.query else set()
        assert set(query) == declared, (path, method)
        for name, field in (endpoint.query.model_fields if endpoint.query else {}).items():
            if field.description:
                assert query[name]["description"] == field.description
        in_path = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
        assert in_path == set(endpoint.path_names), (path, method)
        if endpoint.scope in (None, ANY_KEY):
            assert ("security" in operation) == (endpoint.scope is None)
        else:
            assert f"Scope: `{endpoint.scope}`" in operation["description"]
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert ("Idempotency-Key" in headers) == endpoint.idempotent
        if endpoint.body is not None:
            ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            assert ref.rsplit("/", 1)[1] in schemas
            assert operation["requestBody"]["required"] is not endpoint.optional_body
        responses = operation["responses"]
        assert {str(code) for code in endpoint.errors} <= set(responses)
        if isinstance(endpoint.answer, type):
            answer = responses[str(endpoint.status)]["content"]["application/json"]["schema"]
            assert answer["$ref"].rsplit("/", 1)[1] in schemas
        assert ("304" in responses) == endpoint.cached


async def test_enums_in_the_document_come_from_the_schema_literals(
    client: httpx.AsyncClient,
) -> None:
    from typing import get_args

    from schemas import ChangeStatus, CustomerSortKey, ItemStatus, Period

    doc = (await client.get("/openapi.json")).json()

    def param(path: str, name: str) -> dict[str, object]:
        parameters = doc["paths"][path]["get"]["parameters"]
        schema: dict[str, object] = next(p for p in parameters if p["name"] == name)["schema"]
        return schema

    assert param("/v1/customers/{id}/analytics", "period")["enum"] == list(get_args(Period))
    assert param("/v1/items", "status")["enum"] == list(get_args(ItemStatus))
    changes = param("/v1/items/{id}/pending-changes", "status")
    assert changes["enum"] == list(get_args(ChangeStatus))
    sorts = param("/v1/customers", "sort")["enum"]
    assert sorts == [f"{d}{k}" for k in get_args(CustomerSortKey) for d in ("", "-")]


def test_gateway_names_no_upstream_and_no_upstream_filter() -> None:
    """Everything about one upstream lives in its adapter: gateway/ never names one, nor a
    filter only one upstream has (the adapters declare those; the gateway reads them)."""
    from adapters import ADAPTERS, REGISTRY

    names = set(REGISTRY) | {name for a in ADAPTERS.values() for name in a.extra_filters}
    found = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "gateway").rglob("*.py")
        for name in names
        if re.search(rf"\b{re.escape(name)}\b", path.read_text(encoding="utf-8"), re.I)
    }
    assert found == set()


def test_a_handler_that_reads_its_query_names_the_model_the_endpoint_parses() -> None:
    """``call.query`` is typed where it is read: a handler that reads it says which model
    (``call: Call[CustomerList]``), and that is the model the endpoint parses (or a base
    of it, as a connection's own filters extend the customer list's model)."""
    import inspect
    import typing

    checked, wrong = set(), set()
    for endpoint in ENDPOINTS:
        handler = endpoint.handler
        if "call.query" not in inspect.getsource(handler):
            continue
        checked.add(f"{endpoint.method} {endpoint.path}")
        named = typing.get_args(typing.get_type_hints(handler)["call"])
        parsed = endpoint.query
        if not (named and isinstance(parsed, type) and issubclass(parsed, named[0])):
            wrong.add(f"{endpoint.method} {endpoint.path}: {handler.__qualname__} names {named}")
    assert wrong == set()
    assert {"GET /v1/customers", "GET /v1/items/{id}", "GET /v1/events"} <= checked
