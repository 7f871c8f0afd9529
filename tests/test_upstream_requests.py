"""The requests ``UpstreamClient`` builds (gateway/upstreams/transport.py) are the ones
httpx itself builds: it remembers the URLs it made from a path and query parameters
(for the client's base URL of the moment, and boundedly), and merges a call's headers
with the client's without parsing the client's again."""

from __future__ import annotations

import httpx
import pytest

from gateway.upstreams import transport
from gateway.upstreams.transport import UpstreamClient

BASE = "http://127.0.0.1:9101/api/v2"
PATHS = ["/customers", "customers/501", "/x?kept=1", "/a b/ü", "//double", ""]
PARAMS: list[object] = [
    None,
    {},
    {"page": 1, "per_page": 25},
    {"q": "a b&c=d", "n": 0},
    {"flag": True, "ratio": 1.0, "one": 1},
    {"many": ["1", "2"]},
    [("a", "1"), ("a", "2")],
]


@pytest.mark.parametrize("params", PARAMS)
@pytest.mark.parametrize("path", PATHS)
def test_a_url_is_the_one_httpx_builds_every_time(path: str, params: object) -> None:
    client, plain = UpstreamClient(base_url=BASE), httpx.AsyncClient(base_url=BASE)
    expected = plain.build_request("GET", path, params=params).url  # type: ignore[arg-type]
    for _ in range(2):  # built, then remembered
        assert client.build_request("GET", path, params=params).url == expected


def test_an_int_and_a_bool_of_equal_value_build_different_urls() -> None:
    client = UpstreamClient(base_url=BASE)
    first = client.build_request("GET", "/c", params={"v": 1}).url
    second = client.build_request("GET", "/c", params={"v": True}).url
    assert (first.query, second.query) == (b"v=1", b"v=true")


def test_a_new_base_url_is_used_from_the_next_request() -> None:
    client = UpstreamClient(base_url=BASE)
    assert client.build_request("GET", "/c").url.host == "127.0.0.1"
    client.base_url = httpx.URL("https://other.example/v3")
    assert str(client.build_request("GET", "/c").url) == "https://other.example/v3/c"


def test_what_is_remembered_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transport, "MERGED_URLS", 8)
    client = UpstreamClient(base_url=BASE)
    for number in range(50):
        url = client.build_request("GET", f"/customers/{number}").url
        assert url.path == f"/api/v2/customers/{number}"
        assert len(client._merged) <= 8


HEADERS: list[object] = [
    None,
    {},
    {"Accept": "application/json", "X-Request-ID": "abc"},
    {"user-agent": "mine", "ACCEPT": "text/plain"},  # replaces the client's, any case
    {"X-A": "1", "x-a": "2"},  # both kept, as httpx keeps them
    {"X-Name": "Zoë"},  # not ASCII: httpx's own path (which refuses it)
    {b"X-Bytes": b"raw"},
    [("X-Twice", "1"), ("X-Twice", "2")],
]


@pytest.mark.parametrize("headers", HEADERS)
def test_headers_are_the_ones_httpx_merges(headers: object) -> None:
    own = {"User-Agent": "gateway", "Accept": "*/*", "X-Client": "kept"}
    client = UpstreamClient(base_url=BASE, headers=own)
    plain = httpx.AsyncClient(base_url=BASE, headers=own)
    try:
        expected = plain.build_request("GET", "/c", headers=headers).headers.raw  # type: ignore[arg-type]
    except UnicodeEncodeError:
        with pytest.raises(UnicodeEncodeError):
            client.build_request("GET", "/c", headers=headers)  # type: ignore[arg-type]
        return
    assert client.build_request("GET", "/c", headers=headers).headers.raw == expected  # type: ignore[arg-type]
