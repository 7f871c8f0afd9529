"""The adapter conformance suite: the canonical contract every adapter passes.

An adapter opts in from its test folder with a few lines
(``tests/adapters/<name>/test_conformance.py``)::

    from adapters.testing import Samples, suite

    TestConformance = suite("hubspot", Samples(customer={"name": "Acme"}))

``suite`` reads what the adapter's class declares (capabilities, native and emulated
filters and their types, sorts, ``list_omits``, field-mapping kinds, its remote ID
pattern; declared.py) and makes a pytest class of the checks that apply, each driving
the gateway's ASGI app over HTTP with the adapter's ``sandbox:`` simulator behind it
(harness.py): paging to the end at several limits (lists.py), every declared filter
against its canonical predicate and every sort (filters.py), write round trips and the
other declared operations (writes.py), errors and 501 for what is not declared
(errors.py), field mapping (mapping.py), change detection (changes.py) and the
upstream's answer keys against its docs' examples (shapes.py). ``Samples``
(samples.py) is what only the upstream's docs tell: bodies, refusals, custom fields,
console edits, examples.

The gateway comes from the fixture ``conformance_gateway`` of ``tests/adapters/
conftest.py``: ``adapters/`` never imports ``gateway/``. This package is for tests
only (it imports pytest); nothing in the gateway imports it.
"""

from __future__ import annotations

import pytest

# The checks' asserts explain themselves as a test's do: registered before the
# modules holding them are imported.
pytest.register_assert_rewrite(
    *(
        f"adapters.testing.{module}"
        for module in (
            "canonical",
            "changes",
            "errors",
            "filters",
            "lists",
            "mapping",
            "shapes",
            "writes",
        )
    )
)

from adapters.testing.conformance import suite  # noqa: E402
from adapters.testing.samples import ConsoleEdits, Edits, Refusal, Samples, Shape  # noqa: E402

__all__ = ["ConsoleEdits", "Edits", "Refusal", "Samples", "Shape", "suite"]
