"""A plain list page (rows validated into dicts, adapters/rows.py ``plain_page``) is the
page the models give, byte for byte, and refuses what they refuse with the same 502.

Over each adapter's docs example list (adapters/<name>/fixtures), 25 rows with their own
IDs, and the BorderBolt simulator's seeded customers; then over the same rows spoilt one
upstream key at a time (API.md: a malformed upstream object is a 502 naming the field).
"""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from adapters import ADAPTERS, base
from adapters.base import Adapter, Window
from adapters.borderbolt import item_mapping, item_operations
from adapters.borderbolt.simulator import BorderBoltSimulator
from adapters.rows import canonical_page, plain_page
from adapters.upstream import Upstream
from gateway.caching.reads import render
from gateway.lists.cursor import CursorCodec
from gateway.lists.listing import Listing
from kernel.errors import GatewayError, UpstreamError
from schemas import Customer, Item
from tests.conftest import fixture

EXAMPLES = {
    "borderbolt": ("list_customers", "data"),
    "crm": ("list_customers", "data"),
    "inventorum": ("list_customers", "data"),
    "hubspot": ("list_page", "results"),
}
SPOILT = (None, 7, 2.5, True, "", "x", [1], {"a": 1}, "2026-13-45T99:00:00Z")


def adapter(name: str) -> Adapter:
    upstream = Upstream(name, httpx.AsyncClient(base_url="http://upstream.invalid"))
    return ADAPTERS[name](connection=name, upstream=upstream)


def example_rows(name: str) -> list[dict[str, Any]]:
    example, key = EXAMPLES[name]
    [row] = fixture(name, example)[key]
    rows = []
    for index in range(25):
        copied = copy.deepcopy(row)
        copied["id"] = row["id"] + index if isinstance(row["id"], int) else f"{row['id']}{index}"
        rows.append(copied)
    return rows


def page_bytes(source: Adapter, rows: list[dict[str, Any]], plain: bool, remote: bool) -> bytes:
    """The answer a list read renders of ``rows``, or the error it answers instead."""
    listing = Listing(CursorCodec(b"k" * 32), "customers", source.connection, limit=25, cursor=None)
    try:
        customers = source.customers_from(copy.deepcopy(rows), remote, plain=plain)
    except GatewayError as exc:
        return f"{type(exc).__name__} {exc.status}: {exc.message}".encode()
    return render(listing.page(Window(customers, 156, True)))


@pytest.mark.parametrize("name", sorted(EXAMPLES))
@pytest.mark.parametrize("remote", [False, True])
def test_a_plain_page_renders_the_bytes_of_the_models(name: str, remote: bool) -> None:
    source, rows = adapter(name), example_rows(name)
    models = page_bytes(source, rows, plain=False, remote=remote)
    assert models.startswith(b'{"data":[{"id":')
    assert page_bytes(source, rows, plain=True, remote=remote) == models


def test_the_simulators_customers_render_alike() -> None:
    simulator = BorderBoltSimulator(token="t")
    rows = [copy.deepcopy(c) for c in simulator.customers.values()]
    source = adapter("borderbolt")
    for remote in (False, True):
        models = page_bytes(source, rows, plain=False, remote=remote)
        assert models.count(b'"connection":"borderbolt"') == len(rows)
        assert page_bytes(source, rows, plain=True, remote=remote) == models


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_a_spoilt_row_reads_alike(name: str) -> None:
    """Every upstream key of the example's 13th row (and of its nested objects) set to
    each of ``SPOILT``: the plain page answers what the models answer, 502 included."""
    source, rows = adapter(name), example_rows(name)
    refused = 0
    for path in _paths(rows[12]):
        for value in SPOILT:
            spoilt = copy.deepcopy(rows)
            _set(spoilt[12], path, value)
            models = page_bytes(source, spoilt, plain=False, remote=False)
            assert page_bytes(source, spoilt, plain=True, remote=False) == models, (path, value)
            refused += models.startswith(b"UpstreamError 502: ")
    # Inventorum's and HubSpot's mappings coerce what they read (text, ``bool()``):
    # nothing spoilt one key at a time reaches validation malformed
    assert bool(refused) is (name in ("borderbolt", "crm"))


def test_the_502_names_the_canonical_field_and_the_row() -> None:
    fields = [
        adapter("borderbolt").customer_fields(row, False) for row in example_rows("borderbolt")
    ]
    fields[3]["billing_address"]["city"] = ["Amsterdam"]
    fields[4]["name"] = 12
    for validate in (canonical_page, plain_page):
        with pytest.raises(UpstreamError) as caught:
            validate(Customer, copy.deepcopy(fields), "borderbolt")
        assert caught.value.status == 502
        assert caught.value.message == (
            "upstream answered a customer (row 4 of the page) this gateway cannot read: "
            "billing_address.city is not text"
        )


