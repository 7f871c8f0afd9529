from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import stamina
from starlette.applications import Starlette

from adapters.sandbox import Sandbox, SandboxTransport
from gateway.app import create_app, shutdown
from gateway.config.model import Config
from gateway.config.text import load_config, parse_config
from gateway.store import Store
from gateway.store.local import LocalStore
from gateway.store.redis import RedisStore
from kernel.errors import GatewayError
from tests.observability_fixtures import log_lines, spans  # noqa: F401 (fixtures)
from tests.site_config import redis_state

FIXTURES = Path(__file__).parent.parent / "adapters"
OPS_KEY = "ops-secret-key"
OPS_DIGEST = hashlib.sha256(OPS_KEY.encode()).hexdigest()

CONFIG = f"""
server:
  default_connection: borderbolt
  max_body_bytes: 2048
  cursor_secret: test-cursor-secret
api_keys:
  - {{name: demo, key: demo-key, scopes: [customers:read, customers:write, customers:delete,
                                        items:read, items:write, items:delete]}}
  - {{name: reader, key: reader-key, scopes: [customers:read]}}
  - {{name: second-writer, key: writer2-key, scopes: [customers:read, customers:write]}}
  - {{name: tenant2-only, key: t2-key, scopes: [customers:read], connections: [tenant2]}}
  - {{name: ops, key_sha256: "{OPS_DIGEST}", scopes: [customers:read]}}
  - {{name: admin, key: admin-key, scopes: [admin]}}
  - {{name: raw, key: raw-key, scopes: [passthrough], connections: [borderbolt, shop]}}
connections:
  borderbolt:
    adapter: borderbolt
    base_url: "sandbox:"
    auth: {{type: bearer, token: bb-upstream-token}}
  tenant2:
    adapter: borderbolt
    base_url: "sandbox:"
    auth: {{type: bearer, token: tenant2-upstream-token}}
  crm:
    adapter: crm
    base_url: "sandbox:"
    auth: {{type: bearer, token: crm-upstream-token}}
  shop:
    adapter: inventorum
    api_version: 10
    base_url: "sandbox:"
    auth: {{type: oauth2_client_credentials, token_url: /oauth/token, client_id: shop-client,
            client_secret: shop-client-secret}}
  shop9:
    adapter: inventorum
    api_version: 9
    base_url: "sandbox:"
    auth: {{type: oauth2_client_credentials, token_url: /oauth/token, client_id: shop9-client,
            client_secret: shop9-client-secret}}
  shopremote:
    adapter: inventorum
    api_version: 10
    base_url: "https://pos.example.test/api"
    auth: {{type: oauth2_client_credentials, token_url: "https://auth.example.test/oauth/token",
            client_id: remote-client, client_secret: remote-client-secret}}
  crmremote:
    adapter: crm
    base_url: "https://crm.example.test"
    auth: {{type: bearer, token: crm-remote-token}}
  remote:
    adapter: borderbolt
    base_url: "https://bb.example.test/tenant"
    auth: {{type: bearer, token: remote-upstream-token}}
    timeout: {{connect: 1, read: 0.5}}
"""


# The canonical body equivalent to BorderBolt's doc example create request.
DOC_CREATE_CANONICAL: dict[str, Any] = {
    "code": "CUST002",
    "name": "New Customer B.V.",
    "eori_number": "NL987654321012",
    "vat_number": "NL987654321B01",
    "billing_address": {
        "line1": "Kerkstraat",
        "house_number": "10",
        "postal_code": "1234AB",
        "city": "Rotterdam",
        "country": "NL",
    },
    "extra": {"representation_type": "2"},
}


def fixture(upstream: str, name: str) -> Any:
    return json.loads((FIXTURES / upstream / "fixtures" / f"{name}.json").read_text())


async def raw_request(
    app: Starlette, method: str, raw_path: bytes, key: str = "demo-key"
) -> tuple[int, Any]:
    """Send ``raw_path`` exactly as written, as ``curl --path-as-is`` would; no client
    library normalises it first. Returns the status and the JSON body."""
    from urllib.parse import unquote_to_bytes

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote_to_bytes(raw_path).decode("latin-1"),
        "raw_path": raw_path,
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"gateway.test"), (b"authorization", f"Bearer {key}".encode())],
        "client": ("127.0.0.1", 1),
        "server": ("gateway.test", 80),
        "state": {},
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], json.loads(body) if body else None


