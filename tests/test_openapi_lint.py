"""/openapi.json as generators and linters read it: @redocly/cli and
@stoplight/spectral-cli (npm, with the rulesets in clients/) and openapi-spec-validator
find nothing; operation IDs, booleans, connection enums, headers, statuses and
descriptions are what a generated client needs."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate
from starlette.applications import Starlette
from starlette.routing import Route

from tests import clients
from tests.conftest import client_for

pytestmark = pytest.mark.anyio
RESOURCE_STYLE = r"^[a-z]+(_[a-z]+)+$"  # customers_list: no dots (Swagger UI's anchors)


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The document of a gateway on the default (sandbox) config, written to a file."""
    import asyncio

    document = asyncio.run(clients.fetch_document())
    return clients.write_document(document, tmp_path_factory.mktemp("spec") / "openapi.json")


@pytest.fixture(scope="module")
def node_bin() -> Path:
    return clients.ensure_node_tools()


def _node(tool: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """An npm tool run in clients/, beside its ruleset."""
    return subprocess.run(
        [str(tool), *args], cwd=clients.CLIENTS, capture_output=True, text=True, check=False
    )


def test_redocly_lint_finds_nothing(spec_file: Path, node_bin: Path) -> None:
    done = _node(
        node_bin / "redocly", "lint", str(spec_file), "--config", "redocly.yaml", "--format", "json"
    )
    report = json.loads(done.stdout)
    problems = [(p["ruleId"], p["severity"], p["message"]) for p in report["problems"]]
    assert problems == [] and report["totals"]["warnings"] == 0, done.stderr[-2000:]
    assert done.returncode == 0


def test_spectral_lint_finds_nothing(spec_file: Path, node_bin: Path) -> None:
    ruleset = ("--ruleset", ".spectral.yaml", "--fail-severity", "hint", "--quiet")
    done = _node(node_bin / "spectral", "lint", str(spec_file), *ruleset, "--format", "json")
    found = json.loads(done.stdout or "[]")
    assert [(r["code"], r["path"], r["message"]) for r in found] == [], done.stderr[-2000:]
    assert done.returncode == 0


def test_openapi_spec_validator_finds_nothing(spec_file: Path) -> None:
    validate(json.loads(spec_file.read_text(encoding="utf-8")))  # raises on any problem


async def _document(app: Starlette) -> dict[str, Any]:
    async with client_for(app, key=None) as anon:
        document: dict[str, Any] = (await anon.get("/openapi.json")).json()
        return document


def _operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{method.upper()} {path}": operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


async def test_operation_ids_are_resource_style_and_unique(app: Starlette) -> None:
    operations = _operations(await _document(app))
    ids = [o["operationId"] for o in operations.values()]
    assert len(ids) == len(set(ids))
    assert [i for i in ids if not re.fullmatch(RESOURCE_STYLE, i)] == []
    named = {key: o["operationId"] for key, o in operations.items()}
    assert named["GET /v1/customers"] == "customers_list"
    assert named["GET /v1/customers/{id}"] == "customers_retrieve"
    assert named["POST /v1/customers/{id}/contacts"] == "contacts_create"
    assert named["GET /admin/config"] == "admin_config_get"
    assert named["GET /"] == "root_get"


async def test_the_console_is_served_but_not_documented(app: Starlette) -> None:
    document = await _document(app)
    hidden = {r.path for r in app.routes if isinstance(r, Route) and not r.include_in_schema}
    assert {"/admin/ui", "/admin/ui/login", "/admin/ui/console.css"} <= hidden
    assert [p for p in document["paths"] if p.startswith("/admin/ui")] == []
    async with client_for(app, key=None) as anon:
        assert (await anon.get("/admin/ui/console.css")).status_code == 200


async def test_booleans_are_booleans_and_connections_an_enum(app: Starlette) -> None:
    document = await _document(app)
    listed = {p["name"]: p for p in document["paths"]["/v1/customers"]["get"]["parameters"]}
    assert listed["is_active"]["schema"]["type"] == "boolean"
    assert listed["partial"]["schema"] == {"type": "boolean", "default": True}
    names = document["components"]["schemas"]["ConnectionName"]["enum"]
    assert names == list(app.state.runtime.connections)  # this deployment's, in order
    ref = {"$ref": "#/components/schemas/ConnectionName"}
    assert ref in listed["connection"]["schema"]["anyOf"]  # or '*' / 'a,b'
    one = document["paths"]["/v1/customers/{id}"]["get"]["parameters"]
    assert next(p for p in one if p["name"] == "connection")["schema"] == ref
    raw = document["paths"]["/v1/passthrough/{connection}/{path}"]["get"]["parameters"]
    assert next(p for p in raw if p["name"] == "connection")["schema"] == ref


async def test_an_empty_connection_parameter_is_refused(client: httpx.AsyncClient) -> None:
    """connection= names no connection: a 400 that says so (the enum cannot hold '')."""
    for path in ("/v1/customers", "/v1/customers/borderbolt:501"):
        answer = await client.get(path, params={"connection": ""})
        assert answer.status_code == 400
        assert "leave it out" in answer.json()["error"]["message"]


async def test_headers_and_statuses_are_documented(app: Starlette) -> None:
    document = await _document(app)
    operations = _operations(document)
    headers = document["components"]["headers"]

    def answered(key: str, status: str) -> set[str]:
        return set(operations[key]["responses"][status].get("headers", {}))

    create = operations["POST /v1/customers"]
    assert create["responses"]["201"]["description"].startswith("Created")
    assert {"Location", "Idempotent-Replayed", "RateLimit-Remaining"} <= answered(
        "POST /v1/customers", "201"
    )
    assert {"ETag", "X-Cache"} <= answered("GET /v1/customers/{id}", "200")
    assert {"Retry-After", "RateLimit-Reset"} <= answered("GET /v1/customers/{id}", "429")
    assert "Retry-After" in answered("GET /v1/customers/{id}", "503")
    assert "ETag" in answered("GET /admin/config", "200")
    too_many = operations["GET /v1/customers"]["responses"]["429"]["description"]
    assert "API key" in too_many and "upstream" in too_many
    asked = {p["name"] for p in operations["GET /v1/customers/{id}"]["parameters"]}
    assert {"If-None-Match", "Cache-Control"} <= asked
    assert "Idempotency-Key" in {p["name"] for p in create["parameters"]}
    assert {"X-Cache", "Location", "Idempotent-Replayed", "Retry-After"} <= set(headers)


async def test_descriptions_say_who_can_and_what_to_do(app: Starlette) -> None:
    operations = _operations(await _document(app))
    delete = operations["DELETE /v1/customers/{id}"]["description"]
    paragraphs = delete.split("\n\n")
    assert len(paragraphs) >= 3
    assert "`crm` (crm) cannot: 501" in delete and "PATCH is_active=false" in delete
    assert "**404** Not Found: check the ID" in delete
    listing = operations["GET /v1/customers"]["description"]
    assert "- `borderbolt`: native:" in listing and "emulated:" in listing


async def test_examples_keep_the_models_field_order(app: Starlette) -> None:
    operations = _operations(await _document(app))
    answer = operations["GET /v1/customers/{id}"]["responses"]["200"]["content"][
        "application/json"
    ]["example"]
    assert list(answer)[:3] == ["id", "connection", "remote_id"]


async def test_raw_bodies_are_described_for_generators(app: Starlette) -> None:
    operations = _operations(await _document(app))
    put = operations["PUT /admin/config"]["requestBody"]["content"]
    assert put["application/yaml"]["schema"]["type"] == "string"
    assert "connections:" in put["application/yaml"]["example"]  # the config as YAML text
    assert isinstance(put["application/json"]["example"], dict)
    answered = operations["GET /admin/config"]["responses"]["200"]["content"]
    assert set(answered) == {"application/json", "application/yaml"}  # by Accept
    raw = operations["POST /v1/passthrough/{connection}/{path}"]["requestBody"]["content"]
    assert set(raw) == {"application/json", "application/octet-stream"}
    assert all(
        "*/*" not in o.get("requestBody", {}).get("content", {}) for o in operations.values()
    )


async def test_each_deployment_documents_its_own_connections() -> None:
    """The document is built once per process; each app's copy names its connections
    (the cached one is never changed by a deployment's pass)."""
    text = (clients.ROOT / "config.yaml").read_text(encoding="utf-8")
    default = await clients.fetch_document(text)
    renamed = await clients.fetch_document(
        text.replace("  shop:\n", "  pos:\n").replace("default_connection: borderbolt", "")
    )
    assert default["components"]["schemas"]["ConnectionName"]["enum"] == [
        "borderbolt",
        "crm",
        "shop",
    ]
    assert renamed["components"]["schemas"]["ConnectionName"]["enum"] == [
        "borderbolt",
        "crm",
        "pos",
    ]
    delete = renamed["paths"]["/v1/customers/{id}"]["delete"]["description"]
    assert "`pos` (inventorum)" in delete and "`shop`" not in delete
    again = await clients.fetch_document(text)
    assert again["components"]["schemas"]["ConnectionName"]["enum"] == ["borderbolt", "crm", "shop"]
