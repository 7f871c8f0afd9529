"""The gateway's own cursor carries an upstream's position when it pages by cursor, so
the next page starts where the last one ended, on any instance."""

from __future__ import annotations

import pytest

from adapters.paging import Window
from gateway.lists.cursor import CursorCodec
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
