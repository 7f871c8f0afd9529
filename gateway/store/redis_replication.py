"""Writes the gateway relies on, confirmed on a replica before it does (API.md section 12).

Replication in Redis is asynchronous: a master that fails over right after a write may
not have passed it on, and the promoted replica never saw it. So what guards an upstream
write (an ``Idempotency-Key``'s claim) and what records an accepted event or webhook
delivery is written by ``durable``: the write and ``WAIT 1 <timeout>`` go in one
pipeline on one connection to the master that owns the key (``WAIT`` counts the
replicas that have every write of its own connection), and a write no replica has
confirmed within the store's timeout fails like a store that is down
(``NotReplicated``): a claim is then refused with 503 before anything is sent.

Where the master has no replica connected (``INFO replication``, asked at most every
``FRESH`` seconds per master, and again after any failure), there is nothing to wait
for and the write is kept as on a standalone Redis.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from redis.asyncio.cluster import RedisCluster
from redis.exceptions import NoScriptError, RedisError

FRESH = 2.0  # seconds a master's count of connected replicas is trusted


class NotReplicated(RedisError):
    """No replica confirmed a write within the store's timeout."""


class RedisReplication:
    """Mixed into ``RedisStore``, whose ``client`` and ``timeout`` it uses."""

    client: Any
    cluster: bool
    timeout: float
    script: Callable[[str], Any]

    def _replication_init(self) -> None:
        self._replicas: dict[str, tuple[float, int]] = {}  # master -> (asked at, count)

    async def durable_script(self, source: str, keys: Sequence[str], args: Sequence[Any]) -> Any:
        """``durable`` for a Lua script, called by its SHA (loaded where it is missing)."""
        sha = self.script(source).sha
        command = ("EVALSHA", sha, len(keys), *keys, *args)
        try:
            return await self.durable(keys[0], command)
        except NoScriptError:
            await self.client.script_load(source)
            return await self.durable(keys[0], command)

    async def durable(self, key: str, command: tuple[Any, ...]) -> Any:
        """Run ``command`` (whose keys are in ``key``'s slot) on the master of ``key``;
        its reply once a replica has it too, where the master has replicas."""
        node = None
        if self.cluster:
            await self.client.initialize()
            node = self.client.get_node_from_key(key)
        name = "" if node is None else node.name
        try:
            wanted = await self._replica_count(name, node)
            commands = [command]
            if wanted:
                commands.append(("WAIT", 1, max(1, int(self.timeout * 1000))))
            replies = await self._on_one_connection(node, commands)
            for reply in replies:
                if isinstance(reply, Exception):
                    raise reply
            if wanted and int(replies[1]) < 1:
                raise NotReplicated(f"no replica confirmed the write within {self.timeout} s")
        except Exception:
            self._replicas.pop(name, None)  # ask again: the topology may have changed
            raise
        return replies[0]

    async def _replica_count(self, name: str, node: Any) -> int:
        known = self._replicas.get(name)
        if known is not None and time.monotonic() - known[0] < FRESH:
            return known[1]
        if node is None:
            info = await self.client.info("replication")
        else:
            info = await self.client.info("replication", target_nodes=node)
        count = int(info.get("connected_slaves", 0))
        self._replicas[name] = (time.monotonic(), count)
        return count

    async def _on_one_connection(self, node: Any, commands: list[tuple[Any, ...]]) -> list[Any]:
        """The replies of ``commands``, sent in one pipeline on one connection (to
        ``node`` on a cluster, never redirected elsewhere: ``WAIT`` must follow its
        write on the connection that made it)."""
        async with self.client.pipeline(transaction=False) as pipe:
            for command in commands:
                if node is None:
                    pipe.execute_command(*command)
                else:
                    pipe.execute_command(*command, target_nodes=node)
            if isinstance(self.client, RedisCluster):
                replies: list[Any] = await pipe.execute(
                    raise_on_error=False, allow_redirections=False
                )
            else:
                replies = await pipe.execute(raise_on_error=False)
        return replies
