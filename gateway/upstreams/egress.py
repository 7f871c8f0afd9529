"""The egress policy: which addresses the gateway may connect to for what a config
names (webhook receivers, upstream ``base_url`` and OAuth ``token_url``).

Always refused, for every such URL:

- link-local addresses (``169.254.0.0/16``, ``fe80::/10``) and the cloud metadata
  endpoints (``169.254.169.254``, AWS's ``fd00:ec2::254``, Alibaba's
  ``100.100.100.200``): they hand out the machine's own credentials;
- the state store's address (the host and port of ``server.state``): a URL there would
  let whoever edits the config talk to Redis through the gateway.

Refused for webhooks when ``server.egress.deny_private`` is true: every address that is
not globally routable (loopback, ``10/8``, ``172.16/12``, ``192.168/16``, ``fc00::/7``,
carrier-grade NAT, unspecified, reserved). Loopback and private receivers are allowed
by default: sidecars and in-cluster receivers are normal.

Checked twice. At config time on what the URL says (``url_problem``): an address in
any form the resolver would take (``2852039166``, ``[::ffff:169.254.169.254]``),
``localhost``, the store's host name. At connect time on each address a host name
resolved to (``socket_factory``, called just before a socket is made: by aiohttp for
webhooks, by gateway/upstreams/lean_transport.py for upstreams), so a
name that resolves to a refused address, now or after a DNS change, is refused, and
the address checked is the address connected. A refusal says only that the policy
refused (``EgressRefused``), never anything about the target.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Iterable, Mapping, Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import structlog
from aiohttp.abc import AbstractResolver

if TYPE_CHECKING:
    from gateway.config.model import Config

log = structlog.get_logger("gateway.egress")
IP = ipaddress.IPv4Address | ipaddress.IPv6Address
Address = tuple[str, int]  # (host key, port); see _key
METADATA = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")
LOOPBACK = "loopback"  # the key of every address that reaches this machine
DEFAULT_PORTS = {"http": 80, "https": 443, "redis": 6379, "rediss": 6379}
STORE_NAMES_TTL = 60.0  # seconds the store's resolved addresses are trusted
REFUSED = "refused by the egress policy (server.egress)"


class EgressRefused(OSError):
    """A connection the policy refused. Its message is always ``REFUSED``: nothing
    about the target, and the same for every address (so aiohttp, trying several,
    passes this one on rather than merging them)."""

    def __init__(self) -> None:
        super().__init__(REFUSED)


def address(host: str) -> IP | None:
    """The IP address ``host`` is written as, in any form the resolver accepts, with
    IPv4 inside IPv6 (mapped, NAT64, 6to4) unwrapped; None for a name."""
    bare = host.strip("[]").split("%", 1)[0].rstrip(".")
    try:
        ip: IP = ipaddress.ip_address(bare)
    except ValueError:
        try:  # 127.1, 0x7f000001, 2130706433: what inet_aton and getaddrinfo accept
            ip = ipaddress.IPv4Address(socket.inet_aton(bare))
        except (OSError, ValueError):
            return None
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if ip.sixtofour is not None:
            return ip.sixtofour
    return ip


def _key(host: str, ip: IP | None) -> str:
    """How hosts are compared with the store's: every way to reach this machine is one."""
    if ip is None:
        name = host.lower().rstrip(".")
        return LOOPBACK if name == "localhost" or name.endswith(".localhost") else name
    return LOOPBACK if ip.is_loopback or ip.is_unspecified else str(ip)


def _always_refused(ip: IP) -> bool:
    return ip in METADATA or ip.is_link_local


def store_addresses(state: Any) -> tuple[Address, ...]:
    """Where the state store listens, from ``server.state``: its ``url`` (and, for a
    backend that has them, its ``sentinels``); none for ``local`` or a unix socket."""
    found: list[Address] = []
    url = getattr(state, "url", None)
    if isinstance(url, str):
        parts = urlsplit(url)
        if parts.hostname and parts.scheme in DEFAULT_PORTS:
            host = parts.hostname
            found.append((_key(host, address(host)), _port(parts.port, parts.scheme)))
    for sentinel in getattr(state, "sentinels", None) or ():
        host, _, port = str(sentinel).rpartition(":")
        host = host.removeprefix("[").removesuffix("]")
        if host and port.isdigit():
            found.append((_key(host, address(host)), int(port)))
    return tuple(found)


def _port(port: int | None, scheme: str) -> int:
    return port if port is not None else DEFAULT_PORTS.get(scheme, 80)


