"""The conformance kit itself (adapters/testing/): its table of requests is the
gateway's, and each check fails for the bug it exists to catch (an adapter or
simulator broken on purpose here), so a green suite means something."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from adapters.borderbolt import adapter as borderbolt_adapter
from adapters.borderbolt.adapter import BorderBoltAdapter
from adapters.borderbolt.simulator import customers as borderbolt_customers
from adapters.crm.adapter import CrmAdapter
from adapters.operations import Operation
from adapters.sandbox.helpers import page_of
from adapters.testing import suite
from adapters.testing.harness import Lab, StartGateway
from adapters.testing.requests import REQUESTS
from gateway.routes import ENDPOINTS
from tests.adapters.borderbolt.test_conformance import SAMPLES as BORDERBOLT_SAMPLES
from tests.adapters.crm.test_conformance import SAMPLES as CRM_SAMPLES

pytestmark = pytest.mark.anyio
BORDERBOLT = suite("borderbolt", BORDERBOLT_SAMPLES)
CRM = suite("crm", CRM_SAMPLES)


def test_every_operation_is_a_request_the_gateway_serves() -> None:
    assert set(REQUESTS) == set(Operation)
    served = {(e.method, e.path) for e in ENDPOINTS}
    for op, request in REQUESTS.items():
        path = request.path.replace("{contact}", "{contact_id}")
        path = re.sub(r"\{(customer|item)\}", "{id}", path)
        assert (request.method, path) in served, op


def case_sensitive_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """BorderBolt's name filter, matched as written: ``?name=nordic`` misses "Nordic"."""
    matches = borderbolt_customers.matches

    def sensitive(customer: dict[str, Any], q: Any) -> bool:
        wanted = q.get("name")
        return matches(customer, q) and (not wanted or wanted in customer["customer_name"])

    monkeypatch.setattr(borderbolt_customers, "matches", sensitive)


def pages_one_short(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page but the first loses its last row."""

    def short(rows: list[Any], page: int, per_page: int) -> list[Any]:
        chunk = page_of(rows, page, per_page)
        return chunk[:-1] if page > 1 else chunk

    monkeypatch.setattr(borderbolt_customers, "page_of", short)


def name_sorted_by_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(borderbolt_adapter.SORTS, "name", "customer_code")


def omits_undeclared(monkeypatch: pytest.MonkeyPatch) -> None:
    """List rows lack the detail fields single reads have, and nobody says so."""
    monkeypatch.setattr(BorderBoltAdapter, "list_omits", {})


def names_unwatched(monkeypatch: pytest.MonkeyPatch) -> None:
    """A customer's name declared absent from list rows: the poller stops comparing it."""
    omits = {**BorderBoltAdapter.list_omits, "customer": frozenset({"name"})}
    monkeypatch.setattr(BorderBoltAdapter, "list_omits", omits)


def rows_with_detail_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """List rows carry keys the docs' list example does not show."""
    monkeypatch.setattr(borderbolt_customers, "LIST_HIDDEN", ())


def crm_contact_created_at_compared(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CRM as it was: its contacts' created_at (in the POST answer only) compared."""
    omits = {k: v for k, v in CrmAdapter.list_omits.items() if k != "contact"}
    monkeypatch.setattr(CrmAdapter, "list_omits", omits)


Sabotage = Callable[[pytest.MonkeyPatch], None]
FILTER = "test_filter_keeps_what_the_predicate_keeps"
PAGING = "test_pages_end_without_gaps_or_repeats"
SORT = "test_sort_orders_the_whole_list"
READS = "test_single_reads_agree_with_list_rows"
CHANGES = "test_changes_behind_the_gateways_back_are_reported_once"
SHAPES = "test_upstream_records_have_the_docs_keys"
WRITES = "test_writes_through_the_gateway_are_not_reported_again"
CAUGHT: list[tuple[Sabotage, type, str, dict[str, Any]]] = [
    (case_sensitive_names, BORDERBOLT, FILTER, {"name": "name"}),
    (pages_one_short, BORDERBOLT, PAGING, {"kind": "customer", "limit": 7}),
    (
        name_sorted_by_code,
        BORDERBOLT,
        SORT,
        {"path": "/v1/customers", "key": "name", "descending": False},
    ),
    (omits_undeclared, BORDERBOLT, READS, {"kind": "customer"}),
    (names_unwatched, BORDERBOLT, CHANGES, {"kind": "customer"}),
    (rows_with_detail_keys, BORDERBOLT, SHAPES, {"index": 0}),
    (crm_contact_created_at_compared, CRM, WRITES, {"kind": "contact"}),
]


@pytest.mark.parametrize(
    ("sabotage", "suite_class", "check", "args"),
    CAUGHT,
    ids=[sabotage.__name__ for sabotage, *_ in CAUGHT],
)
async def test_each_check_catches_its_bug(
    conformance_gateway: StartGateway,
    monkeypatch: pytest.MonkeyPatch,
    sabotage: Sabotage,
    suite_class: type,
    check: str,
    args: dict[str, Any],
) -> None:
    lab = Lab(conformance_gateway, suite_class.declared, suite_class.samples)  # type: ignore[attr-defined]
    test = getattr(suite_class, check)
    where = {"lab": lab} if "lab" in test.__code__.co_varnames else {"harness": lab.open()}
    try:
        await test(suite_class(), **where, **args)  # passes as it is
        sabotage(monkeypatch)
        fresh = {"lab": lab} if "lab" in where else {"harness": lab.open()}
        with pytest.raises(AssertionError):
            await test(suite_class(), **fresh, **args)
    finally:
        await lab.aclose()
