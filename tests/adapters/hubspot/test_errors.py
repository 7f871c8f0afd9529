"""HubSpot's errors as canonical ones, end to end: 404, 422 by canonical field name,
409, 429 with a Retry-After HubSpot does not send, 5xx retried on a search (a read)
but not on a create, refused credentials, garbage."""

from __future__ import annotations

import httpx
import pytest

from adapters.hubspot.simulator import HubSpotSimulator
from adapters.sandbox import Fault
from tests.adapters.hubspot.conftest import TOKEN

pytestmark = pytest.mark.anyio
FRESH = {"Cache-Control": "no-cache"}
SEARCH = "/crm/v3/objects/companies/search"


def paths(served: HubSpotSimulator) -> list[str]:
    return [f"{c.method} {c.path}" for c in served.sandbox.calls]


async def test_not_found(api: httpx.AsyncClient, served: HubSpotSimulator) -> None:
    served.sandbox.calls.clear()
    for method in ("GET", "PATCH", "DELETE"):
        answer = await api.request(method, "/v1/customers/hubspot:424242", json={"notes": "x"})
        assert answer.status_code == 404, method
    assert "DELETE /crm/v3/objects/companies/424242" not in paths(served)  # read first


async def test_invalid_values_are_422_by_canonical_field(
    api: httpx.AsyncClient, served: HubSpotSimulator
) -> None:
    refused = await api.patch(
        "/v1/customers/hubspot:9001", json={"extra": {"numberofemployees": "a dozen"}}
    )
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert (error["code"], error["upstream_status"]) == ("validation_error", 400)
    assert error["details"] == [
        {"field": "extra.numberofemployees", "message": "a dozen was not a valid long."}
    ]
    assert "isValid" not in error["message"]  # HubSpot's legacy list is not passed on
    served.sandbox.calls.clear()
    unheld = await api.post("/v1/customers", json={"name": "X", "code": "C1", "vat_number": "1"})
    assert unheld.status_code == 422 and paths(served) == []
    assert [d["field"] for d in unheld.json()["error"]["details"]] == ["code", "vat_number"]


async def test_a_429_tells_the_client_to_wait_the_window_out(
    api: httpx.AsyncClient, served: HubSpotSimulator
) -> None:
    served.limits.enforced = True
    served.limits.rolling.max = 1
    served.limits.rolling.hits.clear()
    assert (await api.get("/v1/customers", headers=FRESH)).status_code == 200
    served.sandbox.calls.clear()
    limited = await api.get("/v1/customers", headers=FRESH)
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
    # HubSpot sends no Retry-After; its 10 s window is longer than retry.max_retry_after
    # (5), so the gateway passes it on at once instead of retrying into the same window
    assert limited.headers["Retry-After"] == "10"
    assert len(served.sandbox.calls) == 1


async def test_a_search_429_has_a_retry_after_too(
    api: httpx.AsyncClient, served: HubSpotSimulator
) -> None:
    served.limits.enforced = True
    served.limits.search.max = 0
    limited = await api.get("/v1/customers", params={"name": "acme"}, headers=FRESH)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "1"


async def test_a_failed_search_is_retried_like_a_read(
    api: httpx.AsyncClient, served: HubSpotSimulator
) -> None:
    served.sandbox.faults.add(Fault(status=502, method="POST", path_prefix=SEARCH))
    served.sandbox.calls.clear()
    found = await api.get("/v1/customers", params={"name": "hooli"}, headers=FRESH)
    assert found.status_code == 200 and found.json()["data"]
    assert paths(served) == [f"POST {SEARCH}", f"POST {SEARCH}"]


async def test_a_failed_create_is_not_retried(
    api: httpx.AsyncClient, served: HubSpotSimulator
) -> None:
    served.sandbox.faults.add(Fault(status=503, method="POST", path_prefix="/crm/v3/objects"))
    served.sandbox.calls.clear()
    failed = await api.post("/v1/customers", json={"name": "Once Only"})
    assert failed.status_code == 502 and failed.json()["error"]["upstream_status"] == 503
    assert paths(served) == ["POST /crm/v3/objects/companies"]


async def test_garbage_is_a_502(api: httpx.AsyncClient, served: HubSpotSimulator) -> None:
    served.sandbox.faults.add(Fault(status=200, body=b"<html>", path_prefix="/crm/v3/objects"))
    garbage = await api.get("/v1/customers/hubspot:9001", headers=FRESH)
    assert garbage.status_code == 502 and garbage.json()["error"]["code"] == "upstream_error"
    served.sandbox.faults.add(Fault(status=200, body={"id": "9001"}, path_prefix="/crm/v3"))
    shapeless = await api.get("/v1/customers/hubspot:9001", headers=FRESH)
    assert shapeless.status_code == 502


async def test_a_refused_private_app_token_is_the_gateways_problem(
    api: httpx.AsyncClient, served: HubSpotSimulator
) -> None:
    served.sandbox.authorized = lambda presented: presented == "pat-na1-rotated"
    refused = await api.get("/v1/customers", headers=FRESH)
    assert refused.status_code == 502
    error = refused.json()["error"]
    assert error["upstream_status"] == 401 and TOKEN not in refused.text
