"""The docs' HubSpot connection (its notes in docs/upstreams.md) is a working connection."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.config.text import parse_config
from tests.adapters.hubspot.conftest import CONFIG, gateway_app
from tests.conftest import client_for

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).parents[3]


def example() -> str:
    """The YAML block of the docs' HubSpot notes, as a ``connections:`` entry."""
    readme = (ROOT / "docs" / "upstreams.md").read_text(encoding="utf-8")
    notes = readme[readme.index("- **HubSpot**") :]
    block = notes[notes.index("```yaml\n") + 8 : notes.index("  ```\n")]
    return "".join(f"{line}\n" for line in block.splitlines())


async def test_the_readme_example_connects() -> None:
    head = CONFIG[: CONFIG.index("connections:\n") + len("connections:\n")]
    config = parse_config(head + example(), env={"HUBSPOT_TOKEN": "pat-na1-example"})
    hubspot = config.connections["hubspot"]
    assert (hubspot.adapter, hubspot.base_url) == ("hubspot", "https://api.hubapi.com")
    assert hubspot.changes.resources == ["customers", "contacts"]
    served = head + example().replace('"https://api.hubapi.com"', '"sandbox:"')
    app = gateway_app(served.replace("${HUBSPOT_TOKEN}", "pat-na1-example"))
    try:
        async with client_for(app) as api:
            page = (await api.get("/v1/customers", params={"limit": 2})).json()
    finally:
        await app.state.runtime.aclose()
    assert [c["id"] for c in page["data"]] == ["hubspot:9001", "hubspot:9002"]
