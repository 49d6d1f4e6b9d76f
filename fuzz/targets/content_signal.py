"""Cloudflare's ``Content-Signal`` (robots.txt line and HTTP header)."""

from __future__ import annotations

from collections.abc import Iterator

from fuzz.seeds import constants
from reciprocity.signals import content_signals


def seeds() -> Iterator[bytes]:
    yield from constants("signals/test_content_signals.py", lambda b: b"=" in b and len(b) < 4096)


def one_input(data: bytes) -> None:
    text = data.decode("utf-8", "surrogateescape")
    content_signals.parse_content_signal(text, line=1)
    content_signals.header_statements([("Content-Signal", text)])
