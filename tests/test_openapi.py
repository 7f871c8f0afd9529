"""The OpenAPI document covers what the app serves; /docs needs no CDN."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from tests import examples
from tests.conftest import client_for

pytestmark = pytest.mark.anyio


async def test_every_route_is_documented(app: Starlette) -> None:
    async with client_for(app, key=None) as anon:
        doc = (await anon.get("/openapi.json")).json()
    assert doc["openapi"] == "3.1.0"
    documented = {(path, method.upper()) for path, item in doc["paths"].items() for method in item}
    served = {
        (re.sub(r"\{(\w+)(:\w+)?\}", r"{\1}", route.path), method)
        for route in app.routes
        if isinstance(route, Route) and route.include_in_schema  # not the console's forms
        for method in (route.methods or ())
        if method != "HEAD"
    }
    assert served - documented == set()
    assert all(
        path.startswith(("/v1/", "/admin/"))
        or path in {"/", "/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"}
        or path.startswith("/docs/")
        for path, _ in documented
    )


async def test_errors_and_schemas_are_referenced(app: Starlette) -> None:
    async with client_for(app, key=None) as anon:
        doc = (await anon.get("/openapi.json")).json()
    get_customer = doc["paths"]["/v1/customers/{id}"]["get"]
    assert get_customer["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Customer"
    }
    assert get_customer["responses"]["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorEnvelope"
    }
    create = doc["paths"]["/v1/customers"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/CustomerCreate"
    )
    assert doc["components"]["schemas"]["CustomerCreate"]["additionalProperties"] is False


async def test_docs_page_loads_nothing_from_elsewhere(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200 and "/openapi.json" in page.text
    assert not re.search(r"(src|href)=\"https?://", page.text)


async def test_every_parameter_is_described_and_every_body_has_an_example(
    client: httpx.AsyncClient,
) -> None:
    doc = (await client.get("/openapi.json")).json()
    missing = []
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            where = f"{method.upper()} {path}"
            missing += [
                f"{where} parameter {p['name']}"
                for p in operation["parameters"]
                if not p.get("description")
            ]
            body = operation.get("requestBody", {}).get("content", {})
            missing += [
                f"{where} request {m}" for m, c in body.items() if m != "*/*" and "example" not in c
            ]
            for status, response in operation["responses"].items():
                content = response.get("content", {}).get("application/json")
                if content is not None and "example" not in content and path != "/openapi.json":
                    missing += [f"{where} answer {status}"]
    assert missing == []
    customer = doc["paths"]["/v1/customers/{id}"]["get"]
    assert customer["parameters"][0]["example"] == "borderbolt:501"
    answer = customer["responses"]["200"]["content"]["application/json"]["example"]
    assert answer["id"] == "borderbolt:501" and answer["contacts"]
    bare = customer["responses"]["404"]["content"]["application/json"]["example"]
    assert "IDs are connection:remote_id" in bare["error"]["message"]


async def test_the_examples_are_the_simulators_answers_today() -> None:
    """gateway/static/examples.json is what tests/examples.py records now: an answer that
    changed makes the committed examples stale (regenerate with make docs-examples)."""
    recorded = await examples.collect()
    assert examples.TARGET.read_text(encoding="utf-8") == examples.render(recorded)


async def test_docs_assets_are_the_vendored_files_with_an_etag(client: httpx.AsyncClient) -> None:
    script = await client.get("/docs/assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith(
        "text/javascript"
    )
    vendored = Path(__file__).parent.parent / "gateway/static/swagger-ui/swagger-ui-bundle.js"
    assert script.content == vendored.read_bytes()
    again = await client.get(
        "/docs/assets/swagger-ui-bundle.js", headers={"If-None-Match": script.headers["etag"]}
    )
    assert again.status_code == 304 and not again.content
    for name in ("../docs.html", "nothing.js", "swagger-ui"):
        assert (await client.get(f"/docs/assets/{name}")).status_code == 404
    page = await client.get("/docs")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert (
        "unsafe-inline"
        not in page.headers["content-security-policy"].split("script-src")[1].split(";")[0]
    )
