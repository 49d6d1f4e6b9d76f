"""RSL 1.0 XML licence documents (XML bombs, entities and DTDs included)."""

from __future__ import annotations

from collections.abc import Iterator

from fuzz.seeds import constants
from reciprocity.signals import rsl


def seeds() -> Iterator[bytes]:
    yield from constants("signals/test_rsl.py", lambda b: b"<" in b)
    yield from constants("signals/test_rsl.py", lambda b: b"License" in b or b"Link" in b)


def one_input(data: bytes) -> None:
    rsl.parse_rsl(data)
    text = data.decode("utf-8", "surrogateescape")
    rsl.license_urls_from_link_headers([("Link", text)])
