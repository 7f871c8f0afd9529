"""Canonical IDs: ``"{connection}:{remote_id}"``."""

from __future__ import annotations

from collections.abc import Callable


def format_id(connection: str, remote_id: str) -> str:
    return f"{connection}:{remote_id}"


def split_id(canonical: str) -> tuple[str, str] | None:
    """``"borderbolt:501"`` -> ``("borderbolt", "501")``; ``None`` when not of that form.

    The remote part is not checked here: only its adapter knows what it may look like.
    """
    connection, sep, remote_id = canonical.partition(":")
    if not sep or not connection or not remote_id:
        return None
    return connection, remote_id


def remote_part(canonical: str, connection: str, valid: Callable[[str], bool]) -> str | None:
    """The remote ID of ``canonical`` if it names ``connection`` and passes ``valid``."""
    parts = split_id(canonical)
    if parts is None or parts[0] != connection or not valid(parts[1]):
        return None
    return parts[1]
