"""robots.txt (RFC 9309, with AIPREF Content-Usage and Content-Signal lines): parse, then
decide. The input is a body, optionally followed by ``\\0\\1`` and a URL to decide."""

from __future__ import annotations

from collections.abc import Iterator

from fuzz.seeds import constants, google_robots, protego_robots
from reciprocity.signals import aipref, content_signals
from reciprocity.signals.robots import RobotsTxt

AGENTS = ("GPTBot", "CCBot/2.0", "*", "Googlebot-Image", "")
URLS = ("https://example.com/", "https://example.com/a/b.pdf?q=1", "/%2Fx*$", "")


def seeds() -> Iterator[bytes]:
    yield from protego_robots()
    yield from google_robots()
    yield from constants("signals/test_robots.py", lambda b: b"allow" in b.lower())


def one_input(data: bytes) -> None:
    body, _, url = data.partition(b"\0\1")
    robots = RobotsTxt.parse(body)
    urls = (url.decode("utf-8", "surrogateescape"), *URLS) if url else URLS
    for agent in AGENTS:
        for target in urls:
            match = robots.match(target, agent)
            assert robots.allowed(target, agent) == match.allowed
        aipref.robots_statements(robots, agent, urls[0])
        content_signals.robots_statements(robots, agent)
