"""X-Robots-Tag headers and robots meta elements (noai, noimageai, per-agent rules)."""

from __future__ import annotations

from collections.abc import Iterator

from fuzz.seeds import constants
from reciprocity.signals import noai
from reciprocity.signals.html import scan_html


def seeds() -> Iterator[bytes]:
    yield from constants("signals/test_noai.py", lambda b: len(b) < 4096)


def one_input(data: bytes) -> None:
    text = data.decode("utf-8", "surrogateescape")
    headers = [("X-Robots-Tag", line) for line in text.split("\n")]
    for agent in ("GPTBot", "CCBot", "*"):
        noai.parse_x_robots_tag(headers, user_agent=agent)
    noai.read_robots_headers(headers)
    page = scan_html(b'<meta name="robots" content="' + data + b'">' + data)
    noai.read_robots_meta(page.metas)
    noai.parse_robots_meta(page.metas, user_agent="GPTBot", media="image/png")
