"""Inventorum, API v9 and v10, against the adapter conformance suite (adapters/testing/):
what its class declares is checked; these samples say what only its docs tell
(upstream-docs/inventorum-customers.txt)."""

from __future__ import annotations

from dataclasses import replace

from adapters.testing import ConsoleEdits, Refusal, Samples, Shape, suite

CUSTOM = ("loyalty", "tags")  # the tenant's own fields
SAMPLES = Samples(
    refusals=[
        Refusal(
            "PATCH",
            "/v1/customers/{connection}:553910",
            {"extra": {"title": "Dr."}},
            422,
            "extra.title",
            400,
        )
    ],
    custom_fields={"customer": "loyalty.tier"},
    changes={"customer": ConsoleEdits({"email": "till@example.de"}, ["email"])},
    shapes=[
        Shape("customer", "list", "list_customers", "data.0", CUSTOM),
        Shape("customer", "single", "get_customer_wrapped", "data.0", CUSTOM),
    ],
)
# The docs show v10; v9 answers carry phone_numbers (a list) where v10 has phone_number.
V9 = {"phone_number": "phone_numbers"}
SAMPLES_V9 = replace(SAMPLES, shapes=[replace(s, renamed=V9) for s in SAMPLES.shapes])

TestConformanceV10 = suite("inventorum", SAMPLES, api_version=10)
TestConformanceV9 = suite("inventorum", SAMPLES_V9, api_version=9)