@pytest.fixture(autouse=True)
def no_retry_waits() -> Iterator[None]:
    """Retries happen as configured, without their backoff waits (stamina's test mode)."""
    with stamina.set_testing(True, attempts=10, cap=True):
        yield


# pydantic's own wording, Python reprs of lists or dicts: never in a message a client reads.
BAD_WORDING = re.compile(
    r"\['[^']*'(, |\])|\{'[^']*': |Input should|Field required|Extra inputs|instance of|"
    r"Value error|String should"
)


@pytest.fixture(autouse=True)
def errors_read_like_the_contract(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every error envelope any test makes is checked for pydantic's wording and Python
    reprs (kernel/wording.py), so a new message that slips is caught where it is made."""
    envelope = GatewayError.envelope
    seen: list[str] = []

    def checked(self: GatewayError, request_id: str | None) -> dict[str, Any]:
        body = envelope(self, request_id)
        texts = [body["error"]["message"], *(d["message"] for d in body["error"]["details"])]
        # Quoted text echoes the request ('Value error, ' may be an ID someone sent).
        seen.extend(t for t in texts if BAD_WORDING.search(re.sub(r"'[^']*'", "''", t)))
        return body

    monkeypatch.setattr(GatewayError, "envelope", checked)
    yield
    assert not seen, f"error messages in pydantic's or Python's wording: {seen}"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@asynccontextmanager
async def sandbox_client(
    sandbox: Sandbox, base_url: str, token: str
) -> AsyncIterator[httpx.AsyncClient]:
    """A client speaking straight to one simulator, as its adapter would."""
    async with httpx.AsyncClient(
        transport=SandboxTransport(sandbox),
        base_url=base_url,
        headers={"Authorization": f"Bearer {token}"},
    ) as client:
        yield client


@pytest.fixture
def fixture_payload() -> Any:
    return lambda name: fixture("borderbolt", name)


@pytest.fixture
def config() -> Config:
    return parse_config(CONFIG, env={})


@pytest.fixture
async def app(config: Config) -> AsyncIterator[Starlette]:
    app = create_app(config)
    yield app
    await app.state.runtime.aclose()


def config_file_in(folder: Path, text: str) -> Path:
    """``text`` as ``folder/config.yaml``: a gateway serving a file its admin API edits."""
    path = folder / "config.yaml"
    path.write_text(text)
    return path


@asynccontextmanager
async def app_on_file(path: Path) -> AsyncIterator[Starlette]:
    """A gateway app loaded from ``path`` (config changes are written back to it), shut
    down after (a restart is a second one)."""
    app = create_app(load_config(path), config_path=path)
    try:
        yield app
    finally:
        await shutdown(app)


async def list_pages(
    client: httpx.AsyncClient, path: str, params: dict[str, Any], most: int = 100
) -> list[dict[str, Any]]:
    """Every page of a canonical list, following ``next_cursor`` to the end; a list
    that has not ended after ``most`` pages fails the test."""
    pages: list[dict[str, Any]] = []
    cursor = None
    for _ in range(most):
        response = await client.get(
            path, params={**params, **({"cursor": cursor} if cursor else {})}
        )
        assert response.status_code == 200, response.text
        pages.append(response.json())
        cursor = pages[-1]["meta"]["next_cursor"]
        if cursor is None:
            return pages
    raise AssertionError(f"{path} did not end after {most} pages")


def sandbox_of(app: Starlette, connection: str = "borderbolt") -> Sandbox:
    found: Sandbox = app.state.runtime.connections[connection].sandbox
    return found


def client_for(app: Starlette, key: str | None = "demo-key") -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway.test", headers=headers
    )


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as c:
        yield c


@pytest.fixture
def sim(app: Starlette) -> Sandbox:
    sandbox: Sandbox = app.state.runtime.connections["borderbolt"].sandbox
    return sandbox


@pytest.fixture
def crm_sim(app: Starlette) -> Sandbox:
    sandbox: Sandbox = app.state.runtime.connections["crm"].sandbox
    return sandbox


@pytest.fixture
def upstream_calls(sim: Sandbox) -> list[str]:
    """Paths the BorderBolt sandbox saw, cleared at the start of the test."""
    sim.calls.clear()
    return sim.calls  # type: ignore[return-value]


@pytest.fixture(scope="session")
def redis() -> Iterator[Any]:
    """A real redis-server for the session (tests/servers.py); each test uses its own
    key prefix, so they never see each other's state."""
    from tests.servers import redis_server

    with redis_server() as server:
        yield server


@pytest.fixture(params=["local", "redis"])
def state_backend(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """Each state backend by name, with its ``server.state`` value: a SQLite file in the
    test's folder, or the session's real Redis under a prefix of the test's own."""
    if request.param == "local":
        return "local", f"{{backend: local, path: '{tmp_path / 'state.db'}'}}"
    url = request.getfixturevalue("redis").url
    return "redis", redis_state(url, f"t{uuid.uuid4().hex[:8]}:")


# Seconds without an answer before the session's Sentinel and Cluster fail a master
# over: 2 s, not the soak's 1 s, as a loaded test machine once left a master just
# promoted unanswered for 1 s and the sentinels failed it over again.
FAILOVER_AFTER = 2.0


@pytest.fixture(scope="session")
def sentinel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real Sentinel setup for the session (tests/ha_servers.py): a master, its
    replica and three sentinels, with passwords."""
    from tests.ha_servers import sentinel_setup

    with sentinel_setup(tmp_path_factory.mktemp("sentinel"), FAILOVER_AFTER) as setup:
        yield setup


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real Redis Cluster for the session (tests/ha_servers.py): three masters with a
    replica each."""
    from tests.ha_servers import cluster_setup

    with cluster_setup(tmp_path_factory.mktemp("cluster"), FAILOVER_AFTER) as setup:
        yield setup


SHARED = ["redis", "redis-sentinel", "redis-cluster"]  # the state backends on Redis


def shared_state(request: pytest.FixtureRequest, backend: str, prefix: str) -> Any:
    """A ``server.state`` model of ``backend`` on its session's real servers."""
    from gateway.store.redis_clients import standalone

    if backend == "redis":
        return standalone(request.getfixturevalue("redis").url)
    setup = request.getfixturevalue("sentinel" if backend == "redis-sentinel" else "cluster")
    return setup.model(prefix)


def shared_state_text(request: pytest.FixtureRequest, backend: str, prefix: str) -> str:
    """The same as ``server.state`` YAML flow text, for a config."""
    if backend == "redis":
        url = request.getfixturevalue("redis").url
        return f"{{backend: redis, url: '{url}', prefix: '{prefix}'}}"
    setup = request.getfixturevalue("sentinel" if backend == "redis-sentinel" else "cluster")
    text: str = setup.state(prefix)
    return text


@pytest.fixture
def upstream_mock() -> Iterator[Any]:
    """respx at the httpx layer (the upstream clients' transport is not httpcore's), with
    the test client's own calls to the gateway let through."""
    import respx

    with respx.mock(using="httpx", assert_all_called=False) as router:
        router.route(host="gateway.test").pass_through()
        yield router


StoreFactory = Callable[[], Store]


@pytest.fixture(params=["local", *SHARED])
async def stores(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[StoreFactory]:
    """Make stores that share one location, as two processes (or a process and its
    restart) would: the same SQLite file, or the same Redis (standalone, behind
    Sentinel, or a Cluster) and prefix."""
    made: list[Store] = []
    prefix = f"t{uuid.uuid4().hex[:8]}:"

    def make() -> Store:
        if request.param == "local":
            store: Store = LocalStore(tmp_path / "state.db")
        else:
            state = shared_state(request, request.param, prefix)
            store = RedisStore(state, prefix=prefix, timeout=2.0)
        made.append(store)
        return store

    yield make
    for store in made:
        await store.aclose()
