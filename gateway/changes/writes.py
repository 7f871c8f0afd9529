"""Events from writes made through the gateway (``source: gateway``).

Each write operation names the event it makes. An update is read first (one upstream
read through the same adapter) so that ``changed_fields`` compares the canonical
resource before and after, exactly: the fields whose values differ (a field only some
answer shapes carry, ``Adapter.list_omits``, that one side lacks is no change). Once
the write succeeded its event is recorded, and the poller's snapshot entry for the
record is replaced, so the next poll does not report the same change again. A store that cannot keep the event does not fail the
write (the upstream already has it): the loss is logged and counted, and the poller,
where one runs, reports the change later as ``source: poll``.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

import structlog
from pydantic import BaseModel

from adapters.base import Adapter, Operation
from gateway.changes.feed import ChangeFeed
from gateway.changes.fingerprint import changed_fields, entry, fields_of
from gateway.config import ConnectionConfig
from gateway.store import StoreDown

log = structlog.get_logger("gateway.changes")

EVENTS: dict[Operation, tuple[str, str]] = {
    Operation.CREATE_CUSTOMER: ("customer", "created"),
    Operation.UPDATE_CUSTOMER: ("customer", "updated"),
    Operation.DELETE_CUSTOMER: ("customer", "deleted"),
    Operation.CREATE_CONTACT: ("contact", "created"),
    Operation.UPDATE_CONTACT: ("contact", "updated"),
    Operation.DELETE_CONTACT: ("contact", "deleted"),
    Operation.CREATE_ITEM: ("item", "created"),
    Operation.UPDATE_ITEM: ("item", "updated"),
    Operation.DELETE_ITEM: ("item", "deleted"),
    Operation.DUPLICATE_ITEM: ("item", "created"),
    Operation.VERIFY_ITEM: ("item", "updated"),
}
READS = {"customer": "get_customer", "contact": "get_contact", "item": "get_item"}


def snapshot_name(connection: str, config: ConnectionConfig, kind: str) -> str:
    """Where the poller keeps one connection's records of ``kind``. The name changes
    with what shapes canonical records (adapter, upstream, version, field mapping), so
    a change of those takes a new baseline instead of reporting every record updated."""
    shape = json.dumps(
        [config.adapter, config.base_url, config.api_version, config.field_mapping],
        sort_keys=True,
    )
    return f"{connection}/{hashlib.sha256(shape.encode()).hexdigest()[:12]}/{kind}"


async def before_write(adapter: Adapter, op: Operation, ids: tuple[str, ...]) -> Any:
    """The canonical resource an update is about to change (None for other writes)."""
    kind, change = EVENTS.get(op, ("", ""))
    if change != "updated":
        return None
    return await getattr(adapter, READS[kind])(*ids)


async def record_write(
    feed: ChangeFeed,
    adapter: Adapter,
    config: ConnectionConfig,
    op: Operation,
    ids: tuple[str, ...],
    before: BaseModel | None,
    result: BaseModel | None,
) -> None:
    """Record the event of a write that succeeded (see the module docstring)."""
    if op not in EVENTS:
        return
    kind, change = EVENTS[op]
    connection = adapter.connection
    data = result.model_dump(mode="json") if result is not None else None
    resource_id = data["id"] if data is not None else f"{connection}:{ids[-1]}"
    omit = adapter.list_omits.get(kind, frozenset())
    after = fields_of(data, omit) if data is not None else {}
    changed = (
        changed_fields(fields_of(before.model_dump(mode="json")), fields_of(data or {}), omit)
        if before
        else None
    )
    try:
        await feed.record(f"{kind}.{change}", connection, resource_id, data, "gateway", changed)
        remote = resource_id.partition(":")[2]
        name = snapshot_name(connection, config, kind)
        # a deletion leaves an empty entry (a tombstone) so that a scan running now
        # does not take the record it read a moment ago for one created behind its back
        parent = ids[0] if kind == "contact" else None
        await feed.store.snapshot_touch(
            name, remote, entry(after, time.time(), parent, gateway=True)
        )
    except StoreDown:
        feed.metrics.events_lost.inc()
        log.error("event_lost", type=f"{kind}.{change}", connection=connection, id=resource_id)
