"""Errors in the contract's shape (API.md section 5): 404 for a record the upstream
does not have, and for an ID the adapter would not splice into a path (no upstream
call); the requests the upstream refuses (``Samples.refusals``) as 409 or 422 naming
canonical fields; a canonical body refused before any call; the upstream's 429 as
429 with ``Retry-After``; its 5xx, garbage and dropped connections as 502; and 501,
without any upstream call, for every operation the adapter does not declare."""

from __future__ import annotations

from dataclasses import replace

from adapters.operations import Operation
from adapters.sandbox import Fault
from adapters.testing.declared import Declared
from adapters.testing.harness import CONNECTION, Harness, cid
from adapters.testing.requests import REQUESTS
from adapters.testing.samples import Samples
from adapters.testing.suite import Checks, Suite, case

FAILING = 50  # a fault fires this often: more than any retry policy tries
RETRY_AFTER = "30"  # longer than the gateway waits to retry by itself


async def test_a_missing_record_is_404(self: Suite, harness: Harness, op: Operation) -> None:
    request = REQUESTS[op]
    missing = cid(self.declared.missing_id)
    customer = missing
    if "{contact}" in request.path:  # a missing contact of a customer that exists
        customer = (await harness.ok("GET", "/v1/customers", params={"limit": 1}))["data"][0]
        customer = customer["id"]
    path = request.path_for(customer=customer, contact=missing, item=missing, code="NO-SUCH-0")
    response = await harness.request(
        request.method, path, body=request.body_of(self.samples), params=request.params
    )
    assert response.status_code == 404, response.text
    error = response.json()["error"]
    assert (error["code"], error["connection"]) == ("not_found", CONNECTION)


async def test_an_unsafe_id_never_reaches_the_upstream(self: Suite, harness: Harness) -> None:
    harness.forget_calls()
    paths = ["/v1/customers"] + (["/v1/items"] if self.declared.can(Operation.GET_ITEM) else [])
    for path in paths:
        for raw in self.declared.unsafe_ids:
            response = await harness.client.get(f"{path}/{CONNECTION}:{raw}")
            assert response.status_code == 404, raw
    assert harness.calls() == []


async def test_a_refusal_reads_canonically(self: Suite, harness: Harness, index: int) -> None:
    refusal = self.samples.refusals[index]
    path = refusal.path.format(connection=CONNECTION)
    response = await harness.request(refusal.method, path, body=refusal.body)
    assert response.status_code == refusal.status, response.text
    error = response.json()["error"]
    code = "conflict" if refusal.status == 409 else "validation_error"
    assert (error["code"], error["connection"]) == (code, CONNECTION)
    if refusal.field is not None:
        assert refusal.field in [d["field"] for d in error["details"]]
    if refusal.upstream_status is not None:
        assert error["upstream_status"] == refusal.upstream_status


async def test_a_body_the_contract_refuses_never_reaches_the_upstream(
    self: Suite, harness: Harness
) -> None:
    harness.forget_calls()
    body = {**self.samples.customer, "colour": "red"}
    response = await harness.request("POST", "/v1/customers", body=body)
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["colour"]
    assert harness.calls() == []


async def test_a_rate_limited_upstream_is_429_with_retry_after(
    self: Suite, harness: Harness
) -> None:
    harness.sandbox.faults.add(
        Fault(
            status=429,
            body=dict(self.samples.rate_limit_body),
            headers={"Retry-After": RETRY_AFTER},
            times=FAILING,
        )
    )
    response = await harness.request("GET", "/v1/customers")
    assert response.status_code == 429, response.text
    assert response.headers["retry-after"] == RETRY_AFTER
    error = response.json()["error"]
    assert (error["code"], error["connection"]) == ("rate_limited", CONNECTION)


FAILURES = {
    "500": Fault(status=500, body={"message": "Server Error"}, times=FAILING),
    "503": Fault(status=503, body={"message": "unavailable"}, times=FAILING),
    "garbage": Fault(status=200, body=b"<html>oops</html>", times=FAILING),
    "dropped": Fault(drop=True, times=FAILING),
}


async def test_a_failing_upstream_is_502(self: Suite, harness: Harness, failure: str) -> None:
    harness.sandbox.faults.add(replace(FAILURES[failure]))
    response = await harness.request("GET", "/v1/customers")
    assert response.status_code == 502, response.text
    error = response.json()["error"]
    assert (error["code"], error["connection"]) == ("upstream_error", CONNECTION)
    if failure.isdigit():
        assert error["upstream_status"] == int(failure)


async def test_an_undeclared_operation_is_501_without_a_call(
    self: Suite, harness: Harness, op: Operation
) -> None:
    request = REQUESTS[op]
    some = cid(self.declared.missing_id)
    path = request.path_for(customer=some, contact=some, item=some, code="ANY")
    harness.forget_calls()
    response = await harness.request(
        request.method, path, body=request.body_of(self.samples), params=request.params
    )
    assert response.status_code == 501, response.text
    error = response.json()["error"]
    assert (error["code"], error["connection"]) == ("unsupported_operation", CONNECTION)
    alternative = self.declared.alternative(op)
    if alternative is not None:
        assert alternative in error["message"]
    assert harness.calls() == [], "an undeclared operation reached the upstream"


# Operations whose path names a record: each answers 404 when it is missing.
ON_A_RECORD = [op for op, request in REQUESTS.items() if "{" in request.path]


def checks(declared: Declared, samples: Samples) -> Checks:
    found: Checks = {}
    on_record = [op for op in ON_A_RECORD if declared.can(op)]
    if on_record and declared.can(Operation.LIST_CUSTOMERS):
        found["test_a_missing_record_is_404"] = case(test_a_missing_record_is_404, "op", on_record)
    if declared.can(Operation.GET_CUSTOMER):
        found["test_an_unsafe_id_never_reaches_the_upstream"] = case(
            test_an_unsafe_id_never_reaches_the_upstream
        )
    if samples.refusals:
        found["test_a_refusal_reads_canonically"] = case(
            test_a_refusal_reads_canonically, "index", range(len(samples.refusals))
        )
    if declared.can(Operation.CREATE_CUSTOMER):
        found["test_a_body_the_contract_refuses_never_reaches_the_upstream"] = case(
            test_a_body_the_contract_refuses_never_reaches_the_upstream
        )
    if declared.can(Operation.LIST_CUSTOMERS):
        found["test_a_rate_limited_upstream_is_429_with_retry_after"] = case(
            test_a_rate_limited_upstream_is_429_with_retry_after
        )
        found["test_a_failing_upstream_is_502"] = case(
            test_a_failing_upstream_is_502, "failure", list(FAILURES)
        )
    if declared.unsupported:
        found["test_an_undeclared_operation_is_501_without_a_call"] = case(
            test_an_undeclared_operation_is_501_without_a_call, "op", declared.unsupported
        )
    return found
