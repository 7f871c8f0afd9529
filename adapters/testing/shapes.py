"""Answer shapes: the upstream's records, as the gateway receives them, carry exactly the
keys the docs' examples show (``Samples.shapes``), less the tenant's own fields.

Read through the gateway with ``include_remote_data=true``: every list row's raw
object (or single read's, for the first records) has the example's keys, and the docs'
own record, where the simulator seeds it, matches the example at every depth
(adapters/testing/answer_keys.py)."""

from __future__ import annotations

from typing import Any

from adapters.sandbox.helpers import fixture
from adapters.testing.answer_keys import documented, own_keys
from adapters.testing.declared import Declared
from adapters.testing.harness import Harness, remote
from adapters.testing.samples import Samples, Shape
from adapters.testing.suite import Checks, Suite, case

PATHS = {"customer": "/v1/customers", "item": "/v1/items"}
SINGLE_READS = 30


def example_of(declared: Declared, shape: Shape) -> dict[str, Any]:
    """The record at ``shape.at`` in the adapter's fixture ``shape.example``."""
    found: Any = fixture(declared.adapter.__module__.split(".")[1], shape.example)
    for step in filter(None, shape.at.split(".")):
        found = found[int(step)] if step.isdigit() else found[step]
    assert isinstance(found, dict), f"{shape.example} has no record at {shape.at!r}"
    return found


async def test_upstream_records_have_the_docs_keys(
    self: Suite, harness: Harness, index: int
) -> None:
    shape = self.samples.shapes[index]
    example = example_of(self.declared, shape)
    keys = {shape.renamed.get(key, key) for key in example} | set(shape.beyond)
    path = PATHS[shape.kind]
    rows = await harness.rows(path, limit=100, include_remote_data="true")
    if shape.read == "single":
        rows = [
            await harness.ok("GET", f"{path}/{row['id']}", params={"include_remote_data": "true"})
            for row in rows[:SINGLE_READS]
        ]
    assert rows
    for row in rows:
        assert own_keys(row["remote_data"], shape.custom) == keys, row["id"]
    docs_own = [row for row in rows if remote(row["id"]) == str(example.get("id"))]
    if docs_own and not shape.renamed and not shape.beyond:
        assert documented(docs_own[0]["remote_data"], example, shape.custom) == set()


def checks(declared: Declared, samples: Samples) -> Checks:
    if not samples.shapes:
        return {}
    return {
        "test_upstream_records_have_the_docs_keys": case(
            test_upstream_records_have_the_docs_keys, "index", range(len(samples.shapes))
        )
    }
