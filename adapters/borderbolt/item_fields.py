"""What BorderBolt's item master docs say an item is (upstream-docs/borderbolt-item-master
.txt): every field a body may set, and the keys a list row carries (a single read and
a write answer carry more). The adapter (mapping, ``list_omits``) and the simulator read
them from here, so the docs are written down once."""

from __future__ import annotations

# Fields beyond the code and the customer, by their upstream names (the canonical
# names are the same).
DETAIL = (
    "description",
    "hs_code",
    "taric_code",
    "country_of_origin",
    "preferential_origin",
    "net_weight",
    "gross_weight",
    "supplementary_units",
    "unit_value",
    "unit_currency",
    "duty_rate",
    "vat_rate",
    "licensing_required",
    "packaging_type",
    "packaging_marks",
    "manufacturer_name",
    "manufacturer_part_number",
    "sku",
    "part_number",
    "notes",
)
# What a body may set: the code, the customer and the detail.
WRITABLE = ("item_code", "customer_id", *DETAIL)
# The keys of a list row, as the doc's list example shows them.
LIST_ROW = (
    "id",
    "item_code",
    "description",
    "hs_code",
    "country_of_origin",
    "status",
    "net_weight",
    "gross_weight",
    "sku",
    "part_number",
    "unit_value",
    "unit_currency",
    "created_at",
    "updated_at",
    "verified_at",
    "attributes",  # the tenant's own fields, beyond the doc's row (API.md §10 maps them)
)
