"""A connection's field mapping on HubSpot (docs/field-mapping.md): sources are
property names, read (and so asked for: HubSpot answers only the properties named)
and written as properties, checked against the properties the adapter writes."""

from __future__ import annotations

import pytest

from adapters.field_mapping import MappingProblems
from adapters.hubspot.adapter import HubSpotAdapter
from adapters.hubspot.simulator import HubSpotSimulator
from tests.adapters.hubspot.conftest import CONFIG, gateway_app
from tests.conftest import client_for, sandbox_of

pytestmark = pytest.mark.anyio
MAPPED = CONFIG.replace(
    "    changes:",
    "    field_mapping:\n"
    "      customer: {extra.lead_status: hs_lead_status, extra.created: createdAt}\n"
    "      contact: {extra.fax: fax}\n"
    "    changes:",
)


async def test_mapped_properties_are_read_written_and_named_in_errors() -> None:
    app = gateway_app(MAPPED)
    simulator = sandbox_of(app, "hubspot").simulator
    assert isinstance(simulator, HubSpotSimulator)
    try:
        async with client_for(app) as api:
            listed = (await api.get("/v1/customers", params={"limit": 100})).json()["data"]
            stored = {
                c["id"]: c.get("hs_lead_status") for c in simulator.account.companies.values()
            }
            assert {c["remote_id"]: c["extra"]["lead_status"] for c in listed} == stored
            created = {c["id"]: c["created_at"] for c in simulator.account.companies.values()}
            assert {c["remote_id"]: c["extra"]["created"] for c in listed} == created
            simulator.sandbox.calls.clear()
            patched = await api.patch(
                "/v1/customers/hubspot:9001", json={"extra": {"lead_status": "CONNECTED"}}
            )
            assert patched.json()["extra"]["lead_status"] == "CONNECTED"
            assert simulator.account.companies["9001"]["hs_lead_status"] == "CONNECTED"
            calls = simulator.sandbox.calls
            reads = [c for c in calls if c.method == "GET" and c.path.endswith("/companies/9001")]
            assert reads and all("hs_lead_status" in c.query for c in reads)  # named
            refused = await api.patch(
                "/v1/customers/hubspot:9001", json={"extra": {"lead_status": "KEEN"}}
            )
            assert refused.status_code == 422
            [detail] = refused.json()["error"]["details"]
            assert detail["field"] == "extra.lead_status" and "KEEN" in detail["message"]
            contact = await api.patch(
                "/v1/customers/hubspot:123456/contacts/hubspot:101",
                json={"extra": {"fax": "+1 555 0100"}},
            )
            assert contact.json()["extra"]["fax"] == "+1 555 0100"
            assert simulator.account.contacts["101"]["fax"] == "+1 555 0100"
    finally:
        await app.state.runtime.aclose()


def test_a_mapping_onto_a_property_the_adapter_writes_is_refused() -> None:
    with pytest.raises(MappingProblems) as caught:
        HubSpotAdapter.compile_mapping("hubspot", {"customer": {"extra.town": "city"}})
    assert "'city' is where the adapter writes billing_address" in str(caught.value)
    with pytest.raises(MappingProblems):
        HubSpotAdapter.compile_mapping("hubspot", {"item": {"extra.x": "y"}})
