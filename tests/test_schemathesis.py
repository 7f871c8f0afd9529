"""schemathesis against the app: in process on the default (sandbox) config, or, with
``FUZZ_URL`` set, against a served gateway (``make fuzz``: 200 examples per operation)."""

from __future__ import annotations

import os
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.generation.meta import GenerationMode, ParameterLocation
from starlette.types import Receive, Scope, Send

from gateway.app import create_app
from gateway.config.text import load_config

ROOT = Path(__file__).parent.parent
gateway = create_app(load_config(ROOT / "config.yaml"))


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """The gateway as a server runs it: one lifetime for the whole test, however often
    the test client opens and closes a lifespan around its calls."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await gateway(scope, receive, send)


LIVE = os.environ.get("FUZZ_URL")
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
schema = (
    schemathesis.openapi.from_url(f"{LIVE}/openapi.json")
    if LIVE
    else schemathesis.openapi.from_asgi("/openapi.json", app)
)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api(case: schemathesis.Case) -> None:
    # A case made invalid in its headers (e.g. Authorization left out) is sent as made:
    # adding the demo key would repair it, and its refusal is what is being tested.
    headers = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    broken = headers is not None and headers.mode is GenerationMode.NEGATIVE
    case.call_and_validate(headers=None if broken else {"Authorization": "Bearer demo-key"})
