"""Native customer filters and sorts as a CRM search body (pure; no HTTP).

What HubSpot's search does exactly as the canonical filter means it, and so is native:

- ``name`` and ``q`` (a substring of the name; a HubSpot company has no email or
  code) when the value is one word: ``CONTAINS_TOKEN`` with ``*value*`` matches a
  whitespace-delimited token of the name that contains the value (the search guide's
  own example, ``*@hubspot.com`` matching an email, reads so), which is exactly where
  a substring without whitespace can be. A value with a space (or a ``*``) is
  emulated;
- ``updated_since``: ``hs_lastmodifieddate GTE`` the instant in epoch milliseconds
  (rounded up: HubSpot keeps milliseconds, so a row at or after the instant is one at
  or after its next whole millisecond), the same instant as the canonical
  ``updated_at``;
- ``industry`` (``INDUSTRY``): ``EQ``, in any case (the guide does not say how ``EQ``
  compares text; the simulator and the predicate both ignore case);
- sorts ``name``, ``created_at`` (``createdate``), ``updated_at`` (``hs_lastmodifieddate``).

All filters go in one filter group (ANDed); HubSpot's search reaches at most 10,000
rows of a result (``MAX_RESULTS``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.filtering import ExtraFilter

MAX_RESULTS = 10_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SORTS = {"name": "name", "created_at": "createdate", "updated_at": "hs_lastmodifieddate"}


def industry_is(customer: Any, wanted: str) -> bool:
    value = customer.extra.get("industry")
    return isinstance(value, str) and value.casefold() == wanted.casefold()


INDUSTRY = ExtraFilter(
    "text",
    "companies in this HubSpot industry (its internal value, e.g. COMPUTER_SOFTWARE), any case",
    industry_is,
)


def one_word(value: Any) -> bool:
    """Whether ``CONTAINS_TOKEN *value*`` finds exactly the names containing ``value``."""
    return isinstance(value, str) and bool(value) and "*" not in value and value.split() == [value]


def epoch_ms(instant: str) -> int:
    """A canonical instant (``2026-03-20T14:30:00.5Z``) as epoch ms, rounded up."""
    moment = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    micros = (moment - EPOCH) // timedelta(microseconds=1)
    return -(-micros // 1000)


def body(filters: Mapping[str, Any], sort: str | None, properties: Iterable[str]) -> dict[str, Any]:
    """The search body of native ``filters`` and ``sort`` (``-`` for descending)."""
    found = []
    for name, value in filters.items():
        if name in ("name", "q"):
            found.append(
                {"propertyName": "name", "operator": "CONTAINS_TOKEN", "value": f"*{value}*"}
            )
        elif name == "updated_since":
            since = str(epoch_ms(value))
            found.append({"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": since})
        elif name == "industry":
            found.append({"propertyName": "industry", "operator": "EQ", "value": value})
        else:  # pragma: no cover - plan_filters sends only what is declared native
            raise ValueError(f"not a native filter: {name}")
    sent: dict[str, Any] = {"properties": list(properties)}
    if found:
        sent["filterGroups"] = [{"filters": found}]
    if sort:
        direction = "DESCENDING" if sort.startswith("-") else "ASCENDING"
        sent["sorts"] = [{"propertyName": SORTS[sort.lstrip("-")], "direction": direction}]
    return sent
