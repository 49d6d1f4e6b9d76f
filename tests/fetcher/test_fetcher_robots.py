"""robots.txt over the wire: every way a server can answer ends in the RFC 9309 access rule."""

from __future__ import annotations

import asyncio
import gzip
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from servers import (
    FAST,
    Request,
    Server,
    chunks,
    drip,
    gzip_bomb,
    redirect,
    reset,
    respond,
    short_body,
)

from reciprocity.fetcher import DEFAULT_USER_AGENT, ErrorKind, Fetcher, RobotsFetch
from reciprocity.signals.robots import ROBOTS_SIZE_LIMIT, Access

RULES = "User-agent: *\nDisallow: /private\n\nUser-agent: GPTBot\nDisallow: /\n"


def robots_of(server: Server, **options: Any) -> RobotsFetch:
    async def main() -> RobotsFetch:
        async with Fetcher(None, **{**FAST, **options}) as fetcher:
            return await fetcher.robots(server.url())

    return asyncio.run(main())


def test_200_rules_apply_and_user_agent_is_sent() -> None:
    with Server({"/robots.txt": respond(200, RULES)}) as server:
        fetch = robots_of(server)
    assert fetch.status == 200
    assert fetch.error is None
    assert not fetch.from_cache
    assert fetch.robots.access is Access.RULES
    assert not fetch.robots.allowed("/private/x", "CCBot")
    assert fetch.robots.allowed("/public", "CCBot")
    assert not fetch.robots.allowed("/public", "GPTBot")
    assert fetch.fetched.utcoffset() == timedelta(0)
    (request,) = server.requests
    assert request.headers["user-agent"] == DEFAULT_USER_AGENT
    assert DEFAULT_USER_AGENT.startswith("reciprocity/0.")
    assert "gzip" in request.headers["accept-encoding"]


def test_user_agent_is_overridable() -> None:
    with Server({"/robots.txt": respond(200, RULES)}) as server:
        robots_of(server, user_agent="ExampleAudit/2.0")
    assert server.requests[0].headers["user-agent"] == "ExampleAudit/2.0"


@pytest.mark.parametrize("status", [404, 410, 401, 403])
def test_4xx_allows_all(status: int) -> None:
    with Server({"/robots.txt": respond(status, "Disallow: /")}) as server:
        fetch = robots_of(server)
    assert fetch.status == status
    assert fetch.robots.access is Access.ALLOW_ALL
    assert fetch.robots.allowed("/anything", "GPTBot")
    assert server.hits("/robots.txt") == 1  # 4xx is an answer: no retry


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_disallows_all_after_retries(status: int) -> None:
    with Server({"/robots.txt": respond(status, "oops")}) as server:
        fetch = robots_of(server, retries=2)
    assert fetch.status == status
    assert fetch.record.attempts == 3
    assert server.hits("/robots.txt") == 3
    assert fetch.robots.access is Access.DISALLOW_ALL
    assert not fetch.robots.allowed("/", "CCBot")


def test_503_retry_after_is_honoured_then_succeeds() -> None:
    answers = iter([respond(503, headers=[("Retry-After", "1")]), respond(200, RULES)])

    async def route(request: Request, writer: asyncio.StreamWriter) -> bool:
        return await next(answers)(request, writer)

    with Server({"/robots.txt": route}) as server:
        started = time.monotonic()
        fetch = robots_of(server, retries=2, backoff=0.01)
        spent = time.monotonic() - started
    assert fetch.status == 200
    assert fetch.record.attempts == 2
    assert fetch.robots.access is Access.RULES
    assert 0.9 <= spent < 4  # waited the second the server asked for, not the 10 ms backoff


def test_retry_after_beyond_the_cap_stops_retrying() -> None:
    with Server({"/robots.txt": respond(503, headers=[("Retry-After", "3600")])}) as server:
        started = time.monotonic()
        fetch = robots_of(server, retries=3, retry_after_cap=5)
    assert time.monotonic() - started < 2
    assert server.hits("/robots.txt") == 1
    assert fetch.robots.access is Access.DISALLOW_ALL


def test_429_is_unreachable_not_unavailable() -> None:
    with Server({"/robots.txt": respond(429, headers=[("Retry-After", "0")])}) as server:
        fetch = robots_of(server, retries=1)
    assert fetch.status == 429
    assert server.hits("/robots.txt") == 2
    assert fetch.robots.access is Access.DISALLOW_ALL


def _chain(length: int, final: str = "/robots.txt") -> dict[str, Any]:
    routes: dict[str, Any] = {"/robots.txt": redirect("/r1")}
    for n in range(1, length):
        routes[f"/r{n}"] = redirect(f"/r{n + 1}", status=302 if n % 2 else 307)
    routes[f"/r{length}"] = respond(200, RULES)
    return routes


