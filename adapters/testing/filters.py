"""Filters and sorts: each declared filter keeps exactly what its canonical predicate
keeps on a full unfiltered scan, native or emulated, page after page (and under a
native sort); each declared sort orders the whole list both ways; what is not declared
is 400 before any upstream call. Items: their sorts, ``status`` and ``updated_since``."""

from __future__ import annotations

from typing import Any, get_args

from adapters.filtering import updated_since
from adapters.operations import FilterSupport, Operation
from adapters.testing.canonical import choose, in_order
from adapters.testing.declared import Declared
from adapters.testing.harness import CONNECTION, Harness
from adapters.testing.samples import Samples
from adapters.testing.suite import Checks, Suite, case
from schemas import Customer, Item, ItemStatus

FILTERED_LIMIT = 7  # filtered lists are read in small pages: cursors must carry them
SORTED_LIMIT = 40
REFUSED_WIRE = {"text": "conformance", "bool": "true", "country": "NL", "instant": "2026-01-01"}


def ids(rows: list[dict[str, Any]]) -> list[str]:
    return [row["id"] for row in rows]


async def test_filter_keeps_what_the_predicate_keeps(
    self: Suite, harness: Harness, name: str
) -> None:
    filter_ = next(f for f in self.declared.filters if f.name == name)
    raw = await harness.rows("/v1/customers", limit=100)
    rows = [Customer.model_validate(row) for row in raw]
    for value, wire in choose(filter_, rows, raw):
        expected = [row.id for row in rows if filter_.predicate(row, value)]
        pages = await harness.pages("/v1/customers", limit=FILTERED_LIMIT, **{name: wire})
        found = [row for page in pages for row in page["data"]]
        assert ids(found) == expected, f"{name}={wire!r} ({filter_.support.value})"
        emulated = pages[0]["meta"]["emulated"]
        if filter_.support is FilterSupport.EMULATED:
            assert emulated == [name]
        else:  # an adapter may take some values of a native filter emulated
            assert emulated in ([], [name])
        for key in self.declared.native_sorts[:1] + self.declared.emulated_sorts[:1]:
            params = {name: wire, "sort": f"-{key}"}
            ordered = await harness.rows("/v1/customers", limit=FILTERED_LIMIT, **params)
            assert sorted(ids(ordered)) == sorted(expected), f"{name}={wire!r}, sort -{key}"
            assert in_order(ordered, key, descending=True)


async def test_native_and_emulated_filters_combine(self: Suite, harness: Harness) -> None:
    """The emulated filter applied to what the native one kept upstream: both hold."""
    native = next(f for f in self.declared.filters if f.support is FilterSupport.NATIVE)
    emulated = next(f for f in self.declared.filters if f.support is FilterSupport.EMULATED)
    raw = await harness.rows("/v1/customers", limit=100)
    rows = [Customer.model_validate(row) for row in raw]
    first, first_wire = choose(native, rows, raw)[0]
    kept = [(row, one) for row, one in zip(rows, raw, strict=True) if native.predicate(row, first)]
    second, second_wire = choose(emulated, [r for r, _ in kept], [one for _, one in kept])[0]
    expected = [row.id for row, _ in kept if emulated.predicate(row, second)]
    assert expected, "no row keeps both: seed more"
    params = {native.name: first_wire, emulated.name: second_wire}
    found = await harness.pages("/v1/customers", limit=FILTERED_LIMIT, **params)
    assert ids([row for page in found for row in page["data"]]) == expected, params
    assert found[0]["meta"]["emulated"] == [emulated.name]


async def test_sort_orders_the_whole_list(
    self: Suite, harness: Harness, path: str, key: str, descending: bool
) -> None:
    whole = ids(await harness.rows(path, limit=100))
    sort = f"-{key}" if descending else key
    pages = await harness.pages(path, limit=SORTED_LIMIT, sort=sort)
    rows = [row for page in pages for row in page["data"]]
    assert len(rows) == len(whole) and set(ids(rows)) == set(whole), "rows lost or repeated"
    assert in_order(rows, key, descending), f"sort={sort} is out of order"
    if path == "/v1/customers":
        emulated = key in self.declared.emulated_sorts
        assert ("sort" in pages[0]["meta"]["emulated"]) == emulated


async def test_what_is_not_declared_is_400_before_any_call(self: Suite, harness: Harness) -> None:
    declared = self.declared
    harness.forget_calls()
    for name in declared.refused_filters:
        params = {name: REFUSED_WIRE[declared.filter_kind(name)]}
        response = await harness.request("GET", "/v1/customers", params=params)
        assert response.status_code == 400, name
        error = response.json()["error"]
        assert (error["code"], error["connection"]) == ("unsupported_filter", CONNECTION), name
        assert [d["field"] for d in error["details"]] == [name]
    for key in declared.refused_sorts:
        response = await harness.request("GET", "/v1/customers", params={"sort": key})
        assert response.status_code == 400, key
        assert response.json()["error"]["details"][0]["field"] == "sort"
    assert harness.calls() == []


async def test_items_updated_since_keeps_what_the_predicate_keeps(
    self: Suite, harness: Harness, sort: str | None
) -> None:
    params = {"sort": sort} if sort else {}
    whole = await harness.rows("/v1/items", limit=100, **params)
    stamps = sorted(row["updated_at"] for row in whole if row["updated_at"])
    since = stamps[len(stamps) * 3 // 4]
    expected = [row["id"] for row in whole if updated_since(Item.model_validate(row), since)]
    found = await harness.rows("/v1/items", limit=FILTERED_LIMIT, updated_since=since, **params)
    assert ids(found) == expected and 0 < len(expected) < len(whole)


async def test_items_by_status(self: Suite, harness: Harness) -> None:
    whole = await harness.rows("/v1/items", limit=100)
    for status in get_args(ItemStatus):
        expected = [row["id"] for row in whole if row["status"] == status]
        found = await harness.rows("/v1/items", limit=50, status=status)
        assert ids(found) == expected, status


def checks(declared: Declared, samples: Samples) -> Checks:
    found: Checks = {}
    if not declared.can(Operation.LIST_CUSTOMERS):
        return found
    if declared.filters:
        names = [f.name for f in declared.filters]
        found["test_filter_keeps_what_the_predicate_keeps"] = case(
            test_filter_keeps_what_the_predicate_keeps, "name", names
        )
    supports = {f.support for f in declared.filters}
    if {FilterSupport.NATIVE, FilterSupport.EMULATED} <= supports:
        found["test_native_and_emulated_filters_combine"] = case(
            test_native_and_emulated_filters_combine
        )
    sorts = [
        ("/v1/customers", key, descending)
        for key in declared.native_sorts + declared.emulated_sorts
        for descending in (False, True)
    ]
    if declared.can(Operation.LIST_ITEMS):
        sorts += [("/v1/items", key, d) for key in declared.item_sorts for d in (False, True)]
        others = [key for key in declared.item_sorts if key != "updated_at"][:1]
        newest = ["-updated_at"] if "updated_at" in declared.item_sorts else []
        found["test_items_updated_since_keeps_what_the_predicate_keeps"] = case(
            test_items_updated_since_keeps_what_the_predicate_keeps,
            "sort",
            [None, *newest, *others],
        )
        found["test_items_by_status"] = case(test_items_by_status)
    if sorts:
        found["test_sort_orders_the_whole_list"] = case(
            test_sort_orders_the_whole_list, ("path", "key", "descending"), sorts
        )
    found["test_what_is_not_declared_is_400_before_any_call"] = case(
        test_what_is_not_declared_is_400_before_any_call
    )
    return found
