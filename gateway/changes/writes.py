"""Events from writes made through the gateway (``source: gateway``).

Each write operation names the event it makes. An update is read first (one upstream
read through the same adapter) so that ``changed_fields`` compares the canonical
resource before and after, exactly: the fields whose values differ (a field only some
answer shapes carry, ``Adapter.list_omits``, that one side lacks is no change).

Once the write succeeded its event is recorded and the poller's snapshot learns what
the write did, so the next scan does not report it again:

- a creation's entry is the new record; a deletion leaves a tombstone;
- an update changes only the fields it changed in the record's entry (compare-and-set,
  retried if a scan or another write changed the entry meanwhile). The others stay as
  the last scan saw them, so a change made in the upstream itself just before the
  write (a rename in its UI) is still reported by the next scan, as ``source: poll``.
  A record the snapshot does not have yet is left to the next scan (a creation there).

A store that cannot keep the event does not fail the write (the upstream already has
it): the loss is logged and counted, and the poller, where one runs, reports the
change later as ``source: poll``.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

import structlog
from pydantic import BaseModel

from adapters.base import Adapter, Operation
from adapters.kinds import KINDS, WRITE_EVENTS
from gateway.changes.feed import ChangeFeed
from gateway.changes.fingerprint import changed_fields, differing, entry, fields_of, read_entry
from gateway.config.model import ConnectionConfig
from gateway.store import StoreDown

log = structlog.get_logger("gateway.changes")
SWAP_TRIES = 5  # compare-and-set attempts on one snapshot entry before giving up

EVENTS = WRITE_EVENTS  # each write: the kind it writes and the change it makes


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
    if op not in EVENTS or EVENTS[op][1] != "updated":
        return None
    kind = EVENTS[op][0]
    return await getattr(adapter, KINDS[kind].get.value)(*ids)


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
    after = fields_of(data) if data is not None else {}
    prior = fields_of(before.model_dump(mode="json")) if before is not None else None
    changed = changed_fields(prior, after, omit) if prior is not None else None
    try:
        await feed.record(f"{kind}.{change}", connection, resource_id, data, "gateway", changed)
        name = snapshot_name(connection, config, kind)
        parent = ids[0] if KINDS[kind].parent else None
        await _note(feed, name, resource_id.partition(":")[2], parent, change, prior, after, omit)
    except StoreDown:
        feed.metrics.events_lost.inc()
        log.error("event_lost", type=f"{kind}.{change}", connection=connection, id=resource_id)


async def _note(
    feed: ChangeFeed,
    name: str,
    key: str,
    parent: str | None,
    change: str,
    prior: dict[str, str] | None,
    after: dict[str, str],
    omit: frozenset[str],
) -> None:
    """Tell the poller's snapshot ``name`` what the write did to record ``key``."""
    listed = {field: digest for field, digest in after.items() if field not in omit}
    if prior is None or change != "updated":
        # a deletion leaves an empty entry (a tombstone) so that a scan running now
        # does not take the record it read a moment ago for one created behind its back
        made = entry({} if change == "deleted" else listed, time.time(), parent, gateway=True)
        await feed.store.snapshot_touch(name, key, made)
        return
    wrote = differing(prior, after, omit)
    for _ in range(SWAP_TRIES):
        raw = await feed.store.snapshot_entry(name, key)
        old = read_entry(raw)
        if old is None or old.tombstone:
            return  # not in the snapshot (or no baseline): the next scan tells it whole
        fields = {field: digest for field, digest in old.fields.items() if field not in wrote}
        fields.update({field: listed[field] for field in wrote if field in listed})
        made = entry(fields, time.time(), old.parent or parent, gateway=True)
        if await feed.store.snapshot_swap(name, key, raw, made):
            return
    # changed by others each time: the next scan may report this write's fields again
    log.warning("snapshot_entry_contended", snapshot=name, key=key)
