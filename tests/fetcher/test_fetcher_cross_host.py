"""Cache poisoning across hosts (SECURITY.md): what one host serves, or redirects to, is kept
under the URL that was asked for only, never under another host's URL."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from servers import Server, redirect, respond

from reciprocity.fetcher import FetchCache, Fetcher, RobotsFetch
from reciprocity.signals.robots import Access

FAST: dict[str, Any] = {"allow_private": True, "retries": 0, "total_timeout": 2.0}


def _robots(cache: FetchCache, url: str) -> RobotsFetch:
    async def main() -> RobotsFetch:
        async with Fetcher(cache, **FAST) as fetcher:
            return await fetcher.robots(url)

    return asyncio.run(main())


def test_a_redirect_to_another_host_is_cached_under_the_asking_url_only(tmp_path: Path) -> None:
    # The victim allows everything; the attacker's robots.txt redirects to a file it controls on
    # a third host. Fetching the attacker's must leave nothing under the victim's URL.
    with (
        Server({"/robots.txt": respond(200, "User-agent: *\nAllow: /\n")}) as victim,
        Server(
            {"/evil.txt": respond(200, "User-agent: *\nDisallow: /\n")}, host="127.0.0.2"
        ) as third,
        Server({"/robots.txt": redirect(third.url("/evil.txt"))}, host="127.0.0.3") as attacker,
        FetchCache(tmp_path / "c.sqlite") as cache,
    ):
        fetched = _robots(cache, attacker.url())
        assert fetched.robots.access is Access.RULES
        assert not fetched.robots.allowed("/", "x")  # the redirect is followed (RFC 9309)
        assert cache.history(f"{victim.url()}/robots.txt") == []
        assert cache.history(third.url("/evil.txt")) == []
        assert list(cache.urls()) == [f"{attacker.url()}/robots.txt"]
        own = _robots(cache, victim.url())
        assert not own.from_cache
        assert victim.hits("/robots.txt") == 1
        assert own.robots.allowed("/", "x")
