"""Property: whatever an admin PUTs, the answer is 200 or 422, never 500; after a 200 the
file on disk loads to exactly the live config, and a restart serves the same ETag
(API.md section 6). Edits are generated on the default config.yaml as the admin API
shows it: entries inserted, removed and reordered with and without comments around
them, new keys at every depth, nested maps, environment references, mistakes.

``make test`` runs 100 examples; ``make fuzz`` runs 1,000 (CONFIG_EXAMPLES)."""

from __future__ import annotations

import asyncio
import io
import os
import random
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from gateway.app import create_app, shutdown
from gateway.config.file import etag_of
from gateway.config.text import load_config

T = TypeVar("T")
ROOT = Path(__file__).parent.parent
EXAMPLES = int(os.environ.get("CONFIG_EXAMPLES", "100"))
RESTART_EVERY = 10
ADMIN = {"Authorization": "Bearer admin-key"}
NAMES = st.text("abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12).filter(
    lambda n: n[0].isalpha()
)
SCOPES = st.lists(
    st.sampled_from(["customers:read", "customers:write", "items:read", "passthrough"]),
    min_size=1,
    max_size=3,
    unique=True,
)
VALUES = st.one_of(
    st.integers(-5, 100_000),
    st.floats(0.01, 1000, allow_nan=False),
    st.booleans(),
    st.text(min_size=0, max_size=20),
    st.just("${GATEWAY_PROPERTY_VAR:-fallback-value}"),
)
# Where a new key may go (parent path in the config), known and unknown keys alike.
DEPTHS = [
    (),
    ("server",),
    ("server", "limits"),
    ("server", "events"),
    ("connections",),
    ("connections", "crm"),
    ("connections", "crm", "timeout"),
    ("connections", "borderbolt", "cache"),
    ("connections", "borderbolt", "changes"),
    ("connections", "shop", "auth"),
]
KNOWN_KEYS = {
    ("server", "limits"): ["header_timeout", "keep_alive", "max_connections"],
    ("server", "events"): ["retention"],
    ("connections", "crm", "timeout"): ["connect", "read", "total"],
    ("connections", "borderbolt", "cache"): ["ttl", "stale_if_error", "max_entries"],
    ("connections", "crm"): ["max_scan_pages", "retry"],
    ("server",): ["max_body_bytes", "log_level"],
}


def api_key(name: str, scopes: list[str], env: bool, flow: bool) -> CommentedMap:
    entry = CommentedMap(
        name=name,
        key=f"${{PROPERTY_{name.upper().replace('-', '_')}:-key-{name}-0123}}"
        if env
        else f"key-{name}-0123",
        scopes=CommentedSeq(scopes),
    )
    if flow:
        entry.fa.set_flow_style()
    return entry


@st.composite
def edits(draw: st.DrawFn) -> tuple[str, Any]:
    kind = draw(
        st.sampled_from(["insert", "remove", "reorder", "new_key", "nested_map", "connection"])
    )
    if kind == "insert":
        return kind, (
            draw(st.integers(0, 10)),
            api_key(draw(NAMES), draw(SCOPES), draw(st.booleans()), draw(st.booleans())),
            draw(st.sampled_from([None, "a comment about this key", "two\nlines"])),
        )
    if kind in ("remove", "reorder"):
        return kind, random.Random(draw(st.integers(0, 2**32)))
    if kind == "new_key":
        parent = draw(st.sampled_from(DEPTHS))
        known = KNOWN_KEYS.get(parent, [])
        key = draw(st.sampled_from(known) if known and draw(st.booleans()) else NAMES)
        return kind, (parent, key, draw(VALUES))
    if kind == "nested_map":
        parent = draw(st.sampled_from(DEPTHS))
        value = draw(st.dictionaries(NAMES, VALUES, min_size=1, max_size=3))
        return kind, (parent, draw(NAMES), value)
    return kind, (draw(NAMES), draw(st.sampled_from(["crm", "borderbolt", "nope"])))


def apply(document: CommentedMap, edit: tuple[str, Any]) -> None:
    kind, args = edit
    keys = document["api_keys"]
    if kind == "insert":
        index, entry, comment = args
        index = min(index, len(keys))
        if any(k["name"] == entry["name"] for k in keys):
            entry["name"] = entry["name"] + "-x"
        keys.insert(index, entry)
        if comment:
            keys.yaml_set_comment_before_after_key(index, before=comment, indent=2)
    elif kind == "remove":
        removable = [i for i, k in enumerate(keys) if k["name"] not in ("ops",)]
        if removable:
            del keys[args.choice(removable)]
    elif kind == "reorder":
        order = list(range(len(keys)))
        args.shuffle(order)
        entries = [keys[i] for i in order]
        del keys[:]
        keys.extend(entries)
    elif kind in ("new_key", "nested_map"):
        parent, key, value = args
        node = document
        for part in parent:
            if not isinstance(node.get(part), dict):
                node[part] = CommentedMap()
            node = node[part]
        node[key] = value
    else:
        name, adapter = args
        document["connections"][name] = CommentedMap(
            adapter=adapter, base_url="sandbox:", auth={"type": "bearer", "token": f"t-{name}"}
        )


def render(document: CommentedMap) -> str:
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


class Served:
    """One gateway on a copy of the default config, in its own folder, its event loop in
    a thread of its own (hypothesis calls the test synchronously, example by example)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "config.yaml"
        self.path.write_text((ROOT / "config.yaml").read_text(encoding="utf-8"))
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.app = self.run(self._made())
        self.checked = 0

    async def _made(self) -> Any:
        return create_app(load_config(self.path), config_path=self.path)

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(120)

    def client(self, app: Any = None) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app or self.app)
        return httpx.AsyncClient(transport=transport, base_url="http://gw", headers=ADMIN)

    def close(self) -> None:
        self.run(shutdown(self.app))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    made = Served(tmp_path_factory.mktemp("config-property"))
    yield made
    made.close()


async def check_one(served: Served, edit: tuple[str, Any]) -> None:
    async with served.client() as admin:
        shown = await admin.get("/admin/config", headers={"Accept": "application/yaml"})
        document = YAML().load(shown.text)
        apply(document, edit)
        answer = await admin.put(
            "/admin/config",
            content=render(document),
            headers={"If-Match": shown.headers["etag"], "Content-Type": "application/yaml"},
        )
    assert answer.status_code in (200, 422), answer.text
    text = served.path.read_text(encoding="utf-8")
    assert load_config(served.path) == served.app.state.runtime.config
    if answer.status_code == 200:
        assert answer.headers["etag"] == etag_of(text)
    served.checked += 1
    if served.checked % RESTART_EVERY == 0:  # a restart is slow: one example in several
        restarted = create_app(load_config(served.path), config_path=served.path)
        try:
            async with served.client(restarted) as admin:
                again = await admin.get("/admin/config")
            assert again.headers["etag"] == etag_of(text)
        finally:
            await shutdown(restarted)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
    derandomize=True,
)
@given(edit=edits())
def test_any_edit_is_200_or_422_and_the_file_loads_to_the_live_config(
    served: Served, edit: tuple[str, Any]
) -> None:
    served.run(check_one(served, edit))
