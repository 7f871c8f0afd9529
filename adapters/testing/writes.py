"""Writes: create, patch and delete round trips for each kind the adapter writes, and
every other declared operation answering on the seeded data.

A create answers 201 with ``Location`` and the resource as reads then show it (list
row and single read); a patch changes what it names and nothing else; a deleted
record reads 404 and leaves the list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.operations import Operation
from adapters.testing.canonical import comparable, contains
from adapters.testing.declared import Declared
from adapters.testing.harness import CONNECTION, Harness, remote
from adapters.testing.requests import REQUESTS
from adapters.testing.samples import Samples
from adapters.testing.suite import Checks, Suite, case

# Fields a write moves by itself, whatever it names.
MOVED_BY_WRITES = frozenset({"updated_at", "verified_at"})


@dataclass(frozen=True)
class Written:
    """A kind of record as writes address it."""

    kind: str
    list: Operation
    create: Operation
    read: Operation
    update: Operation
    delete: Operation


WRITTEN = {
    "customer": Written(
        "customer",
        Operation.LIST_CUSTOMERS,
        Operation.CREATE_CUSTOMER,
        Operation.GET_CUSTOMER,
        Operation.UPDATE_CUSTOMER,
        Operation.DELETE_CUSTOMER,
    ),
    "contact": Written(
        "contact",
        Operation.LIST_CONTACTS,
        Operation.CREATE_CONTACT,
        Operation.GET_CONTACT,
        Operation.UPDATE_CONTACT,
        Operation.DELETE_CONTACT,
    ),
    "item": Written(
        "item",
        Operation.LIST_ITEMS,
        Operation.CREATE_ITEM,
        Operation.GET_ITEM,
        Operation.UPDATE_ITEM,
        Operation.DELETE_ITEM,
    ),
}


async def collection(harness: Harness, kind: str) -> str:
    """The list path of ``kind``: a contact's under the first customer that has some."""
    if kind == "customer":
        return "/v1/customers"
    if kind == "item":
        return "/v1/items"
    for customer in await harness.rows("/v1/customers", limit=100):
        path = f"/v1/customers/{customer['id']}/contacts"
        if (await harness.ok("GET", path))["data"]:
            return path
    raise AssertionError("no customer has contacts: seed some")


async def target(self: Suite, harness: Harness, kind: str) -> tuple[str, dict[str, Any]]:
    """A record of ``kind`` to write: one just created where the adapter creates them
    (seeded records may be refused, e.g. linked to others), else the first listed."""
    path = await collection(harness, kind)
    written = WRITTEN[kind]
    if self.declared.can(written.create):
        body = getattr(self.samples, kind)
        made: dict[str, Any] = await harness.ok("POST", path, body=body)
        return path, made
    first: dict[str, Any] = (await harness.ok("GET", path, params={"limit": 1}))["data"][0]
    return path, first


async def test_create_answers_what_reads_show(self: Suite, harness: Harness, kind: str) -> None:
    path = await collection(harness, kind)
    body = getattr(self.samples, kind)
    response = await harness.request("POST", path, body=body)
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["location"] == f"{path}/{created['id']}"
    assert created["id"].startswith(f"{CONNECTION}:") and self.declared.valid(remote(created["id"]))
    assert contains(created, body), f"the answer lacks what was sent: {created}"
    omits = self.declared.omits(kind)
    if self.declared.can(WRITTEN[kind].read):
        again = await harness.ok("GET", f"{path}/{created['id']}")
        assert comparable(again, omits) == comparable(created, omits)
    listed = [row for row in await harness.rows(path, limit=100) if row["id"] == created["id"]]
    assert len(listed) == 1, "the created record is not listed once"
    assert comparable(listed[0], omits) == comparable(created, omits)


