"""Upstream timestamps -> ISO 8601 in UTC with ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime

import structlog

log = structlog.get_logger("gateway.mapping")


def iso_utc(value: object) -> str | None:
    """``2025-01-15T10:00:00.000000Z`` or ``...+02:00`` -> ``2025-01-15T10:00:00Z``.

    Naive values are taken as UTC; fractions of a second are kept when non-zero.
    An unparseable value is logged and answered as ``None`` (it stays in remote_data).
    """
    if value is None or value == "":
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        log.warning("unparseable_timestamp", value=str(value)[:64])
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    parsed = parsed.astimezone(UTC)
    spec = "%Y-%m-%dT%H:%M:%S.%fZ" if parsed.microsecond else "%Y-%m-%dT%H:%M:%SZ"
    return parsed.strftime(spec)