class Egress:
    """The policy for one kind of traffic: the store's addresses and, for webhooks,
    ``deny_private``. ``prepare`` (awaited before a request) resolves the store's host
    names, so the connect-time check knows every address the store has."""

    def __init__(self, store: Sequence[Address] = (), *, deny_private: bool = False) -> None:
        self.store = frozenset(store)
        self.deny_private = deny_private
        self._names = [(h, p) for h, p in self.store if h != LOOPBACK and address(h) is None]
        self._resolved: frozenset[Address] = frozenset()
        self._fresh_until = 0.0
        self._lock = asyncio.Lock()

    @classmethod
    def of(cls, config: Config, *, webhooks: bool) -> Egress:
        deny = webhooks and config.server.egress.deny_private
        return cls(store_addresses(config.server.state), deny_private=deny)

    def url_problem(self, url: str) -> str | None:
        """Config time: why the policy refuses ``url`` as written, or None."""
        try:
            parts = urlsplit(url)
            port = _port(parts.port, parts.scheme)
        except ValueError:
            return (
                "not a valid URL: check the host (an IPv6 address in [brackets]) "
                "and the port (1 to 65535)"
            )
        host = parts.hostname or ""
        ip = address(host)
        if (why := self._refusal(_key(host, ip), ip, port)) is not None:
            return f"{REFUSED}: {why}"
        return None

    def refusal(self, ip: str, port: int) -> str | None:
        """Connect time: why the policy refuses this resolved address, or None."""
        parsed = address(ip)
        return self._refusal(_key(ip, parsed), parsed, port)

    def _refusal(self, key: str, ip: IP | None, port: int) -> str | None:
        if ip is not None and _always_refused(ip):
            return (
                "a link-local or cloud metadata address, which hands out the machine's "
                "credentials; no webhook or upstream may reach it"
            )
        if (key, port) in self.store or (key, port) in self._resolved:
            return "the state store's address (server.state); the gateway never sends it requests"
        if self.deny_private and (key == LOOPBACK or (ip is not None and not ip.is_global)):
            return (
                "a loopback or private address, and server.egress.deny_private is true; "
                "use a public address, or set deny_private: false"
            )
        return None

    async def prepare(self, resolver: AbstractResolver | None = None) -> None:
        """Resolve the store's host names (at most once a minute), with the resolver
        the connections use (None: the system's)."""
        if not self._names or time.monotonic() < self._fresh_until:
            return
        async with self._lock:
            if time.monotonic() < self._fresh_until:
                return
            found: set[Address] = set()
            for host, port in self._names:
                try:
                    ips = await _resolve(host, port, resolver)
                except OSError:
                    continue  # the store is not resolvable now; its name still counts
                found.update((_key(ip, address(ip)), port) for ip in ips)
            self._resolved = frozenset(found)
            self._fresh_until = time.monotonic() + STORE_NAMES_TTL

    def socket_factory(self, addr_info: tuple[Any, ...]) -> socket.socket:
        """A socket for an allowed address (``addr_info`` as ``getaddrinfo`` gives it);
        for a refused one, ``EgressRefused`` before anything is sent. aiohttp's
        ``socket_factory`` hook (webhooks); LeanTransport calls it the same way."""
        family, kind, proto, _, sockaddr = addr_info
        why = self.refusal(str(sockaddr[0]), int(sockaddr[1]))
        if why is not None:
            log.warning("egress_refused", address=str(sockaddr[0]), port=sockaddr[1], why=why)
            raise EgressRefused()
        return socket.socket(family=family, type=kind, proto=proto)


async def _resolve(host: str, port: int, resolver: AbstractResolver | None) -> list[str]:
    if resolver is not None:
        return [r["host"] for r in await resolver.resolve(host, port, socket.AF_UNSPEC)]
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def refused(exc: BaseException) -> bool:
    """Whether ``exc`` (aiohttp's, or one it wraps) is the policy's refusal."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, EgressRefused) or isinstance(
            getattr(current, "os_error", None), EgressRefused
        ):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def config_problems(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every URL the policy refuses in a config's data as written (``${VAR}``
    expanded), as ``(path, message)``: read beside the fields' own problems, so
    ``check-config`` reports them in the same run. A value of the wrong shape is
    skipped here (its field reports it)."""
    server = _map(data.get("server"))
    state = _map(server.get("state"))
    stores = store_addresses(
        SimpleNamespace(url=state.get("url"), sentinels=state.get("sentinels"))
    )
    deny = _map(server.get("egress")).get("deny_private") is True
    hooks, upstreams = Egress(stores, deny_private=deny), Egress(stores)
    hook_urls = [
        (f"webhooks.{i}.url", hook.get("url"))
        for i, hook in enumerate(data.get("webhooks") or [])
        if isinstance(hook, Mapping)
    ]
    problems = _problems(hooks, hook_urls)
    for name, connection in _map(data.get("connections")).items():
        connection = _map(connection)
        auth = _map(connection.get("auth"))
        urls = [(f"connections.{name}.base_url", connection.get("base_url"))]
        token_url = auth.get("token_url")
        if isinstance(token_url, str) and not token_url.startswith("/"):
            urls.append((f"connections.{name}.auth.token_url", token_url))
        problems += _problems(upstreams, [(p, u) for p, u in urls if u != "sandbox:"])
    return problems


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _problems(policy: Egress, urls: Iterable[tuple[str, Any]]) -> list[tuple[str, str]]:
    return [
        (path, why)
        for path, url in urls
        if isinstance(url, str) and (why := policy.url_problem(url)) is not None
    ]