def test_five_redirects_are_followed() -> None:
    with Server(_chain(5)) as server:
        fetch = robots_of(server)
    assert fetch.redirects == 5
    assert fetch.status == 200
    assert fetch.final_url == server.url("/r5")
    assert fetch.robots.access is Access.RULES
    assert not fetch.robots.allowed("/", "GPTBot")
    assert [hop.status for hop in fetch.record.chain] == [301, 302, 307, 302, 307]


def test_six_redirects_allow_all() -> None:
    with Server(_chain(6)) as server:
        fetch = robots_of(server)
    assert fetch.redirects == 6
    assert fetch.status in (301, 302, 307)
    assert fetch.robots.access is Access.ALLOW_ALL  # RFC 9309 §2.3.1.2
    assert fetch.robots.allowed("/", "GPTBot")
    assert server.hits("/r6") == 0  # the sixth redirect is not followed
    assert len(server.requests) == 6


def test_redirect_loop_ends_at_once() -> None:
    routes = {"/robots.txt": redirect("/a"), "/a": redirect("/b"), "/b": redirect("/robots.txt")}
    with Server(routes) as server:
        fetch = robots_of(server)
    assert fetch.error is ErrorKind.REDIRECT_LOOP
    assert len(server.requests) == 3
    assert fetch.robots.access is Access.ALLOW_ALL


def test_redirect_to_another_host_is_followed() -> None:
    with Server({"/robots.txt": respond(200, RULES)}) as target:
        routes = {"/robots.txt": redirect(target.url("/robots.txt"))}
        with Server(routes) as server:
            fetch = robots_of(server)
    assert fetch.final_url == target.url("/robots.txt")
    assert fetch.robots.access is Access.RULES


