"""kernel/wording.py: how messages name things."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, Field, ValidationError

from kernel.wording import (
    did_you_mean,
    field_problems,
    in_words,
    observed,
    one_of,
    problem,
    sentence,
)
from schemas.customer import CustomerCreate


def test_lists_are_words() -> None:
    assert in_words([]) == "" and in_words(["a"]) == "a"
    assert in_words(["a", "b"]) == "a or b"
    assert in_words(["a", "b", "c"], "and") == "a, b and c"
    assert one_of(["shop", "crm", "borderbolt"]) == "one of borderbolt, crm or shop"
    assert one_of(["crm"]) == "crm"


def test_did_you_mean_ignores_case_keeps_the_name_and_skips_the_far_or_long() -> None:
    assert did_you_mean("EUShop", ["EU-shop", "crm"]) == "; did you mean 'EU-shop'?"
    assert did_you_mean("zzz", ["limit", "cursor"]) == ""
    assert did_you_mean("limit" * 20, ["limit"]) == ""


@pytest.mark.parametrize(
    ("error", "said"),
    [
        ({"type": "missing", "loc": ("name",), "msg": ""}, "name is required"),
        ({"type": "string_type", "loc": ("name",), "msg": ""}, "name must be text"),
        ({"type": "greater_than_equal", "loc": ("n",), "msg": "", "ctx": {}}, "n is out of range"),
        ({"type": "something_new", "loc": ("n",), "msg": "Input should be odd"}, "n is not valid"),
        (
            {
                "type": "union_tag_not_found",
                "loc": ("auth",),
                "msg": "",
                "ctx": {"discriminator": "type"},
            },
            "auth needs type",
        ),
    ],
)
def test_every_pydantic_error_makes_a_sentence(error: dict[str, Any], said: str) -> None:
    assert sentence(error["loc"][0], problem(error)) == said


def test_upstream_data_is_described_as_what_it_is() -> None:
    assert observed({"type": "string_type", "loc": (), "msg": ""}) == "is not text"
    assert observed({"type": "missing", "loc": (), "msg": ""}) == "is missing"
    assert observed({"type": "something_new", "loc": (), "msg": ""}) == "is not valid"


def test_an_unknown_field_is_matched_against_its_own_level() -> None:
    class Inner(BaseModel, extra="forbid"):
        city: str | None = None

    class Outer(BaseModel, extra="forbid"):
        homes: list[Inner] = Field(default_factory=list)

    with pytest.raises(ValidationError) as caught:
        Outer.model_validate({"homes": [{"citty": "x"}], "home": []})
    assert field_problems(Outer, caught.value) == [
        ("homes[0].citty", "not a field here; did you mean 'city'?"),
        ("home", "not a field here; did you mean 'homes'?"),
    ]
    with pytest.raises(ValidationError) as body:
        CustomerCreate.model_validate({"name": "A", "billing_address": {"zip": "1"}})
    assert (
        "billing_address.zip",
        "not a field here: one of city, country, house_number, line1, line2, postal_code or state",
    ) in field_problems(CustomerCreate, body.value)
