"""The adapter contract: capabilities are declared and match what is implemented."""

from __future__ import annotations

import re

import pytest

from adapters import ADAPTERS
from adapters.base import Adapter, Operation
from adapters.paging import page_span


def test_registry() -> None:
    assert set(ADAPTERS) == {"borderbolt", "crm", "hubspot", "inventorum"}
    for name, adapter in ADAPTERS.items():
        assert adapter.name == name


def test_undeclared_capabilities_are_refused() -> None:
    with pytest.raises(TypeError, match="must declare"):
        type("NoDecl", (Adapter,), {})


def test_declared_but_unimplemented_is_refused() -> None:
    with pytest.raises(TypeError, match="declares but does not implement"):
        type("Liar", (Adapter,), {"capabilities": frozenset({Operation.GET_CUSTOMER})})


def test_implemented_but_undeclared_is_refused() -> None:
    async def get_customer(self, remote_id, *, include_remote_data=False):
        raise AssertionError

    with pytest.raises(TypeError, match="does not declare"):
        type(
            "Shy",
            (Adapter,),
            {
                "capabilities": frozenset(),
                "get_customer": get_customer,
                "remote_id_pattern": re.compile("x"),
            },
        )


@pytest.mark.parametrize(
    ("offset", "limit", "cap", "expected"),
    [
        (0, 25, 100, (25, 1, 1, 0)),
        (50, 25, 100, (25, 3, 3, 0)),
        (7, 30, 100, (100, 1, 1, 7)),
        (95, 10, 100, (100, 1, 2, 95)),
        (0, 100, 30, (30, 1, 4, 0)),
        (40, 100, 30, (30, 2, 5, 10)),
    ],
)
def test_page_span(offset: int, limit: int, cap: int, expected: tuple[int, int, int, int]) -> None:
    span = page_span(offset, limit, cap)
    assert (span.per_page, span.first, span.last, span.skip) == expected
    rows = list(range(1000))
    fetched = [r for p in span.pages for r in rows[(p - 1) * span.per_page : p * span.per_page]]
    assert fetched[span.skip : span.skip + limit] == rows[offset : offset + limit]
