"""The upstream's own UI, simulated: changes made behind the gateway's back.

A real upstream's users edit records in its own screens, and the gateway only learns
of it by polling (gateway/changes/poller.py). ``Console`` does the same to a
simulator's state: create, update or delete a record directly, with ``updated_at``
moved the way the upstream moves it. It is served by ``Sandbox`` under
``/__sandbox__/console/<kind>[/<id>]`` (POST to create, PATCH to update, DELETE), so
a test of a gateway in another process can change the simulator it serves; tests in
process call the methods.
"""

from __future__ import annotations

import json
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

CONSOLE_PATH = "/__sandbox__/console/"


@dataclass
class Collection:
    """One kind of record: the simulator's dict of them, how a path ID reads as its
    key, how new keys are made and how ``updated_at`` is written (None: no timestamps)."""

    records: MutableMapping[Any, dict[str, Any]]
    key: Callable[[str], Any]
    new_key: Callable[[], Any]
    stamp: Callable[[], str] | None = None
    id_field: str = "id"


@dataclass
class Console:
    collections: dict[str, Collection] = field(default_factory=dict)
    # told the kind of each change made here (a simulator that keeps its lists in order
    # between requests starts them again)
    on_change: Callable[[str], None] = lambda kind: None

    def create(self, kind: str, record: dict[str, Any]) -> Any:
        where = self.collections[kind]
        key = where.new_key()
        made = {**record, where.id_field: key}
        if where.stamp is not None:
            made.setdefault("created_at", where.stamp())
            made["updated_at"] = where.stamp()
        where.records[key] = made
        self.on_change(kind)
        return key

    def update(self, kind: str, record_id: Any, fields: dict[str, Any]) -> dict[str, Any]:
        where = self.collections[kind]
        record = where.records[where.key(str(record_id))]
        record.update(fields)
        if where.stamp is not None:
            record["updated_at"] = where.stamp()
        self.on_change(kind)
        return record

    def delete(self, kind: str, record_id: Any) -> None:
        where = self.collections[kind]
        del where.records[where.key(str(record_id))]
        self.on_change(kind)

    def answer(self, method: str, path: str, body: bytes) -> tuple[int, str]:
        """The HTTP face: ``(status, JSON text)`` for a request under ``CONSOLE_PATH``."""
        kind, _, record_id = path.removeprefix(CONSOLE_PATH).partition("/")
        if kind not in self.collections:
            return 404, json.dumps(
                {"message": f"no kind {kind!r}", "kinds": list(self.collections)}
            )
        try:
            fields = json.loads(body or b"{}")
            if method == "POST" and not record_id:
                return 201, json.dumps({"id": self.create(kind, fields)})
            if method == "PATCH" and record_id:
                return 200, json.dumps(self.update(kind, record_id, fields), default=str)
            if method == "DELETE" and record_id:
                self.delete(kind, record_id)
                return 204, ""
        except (KeyError, ValueError):
            return 404, json.dumps({"message": f"no {kind} {record_id!r}"})
        return 405, json.dumps({"message": "POST /kind, PATCH or DELETE /kind/id"})
