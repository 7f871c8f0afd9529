"""The gateway's own cursor carries an upstream's position when it pages by cursor, so
the next page starts where the last one ended, on any instance."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from adapters.paging import Window
from gateway.lists import listing as listing_module
from gateway.lists.cursor import CursorCodec, binding
from gateway.lists.listing import Listing
from kernel.errors import InvalidCursor

CODEC = CursorCodec(b"listing-test-secret")


def test_the_next_cursor_carries_the_upstream_position() -> None:
    first = Listing(CODEC, "customers", "hub", limit=2, cursor=None, filters={})
    assert first.query({}).resume is None
    window = Window(["a", "b"], None, True, after=('["tok",0]', '["tok",1]'))
    cursor = first.page(window)["meta"]["next_cursor"]
    second = Listing(CODEC, "customers", "hub", limit=2, cursor=cursor, filters={})
    query = second.query({})
    assert (query.offset, query.resume) == (2, '["tok",1]')


def test_a_page_by_offset_carries_none() -> None:
    cursor = Listing(CODEC, "c", "bb", limit=2, cursor=None).page(Window([1, 2], 9, True))
    position = CODEC.decode(
        cursor["meta"]["next_cursor"], Listing(CODEC, "c", "bb", limit=2, cursor=None).bound_to
    )
    assert position == {"o": 2}


def test_a_position_of_the_wrong_type_is_refused() -> None:
    listing = Listing(CODEC, "customers", "hub", limit=2, cursor=None)
    forged = CODEC.encode(listing.bound_to, {"o": 2, "r": 5})
    with pytest.raises(InvalidCursor):
        Listing(CODEC, "customers", "hub", limit=2, cursor=forged)


def test_the_binding_is_made_only_for_a_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """A listing digests its query only to read or issue a cursor (not on a last page,
    nor on a cache hit, which never renders a page)."""
    made: list[dict[str, object]] = []

    def counted(**parts: object) -> str:
        made.append(parts)
        return binding(**parts)

    monkeypatch.setattr(listing_module, "binding", counted)
    last = Listing(CODEC, "customers", "bb", limit=2, cursor=None, filters={"q": "x"})
    assert last.page(Window([1], 1, False))["meta"]["next_cursor"] is None
    assert made == []
    more = Listing(CODEC, "customers", "bb", limit=1, cursor=None, filters={"q": "x"})
    cursor = more.page(Window([1], 2, True))["meta"]["next_cursor"]
    assert made == [{"route": "customers", "connection": "bb", "filters": {"q": "x"}}]
    Listing(CODEC, "customers", "bb", limit=1, cursor=cursor, filters={"q": "x"})
    assert len(made) == 2


def test_a_cursor_is_signed_as_before() -> None:
    """HMAC-SHA256 of the body, cut to 16 bytes: cursors issued by an earlier release
    (or another instance mid-upgrade) still verify."""
    body, _, signature = CODEC.encode("bound", {"o": 25}).partition(".")
    expected = hmac.new(b"listing-test-secret", body.encode(), hashlib.sha256).digest()[:16]
    assert base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)) == expected