def test_redirect_without_location_or_to_ftp_allows_all() -> None:
    async def no_location(request: Request, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        return True

    for route in (no_location, redirect("ftp://example.com/robots.txt")):
        with Server({"/robots.txt": route}) as server:
            fetch = robots_of(server)
        assert fetch.error is ErrorKind.BAD_REDIRECT
        assert fetch.robots.access is Access.ALLOW_ALL


def test_slow_drip_hits_the_deadline_and_disallows_all() -> None:
    with Server({"/robots.txt": drip(RULES.encode(), 0.05)}) as server:
        started = time.monotonic()
        fetch = robots_of(server, total_timeout=0.5, retries=1)
        spent = time.monotonic() - started
    assert fetch.error is ErrorKind.DEADLINE
    assert fetch.robots.access is Access.DISALLOW_ALL
    assert server.hits("/robots.txt") == 2
    assert spent < 3


def test_silent_server_times_out() -> None:
    async def silent(request: Request, writer: asyncio.StreamWriter) -> bool:
        await asyncio.sleep(3)
        return False

    with Server({"/robots.txt": silent}) as server:
        fetch = robots_of(server, total_timeout=0.3, retries=0)
    assert fetch.error in (ErrorKind.DEADLINE, ErrorKind.TIMEOUT)
    assert fetch.robots.access is Access.DISALLOW_ALL


def test_oversize_body_is_cut_at_500_kib_and_its_head_parsed() -> None:
    head = b"User-agent: *\nDisallow: /early\n"
    filler = b"# " + b"x" * 1000 + b"\n"
    body = head + filler * 600 + b"User-agent: *\nDisallow: /late\n"
    assert len(body) > ROBOTS_SIZE_LIMIT
    with Server({"/robots.txt": respond(200, body)}) as server:
        fetch = robots_of(server)
    assert fetch.truncated
    assert fetch.error is None
    assert len(fetch.record.body) == ROBOTS_SIZE_LIMIT
    assert not fetch.robots.allowed("/early", "CCBot")
    assert fetch.robots.allowed("/late", "CCBot")  # past the cap: never read


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_compression_bomb_is_bounded(coding: str) -> None:
    with Server({"/robots.txt": gzip_bomb(64 * 1024 * 1024, coding=coding)}) as server:
        fetch = robots_of(server)
    assert fetch.truncated
    assert len(fetch.record.body) == ROBOTS_SIZE_LIMIT
    assert fetch.robots.access is Access.RULES  # NULs: no rules, allow all by the file
    assert fetch.robots.allowed("/", "GPTBot")


def test_gzip_body_is_decoded() -> None:
    route = respond(200, gzip.compress(RULES.encode()), encoding="gzip")
    with Server({"/robots.txt": route}) as server:
        fetch = robots_of(server)
    assert not fetch.robots.allowed("/", "GPTBot")
    assert not fetch.truncated


def test_corrupt_gzip_is_unreachable() -> None:
    route = respond(200, b"this is not gzip at all", encoding="gzip")
    with Server({"/robots.txt": route}) as server:
        fetch = robots_of(server)
    assert fetch.error is ErrorKind.DECODING
    assert fetch.robots.access is Access.DISALLOW_ALL
    assert server.hits("/robots.txt") == 1  # the same bytes would come again: no retry


def test_robots_served_as_html_is_still_parsed() -> None:
    route = respond(200, RULES, content_type="text/html; charset=utf-8")
    with Server({"/robots.txt": route}) as server:
        fetch = robots_of(server)
    assert fetch.robots.access is Access.RULES
    assert not fetch.robots.allowed("/", "GPTBot")


def test_invalid_utf8_is_read_with_a_diagnostic() -> None:
    body = b"User-agent: *\nDisallow: /caf\xe9\nDisallow: /\xff\xfe/x\n"
    with Server({"/robots.txt": respond(200, body)}) as server:
        fetch = robots_of(server)
    assert any(d.code == "invalid-utf8" for d in fetch.robots.diagnostics)
    assert not fetch.robots.allowed("/caf%E9", "CCBot")


def test_chunked_body_is_read() -> None:
    parts = [RULES[:10].encode(), RULES[10:].encode()]
    with Server({"/robots.txt": chunks(parts)}) as server:
        fetch = robots_of(server)
    assert not fetch.robots.allowed("/", "GPTBot")


@pytest.mark.parametrize("after_head", [False, True])
def test_connection_reset_retries_then_disallows_all(after_head: bool) -> None:
    with Server({"/robots.txt": reset(after_head=after_head)}) as server:
        fetch = robots_of(server, retries=2)
    assert fetch.error in (ErrorKind.READ, ErrorKind.PROTOCOL, ErrorKind.CONNECT)
    assert fetch.record.attempts == 3
    assert server.hits("/robots.txt") == 3
    assert fetch.robots.access is Access.DISALLOW_ALL


def test_wrong_content_length_is_unreachable() -> None:
    with Server({"/robots.txt": short_body(b"User-agent: *\nAllow: /\n", 5000)}) as server:
        fetch = robots_of(server, retries=1)
    assert fetch.error is ErrorKind.PROTOCOL
    assert fetch.status == 200  # a status line arrived; the response still does not count
    assert fetch.robots.access is Access.DISALLOW_ALL


def test_nothing_listening_is_unreachable() -> None:
    with Server({}) as server:
        url = server.url()
    fetch = asyncio.run(_robots(url))
    assert fetch.error is ErrorKind.CONNECT
    assert fetch.status is None
    assert fetch.robots.access is Access.DISALLOW_ALL


async def _robots(url: str) -> RobotsFetch:
    async with Fetcher(None, **FAST) as fetcher:
        return await fetcher.robots(url)


def test_one_request_per_host_at_a_time() -> None:
    active = 0
    peak = 0

    async def slow(request: Request, writer: asyncio.StreamWriter) -> bool:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.05)
        active -= 1
        return await respond(200, RULES)(request, writer)

    with Server({"*": slow}) as server:

        async def main() -> None:
            async with Fetcher(None, **FAST, concurrency=8) as fetcher:
                urls = [server.url(f"/f{n}") for n in range(6)]
                await asyncio.gather(*(fetcher.fetch(u, limit=1000) for u in urls))

        asyncio.run(main())
    assert len(server.requests) == 6
    assert peak == 1


@pytest.mark.parametrize("coding", ["br", "zstd"])
def test_brotli_and_zstd_bodies_and_bombs(coding: str) -> None:
    import zstandard

    brotli = pytest.importorskip("brotli")
    packers: dict[str, Callable[[bytes], bytes]] = {
        "br": lambda d: brotli.compress(d, quality=1),
        "zstd": lambda d: zstandard.ZstdCompressor(level=3).compress(d),
    }
    packed = packers[coding]
    bomb = packed(b"\0" * (64 * 1024 * 1024))
    routes = {
        "/robots.txt": respond(200, packed(RULES.encode()), encoding=coding),
        "/bomb": respond(200, bomb, encoding=coding),
    }

    async def main(server: Server) -> tuple[RobotsFetch, Any]:
        async with Fetcher(None, **FAST) as fetcher:
            return await fetcher.robots(server.url()), await fetcher.fetch(
                server.url("/bomb"), limit=ROBOTS_SIZE_LIMIT
            )

    with Server(routes) as server:
        fetch, bombed = asyncio.run(main(server))
    assert not fetch.robots.allowed("/", "GPTBot")
    assert bombed.truncated
    assert len(bombed.body) == ROBOTS_SIZE_LIMIT


def test_retry_after_forms() -> None:
    from datetime import datetime, timezone

    from reciprocity.fetcher.client import retry_after_seconds

    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("120", now) == 120
    assert retry_after_seconds("Wed, 01 Jan 2025 12:00:30 GMT", now) == 30
    assert retry_after_seconds("Wed, 01 Jan 2025 11:00:00 GMT", now) == 0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None
