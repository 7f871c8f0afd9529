"""The Redis the soak (tests/soak.py) runs over, and the fault each one suffers.

Each topology starts its Redis processes, names the ``server.state`` a gateway uses on
them, and has one fault of its own: standalone, Redis stopped and started again;
Sentinel, its master killed (``kill -9``) so the sentinels promote the replica;
Cluster, a master that has a replica killed so the replica takes its slots. The HA
setups are tests/ha_servers.py's, shared with tests/test_failover.py.

A killed master comes back only once its replica has been promoted: without
persistence it would otherwise return empty as the master, which is a lost data set
and not the failover under test.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from tests.ha_servers import ClusterSetup, Daemon, SentinelSetup
from tests.servers import RedisServer, wait_until

PROMOTED_WITHIN = 30.0  # seconds at most for a replica to be promoted after a kill


class Topology(Protocol):
    name: str
    fault_name: str

    def start(self) -> None: ...

    def state(self, prefix: str) -> str: ...

    async def fault(self, down: float) -> None: ...

    def stop(self) -> None: ...


class Standalone:
    """One redis-server with its append-only file (fsync always), so a restart keeps
    everything: its fault is stopping it and starting it again on the same port."""

    name = "standalone"
    fault_name = "restart Redis"

    def __init__(self, folder: Path) -> None:
        self.server = RedisServer()
        self.folder = folder / "redis"
        self.folder.mkdir(parents=True, exist_ok=True)

    def start(self) -> None:
        server = self.server
        args = [server.binary, "--port", str(server.port), "--bind", "127.0.0.1"]
        args += ["--dir", str(self.folder), "--appendonly", "yes", "--appendfsync", "always"]
        server.process = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until(server.answers, what="redis-server")

    def state(self, prefix: str) -> str:
        return f"{{backend: redis, url: '{self.server.url}', prefix: '{prefix}'}}"

    async def fault(self, down: float) -> None:
        await asyncio.to_thread(self.server.stop)
        await asyncio.sleep(down)
        await asyncio.to_thread(self.start)

    def stop(self) -> None:
        self.server.stop()


async def crash_until_promoted(
    lost: Daemon, promoted: object, down: float, restore: object, what: str
) -> None:
    """``kill -9`` ``lost``; wait until ``promoted()`` says its replica took over, and
    at least ``down`` seconds; then ``restore(lost)`` (it rejoins as a replica)."""
    assert callable(promoted) and callable(restore)
    began = time.monotonic()
    await asyncio.to_thread(lost.stop, True)
    await asyncio.to_thread(wait_until, promoted, PROMOTED_WITHIN, what)
    await asyncio.sleep(max(0.0, down - (time.monotonic() - began)))
    await asyncio.to_thread(restore, lost)


class Sentinel:
    """A master, its replica and three sentinels (down-after-milliseconds 1000)."""

    name = "sentinel"
    fault_name = "kill -9 the Redis master"

    def __init__(self, folder: Path) -> None:
        (folder / "redis").mkdir(parents=True, exist_ok=True)
        self.setup = SentinelSetup(folder / "redis")

    def start(self) -> None:
        self.setup.start()

    def state(self, prefix: str) -> str:
        return self.setup.state(prefix)

    async def fault(self, down: float) -> None:
        setup = self.setup
        lost = await asyncio.to_thread(setup.current_master)
        await crash_until_promoted(
            lost,
            lambda: setup.current_master() is not lost,
            down,
            setup.restore,
            "a Sentinel failover",
        )

    def stop(self) -> None:
        self.setup.stop()


class Cluster:
    """Three masters with a replica each (cluster-node-timeout 1000). The master killed
    is the one holding the connection's cache generations, so reads lose their cache
    as well as a third of the keys."""

    name = "cluster"
    fault_name = "kill -9 a cluster master"

    def __init__(self, folder: Path) -> None:
        (folder / "redis").mkdir(parents=True, exist_ok=True)
        self.setup = ClusterSetup(folder / "redis")
        self.prefix = ""

    def start(self) -> None:
        self.setup.start()

    def state(self, prefix: str) -> str:
        self.prefix = prefix
        return self.setup.state(prefix)

    async def fault(self, down: float) -> None:
        setup = self.setup
        lost = await asyncio.to_thread(setup.master_of, self.prefix + "{conn:bb}:gen:*")
        replica = await asyncio.to_thread(setup.replica_of, lost)
        await crash_until_promoted(
            lost,
            lambda: replica.info("replication")["role"] == "master",
            down,
            setup.restore,
            "a Cluster failover",
        )

    def stop(self) -> None:
        self.setup.stop()


TOPOLOGIES: dict[str, Callable[[Path], Topology]] = {
    "standalone": Standalone,
    "sentinel": Sentinel,
    "cluster": Cluster,
}
