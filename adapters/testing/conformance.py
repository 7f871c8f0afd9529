"""``suite``: the conformance suite of one adapter, as a pytest test class.

The checks that apply are chosen from what the adapter's class declares (adapters/
testing/declared.py), each a test of the class, so a report names what failed
(``TestConformance::test_filter_keeps_what_the_predicate_keeps[name]``). Nothing is
skipped: a check that does not apply is not there.
"""

from __future__ import annotations

from adapters.testing import changes, errors, filters, lists, mapping, shapes, writes
from adapters.testing.declared import Declared
from adapters.testing.samples import Samples
from adapters.testing.suite import Checks, Suite

MODULES = (lists, filters, writes, errors, mapping, changes, shapes)


def suite(adapter: str, samples: Samples | None = None, *, api_version: int | None = None) -> type:
    """The test class running every check adapter ``adapter`` (at ``api_version``)
    declares, with ``samples`` for what only its upstream's docs tell."""
    declared = Declared(adapter, api_version)
    given = samples or Samples()
    tests: Checks = {}
    for module in MODULES:
        tests.update(module.checks(declared, given))
    label = declared.label.replace(" ", "_")
    return type(
        f"TestConformance_{label}",
        (Suite,),
        {"declared": declared, "samples": given, "__module__": Suite.__module__, **tests},
    )
