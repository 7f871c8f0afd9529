"""Timestamp normalisation: the sliced fast path answers exactly what formatting would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from adapters.timestamps import iso_utc


def formatted(value: str) -> str:
    """The reference: parse, convert to UTC, format (what iso_utc did before the fast path)."""
    parsed = datetime.fromisoformat(value)
    parsed = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    return parsed.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if parsed.microsecond else "%Y-%m-%dT%H:%M:%SZ")


def test_the_shapes_upstreams_send() -> None:
    assert iso_utc("2025-01-15T10:00:00.000000Z") == "2025-01-15T10:00:00Z"
    assert iso_utc("2025-01-15T10:00:00.123456Z") == "2025-01-15T10:00:00.123456Z"
    assert iso_utc("2025-01-15T10:00:00Z") == "2025-01-15T10:00:00Z"
    assert iso_utc("2025-01-15T10:00:00.5Z") == "2025-01-15T10:00:00.500000Z"
    assert iso_utc("2025-01-15T12:00:00+02:00") == "2025-01-15T10:00:00Z"
    assert iso_utc("2025-01-15 10:00:00") == "2025-01-15T10:00:00Z"
    assert iso_utc("2025-01-15") == "2025-01-15T00:00:00Z"
    assert iso_utc(None) is None and iso_utc("") is None


def test_an_impossible_date_in_the_canonical_shape_is_refused() -> None:
    assert iso_utc("2025-13-01T00:00:00Z") is None
    assert iso_utc("2025-02-30T00:00:00.000000Z") is None
    assert iso_utc("not a time") is None


moments = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1), timezones=st.none()
)
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)


@given(moments, offsets, st.sampled_from(["seconds", "microseconds", "auto"]), st.booleans())
def test_fast_path_equals_formatting(
    moment: datetime, offset: timezone, timespec: str, zulu: bool
) -> None:
    text = moment.replace(tzinfo=offset).isoformat(timespec=timespec)
    if zulu and text.endswith("+00:00"):
        text = text[:-6] + "Z"
    assert iso_utc(text) == formatted(text)
    naive = moment.isoformat(timespec=timespec)
    assert iso_utc(naive) == formatted(naive)
    assert iso_utc(naive + "Z") == formatted(naive + "Z")
