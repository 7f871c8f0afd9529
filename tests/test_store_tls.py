"""``rediss://``: the store over TLS, on a standalone Redis and on a Cluster (API.md
section 12), with a certificate authority made here and Debian's redis-server serving
TLS only; the CA is named in the URL as redis-py reads it (``?ssl_ca_certs=``)."""

from __future__ import annotations

import datetime
import ipaddress
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from gateway.config.model import RateLimit, RedisClusterState, SharedState
from gateway.guarantees.quotas import Quotas
from gateway.store import IdempotencyRecord
from gateway.store.redis import RedisStore
from gateway.store.redis_clients import standalone
from gateway.store.redis_probe import problem
from tests.ha_servers import Daemon, binary, redis_daemon
from tests.servers import free_port, wait_until

pytestmark = pytest.mark.anyio


def write_pem(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A CA, and a server certificate it signed for 127.0.0.1: (ca, cert, key) files."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "gateway test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    key_bytes = key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return (
        write_pem(folder / "ca.crt", ca.public_bytes(pem)),
        write_pem(folder / "server.crt", cert.public_bytes(pem)),
        write_pem(folder / "server.key", key_bytes),
    )


class TLS:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.ca, self.cert, self.key = certificates(folder)

    def node(self, *extra: str) -> Daemon:
        """A redis-server serving TLS only, on a free port."""
        return redis_daemon(self.folder, *extra, tls=(self.ca, self.cert, self.key))

    def url(self, daemon: Daemon) -> str:
        return f"rediss://{daemon.address}?ssl_ca_certs={self.ca}"


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TLS]:
    yield TLS(tmp_path_factory.mktemp("tls"))


async def round_trip(store: RedisStore) -> None:
    try:
        await store.ready()
        assert await store.idempotency_claim("k", "fp", 60)
        await store.idempotency_put("k", IdempotencyRecord("fp", 201, b"{}"), 60)
        assert (await store.idempotency_get("k")) == IdempotencyRecord("fp", 201, b"{}")
        assert await store.ping()
    finally:
        await store.aclose()


async def limits_reach(state: SharedState, prefix: str) -> None:
    """Per-key rate limits (``limits``' own client) are counted there too, not in this
    process's fallback window."""
    errors: list[str] = []
    store = RedisStore(state, prefix=prefix, timeout=2.0, on_error=errors.append)
    quotas = Quotas(store)
    try:
        decisions = [await quotas.check_key("k", RateLimit(requests=1, per=60)) for _ in range(2)]
    finally:
        await quotas.aclose()
        await store.aclose()
    assert [d.allowed for d in decisions] == [True, False] and errors == []


async def test_a_standalone_redis_over_tls(tls: TLS) -> None:
    node = tls.node().start()
    try:
        prefix = f"tls{uuid.uuid4().hex[:6]}:"
        await round_trip(RedisStore(tls.url(node), prefix=prefix, timeout=2.0))
        await limits_reach(standalone(tls.url(node)), prefix)
        assert await problem(standalone(tls.url(node))) is None
        unverified = await problem(standalone(f"rediss://{node.address}"))  # no CA: refused
        assert unverified is not None and "certificate verify failed" in unverified
    finally:
        node.stop()


@pytest.fixture
def tls_cluster(tls: TLS) -> Iterator[list[Daemon]]:
    """Three masters, no replicas, talking TLS to clients and to each other."""
    nodes = []
    for _ in range(3):
        bus = free_port()
        cluster = ["--cluster-enabled", "yes", "--tls-cluster", "yes", "--cluster-port", str(bus)]
        nodes.append(tls.node(*cluster, "--cluster-config-file", f"nodes-{bus}.conf").start())
    try:
        cli = binary("redis-cli", "redis-cli is not installed (Debian's redis-tools)")
        subprocess.run(
            [cli, "--tls", "--cacert", str(tls.ca), "--cluster", "create"]
            + [n.address for n in nodes]
            + ["--cluster-yes"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        wait_until(lambda: all(b"cluster_state:ok" in n.ask("CLUSTER", "INFO") for n in nodes))
        yield nodes
    finally:
        for node in nodes:
            node.stop()


async def test_a_cluster_over_tls(tls: TLS, tls_cluster: list[Daemon]) -> None:
    prefix = f"tls{uuid.uuid4().hex[:6]}:"
    state = RedisClusterState(backend="redis-cluster", url=tls.url(tls_cluster[0]), prefix=prefix)
    assert await problem(state) is None
    await round_trip(RedisStore(state, prefix=prefix, timeout=2.0))
    await limits_reach(state, prefix)
