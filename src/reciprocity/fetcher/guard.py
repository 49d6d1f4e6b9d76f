"""The target guard: which URLs and addresses the fetcher may connect to (SSRF defence).

A publisher's robots.txt, a ``License:`` line or a redirect can point the fetcher anywhere; run
inside a data centre it must not reach the metadata service (``169.254.169.254``), a database on
``10.x`` or a service on ``localhost``. The guard therefore

* accepts only ``http`` and ``https`` URLs with a host;
* resolves a name itself and refuses it when *any* address it resolves to is not a public
  unicast address: loopback, private (RFC 1918, ULA), link-local, multicast, reserved,
  unspecified, shared (RFC 6598) and the other special-purpose blocks of the IANA registries
  (``ipaddress``'s ``is_global``), also when such an IPv4 address is wrapped in an IPv6 one
  (IPv4-mapped ``::ffff:a.b.c.d``, IPv4-compatible, 6to4, Teredo, NAT64 ``64:ff9b::/96``);
* is consulted at connect time, for the address actually connected to (see ``transport``), so
  that a name whose answer changes between a check and the connection (DNS rebinding) gains
  nothing.

``allow_private=True`` turns the address check off (tests, intranet audits);
``allow_networks`` exempts chosen networks only. A refusal raises :class:`TargetRefused`, which
the fetcher records as the error kind ``refused`` (see ``docs/fetcher.md``).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlsplit

from reciprocity.errors import FetchError

__all__ = [
    "SCHEMES",
    "Guard",
    "NameNotResolved",
    "Resolver",
    "TargetRefused",
    "blocked_reason",
    "system_resolver",
]

SCHEMES: Final = frozenset({"http", "https"})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
"""``await resolver(host, port)``: the addresses (text) a name resolves to; raises ``OSError``
when it cannot be resolved."""

_NAT64: Final = (
    ipaddress.IPv6Network("64:ff9b::/96"),  # RFC 6052 well-known prefix
    ipaddress.IPv6Network("64:ff9b:1::/48"),  # RFC 8215 local-use prefix
)


class TargetRefused(FetchError):
    """The guard refused a URL or an address (another scheme, no host, a blocked address)."""

    slug = "refused"


class NameNotResolved(FetchError):
    """A host name did not resolve: the server is unreachable, not refused."""

    slug = "dns"


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address a tunnelling IPv6 address carries and routes to, if any."""
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # the client's address, where the traffic ends up
    for net in _NAT64:
        if address in net:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    # ::a.b.c.d (deprecated IPv4-compatible form); ::, ::1 are handled as IPv6 themselves.
    if int(address) >> 32 == 0 and int(address) > 1:
        return ipaddress.IPv4Address(int(address))
    return None


def _category(address: IPAddress) -> str | None:
    # The named categories come first so that a refusal says why; ``is_global`` then catches
    # the remaining special-purpose blocks (shared address space, benchmarking, documentation…).
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address.is_private:
        return "private"
    if address.is_reserved:
        return "reserved"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "site-local"
    if not address.is_global:
        return "not globally routable"
    return None


def blocked_reason(address: str | IPAddress) -> str | None:
    """Why the fetcher must not connect to ``address`` (``None``: a public unicast address).

    Text that is not an IP address is refused too (``"not an IP address"``)."""
    if isinstance(address, str):
        try:
            address = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
        except ValueError:
            return "not an IP address"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        # A dual-stack socket connects to the IPv4 address itself: judge that one alone.
        mapped = address.ipv4_mapped
        reason = _category(mapped)
        return None if reason is None else f"{reason} (IPv4-mapped {mapped})"
    reason = _category(address)
    if reason is not None:
        return reason
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None:
            inner_reason = _category(inner)
            if inner_reason is not None:
                return f"{inner_reason} (IPv4 {inner} inside IPv6)"
    return None


async def system_resolver(host: str, port: int) -> Sequence[str]:
    """Every address the system resolver gives for ``host`` (TCP), in its order."""
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Guard:
    """The connection policy: which URLs may be fetched and which addresses connected to."""

    allow_private: bool = False
    allow_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    resolver: Resolver = field(default=system_resolver)

    @classmethod
    def create(
        cls,
        *,
        allow_private: bool = False,
        allow_networks: Iterable[str] = (),
        resolver: Resolver | None = None,
    ) -> Guard:
        """A guard; ``allow_networks`` are CIDR strings (``"192.0.2.0/24"``) exempt from it."""
        networks = tuple(ipaddress.ip_network(n, strict=False) for n in allow_networks)
        return cls(allow_private, networks, resolver or system_resolver)

    def address_refusal(self, address: str) -> str | None:
        """Why ``address`` may not be connected to under this policy (``None``: it may)."""
        reason = blocked_reason(address)
        if reason is None or reason == "not an IP address":
            return reason
        if self.allow_private:
            return None
        parsed = ipaddress.ip_address(address.split("%", 1)[0])
        if any(parsed in net for net in self.allow_networks if net.version == parsed.version):
            return None
        return reason

    def check_url(self, url: str) -> None:
        """Refuse a URL the fetcher never requests: another scheme, no host, a blocked literal
        address. (Names are resolved and vetted when connecting.)"""
        try:
            parts = urlsplit(url)
            host = parts.hostname
            parts.port  # noqa: B018 -- raises ValueError on a bad port
        except ValueError as exc:
            raise TargetRefused(f"not a valid URL ({exc})", url=url) from None
        if parts.scheme.lower() not in SCHEMES:
            raise TargetRefused(f"scheme {parts.scheme or '(none)'!r} is not http(s)", url=url)
        if not host:
            raise TargetRefused("URL has no host", url=url)
        if _literal(host) is not None:
            reason = self.address_refusal(host.strip("[]"))
            if reason is not None:
                raise TargetRefused(f"address {host} is {reason}", url=url)

    async def vet(self, host: str, port: int) -> list[str]:
        """The addresses to connect to for ``host``, all of them allowed; raises
        :class:`TargetRefused` when any address is refused, :class:`NameNotResolved` when the
        name does not resolve."""
        literal = _literal(host)
        if literal is not None:
            addresses = [str(literal)]
        else:
            try:
                addresses = list(await self.resolver(host, port))
            except (OSError, UnicodeError) as exc:
                raise NameNotResolved(f"{host} does not resolve ({exc})") from None
            if not addresses:
                raise NameNotResolved(f"{host} resolves to no address")
        for address in addresses:
            reason = self.address_refusal(address)
            if reason is not None:
                where = host if literal is not None else f"{host} resolves to {address}, which"
                raise TargetRefused(f"{where} is {reason}")
        return addresses
