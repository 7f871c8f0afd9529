"""Field mapping (API.md section 10) on an upstream key the adapter does not know: for
each kind a mapping may address (``mapping_kinds``), ``extra.conformance_probe`` is
mapped from the tenant's own field (``Samples.custom_fields``). A value written
through the gateway lands at that path upstream and reads back in single reads and
list rows; a value set there behind the gateway's back reads as the probe."""

from __future__ import annotations

import copy
from typing import Any

from adapters.field_mapping import Kind
from adapters.field_mapping import Path as DotPath
from adapters.testing.declared import Declared
from adapters.testing.harness import PROBE, Harness, Lab, remote
from adapters.testing.samples import Samples
from adapters.testing.suite import Checks, Suite, case
from adapters.testing.writes import WRITTEN, collection


def held(harness: Harness, kind: Kind, canonical: str) -> dict[str, Any]:
    where = harness.console.collections[kind]
    return where.records[where.key(remote(canonical))]


async def probes(harness: Harness, path: str, canonical: str) -> tuple[Any, Any]:
    """The probe as a single read and as the list row of record ``canonical`` show it."""
    single = await harness.ok("GET", f"{path}/{canonical}")
    rows = [row for row in await harness.rows(path, limit=100) if row["id"] == canonical]
    assert len(rows) == 1, f"{canonical} is not listed once"
    return single["extra"].get(PROBE), rows[0]["extra"].get(PROBE)


async def test_a_mapped_field_reads_and_writes_at_its_path(
    self: Suite, lab: Lab, kind: Kind
) -> None:
    source = self.samples.custom_fields.get(kind)
    assert source is not None, (
        f"{self.declared.name} lets a field mapping address {kind}s: name a field its "
        f"tenants keep that the adapter does not map (Samples.custom_fields[{kind!r}])"
    )
    harness = lab.open(field_mapping=True)
    path = await collection(harness, kind)
    record = (await harness.ok("GET", path, params={"limit": 1}))["data"][0]
    writes = self.declared.can(WRITTEN[kind].update)
    console = harness.holds(kind)
    assert writes or console, f"{kind}s are neither written nor in the console: cannot check"
    if writes:
        value = f"written-through-the-gateway-{kind}"
        body = {"extra": {PROBE: value}}
        patched = await harness.ok("PATCH", f"{path}/{record['id']}", body=body)
        assert patched["extra"][PROBE] == value
        assert await probes(harness, path, record["id"]) == (value, value)
        if console:
            assert DotPath.parse(source).get(held(harness, kind, record["id"])) == value
    if console:
        value = f"set-behind-the-gateways-back-{kind}"
        at = DotPath.parse(source)
        changed = {at.top: copy.deepcopy(held(harness, kind, record["id"]).get(at.top))}
        at.put(changed, value)
        harness.console.update(kind, remote(record["id"]), changed)
        assert await probes(harness, path, record["id"]) == (value, value)


def checks(declared: Declared, samples: Samples) -> Checks:
    kinds = [kind for kind in declared.mapping_kinds if declared.can(WRITTEN[kind].list)]
    if not kinds:
        return {}
    return {
        "test_a_mapped_field_reads_and_writes_at_its_path": case(
            test_a_mapped_field_reads_and_writes_at_its_path, "kind", kinds
        )
    }
