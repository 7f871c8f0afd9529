"""BorderBolt's error shapes as a real server sends them, via respx (not the sandbox)."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import DOC_CREATE_CANONICAL

pytestmark = pytest.mark.anyio

BASE = "https://bb.example.test/tenant/api/v1"
REMOTE = {"X-Connection": "remote"}


async def test_base_url_prefix_and_bearer_token(
    upstream_mock, client: httpx.AsyncClient, fixture_payload
) -> None:
    route = upstream_mock.get(f"{BASE}/customers/501").respond(json=fixture_payload("get_customer"))
    response = await client.get("/v1/customers/remote:501")
    assert response.status_code == 200
    assert response.json()["id"] == "remote:501"
    assert route.calls.last.request.headers["authorization"] == "Bearer remote-upstream-token"


async def test_not_found_shape(upstream_mock, client: httpx.AsyncClient, fixture_payload) -> None:
    upstream_mock.get(f"{BASE}/customers/7").respond(404, json=fixture_payload("not_found"))
    response = await client.get("/v1/customers/remote:7")
    assert response.status_code == 404
    assert response.json()["error"]["connection"] == "remote"


async def test_not_found_with_an_html_body(upstream_mock, client: httpx.AsyncClient) -> None:
    upstream_mock.get(f"{BASE}/customers/7").respond(404, text="<h1>Not Found</h1>")
    assert (await client.get("/v1/customers/remote:7")).status_code == 404


async def test_laravel_422_maps_every_field(upstream_mock, client: httpx.AsyncClient) -> None:
    upstream_mock.post(f"{BASE}/customers").respond(
        422,
        json={
            "message": "The customer name field is required. (and 2 more errors)",
            "errors": {
                "customer_name": ["The customer name field is required."],
                "customer_city": ["The customer city may not be greater than 255 characters."],
                "representation_type": ["The selected representation type is invalid."],
            },
        },
    )
    response = await client.post("/v1/customers", json={"code": "A", "name": "B"}, headers=REMOTE)
    assert response.status_code == 422
    fields = [d["field"] for d in response.json()["error"]["details"]]
    assert fields == ["name", "billing_address.city", "extra.representation_type"]


async def test_taken_code_is_409(upstream_mock, client: httpx.AsyncClient) -> None:
    upstream_mock.post(f"{BASE}/customers").respond(
        422,
        json={
            "message": "The customer code has already been taken.",
            "errors": {"customer_code": ["The customer code has already been taken."]},
        },
    )
    response = await client.post("/v1/customers", json={"code": "A", "name": "B"}, headers=REMOTE)
    assert response.status_code == 409
    assert response.json()["error"]["details"][0]["field"] == "code"


@pytest.mark.parametrize("status", [409, 422])
async def test_refused_delete_in_either_plausible_status_is_409(
    upstream_mock, client: httpx.AsyncClient, status: int
) -> None:
    upstream_mock.delete(f"{BASE}/customers/5").respond(
        status, json={"message": "Customer has linked declarations."}
    )
    response = await client.delete("/v1/customers/remote:5")
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "Customer has linked declarations."


async def test_create_reads_back_the_full_customer(
    upstream_mock, client: httpx.AsyncClient, fixture_payload
) -> None:
    post = upstream_mock.post(f"{BASE}/customers").respond(
        201, json=fixture_payload("create_customer_response")
    )
    full = fixture_payload("get_customer")
    full["data"].update(
        id=502, customer_code="CUST002", customer_name="New Customer B.V.", contacts=[]
    )
    upstream_mock.get(f"{BASE}/customers/502").respond(json=full)
    response = await client.post("/v1/customers", headers=REMOTE, json=DOC_CREATE_CANONICAL)
    assert response.status_code == 201
    assert response.json()["extra"]["warehouse_licence"] == "NL123456"
    import json

    assert json.loads(post.calls.last.request.content) == fixture_payload("create_customer_request")


async def test_a_write_that_timed_out_is_not_retried(
    upstream_mock, client: httpx.AsyncClient
) -> None:
    route = upstream_mock.post(f"{BASE}/customers").mock(side_effect=httpx.ReadTimeout("slow"))
    response = await client.post("/v1/customers", json={"code": "A", "name": "B"}, headers=REMOTE)
    assert response.status_code == 504
    assert route.call_count == 1


async def test_connect_error_is_502(upstream_mock, client: httpx.AsyncClient) -> None:
    upstream_mock.get(f"{BASE}/customers/1").mock(side_effect=httpx.ConnectError("refused"))
    response = await client.get("/v1/customers/remote:1")
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "upstream_error"


async def test_list_without_meta_still_pages(
    upstream_mock, client: httpx.AsyncClient, fixture_payload
) -> None:
    page = fixture_payload("list_customers")
    del page["meta"]
    upstream_mock.get(f"{BASE}/customers").respond(json=page)
    body = (await client.get("/v1/customers", params={"limit": 1}, headers=REMOTE)).json()
    assert body["meta"]["total"] is None
    assert body["meta"]["next_cursor"] is not None


@pytest.mark.parametrize(
    ("sent", "passed_on"),
    [
        ("30", "30"),
        ("Wed, 21 Oct 2026 07:28:00 GMT", "Wed, 21 Oct 2026 07:28:00 GMT"),
        ("soon", "1"),
        (None, "1"),
    ],
)
async def test_retry_after_forms(
    upstream_mock, client: httpx.AsyncClient, sent: str | None, passed_on: str
) -> None:
    headers = {"Retry-After": sent} if sent else {}
    upstream_mock.get(f"{BASE}/customers/1").respond(
        429, headers=headers, json={"message": "Too Many Attempts."}
    )
    response = await client.get("/v1/customers/remote:1")
    assert response.status_code == 429
    assert response.headers["retry-after"] == passed_on


async def test_a_row_of_the_wrong_types_is_a_502_naming_the_field(
    upstream_mock, client: httpx.AsyncClient, fixture_payload
) -> None:
    """An upstream object the canonical model cannot hold (a number as the name, a list
    as the code) is the upstream's fault: 502 with the canonical field, never a 500."""
    broken = {**fixture_payload("get_customer")["data"], "customer_name": 123}
    upstream_mock.get(f"{BASE}/customers/501").respond(json={"data": broken})
    response = await client.get("/v1/customers/remote:501")
    assert response.status_code == 502
    error = response.json()["error"]
    assert error["connection"] == "remote" and "name" in error["message"]
    page = fixture_payload("list_customers")
    rows = [*page["data"], {**page["data"][0], "id": 502, "customer_code": ["x"]}]
    upstream_mock.get(f"{BASE}/customers").respond(json={**page, "data": rows})
    listed = await client.get("/v1/customers", headers=REMOTE)
    assert listed.status_code == 502 and "code" in listed.json()["error"]["message"]
