"""Real Redis topologies for tests: Sentinel (a master, its replica, three sentinels) and
a Cluster (three masters, a replica each), all Debian's redis-server on loopback ports,
started once per session and stopped by PID."""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from gateway.config.model import RedisClusterState, RedisSentinelState
from tests.servers import free_port, wait_until

SERVICE = "gwmaster"
MASTER_PASSWORD = "master-secret"
SENTINEL_PASSWORD = "sentinel-secret"
SENTINEL_HINT = (
    "redis-sentinel is not installed; the Sentinel tests need a real one. Install "
    "Debian's package: sudo apt-get install redis-sentinel (make test does this when it "
    "runs as root)."
)
# No persistence, and a replica's first sync starts at once (Redis 7 waits 5 s).
COMMON = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
COMMON += ["--repl-diskless-sync-delay", "0"]


def binary(name: str, hint: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(hint, pytrace=False)
    return found


class Daemon:
    """One redis-server (or redis-sentinel) process; stop/start keep its port."""

    def __init__(
        self, args: list[str], port: int, password: str | None, log: Path, ca: Path | None = None
    ) -> None:
        self.args, self.port, self.password, self.log = args, port, password, log
        self.tls = {"ssl": True, "ssl_ca_certs": str(ca)} if ca else {}  # TLS only, this CA
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> Daemon:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(self.args, stdout=out, stderr=subprocess.STDOUT)
        wait_until(lambda: self.ask("PING"), what=self.args[0])
        return self

    def stop(self, kill: bool = False) -> None:
        if self.process is not None:
            if kill:
                self.process.kill()
            else:
                self.process.terminate()
            self.process.wait(10)
            self.process = None

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """The process stopped (SIGSTOP) inside the block: connected, answering nothing."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            self.process.send_signal(signal.SIGCONT)

    def client(self) -> redis.Redis:
        return redis.Redis(
            host="127.0.0.1", port=self.port, password=self.password, socket_timeout=2, **self.tls
        )

    def ask(self, *command: Any) -> Any:
        with self.client() as client:
            return client.execute_command(*command)

    def info(self, section: str) -> dict[str, Any]:
        with self.client() as client:
            found: dict[str, Any] = client.info(section)
            return found


def redis_daemon(
    folder: Path,
    *extra: str,
    password: str | None = None,
    tls: tuple[Path, Path, Path] | None = None,
) -> Daemon:
    """A redis-server on a free loopback port; with ``tls`` (CA, certificate and key
    files), on TLS only."""
    port = free_port()
    args = [binary("redis-server", "redis-server is not installed"), "--port", str(port)]
    if tls is not None:
        args = [args[0], "--port", "0", "--tls-port", str(port), "--tls-auth-clients", "no"]
        args += ["--tls-ca-cert-file", str(tls[0]), "--tls-cert-file", str(tls[1])]
        args += ["--tls-key-file", str(tls[2])]
    args += [*COMMON, "--dir", str(folder), *extra]
    if password:
        args += ["--requirepass", password, "--masterauth", password]
    ca = tls[0] if tls else None
    return Daemon(args, port, password, folder / f"redis-{port}.log", ca)


def in_sync(master: Daemon) -> bool:
    """Whether ``master`` has its one replica connected and past its first sync (state
    online): a replica still loading a full sync acknowledges no ``WAIT``, and a test
    that starts then sees its first claim time out."""
    seen = master.info("replication")
    replica = seen.get("slave0")
    return (
        seen.get("connected_slaves") == 1
        and isinstance(replica, dict)
        and (replica.get("state") == "online")
    )


class SentinelSetup:
    """A master and its replica (password ``MASTER_PASSWORD``) watched by three sentinels
    (their own password ``SENTINEL_PASSWORD``); a master that does not answer for
    ``down_after`` seconds (1 s: the soak's figure) is failed over."""

    def __init__(self, folder: Path, down_after: float = 1.0) -> None:
        self.folder, self.down_after = folder, down_after
        self.master = redis_daemon(folder, password=MASTER_PASSWORD)
        self.replica = redis_daemon(
            folder, "--replicaof", "127.0.0.1", str(self.master.port), password=MASTER_PASSWORD
        )
        self.sentinels = [self._sentinel(n) for n in range(3)]

    def _sentinel(self, n: int) -> Daemon:
        port = free_port()
        conf = self.folder / f"sentinel-{n}.conf"
        conf.write_text(
            f"port {port}\nbind 127.0.0.1\ndir {self.folder}\n"
            f"requirepass {SENTINEL_PASSWORD}\nsentinel sentinel-pass {SENTINEL_PASSWORD}\n"
            f"sentinel monitor {SERVICE} 127.0.0.1 {self.master.port} 2\n"
            f"sentinel auth-pass {SERVICE} {MASTER_PASSWORD}\n"
            f"sentinel down-after-milliseconds {SERVICE} {round(self.down_after * 1000)}\n"
            f"sentinel failover-timeout {SERVICE} 4000\n"
        )
        args = [binary("redis-sentinel", SENTINEL_HINT), str(conf)]
        return Daemon(args, port, SENTINEL_PASSWORD, self.folder / f"sentinel-{n}.log")

    def start(self) -> SentinelSetup:
        self.master.start()
        self.replica.start()
        for sentinel in self.sentinels:
            sentinel.start()
        self.wait_ready()
        return self

    def stop(self) -> None:
        for daemon in (*self.sentinels, self.replica, self.master):
            daemon.stop()

    @property
    def addresses(self) -> list[str]:
        return [s.address for s in self.sentinels]

    def state(self, prefix: str, timeout: float = 1.0) -> str:
        """The ``server.state`` of a gateway on it, as YAML flow text."""
        sentinels = ", ".join(f'"{a}"' for a in self.addresses)
        return (
            f"{{backend: redis-sentinel, sentinels: [{sentinels}], service: {SERVICE}, "
            f'password: "{MASTER_PASSWORD}", sentinel_password: "{SENTINEL_PASSWORD}", '
            f'prefix: "{prefix}", timeout: {timeout}}}'
        )

    def model(self, prefix: str, timeout: float = 2.0) -> RedisSentinelState:
        return RedisSentinelState.model_validate(
            {
                "backend": "redis-sentinel",
                "sentinels": self.addresses,
                "service": SERVICE,
                "password": MASTER_PASSWORD,
                "sentinel_password": SENTINEL_PASSWORD,
                "prefix": prefix,
                "timeout": timeout,
            }
        )

    def current_master(self) -> Daemon:
        _host, port = self.sentinels[0].ask("SENTINEL", "GET-MASTER-ADDR-BY-NAME", SERVICE)
        port = int(port)
        return next(d for d in (self.master, self.replica) if d.port == port)

    def restore(self, lost: Daemon) -> None:
        """Start ``lost`` (a master failed over) again as the new master's replica, as
        Sentinel would on its next look at it, and wait until it is in sync."""
        lost.start()
        wait_until(lambda: self._rejoined(lost), 20.0, what=f"{lost.address} as a replica")
        self.wait_ready(fully=False)

    def _rejoined(self, lost: Daemon) -> bool:
        """Whether ``lost`` replicates the current master with its link up; told (again)
        to when not: a REPLICAOF sent while the master still counts it as gone, or
        overtaken by the sentinels' own reconfiguration, is repeated until it holds."""
        master = self.current_master()
        if master is lost:  # a later failover chose it again: nothing to rejoin
            return True
        seen = lost.info("replication")
        if seen["role"] != "slave" or seen.get("master_port") != master.port:
            lost.ask("REPLICAOF", "127.0.0.1", master.port)
            return False
        return bool(seen.get("master_link_status") == "up")

    def story(self, lines: int = 30) -> str:
        """The last of what the first sentinel logged: a failing test prints it."""
        told = self.sentinels[0].log.read_text(errors="replace").splitlines()
        return "\n".join(told[-lines:])

    def current_replica(self) -> Daemon:
        master = self.current_master()
        return self.replica if master is self.master else self.master

    def _settled(self, fully: bool) -> bool:
        master = self.current_master()
        if not in_sync(master):
            return False
        for sentinel in self.sentinels:
            raw = sentinel.ask("SENTINEL", "MASTER", SERVICE)
            seen = {k.decode(): v.decode() for k, v in raw.items()}
            if seen["port"] != str(master.port) or seen["flags"] != "master":
                return False
            if fully and (seen["num-slaves"] != "1" or seen["num-other-sentinels"] != "2"):
                return False
        return True

    def wait_ready(self, deadline: float = 20.0, fully: bool = True) -> None:
        """Until every sentinel names the same master and its replica is in sync; and,
        ``fully``, every sentinel knows that replica and the other two sentinels (so a
        failover can happen: needed once, at start)."""
        wait_until(lambda: self._settled(fully), deadline, what="the Sentinel setup")


class ClusterSetup:
    """Three masters, each with one replica, on loopback ports; a master that does not
    answer for ``down_after`` seconds (1 s: the soak's figure) is replaced by its
    replica."""

    def __init__(self, folder: Path, down_after: float = 1.0) -> None:
        self.folder = folder
        self.nodes = []
        for _ in range(6):
            bus = free_port()
            self.nodes.append(
                redis_daemon(
                    folder,
                    "--cluster-enabled",
                    "yes",
                    "--cluster-port",
                    str(bus),
                    "--cluster-config-file",
                    f"nodes-{bus}.conf",
                    "--cluster-node-timeout",
                    str(round(down_after * 1000)),
                    "--cluster-replica-validity-factor",
                    "0",
                )
            )

    def start(self) -> ClusterSetup:
        for node in self.nodes:
            node.start()
        cli = binary("redis-cli", "redis-cli is not installed (Debian's redis-tools)")
        create = [cli, "--cluster", "create", *(n.address for n in self.nodes)]
        subprocess.run(
            [*create, "--cluster-replicas", "1", "--cluster-yes"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        self.wait_ready()
        return self

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()

    @property
    def url(self) -> str:
        return f"redis://{self.nodes[0].address}"

    def state(self, prefix: str, timeout: float = 1.0) -> str:
        where = f'url: "{self.url}", prefix: "{prefix}", timeout: {timeout}'
        return f"{{backend: redis-cluster, {where}}}"

    def model(self, prefix: str, timeout: float = 2.0) -> RedisClusterState:
        return RedisClusterState(
            backend="redis-cluster", url=self.url, prefix=prefix, timeout=timeout
        )

    def masters(self) -> list[Daemon]:
        return [n for n in self.nodes if n.process and n.info("replication")["role"] == "master"]

    def master_of(self, key: str) -> Daemon:
        from redis.crc import key_slot

        slot = key_slot(key.encode())
        for node in self.masters():
            for start, end, *_ in node.ask("CLUSTER", "SLOTS"):
                if start <= slot <= end and int(_[0][1]) == node.port:
                    return node
        raise AssertionError(f"no master serves slot {slot}")

    def restore(self, lost: Daemon) -> None:
        """Start ``lost`` (a master failed over) again: it rejoins as a replica."""
        lost.start()
        self.wait_ready()

    def replica_of(self, master: Daemon) -> Daemon:
        for node in self.nodes:
            info = node.info("replication") if node.process else {}
            if info.get("role") == "slave" and info.get("master_port") == master.port:
                return node
        raise AssertionError(f"{master.address} has no replica")

    def _settled(self) -> bool:
        for node in self.nodes:
            if node.process is None:
                return False
            if b"cluster_state:ok" not in node.ask("CLUSTER", "INFO"):
                return False
        masters = self.masters()
        return len(masters) == 3 and all(in_sync(m) for m in masters)

    def wait_ready(self, deadline: float = 30.0) -> None:
        """Until every node says the cluster is ok and each of three masters has its
        replica connected and in sync."""
        wait_until(self._settled, deadline, what="the Redis Cluster")


@contextlib.contextmanager
def sentinel_setup(folder: Path, down_after: float = 1.0) -> Iterator[SentinelSetup]:
    setup = SentinelSetup(folder, down_after)
    try:
        yield setup.start()
    finally:
        setup.stop()


@contextlib.contextmanager
def cluster_setup(folder: Path, down_after: float = 1.0) -> Iterator[ClusterSetup]:
    setup = ClusterSetup(folder, down_after)
    try:
        yield setup.start()
    finally:
        setup.stop()


def timed_start(kind: str, folder: Path) -> float:
    """Seconds one setup takes to start (for a quick look: python -m tests.ha_servers)."""
    began = time.monotonic()
    with sentinel_setup(folder) if kind == "sentinel" else cluster_setup(folder):
        return time.monotonic() - began


if __name__ == "__main__":
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        print(f"{sys.argv[1]}: {timed_start(sys.argv[1], Path(tmp)):.2f} s")
