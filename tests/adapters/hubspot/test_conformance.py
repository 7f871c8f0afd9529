"""HubSpot against the adapter conformance suite (adapters/testing/): what its class
declares is checked; these samples say what only HubSpot's docs tell (the companies,
contacts and error-response guides; their examples are in adapters/hubspot/fixtures/)."""

from __future__ import annotations

from adapters.testing import ConsoleEdits, Refusal, Samples, Shape, suite

SAMPLES = Samples(
    refusals=[
        # numberofemployees is a number property: "a dozen was not a valid long."
        Refusal(
            "PATCH",
            "/v1/customers/{connection}:9001",
            {"extra": {"numberofemployees": "a dozen"}},
            422,
            "extra.numberofemployees",
            400,
        ),
        # the docs' own contact (seeded) holds this email; HubSpot keeps emails unique
        Refusal(
            "POST",
            "/v1/customers/{connection}:9001/contacts",
            {"name": "Jane", "email": "EXAMPLE@hubspot.com"},
            409,
            "email",
            409,
        ),
    ],
    custom_fields={"customer": "property_string", "contact": "fax"},
    changes={
        "customer": ConsoleEdits({"phone": "+1 555 0100"}, ["phone"]),
        # made in the UI with its company: the copy keeps associatedcompanyid
        "contact": ConsoleEdits(
            {"jobtitle": "Head of Procurement"}, ["title"], {"email": "ui@hubspot.test"}
        ),
    },
    shapes=[
        Shape("customer", "list", "list_page", "results.0"),
        Shape("customer", "single", "object"),
    ],
    auth="{type: bearer, token: pat-na1-conformance}",
    rate_limit_body={
        "status": "error",
        "message": "You have reached your ten secondly limit.",
        "errorType": "RATE_LIMIT",
        "policyName": "TEN_SECONDLY_ROLLING",
    },
)

TestConformance = suite("hubspot", SAMPLES)
