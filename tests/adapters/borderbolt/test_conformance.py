"""BorderBolt against the adapter conformance suite (adapters/testing/): what its class
declares is checked; these samples say what only its docs tell
(upstream-docs/borderbolt-customers.txt, borderbolt-item-master.txt)."""

from __future__ import annotations

from adapters.testing import ConsoleEdits, Refusal, Samples, Shape, suite

CUSTOMER_CUSTOM = ("internal_reference", "settings")  # the tenant's own fields
SAMPLES = Samples(
    customer={"code": "CONF-001", "name": "Conformance B.V."},
    refusals=[
        Refusal("POST", "/v1/customers", {"code": "CUST001", "name": "Dup"}, 409, "code", 422),
        Refusal(
            "POST",
            "/v1/customers",
            {"code": "X9", "name": "A", "eori_number": "bad"},
            422,
            "eori_number",
            422,
        ),
        # customer 506 has linked declarations (every fifth does)
        Refusal("DELETE", "/v1/customers/{connection}:506", None, 409, None, 409),
        Refusal("POST", "/v1/items", {"code": "PROD-001", "description": "Dup"}, 409, "code", 422),
    ],
    custom_fields={
        "customer": "settings.incoterm",
        "contact": "extension",
        "item": "attributes.brand",
    },
    changes={
        "customer": ConsoleEdits(
            {"customer_name": "Renamed In BorderBolt B.V."}, ["name"], {"customer_code": "UI-1"}
        ),
        "contact": ConsoleEdits({"position": "Head of Customs"}, ["title"]),
        "item": ConsoleEdits(
            {"description": "Renamed in the item master"}, ["description"], {"item_code": "UI-1"}
        ),
    },
    shapes=[
        Shape("customer", "list", "list_customers", "data.0", CUSTOMER_CUSTOM),
        Shape("customer", "single", "get_customer", "data", CUSTOMER_CUSTOM),
        Shape("item", "list", "item_list", "data.0", ("attributes",)),
        # "Get Item" is "a single item with all details"; its example leaves customer_id out
        Shape("item", "single", "item_get", "data", ("attributes",), beyond=("customer_id",)),
    ],
)

TestConformance = suite("borderbolt", SAMPLES)
