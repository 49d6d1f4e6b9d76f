"""AIPREF ``Content-Usage`` (header and robots.txt rule value)."""

from __future__ import annotations

from collections.abc import Iterator

from fuzz.seeds import constants, sf_raw_values
from reciprocity.signals import aipref


def seeds() -> Iterator[bytes]:
    yield from constants("signals/test_aipref.py", lambda b: b"=" in b and len(b) < 4096)
    yield from sf_raw_values()


def one_input(data: bytes) -> None:
    lines = data.split(b"\n")
    aipref.parse_content_usage(lines)
    text = data.decode("latin-1")
    aipref.header_statements([("Content-Usage", line) for line in text.split("\n")])
