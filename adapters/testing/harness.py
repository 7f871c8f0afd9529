"""A gateway serving one connection of the adapter under test, and a client of it.

The suite drives the gateway only through HTTP, as a client would, and the upstream
only through its simulator (call log, faults, console). ``adapters/`` never imports
``gateway/``, so the gateway is handed in: the fixture ``conformance_gateway`` (in the
test tree's conftest) is a ``StartGateway``, config text in, a running ``Gateway`` out.
The connection is named ``conformance`` whatever the adapter, and its read cache is
off, so every request reaches the simulator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

import httpx

from adapters.sandbox import Sandbox
from adapters.sandbox.console import Console
from adapters.testing.declared import Declared
from adapters.testing.samples import Change, Samples

CONNECTION = "conformance"
KEY = "conformance-key"
PROBE = "conformance_probe"  # the extra key a field mapping places
SCOPES = "customers:read, customers:write, customers:delete, items:read, items:write, items:delete"
MAX_PAGES = 400  # a list that has not ended after this many pages never will


class Gateway(Protocol):
    """A gateway app made from a config, as the suite needs it."""

    @property
    def app(self) -> Any: ...  # the ASGI app

    def sandbox(self, connection: str) -> Sandbox: ...

    async def poll(self, connection: str) -> bool:
        """One change-detection scan of ``connection`` (False when it failed), as one
        that starts well after any write before it (no allowance for clock skew)."""
        ...

    async def aclose(self) -> None: ...


StartGateway = Callable[[str], Gateway]


def config_text(
    declared: Declared,
    samples: Samples,
    *,
    changes: str | None = None,
    field_mapping: bool = False,
) -> str:
    """The gateway config: one ``sandbox:`` connection of the adapter, read cache off;
    ``changes`` names the resources its poller scans; ``field_mapping`` places
    ``extra.conformance_probe`` from each kind's custom field (``Samples.custom_fields``)."""
    lines = [
        "server:",
        "  cursor_secret: conformance-cursor-secret",
        "api_keys:",
        f"  - {{name: conformance, key: {KEY}, scopes: [{SCOPES}]}}",
        "connections:",
        f"  {CONNECTION}:",
        f"    adapter: {declared.name}",
        '    base_url: "sandbox:"',
        f"    auth: {samples.auth}",
        "    cache: {ttl: 0, stale_if_error: 0}",
    ]
    if declared.api_version is not None:
        lines.append(f"    api_version: {declared.api_version}")
    if changes is not None:
        lines.append(f"    changes: {{poll_every: 3600, resources: [{changes}]}}")
    if field_mapping:
        lines.append("    field_mapping:")
        lines += [
            f"      {kind}: {{extra.{PROBE}: {path}}}"
            for kind, path in samples.custom_fields.items()
        ]
    return "\n".join(lines) + "\n"


class Harness:
    """One running gateway and a client of it speaking for the ``conformance`` key."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=gateway.app),
            base_url="http://gateway.test",
            headers={"Authorization": f"Bearer {KEY}", "X-Connection": CONNECTION},
        )

    async def aclose(self) -> None:
        await self.client.aclose()
        await self.gateway.aclose()

    @property
    def sandbox(self) -> Sandbox:
        return self.gateway.sandbox(CONNECTION)

    @property
    def console(self) -> Console:
        console = self.sandbox.console
        assert console is not None, "the simulator has no console (adapters/sandbox/console.py)"
        return console

    def holds(self, kind: str) -> bool:
        """Whether the simulator's console keeps ``kind`` as a collection of its own."""
        return self.sandbox.console is not None and kind in self.sandbox.console.collections

    def held_ids(self, kind: str) -> set[str]:
        """Canonical IDs of every record of ``kind`` the simulator holds."""
        return {cid(key) for key in self.console.collections[kind].records}

    def forget_calls(self) -> None:
        self.sandbox.calls.clear()

    def calls(self) -> list[str]:
        """The upstream calls since ``forget_calls``, as ``METHOD path``."""
        return [f"{call.method} {call.path}" for call in self.sandbox.calls]

    async def request(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        return await self.client.request(
            method, path, json=dict(body) if body is not None else None, params=params
        )

    async def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        """The JSON answer of a request that must succeed."""
        response = await self.request(method, path, **kwargs)
        assert 200 <= response.status_code < 300, (method, path, response.text)
        return response.json() if response.content else None

    async def pages(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every page of a list, ``next_cursor`` followed to the end."""
        found: list[dict[str, Any]] = []
        cursor = None
        for _ in range(MAX_PAGES):
            sent = {**params, **({"cursor": cursor} if cursor else {})}
            page: dict[str, Any] = await self.ok("GET", path, params=sent)
            found.append(page)
            cursor = page["meta"]["next_cursor"]
            if cursor is None:
                return found
        raise AssertionError(f"{path} {params} did not end within {MAX_PAGES} pages")

    async def rows(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every row of a list, page after page."""
        return [row for page in await self.pages(path, **params) for row in page["data"]]

    async def poll(self) -> bool:
        return await self.gateway.poll(CONNECTION)

    async def events(self) -> list[Change]:
        """Every change event so far, oldest first, as ``(type, remote ID, fields)``."""
        found: list[Change] = []
        cursor = None
        for _ in range(MAX_PAGES):
            sent = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            page = await self.ok("GET", "/v1/events", params=sent)
            found += [
                (e["type"], remote(e["resource_id"]), e["changed_fields"]) for e in page["data"]
            ]
            cursor = page["meta"]["next_cursor"]
            if not page["data"]:
                return found
        raise AssertionError("the event feed did not end")


class Lab:
    """The gateways one test opens, all closed when it ends."""

    def __init__(self, start: StartGateway, declared: Declared, samples: Samples) -> None:
        self.start, self.declared, self.samples = start, declared, samples
        self.opened: list[Harness] = []

    def open(self, *, changes: str | None = None, field_mapping: bool = False) -> Harness:
        text = config_text(
            self.declared, self.samples, changes=changes, field_mapping=field_mapping
        )
        harness = Harness(self.start(text))
        self.opened.append(harness)
        return harness

    async def aclose(self) -> None:
        for harness in self.opened:
            await harness.aclose()


def cid(remote_id: object) -> str:
    """The canonical ID of a record of the ``conformance`` connection."""
    return f"{CONNECTION}:{remote_id}"


def remote(canonical: str) -> str:
    return canonical.partition(":")[2]
