"""A HubSpot simulator spoken to directly, and a gateway built from its own config text
with one HubSpot sandbox connection (the shared tests/conftest.py config is not used)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from adapters.hubspot.simulator import HubSpotSimulator
from gateway.app import create_app
from gateway.config.text import parse_config
from tests.conftest import fixture, sandbox_client, sandbox_of

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
CONFIG = f"""
server:
  default_connection: hubspot
  cursor_secret: test-cursor-secret
api_keys:
  - {{name: demo, key: demo-key,
     scopes: [customers:read, customers:write, customers:delete, passthrough]}}
connections:
  hubspot:
    adapter: hubspot
    base_url: "sandbox:"
    auth: {{type: bearer, token: {TOKEN}}}
    changes: {{poll_every: 3600, resources: [customers, contacts]}}
"""


def doc(name: str) -> Any:
    """A HubSpot docs example payload (adapters/hubspot/fixtures/)."""
    return fixture("hubspot", name)


@pytest.fixture
def simulator() -> HubSpotSimulator:
    return HubSpotSimulator(token=TOKEN)


@pytest.fixture
async def hubspot(simulator: HubSpotSimulator) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the simulator, as the adapter calls it."""
    async with sandbox_client(simulator.sandbox, "https://api.hubapi.com", TOKEN) as client:
        yield client


def gateway_app(config: str = CONFIG) -> Starlette:
    return create_app(parse_config(config, env={}))


@pytest.fixture
async def app() -> AsyncIterator[Starlette]:
    app = gateway_app()
    yield app
    await app.state.runtime.aclose()


@pytest.fixture
def api(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The gateway's API, as a client with the demo key calls it (tests/conftest.py's
    ``client``, on the HubSpot ``app`` above)."""
    return client


@pytest.fixture
def served(app: Starlette) -> HubSpotSimulator:
    """The simulator behind the gateway's HubSpot connection."""
    found = sandbox_of(app, "hubspot").simulator
    assert isinstance(found, HubSpotSimulator)
    return found
