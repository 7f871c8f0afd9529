"""Upstream timestamps -> ISO 8601 in UTC with ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime

import structlog

log = structlog.get_logger("gateway.mapping")


def iso_utc(value: object) -> str | None:
    """``2025-01-15T10:00:00.000000Z`` or ``...+02:00`` -> ``2025-01-15T10:00:00Z``.

    Naive values are taken as UTC; fractions of a second are kept (as six digits) when
    non-zero. An unparseable value is logged and answered as ``None`` (it stays in
    remote_data).

    Every value is parsed (so an impossible date never passes); one already written in
    the canonical shape, as most upstreams send it, is then answered as sliced text,
    which costs a fraction of formatting the parsed value again.
    """
    if value is None or value == "":
        return None
    text = value if isinstance(value, str) else str(value)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        log.warning("unparseable_timestamp", value=text[:64])
        return None
    if len(text) >= 20 and text[10] == "T" and text[-1] == "Z":
        if len(text) == 20:
            return text
        if len(text) == 27 and text[19] == ".":
            return text if parsed.microsecond else f"{text[:19]}Z"
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    parsed = parsed.astimezone(UTC)
    spec = "%Y-%m-%dT%H:%M:%S.%fZ" if parsed.microsecond else "%Y-%m-%dT%H:%M:%SZ"
    return parsed.strftime(spec)
