"""Change detection (API.md section 9): records created, updated and deleted behind the
gateway's back, in the simulator's console as an upstream user would, are reported
by the poller exactly once; writes made through the gateway are reported by the
gateway and never again by the poller. One check per kind the adapter lists, each
with a poller scanning only that kind."""

from __future__ import annotations

from typing import Any

from adapters.field_mapping import Kind
from adapters.testing.declared import Declared
from adapters.testing.harness import Harness, Lab, remote
from adapters.testing.samples import Change, Samples
from adapters.testing.suite import Checks, Suite, case
from adapters.testing.writes import WRITTEN, collection

PLURAL = {"customer": "customers", "contact": "contacts", "item": "items"}


def normal(changes: list[Change]) -> list[Change]:
    """Events in a comparable order, their changed fields sorted."""
    sorted_fields = [(t, i, sorted(f) if f is not None else None) for t, i, f in changes]
    return sorted(sorted_fields, key=str)


async def first_key(harness: Harness, kind: Kind) -> str:
    """The remote ID of the first record of ``kind`` the gateway lists."""
    if kind != "contact":
        path = "/v1/customers" if kind == "customer" else "/v1/items"
        return remote((await harness.ok("GET", path, params={"limit": 1}))["data"][0]["id"])
    return remote((await harness.ok("GET", await collection(harness, kind)))["data"][0]["id"])


async def test_changes_behind_the_gateways_back_are_reported_once(
    self: Suite, lab: Lab, kind: Kind
) -> None:
    edits = self.samples.changes.get(kind)
    assert edits is not None, (
        f"{self.declared.name} lists {kind}s: say how its console edits them "
        f"(Samples.changes[{kind!r}])"
    )
    harness = lab.open(changes=PLURAL[kind])
    key = await first_key(harness, kind)
    assert await harness.poll(), "the first scan failed"
    assert await harness.events() == [], "the first scan is a baseline: it reports nothing"
    changed = edits.update(harness.console, kind, key)
    made = edits.create(harness.console, kind, key)
    expected = [(f"{kind}.updated", key, changed), (f"{kind}.created", made, None)]
    for _ in range(2):  # the second scan finds nothing new
        assert await harness.poll()
        found = await harness.events()
        assert normal(found) == normal(expected), "changes not reported exactly once"
    edits.delete(harness.console, kind, made)
    for _ in range(2):
        assert await harness.poll()
        assert await harness.events() == [*found, (f"{kind}.deleted", made, None)]


async def test_writes_through_the_gateway_are_not_reported_again(
    self: Suite, lab: Lab, kind: Kind
) -> None:
    harness = lab.open(changes=PLURAL[kind])
    assert await harness.poll()
    written = WRITTEN[kind]
    path = await collection(harness, kind)
    made: dict[str, Any] | None = None
    if self.declared.can(written.create):
        made = await harness.ok("POST", path, body=getattr(self.samples, kind))
    if self.declared.can(written.update):
        record = made or (await harness.ok("GET", path, params={"limit": 1}))["data"][0]
        patch = getattr(self.samples, f"{kind}_patch")
        await harness.ok("PATCH", f"{path}/{record['id']}", body=patch)
    if made is not None and self.declared.can(written.delete):
        again = await harness.ok("POST", path, body=_another(getattr(self.samples, kind)))
        await harness.ok("DELETE", f"{path}/{again['id']}")
    reported = await harness.events()
    assert reported, "the writes were not reported"
    assert await harness.poll() and await harness.poll()
    assert await harness.events() == reported, "the poller reported a gateway write again"


def _another(body: dict[str, Any]) -> dict[str, Any]:
    """The sample body for a second record (a code or email an upstream keeps unique
    changed)."""
    unique = {"code": f"{body.get('code')}-2", "email": f"2.{body.get('email')}"}
    return {**body, **{key: value for key, value in unique.items() if key in body}}


def checks(declared: Declared, samples: Samples) -> Checks:
    found: Checks = {}
    if declared.kinds:
        found["test_changes_behind_the_gateways_back_are_reported_once"] = case(
            test_changes_behind_the_gateways_back_are_reported_once, "kind", declared.kinds
        )
    written = [
        kind
        for kind in declared.kinds
        if declared.can(WRITTEN[kind].create) or declared.can(WRITTEN[kind].update)
    ]
    if written:
        found["test_writes_through_the_gateway_are_not_reported_again"] = case(
            test_writes_through_the_gateway_are_not_reported_again, "kind", written
        )
    return found
