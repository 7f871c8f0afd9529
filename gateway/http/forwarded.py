"""Who is on the other end: the peer, or the client a trusted proxy forwards for.

Behind a load balancer every request comes from the balancer's address. With
``server.trusted_proxies`` (addresses or networks) the gateway believes the
``X-Forwarded-For`` and ``X-Forwarded-Proto`` headers of requests that come from one
of them, and only of those: a client cannot pick its own address by sending the
header. The client is the right-most address in ``X-Forwarded-For`` that is not a
trusted proxy (the one the first trusted hop saw). Without trusted proxies the
headers are ignored and the peer is the client.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Mapping, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """``server.trusted_proxies`` parsed (once per distinct list)."""
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_address(
    peer: str | None, headers: Mapping[str, str], trusted: Sequence[Network]
) -> str | None:
    """The client's address, as described above."""
    if peer is None or not trusted or not _trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in headers.get("x-forwarded-for", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            return hop[:64]
    return hops[0][:64] if hops else peer


def forwarded_https(
    peer: str | None, headers: Mapping[str, str], trusted: Sequence[Network]
) -> bool:
    """Whether the client's own connection was HTTPS, as a trusted proxy says."""
    if peer is None or not trusted or not _trusted(peer, trusted):
        return False
    return headers.get("x-forwarded-proto", "").split(",")[0].strip().lower() == "https"
