"""The running gateway: config, keys, connections and cursor codec, built from a Config.

A config change builds a new ``Runtime`` from the previous one: connections whose
config is unchanged are carried over whole (client, cache, breaker, sandbox), the
cursor secret and idempotency answers too. Each request pins the gateway it started
with (``enter``/``exit``); the previous gateway closes the connections it alone owned
once its last request has finished, so a reload fails no request in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import structlog
from starlette.datastructures import State

from gateway.config.file import etag_of, write_atomically
from gateway.config.model import BearerAuth, Config
from gateway.config.sealing import Sealer, keys_from_env
from gateway.config.secrets import url_secrets
from gateway.guarantees.idempotency import IdempotencyStore
from gateway.guarantees.quotas import Quotas
from gateway.http.auth import KeyStore
from gateway.lists.cursor import CursorCodec
from gateway.observability.logging import redactor
from gateway.observability.metrics import Metrics
from gateway.store import Store, open_store
from gateway.upstreams.connections import Connection, open_connection
from gateway.upstreams.egress import Egress

if TYPE_CHECKING:  # what the app builds around the runtime (they import it, not it them)
    from gateway.changes.feed import ChangeFeed
    from gateway.changes.health_board import HealthBoard
    from gateway.changes.poller import Pollers
    from gateway.changes.webhooks import DeliveryWorker
    from gateway.guarantees.audit import AuditLog
    from gateway.http.endpoint import Endpoint

log = structlog.get_logger("gateway.runtime")


class Runtime:
    store: Store
    quotas: Quotas
    metrics: Metrics
    cursors: CursorCodec
    idempotency: IdempotencyStore

    def __init__(
        self,
        config: Config,
        *,
        store: Store | None = None,
        quotas: Quotas | None = None,
        metrics: Metrics | None = None,
        previous: Runtime | None = None,
    ) -> None:
        self.config = config
        self.metrics = metrics or (previous.metrics if previous else Metrics())
        if store is None:
            store = previous.store if previous else open_store(config, None)
        self.store = store
        if quotas is None:
            quotas = previous.quotas if previous else Quotas(store, self.metrics.limited)
        self.quotas = quotas
        self.keys = KeyStore(config.api_keys)
        before = previous.connections if previous else {}
        egress = Egress.of(config, webhooks=False)  # the store's address, link-local: never
        self.connections: dict[str, Connection] = {}
        for name, conn in config.connections.items():
            old = before.get(name)
            if old is not None and old.config == conn:
                self.connections[name] = old
            else:
                observe = self.metrics.upstream_observer(name)
                self.connections[name] = open_connection(
                    name, conn, store, quotas, observe=observe, previous=old, egress=egress
                )
        secret = config.server.cursor_secret
        if previous is not None and secret == previous.config.server.cursor_secret:
            self.cursors = previous.cursors
        elif secret is not None:
            self.cursors = CursorCodec(secret.get_secret_value().encode())
        else:
            self.cursors = CursorCodec(lambda: store.cursor_secrets)  # shared by the store
        self.idempotency = previous.idempotency if previous else IdempotencyStore(store)
        self._active = 0
        self._leftovers: list[Connection] = []
        self._closing: set[asyncio.Task[None]] = set()
        redactor.set_secrets(config_secrets(config))

    def enter(self) -> None:
        self._active += 1

    def exit(self) -> None:
        self._active -= 1
        self._close_leftovers_when_idle()

    def retire(self, successor: Runtime) -> None:
        """Hand over to ``successor``; close what it did not take once requests drain."""
        kept = {id(c) for c in successor.connections.values()}
        self._leftovers = [c for c in self.connections.values() if id(c) not in kept]
        self._close_leftovers_when_idle()

    def _close_leftovers_when_idle(self) -> None:
        if self._active or not self._leftovers:
            return
        leftovers, self._leftovers = self._leftovers, []
        task = asyncio.get_running_loop().create_task(_close_all(leftovers))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def aclose(self) -> None:
        await asyncio.gather(*(c.aclose() for c in self.connections.values()))


async def _close_all(connections: list[Connection]) -> None:
    await asyncio.gather(*(c.aclose() for c in connections))


def config_secrets(config: Config) -> list[str]:
    found = [k.key.get_secret_value() for k in config.api_keys if k.key is not None]
    for connection in config.connections.values():
        auth = connection.auth
        secret = auth.token if isinstance(auth, BearerAuth) else auth.client_secret
        found.append(secret.get_secret_value())
    if config.server.cursor_secret is not None:
        found.append(config.server.cursor_secret.get_secret_value())
    found += [hook.secret.get_secret_value() for hook in config.webhooks]
    urls = [hook.url for hook in config.webhooks]
    for connection in config.connections.values():
        urls += [connection.base_url, getattr(connection.auth, "token_url", "")]
    state_url = getattr(config.server.state, "url", "")
    for url in (*urls, state_url):
        found += url_secrets(url)  # a password or token inside a URL is a secret too
    return found


@dataclass(slots=True)
class Host:
    """What the app holds across config changes: the slot of the live runtime (its
    ``state.runtime``), the config file the admin API edits, one change at a time."""

    state: State  # the Starlette app's state
    config_path: Path | None
    lock: asyncio.Lock  # one config change at a time
    audit: AuditLog  # one per process
    changes: ChangeFeed  # one per process
    pollers: Pollers  # started with the app
    deliveries: DeliveryWorker  # likewise
    health: HealthBoard  # each connection's shared health; ticks with the app
    endpoints: tuple[Endpoint, ...] = ()  # every endpoint served (gateway/routes), for OpenAPI
    text: str | None = None  # the config text live now (as published to the store)
    etag: str | None = None  # of ``text``
    file_etag: str | None = None  # of the config file as last written or read
    _sealer: Sealer | None = None
    _unwritten: str | None = None  # a version whose file write failed (logged once)

    async def sealer(self) -> Sealer:
        """Seals config versions: ``GATEWAY_SECRETS_KEY`` and the store's salt (read once;
        ``StoreDown`` while the store cannot give it)."""
        if self._sealer is None:
            salt = await self.runtime.store.config_salt()
            self._sealer = Sealer(keys_from_env(), salt)
        return self._sealer

    def read_file(self) -> str:
        """Take the config file's text as the one running (at start)."""
        assert self.config_path is not None
        text = self.config_path.read_text(encoding="utf-8")
        self.text, self.etag = text, etag_of(text)
        self.file_etag = self.etag
        return text

    @property
    def _marker(self) -> Path:
        assert self.config_path is not None
        return self.config_path.with_name(f".{self.config_path.name}.written")

    def last_written(self) -> str | None:
        """The ETag of the text this gateway last wrote to the file (or found there and
        published), so a file changed since by someone else is told apart."""
        try:
            return self._marker.read_text(encoding="ascii").strip() or None
        except OSError:
            return None

    def mark_written(self) -> None:
        if self.config_path is None or self.file_etag is None:
            return
        with contextlib.suppress(OSError):  # a read-only folder: the file is the truth
            write_atomically(self._marker, self.file_etag + "\n", backup=False)

    async def write_file(self) -> None:
        """Write the live text to the config file, if it is not there yet. A failure
        (a full disk, a read-only file) is logged once per version; the file is written
        again at the next change or by the config follower, which keeps trying."""
        if self.config_path is None or self.text is None or self.file_etag == self.etag:
            return
        try:
            await asyncio.to_thread(write_atomically, self.config_path, self.text)
        except OSError as exc:
            if self._unwritten != self.etag:
                log.error("config_file_not_written", path=str(self.config_path), error=str(exc))
                self._unwritten = self.etag
            return
        self.file_etag = self.etag
        await asyncio.to_thread(self.mark_written)

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.state.runtime
        return runtime

    def apply(self, config: Config) -> Runtime:
        """Make ``config`` live; requests already running finish on the one they pinned.
        The state store stays: a change of ``server.state`` takes a restart."""
        previous = self.runtime
        successor = Runtime(config, store=previous.store, quotas=previous.quotas, previous=previous)
        self.state.runtime = successor
        previous.retire(successor)
        return successor
