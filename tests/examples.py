"""The OpenAPI document's examples, taken from the simulators' real answers.

``python -m tests.examples`` (``make docs-examples``) serves the default config.yaml
in process, on its sandbox simulators, makes one call per documented operation and
one per error status, and writes what was sent and answered to
gateway/static/examples.json, which gateway/http/openapi.py attaches to the operations.
Values that differ from run to run are set to fixed ones (times of this run, request
IDs), so the file changes only when an answer does; tests/test_openapi.py
regenerates it and fails when the committed file is stale.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from adapters.sandbox import Fault
from gateway.app import create_app
from gateway.config.text import parse_config

ROOT = Path(__file__).parent.parent
TARGET = ROOT / "gateway" / "static" / "examples.json"
DEMO, ADMIN = "demo-key", "admin-key"
FIXED_TIME = "2026-12-01T09:30:00Z"
FIXED_REQUEST_ID = "3f9c1d2e8a7b4c6d9e0f1a2b3c4d5e6f"
FIXED_DELIVERY_ID = "msg_5f0c3b9a1d2e4f6a7b8c9d0e"
DELIVERY_ID = re.compile(r"msg_[0-9a-f]{24}")
INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")
# Failures come fast in the examples' copy of the config: one attempt, short timeouts.
FAST_FAILING = "    retry: {attempts: 1}\n    timeout: {connect: 1, read: 0.3, total: 1}\n"
# A webhook whose receiver refuses at once (the discard port), so deliveries exist.
WEBHOOK = (
    "webhooks:\n  - {name: erp, url: 'http://127.0.0.1:9/', events: ['customer.*'], "
    "secret: whsec_ZXhhbXBsZXMtb2YtdGhlLWdhdGV3YXktd2ViaG9va3M=}\n"
)


@dataclass(frozen=True)
class Example:
    method: str
    template: str  # the documented path
    path: str  # the path called, with its query
    body: Any = None
    key: str | None = DEMO
    headers: tuple[tuple[str, str], ...] = ()
    content: str | None = None  # a raw (YAML) body
    if_match: bool = False  # send the current config's ETag


CALLS = (
    Example("GET", "/v1/customers", "/v1/customers?limit=2&sort=name"),
    Example(
        "POST",
        "/v1/customers",
        "/v1/customers",
        {
            "code": "ACME-1",
            "name": "Acme B.V.",
            "vat_number": "NL000099998B57",
            "billing_address": {
                "line1": "Oudegracht",
                "house_number": "1",
                "city": "Utrecht",
                "postal_code": "3511AA",
                "country": "NL",
            },
        },
    ),
    Example("GET", "/v1/customers/by-code/{code}", "/v1/customers/by-code/CUST001"),
    Example("GET", "/v1/customers/{id}", "/v1/customers/borderbolt:501"),
    Example(
        "PATCH", "/v1/customers/{id}", "/v1/customers/borderbolt:657", {"name": "Acme Trading B.V."}
    ),
    Example("DELETE", "/v1/customers/{id}", "/v1/customers/borderbolt:657"),
    Example("GET", "/v1/customers/{id}/contacts", "/v1/customers/borderbolt:501/contacts"),
    Example(
        "POST",
        "/v1/customers/{id}/contacts",
        "/v1/customers/borderbolt:501/contacts",
        {"name": "Jane Smith", "title": "Customs Coordinator", "email": "jane@example.nl"},
    ),
    Example(
        "GET",
        "/v1/customers/{id}/contacts/{contact_id}",
        "/v1/customers/borderbolt:501/contacts/borderbolt:1001",
    ),
    Example(
        "PATCH",
        "/v1/customers/{id}/contacts/{contact_id}",
        "/v1/customers/borderbolt:501/contacts/borderbolt:1001",
        {"phone": "+31 20 555 0101"},
    ),
    Example(
        "DELETE",
        "/v1/customers/{id}/contacts/{contact_id}",
        "/v1/customers/crm:cust_456/contacts/crm:cont_101",
    ),
    Example("GET", "/v1/customers/{id}/orders", "/v1/customers/crm:cust_456/orders?limit=2"),
    Example(
        "GET", "/v1/customers/{id}/analytics", "/v1/customers/crm:cust_456/analytics?period=90d"
    ),
    Example(
        "POST", "/v1/customers/{id}/credit-check", "/v1/customers/crm:cust_456/credit-check", {}
    ),
    Example("GET", "/v1/items", "/v1/items?limit=2&status=active"),
    Example(
        "POST",
        "/v1/items",
        "/v1/items",
        {
            "code": "BRG-6204",
            "description": "Deep groove ball bearing 6204",
            "hs_code": "84821010",
            "country_of_origin": "DE",
        },
    ),
    Example("GET", "/v1/items/search", "/v1/items/search?q=circuit"),
    Example("GET", "/v1/items/{id}", "/v1/items/borderbolt:801"),
    Example("PATCH", "/v1/items/{id}", "/v1/items/borderbolt:801", {"net_weight": 0.25}),
    Example("POST", "/v1/items/{id}/duplicate", "/v1/items/borderbolt:801/duplicate"),
    Example("POST", "/v1/items/{id}/verify", "/v1/items/borderbolt:802/verify"),
    Example("DELETE", "/v1/items/{id}", "/v1/items/borderbolt:803"),
    Example(
        "GET",
        "/v1/items/{id}/pending-changes",
        "/v1/items/borderbolt:805/pending-changes?status=pending",
    ),
    Example("GET", "/v1/items/{id}/documents", "/v1/items/borderbolt:801/documents"),
    Example("GET", "/v1/connections", "/v1/connections"),
    Example("GET", "/v1/events", "/v1/events?limit=2"),
    Example(
        "GET",
        "/v1/passthrough/{connection}/{path}",
        "/v1/passthrough/borderbolt/customers?per_page=1",
    ),
    Example("GET", "/admin/config", "/admin/config", key=ADMIN),
    Example(
        "POST", "/admin/config/validate", "/admin/config/validate", key=ADMIN, content="@config"
    ),
    Example(
        "PUT", "/admin/config", "/admin/config", key=ADMIN, content="@config-edited", if_match=True
    ),
    Example("POST", "/admin/reload", "/admin/reload", key=ADMIN),
    Example("GET", "/admin/connections", "/admin/connections", key=ADMIN),
    Example("GET", "/admin/audit", "/admin/audit?limit=2", key=ADMIN),
    Example("GET", "/admin/config/versions", "/admin/config/versions", key=ADMIN),
    Example("GET", "/admin/webhooks", "/admin/webhooks", key=ADMIN),
    Example("GET", "/admin/webhooks/deliveries", "/admin/webhooks/deliveries?limit=1", key=ADMIN),
    Example(
        "POST",
        "/admin/webhooks/deliveries/{id}/retry",
        "/admin/webhooks/deliveries/{delivery}/retry",
        key=ADMIN,
    ),
    Example("GET", "/admin/config/versions/{id}", "/admin/config/versions/{version}", key=ADMIN),
    Example(
        "POST",
        "/admin/config/rollback",
        "/admin/config/rollback",
        {"version": "{version}"},
        key=ADMIN,
        if_match=True,
    ),
    Example("GET", "/", "/", key=None),
    Example("GET", "/healthz", "/healthz", key=None),
    Example("GET", "/readyz", "/readyz", key=None),
)

# One real failure per error status the document lists (the sandbox's faults for the
# upstream's). Each is (status, example, faults to queue on BorderBolt's simulator).
FAILURES: tuple[tuple[int, Example, tuple[Fault, ...]], ...] = (
    (400, Example("GET", "", "/v1/customers?limt=2"), ()),
    (401, Example("GET", "", "/v1/customers", key=None), ()),
    (403, Example("GET", "", "/v1/customers", key=ADMIN), ()),
    (404, Example("GET", "", "/v1/customers/501"), ()),
    (405, Example("PUT", "", "/v1/customers"), ()),
    (409, Example("DELETE", "", "/v1/customers/borderbolt:506"), ()),
    (
        412,
        Example(
            "PUT",
            "",
            "/admin/config",
            key=ADMIN,
            content="@config",
            headers=(("If-Match", '"stale"'),),
        ),
        (),
    ),
    (413, Example("POST", "", "/v1/customers", content="@large"), ()),
    (422, Example("POST", "", "/v1/customers", {"code": "T-1", "nam": "Acme"}), ()),
    (428, Example("PUT", "", "/admin/config", key=ADMIN, content="@config"), ()),
    (
        429,
        Example(
            "GET", "", "/v1/customers/borderbolt:502", headers=(("Cache-Control", "no-cache"),)
        ),
        (Fault(status=429, headers={"Retry-After": "30"}, body={"message": "Too many requests"}),),
    ),
    (501, Example("DELETE", "", "/v1/customers/crm:cust_456"), ()),
    (
        502,
        Example(
            "GET", "", "/v1/customers/borderbolt:503", headers=(("Cache-Control", "no-cache"),)
        ),
        (Fault(status=500, body={"message": "Internal Server Error"}),),
    ),
    (
        504,
        Example(
            "GET", "", "/v1/customers/borderbolt:504", headers=(("Cache-Control", "no-cache"),)
        ),
        (Fault(latency=2.0),),
    ),
    (
        503,
        Example(
            "GET", "", "/v1/customers/borderbolt:505", headers=(("Cache-Control", "no-cache"),)
        ),
        tuple(Fault(status=500) for _ in range(5)),  # opens the circuit first
    ),
)


def normalised(value: Any, now: datetime) -> Any:
    """``value`` with this run's times and request IDs replaced by fixed ones."""
    if isinstance(value, dict):
        return {
            k: FIXED_REQUEST_ID if k == "request_id" and v else normalised(v, now)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [normalised(v, now) for v in value]
    if isinstance(value, str) and DELIVERY_ID.search(value):
        return DELIVERY_ID.sub(FIXED_DELIVERY_ID, value)
    if isinstance(value, str) and INSTANT.match(value):
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        if abs(moment - now) < timedelta(days=2):
            return FIXED_TIME
    return value


async def collect() -> dict[str, Any]:
    text = (ROOT / "config.yaml").read_text(encoding="utf-8")
    fast = text.replace("    retry: {attempts: 3}\n", "").replace(
        "    timeout: {connect: 2, read: 10}\n", FAST_FAILING
    )
    fast = fast.replace("server:\n", "server:\n  cursor_secret: examples\n", 1) + WEBHOOK
    assert fast.count("read: 0.3") == 1, "config.yaml changed: adjust FAST_FAILING's replacements"
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.yaml"
        path.write_text(fast, encoding="utf-8")
        app = create_app(parse_config(fast), config_path=path)
        transport = httpx.ASGITransport(app=app)
        bodies = {
            "@config": fast,
            "@config-edited": fast.replace("cache: {ttl: 30,", "cache: {ttl: 60,"),
            "@large": '{"name": "' + "x" * 1_100_000 + '"}',
        }
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            operations = {}
            found: dict[str, Any] = {}
            for listed in CALLS:
                example = _filled(listed, found)
                sent, status, answer = await _call(client, example, bodies)
                _remember(example, answer, found)
                assert status < 300, f"{example.method} {example.path} answered {status}: {answer}"
                key = f"{listed.method.lower()} {listed.template}"
                operations[key] = {
                    "path": example.path,
                    "request": sent,
                    "status": status,
                    "answer": answer,
                }
            sandbox = app.state.runtime.connections["borderbolt"].sandbox
            errors = {}
            for status, example, faults in FAILURES:
                for fault in faults:
                    sandbox.faults.add(fault)
                if status == 503:  # five failed calls open the circuit, the next is refused
                    for _ in faults:
                        await _call(client, example, bodies)
                _, got, answer = await _call(client, example, bodies)
                sandbox.faults.clear()
                assert got == status, f"{example.path} answered {got}, not {status}: {answer}"
                errors[str(status)] = answer
        await app.state.host.deliveries.stop()  # the retry example opened its HTTP client
    return normalised({"operations": operations, "errors": errors}, now)


async def _call(
    client: httpx.AsyncClient, example: Example, bodies: dict[str, str]
) -> tuple[Any, int, Any]:
    headers = dict(example.headers)
    if example.key:
        headers["Authorization"] = f"Bearer {example.key}"
    content = bodies[example.content] if example.content else None
    if content is not None and example.content != "@large":
        headers["Content-Type"] = "application/yaml"
    if example.if_match:
        current = await client.get("/admin/config", headers=headers)
        headers["If-Match"] = current.headers["etag"]
    response = await client.request(
        example.method, example.path, json=example.body, content=content, headers=headers
    )
    answer: Any = None
    if response.headers.get("content-type", "").startswith("application/json"):
        answer = response.json()
    sent = (
        example.body
        if example.body is not None
        else (
            "(the config as YAML)"
            if example.content and example.content.startswith("@config")
            else None
        )
    )
    return sent, response.status_code, answer


def _filled(example: Example, found: dict[str, Any]) -> Example:
    """``example`` with ``{version}`` and ``{delivery}`` from earlier answers."""
    path = example.path.format_map(found) if "{" in example.path else example.path
    body = example.body
    if isinstance(body, dict):
        body = {k: found.get(str(v).strip("{}"), v) for k, v in body.items()}
    return replace(example, path=path, body=body)


def _remember(example: Example, answer: Any, found: dict[str, Any]) -> None:
    if example.path == "/admin/config/versions":
        found["version"] = answer["data"][-1]["id"]  # the oldest: the config as loaded
    if example.path.startswith("/admin/webhooks/deliveries?"):
        found["delivery"] = answer["data"][0]["id"]


def render(examples: dict[str, Any]) -> str:
    # In the order the gateway answers (the models' field order: id first), not sorted.
    return json.dumps(examples, indent=1, ensure_ascii=False) + "\n"


def main() -> int:
    TARGET.write_text(render(asyncio.run(collect())), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