async def test_patch_changes_what_it_names(self: Suite, harness: Harness, kind: str) -> None:
    path, made = await target(self, harness, kind)
    patch: Mapping[str, Any] = getattr(self.samples, f"{kind}_patch")
    url = f"{path}/{made['id']}"
    readable = self.declared.can(WRITTEN[kind].read)
    before = await harness.ok("GET", url) if readable else made
    response = await harness.request("PATCH", url, body=patch)
    assert response.status_code == 200, response.text
    patched = response.json()
    assert contains(patched, patch), f"the answer lacks the patch: {patched}"
    omits = self.declared.omits(kind)
    if readable:
        again = await harness.ok("GET", url)
        assert comparable(again, omits) == comparable(patched, omits)
    named = set(patch) | {f"extra.{key}" for key in patch.get("extra") or {}}
    kept = comparable(before, omits)
    for key, value in comparable(patched, omits).items():
        if key not in named and key not in MOVED_BY_WRITES and key.split(".")[0] not in named:
            assert kept.get(key) == value, f"{key} changed, though the patch did not name it"


async def test_delete_then_404(self: Suite, harness: Harness, kind: str) -> None:
    path, doomed = await target(self, harness, kind)
    url = f"{path}/{doomed['id']}"
    response = await harness.request("DELETE", url)
    assert response.status_code == 204, response.text
    if self.declared.can(WRITTEN[kind].read):
        assert (await harness.request("GET", url)).status_code == 404
    again = await harness.request("DELETE", url)
    assert again.status_code == 404 and again.json()["error"]["code"] == "not_found"
    assert doomed["id"] not in {row["id"] for row in await harness.rows(path, limit=100)}


async def test_a_contact_is_only_its_customers(self: Suite, harness: Harness) -> None:
    path = await collection(harness, "contact")
    contact = (await harness.ok("GET", path))["data"][0]
    owner = contact["customer_id"]
    other = next(r for r in await harness.rows("/v1/customers", limit=100) if r["id"] != owner)
    foreign = await harness.request("GET", f"/v1/customers/{other['id']}/contacts/{contact['id']}")
    assert foreign.status_code == 404


ACTIONS = (
    Operation.GET_ANALYTICS,
    Operation.CREDIT_CHECK,
    Operation.SEARCH_ITEMS,
    Operation.DUPLICATE_ITEM,
    Operation.VERIFY_ITEM,
    Operation.LIST_PENDING_CHANGES,
    Operation.LIST_DOCUMENTS,
)


async def test_a_declared_operation_answers(self: Suite, harness: Harness, op: Operation) -> None:
    request = REQUESTS[op]
    customer = (await harness.ok("GET", "/v1/customers", params={"limit": 1}))["data"][0]
    ids = {"customer": customer["id"]}
    if "{item}" in request.path:
        ids["item"] = (await harness.ok("GET", "/v1/items", params={"limit": 1}))["data"][0]["id"]
    answer = await harness.ok(
        request.method,
        request.path_for(**ids),
        body=request.body_of(self.samples),
        params=request.params,
    )
    assert isinstance(answer, dict)
    found = answer.get("data", [answer])
    assert isinstance(found, list)
    assert all(
        str(row.get("id", f"{CONNECTION}:")).startswith(f"{CONNECTION}:") for row in found
    ), "an answer names a record of another connection"


def checks(declared: Declared, samples: Samples) -> Checks:
    found: Checks = {}
    creates = [k for k, w in WRITTEN.items() if declared.can(w.create, w.list)]
    updates = [k for k, w in WRITTEN.items() if declared.can(w.update, w.list)]
    deletes = [k for k, w in WRITTEN.items() if declared.can(w.delete, w.list)]
    if creates:
        found["test_create_answers_what_reads_show"] = case(
            test_create_answers_what_reads_show, "kind", creates
        )
    if updates:
        found["test_patch_changes_what_it_names"] = case(
            test_patch_changes_what_it_names, "kind", updates
        )
    if deletes:
        found["test_delete_then_404"] = case(test_delete_then_404, "kind", deletes)
    if declared.can(Operation.LIST_CONTACTS, Operation.GET_CONTACT):
        found["test_a_contact_is_only_its_customers"] = case(test_a_contact_is_only_its_customers)
    actions = [op for op in ACTIONS if declared.can(op, Operation.LIST_CUSTOMERS)]
    if actions:
        found["test_a_declared_operation_answers"] = case(
            test_a_declared_operation_answers, "op", actions
        )
    return found
