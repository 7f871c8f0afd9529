"""The base of every generated suite class: its declarations and fixtures.

``conformance.suite`` subclasses ``Suite`` with one adapter's ``declared`` and
``samples`` and the checks that apply to them. The ``conformance_gateway`` fixture
(a ``StartGateway``) comes from the test tree's conftest (adapters/testing/harness.py).
"""

from __future__ import annotations

import types
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, ClassVar

import pytest

from adapters.testing.declared import Declared
from adapters.testing.harness import Harness, Lab, StartGateway
from adapters.testing.samples import Samples


class Suite:
    declared: ClassVar[Declared]
    samples: ClassVar[Samples]
    pytestmark: ClassVar[list[pytest.MarkDecorator]] = [pytest.mark.anyio]

    @pytest.fixture
    async def lab(self, conformance_gateway: StartGateway) -> AsyncIterator[Lab]:
        """Gateways opened by one test, closed after it."""
        lab = Lab(conformance_gateway, self.declared, self.samples)
        try:
            yield lab
        finally:
            await lab.aclose()

    @pytest.fixture
    def harness(self, lab: Lab) -> Harness:
        """A gateway serving the adapter's sandbox with the plain config."""
        return lab.open()


Check = Callable[..., Awaitable[None]]
Checks = dict[str, Any]  # test name -> test function (parametrized where it says so)


def case(test: Check, names: str | Sequence[str] | None = None, values: Sequence[Any] = ()) -> Any:
    """A copy of ``test`` for one suite class (pytest keeps marks on the function
    object, and each adapter's suite has its own), parametrized when ``names`` given."""
    copy = types.FunctionType(
        test.__code__, test.__globals__, test.__name__, test.__defaults__, test.__closure__
    )
    copy.__doc__, copy.__qualname__ = test.__doc__, test.__qualname__
    copy.__annotations__ = dict(getattr(test, "__annotations__", {}))
    if names is None:
        return copy
    assert values, f"{test.__name__}: nothing to check"
    return pytest.mark.parametrize(names, list(values))(copy)
