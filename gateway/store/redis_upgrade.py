"""Keys a gateway kept before its keys carried hash tags, renamed to today's names.

Webhook deliveries lived under ``dlv``, ``dlv:seq``, ... and poller snapshots under
``snap:<name>`` and ``snap:<name>:base``; they are now ``{dlv}...`` and
``snap:{<name>}...`` (gateway/store/redis_changes.py), so that the scripts touching
them run on a cluster. A store that kept them under the old names (a standalone or
Sentinel Redis: a cluster was never served before the tags) has them renamed once, at
start, with ``RENAMENX`` (atomic; a name already taken is left alone), so no pending
delivery and no baseline is lost on upgrade. Cache generations and breaker state moved
too; they are rebuilt by use and need no renaming.
"""

from __future__ import annotations

from typing import Any

from redis.exceptions import ResponseError

DELIVERY_PARTS = ((), ("seq",), ("due",), ("done",), ("held",), ("counter",))


async def rename_untagged(client: Any, prefix: str) -> int:
    """Rename the keys of the old names under ``prefix``; how many were renamed."""
    moves = [
        (prefix + ":".join(("dlv", *part)), prefix + ":".join(("{dlv}", *part)))
        for part in DELIVERY_PARTS
    ]
    snapshots = prefix + "snap:"
    cursor = 0
    while True:  # SCAN by hand: no generator left open if the caller is cancelled
        cursor, found = await client.scan(cursor, match=snapshots + "*", count=500)
        for raw in found:
            key = raw.decode() if isinstance(raw, bytes) else str(raw)
            name = key.removeprefix(snapshots)
            if "{" in name:
                continue  # today's name
            base = name.endswith(":base")
            name = name.removesuffix(":base")
            moves.append((key, f"{snapshots}{{{name}}}" + (":base" if base else "")))
        if not cursor:
            break
    renamed = 0
    for old, new in moves:
        try:
            renamed += bool(await client.renamenx(old, new))
        except ResponseError:  # no such key: nothing to move
            continue
    return renamed
