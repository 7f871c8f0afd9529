"""The typed clients: generated from today's document with no warning (else stale), the
TypeScript sample compiles, and the README tour runs through the Python client against a
served gateway (a real ``gateway serve`` process on the default sandbox config)."""

from __future__ import annotations

import asyncio
import filecmp
import importlib
import io
import pkgutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import clients
from tests.servers import Process, demo_gateway

sys.path.insert(0, str(clients.CLIENTS / "python"))  # the committed client, as a user has it
import customer_gateway_client
from customer_gateway_client import AuthenticatedClient
from customer_gateway_client.api.admin import admin_config_validate
from customer_gateway_client.api.customers import (
    customers_create,
    customers_delete,
    customers_list,
    customers_retrieve,
    customers_update,
)
from customer_gateway_client.models import (
    AddressInput,
    ConnectionName,
    Customer,
    CustomerCreate,
    CustomerPatch,
    CustomersListSort,
    ErrorEnvelope,
    PageCustomer,
)
from customer_gateway_client.types import File


def _differences(left: Path, right: Path) -> list[str]:
    """Files that differ, or are only on one side, between two folders (recursively)."""
    compared = filecmp.dircmp(left, right)
    found = [str(left / n) for n in compared.left_only + compared.right_only + compared.diff_files]
    found += [str(left / n) for n in compared.funny_files]
    for name in compared.common_dirs:
        found += _differences(left / name, right / name)
    return found


def test_the_committed_clients_are_todays_and_generated_without_warning(tmp_path: Path) -> None:
    clients.ensure_node_tools()
    said = clients.generate(tmp_path, asyncio.run(clients.fetch_document()))
    assert "warning" not in said.lower(), said  # every operation generated (issue 33)
    stale = [
        name
        for name in clients.GENERATED
        if (tmp_path / name).is_file()
        and (tmp_path / name).read_bytes() != (clients.CLIENTS / name).read_bytes()
    ]
    stale += _differences(clients.CLIENTS / "python", tmp_path / "python")
    assert stale == [], "the clients are stale: run make clients and commit them"


def test_the_typescript_sample_compiles() -> None:
    node_bin = clients.ensure_node_tools()
    done = subprocess.run(
        [str(node_bin / "tsc"), "--noEmit", "-p", "tsconfig.json"],
        cwd=clients.CLIENTS / "typescript",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_generated_module_imports() -> None:
    """A generator bug that leaves a name undefined (tests/clients.py works around one)
    fails here, not in a user's import."""
    prefix = customer_gateway_client.__name__ + "."
    names = [m.name for m in pkgutil.walk_packages(customer_gateway_client.__path__, prefix)]
    assert len(names) > 100
    for name in names:
        importlib.import_module(name)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Process]:
    with demo_gateway(tmp_path) as process:
        yield process


def test_the_readme_tour_through_the_python_client(served: Process) -> None:
    with AuthenticatedClient(base_url=served.url, token="demo-key") as gateway:
        _tour(gateway)


def test_the_config_as_yaml_through_the_python_client(served: Process) -> None:
    """The admin config endpoints' YAML body, kept by the generator, sent as text."""
    text = (clients.ROOT / "config.yaml").read_bytes()
    with AuthenticatedClient(base_url=served.url, token="admin-key") as admin:
        good = admin_config_validate.sync_detailed(
            client=admin, body=File(payload=io.BytesIO(text), mime_type="application/yaml")
        )
        assert good.status_code == 200, good.content
        broken = text.replace(b"adapter: crm", b"adapter: nothing")
        bad = admin_config_validate.sync_detailed(
            client=admin, body=File(payload=io.BytesIO(broken), mime_type="application/yaml")
        )
        assert bad.status_code == 422 and isinstance(bad.parsed, ErrorEnvelope)
        assert any("adapter" in (d.field or "") for d in bad.parsed.error.details)


def _tour(gateway: AuthenticatedClient) -> None:
    borderbolt = ConnectionName.BORDERBOLT

    # A page, then the next with its cursor: no row twice.
    first = customers_list.sync(
        client=gateway, connection=borderbolt, limit=2, sort=CustomersListSort.NAME
    )
    assert isinstance(first, PageCustomer) and len(first.data) == 2
    assert isinstance(first.meta.next_cursor, str)
    second = customers_list.sync(
        client=gateway,
        connection=borderbolt,
        limit=2,
        sort=CustomersListSort.NAME,
        cursor=first.meta.next_cursor,
    )
    assert isinstance(second, PageCustomer)
    assert {c.id for c in first.data}.isdisjoint(c.id for c in second.data)

    # One customer, with its contacts, typed.
    one = customers_retrieve.sync(client=gateway, id="borderbolt:501", include_remote_data=True)
    assert isinstance(one, Customer) and one.id == "borderbolt:501" and one.contacts

    # Create with an Idempotency-Key; the same key again replays the first answer.
    code = f"TOUR-{uuid.uuid4().hex[:8].upper()}"
    body = CustomerCreate(
        code=code, name="Tour B.V.", billing_address=AddressInput(city="Utrecht", country="NL")
    )
    key = f"tour-{code}"
    created = customers_create.sync_detailed(
        client=gateway, body=body, connection=borderbolt, idempotency_key=key
    )
    assert created.status_code == 201 and isinstance(created.parsed, Customer)
    new_id = created.parsed.id
    assert created.headers["location"] == f"/v1/customers/{new_id}"
    again = customers_create.sync_detailed(
        client=gateway, body=body, connection=borderbolt, idempotency_key=key
    )
    assert again.headers.get("idempotent-replayed") == "true"
    assert isinstance(again.parsed, Customer) and again.parsed.id == new_id

    # A merge patch: the name changes, the rest stays.
    patched = customers_update.sync(
        client=gateway, id=new_id, body=CustomerPatch(name="Tour Trading B.V.")
    )
    assert isinstance(patched, Customer) and patched.name == "Tour Trading B.V."
    assert patched.code == code

    # Delete; reading it again is a typed error, the envelope with its code.
    deleted = customers_delete.sync_detailed(client=gateway, id=new_id)
    assert deleted.status_code == 204
    gone = customers_retrieve.sync(client=gateway, id=new_id, cache_control="no-cache")
    assert isinstance(gone, ErrorEnvelope) and gone.error.code == "not_found"
    wrong = customers_retrieve.sync(client=gateway, id="501")
    assert isinstance(wrong, ErrorEnvelope) and "connection:remote_id" in wrong.error.message
