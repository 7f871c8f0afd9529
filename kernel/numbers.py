"""Numbers read from text the one way the contract allows: ASCII digits only.

``str.isdigit()`` is true for ``²`` or ``٣``, which ``int()`` then refuses or reads
as another number; every count, length, port or delay read from a request, a header
or an upstream answer goes through ``ascii_int`` instead.
"""

from __future__ import annotations

import re

DIGITS = re.compile(r"[0-9]{1,18}", re.ASCII)


def ascii_int(text: str | None) -> int | None:
    """``text`` as a non-negative int if it is 1..18 ASCII digits, else None."""
    if text is None or not DIGITS.fullmatch(text):
        return None
    return int(text)
