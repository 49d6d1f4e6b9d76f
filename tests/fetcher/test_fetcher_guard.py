"""The SSRF guard: which addresses are refused, by name and literal, at every redirect hop."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from servers import Server, redirect, respond

from reciprocity.errors import FetchError
from reciprocity.fetcher import (
    ErrorKind,
    Fetcher,
    Guard,
    NameNotResolved,
    RobotsFetch,
    TargetRefused,
    blocked_reason,
)
from reciprocity.signals.robots import Access

QUICK: dict[str, Any] = {"retries": 0, "connect_timeout": 1.0, "total_timeout": 2.0}

BLOCKED = [
    "127.0.0.1",
    "127.255.0.9",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",
    "224.0.0.1",
    "239.255.255.250",
    "0.0.0.0",
    "100.64.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "fe80::1%eth0",
]
PUBLIC = ["93.184.215.14", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]


@pytest.mark.parametrize("address", BLOCKED)
def test_special_addresses_are_blocked(address: str) -> None:
    assert blocked_reason(address) is not None


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert blocked_reason(address) is None


def test_reason_names_the_category() -> None:
    assert blocked_reason("127.0.0.1") == "loopback"
    assert blocked_reason("169.254.169.254") == "link-local"
    assert blocked_reason("10.1.2.3") == "private"
    assert blocked_reason("::ffff:127.0.0.1") is not None
    assert blocked_reason("example.com") == "not an IP address"


@given(st.ip_addresses(v=4))
def test_ipv4_mapped_form_is_judged_like_ipv4(address: ipaddress.IPv4Address) -> None:
    mapped = ipaddress.IPv6Address(f"::ffff:{address}")
    assert (blocked_reason(address) is None) == (blocked_reason(mapped) is None)


@given(st.ip_addresses())
def test_only_global_unicast_passes(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if blocked_reason(address) is None:
        assert address.is_global
        assert not address.is_multicast
    if not address.is_global or address.is_multicast or address.is_private:
        assert blocked_reason(address) is not None


@given(st.ip_addresses(network="10.0.0.0/8") | st.ip_addresses(network="fc00::/7"))
def test_private_networks_always_blocked(address: Any) -> None:
    assert blocked_reason(address) is not None


def test_check_url_refuses_other_schemes_and_hosts() -> None:
    guard = Guard.create()
    for url in ["ftp://example.com/", "file:///etc/passwd", "gopher://x/", "http:///nohost"]:
        with pytest.raises(TargetRefused):
            guard.check_url(url)
    guard.check_url("https://example.com/robots.txt")
    assert issubclass(TargetRefused, FetchError)
    assert TargetRefused.exit_code == 4


def _fixed(mapping: dict[str, Sequence[str]]) -> Any:
    async def resolve(host: str, port: int) -> Sequence[str]:
        if host not in mapping:
            raise OSError(f"unknown host {host}")
        return mapping[host]

    return resolve


def test_vet_refuses_a_name_if_any_address_is_private() -> None:
    guard = Guard.create(resolver=_fixed({"mixed.test": ["93.184.215.14", "10.0.0.7"]}))
    with pytest.raises(TargetRefused, match=r"10\.0\.0\.7"):
        asyncio.run(guard.vet("mixed.test", 80))
    with pytest.raises(NameNotResolved):
        asyncio.run(guard.vet("missing.test", 80))


def robots_at(url: str, **options: Any) -> RobotsFetch:
    async def main() -> RobotsFetch:
        async with Fetcher(None, **{**QUICK, **options}) as fetcher:
            return await fetcher.robots(url)

    return asyncio.run(main())


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "10.0.0.1", "169.254.169.254", "[::1]", "[::ffff:127.0.0.1]", "224.0.0.1",
     "0.0.0.0"],
)  # fmt: skip
def test_literal_private_targets_are_refused_without_a_request(host: str) -> None:
    fetch = robots_at(f"http://{host}")
    assert fetch.error is ErrorKind.REFUSED
    assert fetch.status is None
    assert fetch.robots.access is Access.DISALLOW_ALL  # fail closed
    assert "fail closed" in fetch.robots.reason


def test_localhost_by_name_is_refused_at_connect_time() -> None:
    with Server({"/robots.txt": respond(200, "User-agent: *\nAllow: /\n")}) as server:
        fetch = robots_at(f"http://localhost:{server.ports[0]}")
    assert fetch.error is ErrorKind.REFUSED
    assert "localhost" in fetch.record.detail
    assert server.requests == []


def test_name_resolving_to_10_x_is_refused() -> None:
    fetch = robots_at("http://intranet.test", resolver=_fixed({"intranet.test": ["10.1.2.3"]}))
    assert fetch.error is ErrorKind.REFUSED
    assert "10.1.2.3" in fetch.record.detail


def test_unresolvable_name_is_unreachable() -> None:
    fetch = robots_at("http://nowhere.test", resolver=_fixed({}))
    assert fetch.error is ErrorKind.DNS
    assert fetch.robots.access is Access.DISALLOW_ALL


def test_allow_private_reaches_loopback() -> None:
    with Server({"/robots.txt": respond(200, "User-agent: *\nDisallow: /\n")}) as server:
        fetch = robots_at(server.url(), allow_private=True)
    assert fetch.status == 200
    assert not fetch.robots.allowed("/", "x")


def test_redirect_from_an_allowed_host_to_a_private_one_is_refused() -> None:
    # 127.0.0.2 stands for a public host (exempted); its redirect goes to 127.0.0.1.
    with Server({"/robots.txt": respond(200, "User-agent: *\nAllow: /\n")}) as private:
        target = private.url("/robots.txt")
        with Server({"/robots.txt": redirect(target)}, host="127.0.0.2") as public:
            fetch = robots_at(public.url(), allow_networks=["127.0.0.2/32"])
    assert public.hits("/robots.txt") == 1
    assert private.requests == []
    assert fetch.error is ErrorKind.REFUSED
    assert fetch.redirects == 1
    assert fetch.robots.access is Access.DISALLOW_ALL


def test_dns_rebinding_is_caught_at_connect_time() -> None:
    answers = iter([["127.0.0.2"], ["127.0.0.1"]])

    async def rebinding(host: str, port: int) -> Sequence[str]:
        return next(answers)

    async def close(request: Any, writer: asyncio.StreamWriter) -> bool:
        # Said and done: without the header the client may reuse the connection before it sees
        # it closed, and the next request fails to read instead of resolving anew.
        answer = respond(200, "User-agent: *\nAllow: /\n", headers=[("Connection", "close")])
        await answer(request, writer)
        return False  # a new connection, so a new resolution, for the next request

    async def main(port: int) -> tuple[Any, Any]:
        async with Fetcher(
            None, **QUICK, resolver=rebinding, allow_networks=["127.0.0.2/32"]
        ) as fetcher:
            first = await fetcher.fetch(f"http://rebind.test:{port}/a", limit=100)
            second = await fetcher.fetch(f"http://rebind.test:{port}/b", limit=100)
            return first, second

    with Server({"*": close}, host="127.0.0.2") as server:
        first, second = asyncio.run(main(server.ports[0]))
    assert first.status == 200
    assert second.error is ErrorKind.REFUSED
    assert "127.0.0.1" in second.detail
    assert server.hits("/b") == 0
