"""The gateway the adapter conformance suite drives (adapters/testing/harness.py): the
kit lives in ``adapters/``, which never imports ``gateway/``, so the test tree hands
it one."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from starlette.applications import Starlette

from adapters.sandbox import Sandbox
from adapters.testing.harness import Gateway, StartGateway
from gateway.app import create_app, shutdown
from gateway.changes import poller
from gateway.config.text import parse_config


@dataclass
class AppGateway:
    """The ASGI app of one config, its simulators and its poller."""

    app: Starlette

    def sandbox(self, connection: str) -> Sandbox:
        found: Sandbox = self.app.state.runtime.connections[connection].sandbox
        return found

    async def poll(self, connection: str) -> bool:
        """A scan as one that starts well after any write before it: no allowance for
        clock skew between instances hides a write's difference from the list rows."""
        skew, poller.CLOCK_SKEW = poller.CLOCK_SKEW, -1.0
        try:
            done: bool = await self.app.state.host.pollers.scan_now(connection)
        finally:
            poller.CLOCK_SKEW = skew
        return done

    async def aclose(self) -> None:
        await shutdown(self.app)


@pytest.fixture
def conformance_gateway() -> StartGateway:
    def start(text: str) -> Gateway:
        return AppGateway(create_app(parse_config(text, env={})))

    return start
