"""``LinkHeader``: paging by the RFC 8288 ``Link`` header (adapters/paging.py says how
strategies are declared). GitHub-style APIs answer a page as a bare list and put the
next page's address in ``Link: <https://…?page=3&per_page=50>; rel="next"``.

Only the link's query string is kept (as the position's token) and sent again to the
adapter's own list path: an upstream answer never chooses the host or path the gateway
calls next, so a hostile or confused upstream cannot point it elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from adapters.paging import Answer, NextCursor


@dataclass(frozen=True)
class LinkHeader(NextCursor):
    """The next page at ``Link: <url>; rel="next"`` (RFC 8288), absent on the last page.
    The token is that link's query string, sent again to the list's own path (module
    docstring); the first page is read with the list's parameters and ``size_param``."""

    size_param: str = "per_page"
    records: str = ""

    def sent(self, params: Mapping[str, Any], token: str | None, size: int) -> dict[str, Any]:
        if token is None:
            return {**params, self.size_param: size}
        return dict(parse_qsl(token, keep_blank_values=True))

    def following(self, got: Answer) -> str | None:
        link = next((v for k, v in got.headers.items() if k.lower() == "link"), None)
        url = next_link(link) if link else None
        if url is None:
            return None
        query = urlsplit(url).query
        if not query:  # a position only its path holds: following it would leave the list
            raise ValueError("upstream's next link has no query string to page by")
        return query


LINK = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,]+)*)")


def next_link(header: str) -> str | None:
    """The target of the ``rel="next"`` link in a ``Link`` header, or None."""
    for target, params in LINK.findall(header):
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "rel" and "next" in value.strip('" ').lower().split():
                return str(target)
    return None
