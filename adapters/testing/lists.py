"""Lists and reads: every page to the end without gaps or repeats at several limits,
cursors followed (also when the limit changes); single reads that agree with the list
rows on every field the adapter does not declare in ``list_omits``; contacts, lookups
by code and orders where declared."""

from __future__ import annotations

from adapters.operations import Operation
from adapters.testing.canonical import comparable
from adapters.testing.declared import Declared
from adapters.testing.harness import CONNECTION, Harness, remote
from adapters.testing.samples import Samples
from adapters.testing.suite import Checks, Suite, case

LISTS = {"customer": "/v1/customers", "item": "/v1/items"}
LISTED = {"customer": Operation.LIST_CUSTOMERS, "item": Operation.LIST_ITEMS}
READ = {"customer": Operation.GET_CUSTOMER, "item": Operation.GET_ITEM}
SAMPLED_READS = 40  # single reads compared with their list rows, spread over the list
SAMPLED_CONTACTS = 10


def limits(declared: Declared) -> list[int]:
    """Small pages, the default, the upstream's own page size and one more: windows
    that line up with upstream pages and windows that straddle them."""
    top = declared.max_per_page
    return sorted({7, 25, top, top + 1} & set(range(1, 100)))


async def test_pages_end_without_gaps_or_repeats(
    self: Suite, harness: Harness, kind: str, limit: int
) -> None:
    whole = [row["id"] for row in await harness.rows(LISTS[kind], limit=100)]
    assert len(whole) == len(set(whole)), "a row repeats in the list"
    if harness.holds(kind):
        assert set(whole) == harness.held_ids(kind), "the list and the simulator's records differ"
    pages = await harness.pages(LISTS[kind], limit=limit)
    assert [row["id"] for page in pages for row in page["data"]] == whole
    for page in pages[:-1]:
        assert len(page["data"]) == limit, "a page before the last one is short"
    for page in pages:
        assert page["meta"]["limit"] == limit
        assert page["meta"]["total"] in (None, len(whole))


async def test_a_cursor_survives_a_changed_limit(self: Suite, harness: Harness, kind: str) -> None:
    whole = [row["id"] for row in await harness.rows(LISTS[kind], limit=100)]
    first = await harness.ok("GET", LISTS[kind], params={"limit": 7})
    assert first["meta"]["next_cursor"], "seed more than 7 records"
    params = {"limit": 30, "cursor": first["meta"]["next_cursor"]}
    second = await harness.ok("GET", LISTS[kind], params=params)
    assert [row["id"] for row in first["data"] + second["data"]] == whole[:37]


async def test_single_reads_agree_with_list_rows(self: Suite, harness: Harness, kind: str) -> None:
    rows = await harness.rows(LISTS[kind], limit=100)
    omits = self.declared.omits(kind)
    for row in rows[:: max(1, len(rows) // SAMPLED_READS)]:
        assert row["id"].startswith(f"{CONNECTION}:")
        assert row.get("connection", CONNECTION) == CONNECTION
        assert row.get("remote_id", remote(row["id"])) == remote(row["id"])
        assert row.get("remote_data") is None
        single = await harness.ok("GET", f"{LISTS[kind]}/{row['id']}")
        assert comparable(single, omits) == comparable(row, omits), row["id"]
        if kind == "customer":
            assert row["contacts"] is None, "list rows embed no contacts"
            embeds = self.declared.can(Operation.LIST_CONTACTS)
            assert isinstance(single["contacts"], list) if embeds else single["contacts"] is None


async def test_contacts_read_one_by_one_as_listed(self: Suite, harness: Harness) -> None:
    seen = 0
    omits = self.declared.omits("contact")
    for customer in await harness.rows("/v1/customers", limit=100):
        path = f"/v1/customers/{customer['id']}/contacts"
        contacts = (await harness.ok("GET", path))["data"]
        if not contacts:
            continue
        single = await harness.ok("GET", f"/v1/customers/{customer['id']}")
        assert [c["id"] for c in single["contacts"]] == [c["id"] for c in contacts]
        for contact in contacts:
            assert contact["customer_id"] == customer["id"]
            one = await harness.ok("GET", f"{path}/{contact['id']}")
            assert comparable(one, omits) == comparable(contact, omits)
            seen += 1
        if seen >= SAMPLED_CONTACTS:
            return
    assert seen, "no customer has contacts: seed some"


async def test_a_customer_is_found_by_its_code(self: Suite, harness: Harness) -> None:
    rows = (await harness.ok("GET", "/v1/customers", params={"limit": 50}))["data"]
    coded = [row for row in rows if row["code"]][:10]
    assert coded, "no customer has a code: seed some"
    for row in coded:
        found = await harness.ok("GET", f"/v1/customers/by-code/{row['code']}")
        assert found["id"] == row["id"]
    missing = await harness.request("GET", "/v1/customers/by-code/NO-SUCH-CODE-0")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


async def test_orders_page_without_gaps_or_repeats(self: Suite, harness: Harness) -> None:
    for customer in (await harness.ok("GET", "/v1/customers", params={"limit": 25}))["data"]:
        path = f"/v1/customers/{customer['id']}/orders"
        whole = [order["id"] for order in await harness.rows(path, limit=100)]
        if len(whole) > 7:
            break
    else:
        raise AssertionError("none of the first 25 customers has more than 7 orders: seed some")
    assert len(whole) == len(set(whole))
    assert [order["id"] for order in await harness.rows(path, limit=7)] == whole


def checks(declared: Declared, samples: Samples) -> Checks:
    found: Checks = {}
    kinds = [kind for kind, op in LISTED.items() if declared.can(op)]
    if kinds:
        cases = [(kind, limit) for kind in kinds for limit in limits(declared)]
        found["test_pages_end_without_gaps_or_repeats"] = case(
            test_pages_end_without_gaps_or_repeats, ("kind", "limit"), cases
        )
        found["test_a_cursor_survives_a_changed_limit"] = case(
            test_a_cursor_survives_a_changed_limit, "kind", kinds
        )
    readable = [kind for kind in kinds if declared.can(READ[kind])]
    if readable:
        found["test_single_reads_agree_with_list_rows"] = case(
            test_single_reads_agree_with_list_rows, "kind", readable
        )
    if declared.can(Operation.LIST_CONTACTS, Operation.GET_CONTACT, Operation.GET_CUSTOMER):
        found["test_contacts_read_one_by_one_as_listed"] = case(
            test_contacts_read_one_by_one_as_listed
        )
    if declared.can(Operation.GET_CUSTOMER_BY_CODE):
        found["test_a_customer_is_found_by_its_code"] = case(test_a_customer_is_found_by_its_code)
    if declared.can(Operation.LIST_ORDERS):
        found["test_orders_page_without_gaps_or_repeats"] = case(
            test_orders_page_without_gaps_or_repeats
        )
    return found