def test_a_plain_page_refuses_a_field_the_model_does_not_have() -> None:
    fields = [adapter("crm").customer_fields(row, False) for row in example_rows("crm")]
    fields[0]["shipping_addresses"][0]["planet"] = "Mars"
    messages = set()
    for validate in (canonical_page, plain_page):
        with pytest.raises(UpstreamError) as caught:
            validate(Customer, copy.deepcopy(fields), "crm")
        messages.add(caught.value.message)
    [message] = messages
    assert "row 1 of the page" in message and "shipping_addresses.0.planet" in message


def plain_pages(monkeypatch: pytest.MonkeyPatch, module: Any) -> list[int]:
    """The sizes of the pages ``module`` validates plain from now on."""
    pages: list[int] = []

    def counted(model: Any, rows: list[dict[str, Any]], connection: str) -> Any:
        pages.append(len(rows))
        return plain_page(model, rows, connection)

    monkeypatch.setattr(module, "plain_page", counted)
    return pages


@pytest.mark.anyio
async def test_a_list_read_validates_plain_rows_and_a_scan_models(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page only rendered skips the models; emulated filters read them (predicates)."""
    pages = plain_pages(monkeypatch, base)
    listed = (await client.get("/v1/customers", params={"limit": 5})).json()
    assert pages == [5] and [row["connection"] for row in listed["data"]] == ["borderbolt"] * 5
    scanned = (await client.get("/v1/customers", params={"q": "chem", "limit": 3})).json()
    assert scanned["meta"]["emulated"] == ["q"] and len(scanned["data"]) == 3
    assert pages == [5]


def item_page(rows: list[dict[str, Any]], plain: bool, remote: bool = False) -> bytes:
    """A BorderBolt item page as a list read renders it, or the error it answers."""
    validate = plain_page if plain else canonical_page
    try:
        fields = [item_mapping.item_fields(row, "bb", remote) for row in copy.deepcopy(rows)]
        return render({"data": validate(Item, fields, "bb")})
    except GatewayError as exc:
        return f"{type(exc).__name__} {exc.status}: {exc.message}".encode()


def item_rows() -> list[dict[str, Any]]:
    [row] = fixture("borderbolt", "item_list")["data"]
    single = fixture("borderbolt", "item_get")["data"]  # with documents and changes
    return [copy.deepcopy({**(single if i % 2 else row), "id": 801 + i}) for i in range(25)]


@pytest.mark.parametrize("remote", [False, True])
def test_an_item_page_renders_alike(remote: bool) -> None:
    simulator = BorderBoltSimulator(token="t")
    for rows in (item_rows(), list(simulator.item_master.items.values())):
        models = item_page(rows, plain=False, remote=remote)
        assert models.count(b'"id":"bb:') >= len(rows)
        assert item_page(rows, plain=True, remote=remote) == models


def test_a_spoilt_item_reads_alike() -> None:
    rows, refused = item_rows(), 0
    for path in _paths(rows[13]):
        for value in SPOILT:
            spoilt = copy.deepcopy(rows)
            _set(spoilt[13], path, value)
            models = item_page(spoilt, plain=False)
            assert item_page(spoilt, plain=True) == models, (path, value)
            refused += models.startswith(b"UpstreamError 502: upstream answered an item (row 14 ")
    assert refused


def test_a_malformed_item_read_is_a_502_naming_the_field() -> None:
    [row] = fixture("borderbolt", "item_list")["data"]
    with pytest.raises(UpstreamError) as caught:
        item_mapping.item_to_canonical({**row, "description": ["a", "list"]}, "bb")
    assert caught.value.status == 502
    assert caught.value.message.endswith("cannot read: description is not text")


@pytest.mark.anyio
async def test_an_item_list_read_validates_plain_rows(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = plain_pages(monkeypatch, item_operations)
    listed = (await client.get("/v1/items", params={"limit": 4})).json()
    assert pages == [4] and len(listed["data"]) == 4
    since = {"limit": 2, "updated_since": "2020-01-01T00:00:00Z"}
    assert len((await client.get("/v1/items", params=since)).json()["data"]) == 2
    assert pages == [4]  # a scan for updated_since reads models


def _paths(value: Any, at: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key != "id":
                found += [(*at, key), *_paths(inner, (*at, key))]
    elif isinstance(value, list) and value:
        found += _paths(value[0], (*at, "0"))
    return found


def _set(row: Any, path: tuple[str, ...], value: Any) -> None:
    *parents, last = path
    for key in parents:
        row = row[int(key)] if isinstance(row, list) else row[key]
    if isinstance(row, list):
        row[int(last)] = value
    else:
        row[last] = value
