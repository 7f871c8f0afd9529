"""Errors that teach: what an ID looks like, the name a typo was meant to be, pydantic's
failures in the contract's words (the wording of every other error in the suite is
checked by conftest's ``errors_read_like_the_contract``)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from tests.conftest import client_for

pytestmark = pytest.mark.anyio


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    return error


def details(error: dict[str, Any]) -> dict[str | None, str]:
    return {d["field"]: d["message"] for d in error["details"]}


@pytest.mark.parametrize(
    ("path", "example"),
    [
        ("/v1/customers/501", "borderbolt:501"),  # the default connection first
        ("/v1/customers/cust_456", "crm:cust_456"),  # the one whose IDs look like that
        ("/v1/items/801", "borderbolt:801"),
        ("/v1/customers/501/contacts", "borderbolt:501"),
    ],
)
async def test_a_bare_id_says_what_ids_look_like(
    client: httpx.AsyncClient, path: str, example: str
) -> None:
    error = error_of(await client.get(path), 404)
    bare = path.split("/")[3]
    assert error["message"] == (
        f"no resource with id '{bare}': IDs are connection:remote_id, e.g. '{example}'"
    )


async def test_an_unknown_connection_in_an_id_gets_the_near_name_or_the_list(
    client: httpx.AsyncClient,
) -> None:
    near = error_of(await client.get("/v1/customers/borderbot:501"), 404)
    assert near["message"] == (
        "no resource with id 'borderbot:501': there is no connection named 'borderbot'; "
        "did you mean 'borderbolt'?"
    )
    far = error_of(await client.get("/v1/customers/zzz:501"), 404)
    assert far["message"].endswith(
        "there is no connection named 'zzz'; one of borderbolt, crm, crmremote, remote, shop, "
        "shop9, shopremote or tenant2"
    )


async def test_an_unknown_connection_parameter_gets_the_near_name(
    client: httpx.AsyncClient,
) -> None:
    error = error_of(await client.get("/v1/customers", params={"connection": "borderbot"}), 400)
    assert error["message"] == "no connection named 'borderbot'; did you mean 'borderbolt'?"


async def test_a_misspelt_query_parameter_gets_did_you_mean(client: httpx.AsyncClient) -> None:
    error = error_of(await client.get("/v1/customers", params={"limt": "2"}), 400)
    assert error["message"] == (
        "unknown query parameter 'limt': not a parameter here; did you mean 'limit'?"
    )
    assert details(error) == {"limt": "not a parameter here; did you mean 'limit'?"}
    unlike = error_of(await client.get("/v1/items", params={"zzzz": "1", "limt": "1"}), 400)
    assert unlike["message"].endswith("(and 1 more)")
    assert details(unlike)["zzzz"].startswith("not a parameter here: one of connection, cursor, ")


async def test_a_misspelt_choice_gets_did_you_mean(client: httpx.AsyncClient) -> None:
    status = error_of(await client.get("/v1/items", params={"status": "actve"}), 400)
    assert status["message"] == (
        "status must be 'active', 'inactive' or 'pending'; did you mean 'active'?"
    )
    sort = error_of(await client.get("/v1/customers", params={"sort": "-nmae"}), 400)
    assert sort["message"] == (
        "sort must be 'name', 'code', 'country', 'created_at' or 'updated_at', with '-' in "
        "front for descending; did you mean 'name'?"
    )


async def test_a_misspelt_body_field_gets_did_you_mean_at_its_own_level(
    client: httpx.AsyncClient,
) -> None:
    body = {"code": "T-1", "nam": "Acme", "billing_address": {"cuntry": "NL"}}
    error = error_of(await client.post("/v1/customers", json=body), 422)
    assert details(error) == {
        "name": "required",
        "nam": "not a field here; did you mean 'name'?",
        "billing_address.cuntry": "not a field here; did you mean 'country'?",
    }
    assert error["message"].startswith("the body is not valid: ")
    assert error["message"].endswith("; and 2 more (see details)")


@pytest.mark.parametrize(
    ("body", "message", "field", "said"),
    [
        ([1], "the body must be a JSON object of fields", None, "an object"),
        ({"code": "T", "name": 5}, "the body is not valid: name must be text", "name", None),
        (
            {"code": "T", "name": "A", "billing_address": "NL"},
            "the body is not valid: billing_address must be an object",
            "billing_address",
            None,
        ),
        (
            {"code": "T", "name": ""},
            "the body is not valid: name must not be empty",
            "name",
            None,
        ),
        (
            {"code": "T", "name": "A", "shipping_addresses": [{"city": 7}]},
            "the body is not valid: shipping_addresses[0].city must be text",
            "shipping_addresses[0].city",
            None,
        ),
    ],
)
async def test_pydantic_failures_read_as_the_contract(
    client: httpx.AsyncClient, body: Any, message: str, field: str | None, said: str | None
) -> None:
    error = error_of(await client.post("/v1/customers", json=body), 422)
    assert error["message"] == message
    expected = said or message.removeprefix("the body is not valid: ").removeprefix(f"{field} ")
    assert details(error) == {field: expected}


async def test_country_is_explained_the_same_in_a_body_and_a_query(
    client: httpx.AsyncClient,
) -> None:
    rule = "must be an ISO 3166-1 alpha-2 code: two letters, e.g. NL"
    query = error_of(await client.get("/v1/customers", params={"country": "Netherlands"}), 400)
    body = {"code": "T", "name": "A", "billing_address": {"country": "Netherlands"}}
    posted = error_of(await client.post("/v1/customers", json=body), 422)
    assert query["message"] == f"country {rule}"
    assert posted["message"] == f"the body is not valid: billing_address.country {rule}"
    assert details(query) == {"country": rule}
    assert details(posted) == {"billing_address.country": rule}


async def test_a_bare_id_no_connection_could_hold_gets_no_example(
    client: httpx.AsyncClient,
) -> None:
    error = error_of(await client.get("/v1/customers/a%20b"), 404)
    assert error["message"] == "no resource with id 'a b': IDs are connection:remote_id"


async def test_a_customer_code_sent_as_an_id_is_pointed_at_the_by_code_route(
    client: httpx.AsyncClient,
) -> None:
    error = error_of(await client.get("/v1/customers/CUST001"), 404)
    hint = "GET /v1/customers/by-code/CUST001?connection=borderbolt"
    assert error["message"] == (
        "no resource with id 'CUST001': IDs are connection:remote_id, e.g. 'crm:CUST001'; "
        f"if it is a customer code, look it up with {hint}"
    )
    found = await client.get(hint.removeprefix("GET "))  # the hint works as written
    assert found.status_code == 200 and found.json()["code"] == "CUST001"


@pytest.mark.parametrize(
    ("path", "meant"),
    [
        ("/v1/customer", "/v1/customers"),
        ("/v1/Customers", "/v1/customers"),
        ("/v1/item/borderbolt:801", "/v1/items/borderbolt:801"),
        ("/v1/customers/borderbolt:501/contact", "/v1/customers/borderbolt:501/contacts"),
    ],
)
async def test_a_misspelt_path_gets_did_you_mean(
    client: httpx.AsyncClient, path: str, meant: str
) -> None:
    error = error_of(await client.get(path), 404)
    assert error["message"] == (
        f"no such endpoint; did you mean {meant}? (the API reference is at /docs)"
    )
    assert (await client.get(meant)).status_code == 200


async def test_a_path_near_nothing_gets_no_guess(client: httpx.AsyncClient) -> None:
    error = error_of(await client.get("/v1/nothing-here"), 404)
    assert error["message"] == "no such endpoint (the API reference is at /docs)"


async def test_a_json_patch_body_is_told_the_merge_patch_to_send(
    client: httpx.AsyncClient,
) -> None:
    operations = [
        {"op": "replace", "path": "/name", "value": "Renamed B.V."},
        {"op": "remove", "path": "/billing_address/line2"},
    ]
    error = error_of(await client.patch("/v1/customers/borderbolt:501", json=operations), 422)
    merge = {"name": "Renamed B.V.", "billing_address": {"line2": None}}
    assert error["code"] == "validation_error"
    assert error["message"] == (
        "the body is a JSON Patch (a list of operations); this API takes a merge patch: one "
        "object of the fields to change, absent = unchanged, null = clear, here "
        '{"name": "Renamed B.V.", "billing_address": {"line2": null}}'
    )
    assert details(error) == {None: "an object of fields, not a list of operations"}
    done = await client.patch("/v1/customers/borderbolt:501", json=merge)  # as told
    assert done.status_code == 200 and done.json()["name"] == "Renamed B.V."
    moved = [{"op": "move", "from": "/name", "path": "/code"}]  # nothing a merge can say
    error = error_of(await client.patch("/v1/customers/borderbolt:501", json=moved), 422)
    assert (
        error["message"].startswith("the body is a JSON Patch") and "here" not in error["message"]
    )
    listed = error_of(await client.post("/v1/customers", json=operations), 422)  # not a PATCH
    assert listed["message"] == "the body must be a JSON object of fields"


async def test_a_key_refused_the_default_connection_is_told_which_to_pass(app: Starlette) -> None:
    async with client_for(app, key="t2-key") as client:
        error = error_of(await client.get("/v1/customers", params={"limit": 1}), 403)
        assert error["message"] == (
            "this API key may not use the connection 'borderbolt' (the default, as the call "
            "named none); pass connection=tenant2"
        )
        named = error_of(await client.get("/v1/customers", params={"connection": "crm"}), 403)
        assert named["message"] == "this API key may not use the connection 'crm'"
        passed = await client.get("/v1/customers", params={"connection": "tenant2", "limit": 1})
        assert passed.status_code == 200


async def test_an_operation_a_connection_lacks_names_the_connections_that_can(
    client: httpx.AsyncClient,
) -> None:
    error = error_of(await client.get("/v1/items", params={"connection": "crm"}), 501)
    assert error["code"] == "unsupported_operation" and error["connection"] == "crm"
    assert error["message"].endswith("; connections that can: borderbolt, tenant2 and remote")
