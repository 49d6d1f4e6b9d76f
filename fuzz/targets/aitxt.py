"""Spawning's ai.txt."""

from __future__ import annotations

from collections.abc import Iterator

from fuzz.seeds import constants
from reciprocity.signals.aitxt import parse_ai_txt


def seeds() -> Iterator[bytes]:
    yield from constants("signals/test_aitxt.py", lambda b: b":" in b)


def one_input(data: bytes) -> None:
    parse_ai_txt(data)
