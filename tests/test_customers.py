"""Customers end to end: the ASGI app against the BorderBolt sandbox."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from adapters.sandbox import Fault, Sandbox
from tests.conftest import DOC_CREATE_CANONICAL

pytestmark = pytest.mark.anyio


async def test_list_shows_canonical_customers_with_cursor_paging(client: httpx.AsyncClient) -> None:
    first = await client.get("/v1/customers", params={"limit": 100, "sort": "code"})
    assert first.status_code == 200
    body = first.json()
    assert len(body["data"]) == 100
    assert body["meta"]["total"] == 156
    assert body["meta"]["connections"] == ["borderbolt"]
    assert body["data"][0]["id"] == "borderbolt:501"
    assert body["data"][0]["code"] == "CUST001"
    assert body["data"][0]["contacts"] is None  # lists do not embed contacts
    second = await client.get(
        "/v1/customers",
        params={"limit": 100, "sort": "code", "cursor": body["meta"]["next_cursor"]},
    )
    rest = second.json()
    assert len(rest["data"]) == 56
    assert rest["meta"]["next_cursor"] is None
    ids = [c["id"] for c in body["data"] + rest["data"]]
    assert len(set(ids)) == 156


async def test_cursor_survives_a_changed_limit_without_gaps(client: httpx.AsyncClient) -> None:
    first = (await client.get("/v1/customers", params={"limit": 7, "sort": "code"})).json()
    cursor = first["meta"]["next_cursor"]
    second = (
        await client.get("/v1/customers", params={"limit": 30, "sort": "code", "cursor": cursor})
    ).json()
    codes = [c["code"] for c in first["data"] + second["data"]]
    assert codes == [f"CUST{i:03d}" for i in range(1, 38)]


async def test_native_filters_and_sort_reach_the_upstream(
    client: httpx.AsyncClient, sim: Sandbox
) -> None:
    sim.calls.clear()
    response = await client.get(
        "/v1/customers", params={"country": "nl", "portal_access": "false", "sort": "-name"}
    )
    assert response.status_code == 200
    rows = response.json()["data"]
    assert rows and all(r["billing_address"]["country"] == "NL" for r in rows)
    assert all(r["extra"]["portal_access_enabled"] is False for r in rows)
    assert [r["name"].lower() for r in rows] == sorted(
        (r["name"].lower() for r in rows), reverse=True
    )
    query = sim.calls[-1].query
    assert "country=NL" in query and "portal_access=false" in query
    assert "sort=customer_name" in query and "direction=desc" in query


async def test_eori_and_code_filters_are_partial_matches(client: httpx.AsyncClient) -> None:
    rows = (await client.get("/v1/customers", params={"code": "CUST00", "limit": 100})).json()[
        "data"
    ]
    assert sorted(r["code"] for r in rows) == [f"CUST00{i}" for i in range(1, 10)]
    one = (await client.get("/v1/customers", params={"eori_number": "NL123456789012"})).json()
    assert [r["id"] for r in one["data"]] == ["borderbolt:501"]


async def test_filter_borderbolt_cannot_do_is_400_before_any_upstream_call(
    client: httpx.AsyncClient, upstream_calls: list[str]
) -> None:
    response = await client.get("/v1/customers", params={"email": "x@example.com"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "unsupported_filter"
    assert error["details"][0]["field"] == "email"
    assert not upstream_calls


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"sort": "colour"}, "sort"),
        ({"country": "Netherlands"}, "country"),
        ({"portal_access": "maybe"}, "portal_access"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_bad_list_parameters_are_400(
    client: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    response = await client.get("/v1/customers", params=params)
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == field


async def test_cursor_reused_with_other_filters_or_tampered_is_invalid(
    client: httpx.AsyncClient,
) -> None:
    cursor = (await client.get("/v1/customers", params={"limit": 5})).json()["meta"]["next_cursor"]
    reused = await client.get(
        "/v1/customers", params={"limit": 5, "country": "NL", "cursor": cursor}
    )
    assert reused.json()["error"]["code"] == "invalid_cursor"
    other_sort = await client.get("/v1/customers", params={"sort": "code", "cursor": cursor})
    assert other_sort.json()["error"]["code"] == "invalid_cursor"
    body, _, signature = cursor.partition(".")
    tampered = await client.get("/v1/customers", params={"cursor": body[:-2] + "AA." + signature})
    assert tampered.status_code == 400
    assert tampered.json()["error"]["code"] == "invalid_cursor"
    other_connection = await client.get(
        "/v1/customers", params={"connection": "tenant2", "cursor": cursor}
    )
    assert other_connection.json()["error"]["code"] == "invalid_cursor"
    assert (await client.get("/v1/customers", params={"cursor": "garbage"})).status_code == 400


async def test_get_one_embeds_contacts_and_remote_data_on_request(
    client: httpx.AsyncClient,
) -> None:
    plain = (await client.get("/v1/customers/borderbolt:501")).json()
    assert plain["remote_data"] is None
    assert plain["contacts"][0]["id"] == "borderbolt:1001"
    assert plain["contacts"][0]["title"] == "Logistics Manager"
    raw = (
        await client.get("/v1/customers/borderbolt%3A501", params={"include_remote_data": "true"})
    ).json()
    assert raw["remote_data"]["customer_code"] == "CUST001"


async def test_by_code(client: httpx.AsyncClient) -> None:
    found = await client.get("/v1/customers/by-code/CUST001")
    assert found.json()["id"] == "borderbolt:501"
    missing = await client.get("/v1/customers/by-code/NOPE")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


async def test_create_answers_the_full_reread_customer(client: httpx.AsyncClient) -> None:
    body = DOC_CREATE_CANONICAL | {"code": "NEW-001"}
    body["billing_address"] = body["billing_address"] | {"country": "nl"}
    response = await client.post("/v1/customers", json=body)
    assert response.status_code == 201
    created = response.json()
    assert response.headers["location"] == f"/v1/customers/{created['id']}"
    # The upstream's create answer lacks these; the gateway re-read them.
    assert created["vat_number"] == "NL987654321B01"
    assert created["billing_address"]["city"] == "Rotterdam"
    assert created["billing_address"]["country"] == "NL"
    assert created["extra"]["representation_type"] == "2"
    assert created["contacts"] == []
    again = await client.get(f"/v1/customers/{created['id']}")
    assert again.json() == created


async def test_duplicate_code_is_409_conflict_on_code(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/customers", json={"code": "CUST001", "name": "Dup"})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict"
    assert error["connection"] == "borderbolt"
    assert error["upstream_status"] == 422
    assert error["details"][0]["field"] == "code"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "X1"}, "name"),
        ({"code": "X1", "name": "A", "colour": "red"}, "colour"),
        ({"code": "X1", "name": 5}, "name"),
        (
            {"code": "X1", "name": "A", "billing_address": {"country": "NLD"}},
            "billing_address.country",
        ),
        ({"name": "No code"}, "code"),
        ({"code": "X1", "name": "A", "email": "a@example.com"}, "email"),
        (
            {"code": "X1", "name": "A", "extra": {"warehouse_licence": "x"}},
            "extra.warehouse_licence",
        ),
        ({"code": "X1", "name": "A", "billing_address": {"state": "ZH"}}, "billing_address.state"),
    ],
)
async def test_invalid_create_is_422_with_canonical_field(
    client: httpx.AsyncClient, body: dict[str, object], field: str, upstream_calls: list[str]
) -> None:
    response = await client.post("/v1/customers", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in [d["field"] for d in error["details"]]
    assert not [c for c in upstream_calls if c.method == "POST"]


async def refused_create(client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    """The error of a create answered 422."""
    response = await client.post("/v1/customers", json=body)
    assert response.status_code == 422
    error: dict[str, Any] = response.json()["error"]
    return error


async def test_upstream_validation_errors_come_back_with_canonical_names(
    client: httpx.AsyncClient,
) -> None:
    error = await refused_create(client, {"code": "X9", "name": "A", "eori_number": "bad"})
    assert error["upstream_status"] == 422
    assert [d["field"] for d in error["details"]] == ["eori_number"]


async def test_patch_is_a_merge_patch_and_answers_the_reread_customer(
    client: httpx.AsyncClient,
) -> None:
    response = await client.patch(
        "/v1/customers/borderbolt:501",
        json={
            "eori_number": "NL111111111012",
            "vat_number": None,
            "billing_address": {"city": "Utrecht"},
            "extra": {"portal_access_enabled": True},
        },
    )
    assert response.status_code == 200
    customer = response.json()
    assert customer["eori_number"] == "NL111111111012"
    assert customer["vat_number"] is None
    assert customer["billing_address"]["city"] == "Utrecht"
    assert customer["billing_address"]["line1"] == "Hoofdstraat"  # absent = unchanged
    assert customer["extra"]["portal_access_enabled"] is True
    assert customer["extra"]["warehouse_licence"] == "NL123456"  # full re-read, not the partial
    assert customer["contacts"][0]["name"] == "John Doe"


async def test_patch_clearing_the_address(client: httpx.AsyncClient) -> None:
    customer = (
        await client.patch("/v1/customers/borderbolt:502", json={"billing_address": None})
    ).json()
    assert customer["billing_address"] is None


async def test_code_is_immutable_but_may_be_repeated(
    client: httpx.AsyncClient, sim: Sandbox
) -> None:
    changed = await client.patch("/v1/customers/borderbolt:501", json={"code": "OTHER"})
    assert changed.status_code == 422
    assert changed.json()["error"]["details"] == [
        {"field": "code", "message": "immutable after creation"}
    ]
    same = await client.patch(
        "/v1/customers/borderbolt:501", json={"code": "CUST001", "name": "Renamed"}
    )
    assert same.status_code == 200
    assert same.json()["name"] == "Renamed"
    assert same.json()["code"] == "CUST001"


async def test_patch_cannot_clear_name(client: httpx.AsyncClient) -> None:
    response = await client.patch("/v1/customers/borderbolt:501", json={"name": None})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "name"


async def test_delete_then_404(client: httpx.AsyncClient) -> None:
    assert (await client.delete("/v1/customers/borderbolt:502")).status_code == 204
    assert (await client.get("/v1/customers/borderbolt:502")).status_code == 404
    assert (await client.delete("/v1/customers/borderbolt:502")).status_code == 404


async def test_refused_delete_is_409_with_the_alternative(client: httpx.AsyncClient) -> None:
    response = await client.delete("/v1/customers/borderbolt:506")  # linked declarations
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict"
    assert "portal_access_enabled" in error["details"][0]["message"]
    assert (await client.get("/v1/customers/borderbolt:506")).status_code == 200


async def test_connection_selection(client: httpx.AsyncClient, sim: Sandbox) -> None:
    created = await client.post(
        "/v1/customers",
        json={"code": "T2-1", "name": "Tenant two"},
        headers={"X-Connection": "tenant2"},
    )
    assert created.json()["id"].startswith("tenant2:")
    # tenant2 holds it, the default connection does not.
    assert (
        await client.get("/v1/customers/by-code/T2-1", params={"connection": "tenant2"})
    ).status_code == 200
    assert (await client.get("/v1/customers/by-code/T2-1")).status_code == 404
    both = await client.get(
        "/v1/customers", params={"connection": "tenant2"}, headers={"X-Connection": "borderbolt"}
    )
    assert both.status_code == 400
    unknown = await client.get("/v1/customers", params={"connection": "nope"})
    assert unknown.status_code == 400
    mismatch = await client.get("/v1/customers/borderbolt:501", params={"connection": "tenant2"})
    assert mismatch.status_code == 400


async def test_upstream_5xx_is_502_with_upstream_status(
    client: httpx.AsyncClient, sim: Sandbox
) -> None:
    sim.faults.add(Fault(status=503, body={"message": "maintenance"}, times=3))  # outlasts retries
    response = await client.get("/v1/customers/borderbolt:501")
    assert response.status_code == 502
    error = response.json()["error"]
    assert (error["code"], error["upstream_status"], error["connection"]) == (
        "upstream_error",
        503,
        "borderbolt",
    )


async def test_upstream_garbage_and_dropped_connections_are_502(
    client: httpx.AsyncClient, sim: Sandbox
) -> None:
    sim.faults.add(Fault(status=200, body=b"<html>oops</html>"))
    assert (await client.get("/v1/customers")).status_code == 502
    sim.faults.add(Fault(status=200, body={"data": "not a list"}))
    assert (await client.get("/v1/customers")).status_code == 502
    sim.faults.add(Fault(drop=True, times=3))
    dropped = await client.get("/v1/customers/borderbolt:501")
    assert dropped.status_code == 502
    assert dropped.json()["error"]["code"] == "upstream_error"


async def test_upstream_429_is_429_with_retry_after(
    client: httpx.AsyncClient, sim: Sandbox
) -> None:
    sim.faults.add(
        Fault(status=429, body={"message": "Too Many Attempts."}, headers={"Retry-After": "7"})
    )
    response = await client.get("/v1/customers")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert response.json()["error"]["code"] == "rate_limited"


async def test_slow_upstream_is_504(app, sim: Sandbox) -> None:
    from tests.conftest import client_for

    app.state.runtime.connections["borderbolt"].client.timeout = httpx.Timeout(0.05)
    sim.faults.add(Fault(latency=0.5, times=3))
    async with client_for(app) as c:
        response = await c.get("/v1/customers/borderbolt:501")
    assert response.status_code == 504
    assert response.json()["error"]["code"] == "upstream_timeout"


async def test_a_body_that_does_not_fit_the_connection_names_it(
    client: httpx.AsyncClient,
) -> None:
    """BorderBolt holds no customer email: the 422 says which connection refused it."""
    error = await refused_create(client, {"code": "E1", "name": "Mail Co", "email": "a@b.test"})
    assert error["connection"] == "borderbolt"
    assert [d["field"] for d in error["details"]] == ["email"]
    generic = await refused_create(client, {"code": "E2"})  # no name: any connection refuses
    assert generic["connection"] is None
