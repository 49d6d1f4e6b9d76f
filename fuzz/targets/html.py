"""The HTML scan (metas, links, licence URLs, charset, title) over real pages."""

from __future__ import annotations

from collections.abc import Iterator

from fuzz.seeds import ROOT, constants, warc_payloads
from reciprocity.signals.html import scan_html


def seeds() -> Iterator[bytes]:
    yield (ROOT / "examples" / "site" / "story.html").read_bytes()
    for _, body in warc_payloads(limit=60):
        yield body
    yield from constants("signals/test_html_scan.py", lambda b: b"<" in b)


def one_input(data: bytes) -> None:
    found = scan_html(data)
    found.credit()
    assert found.size == len(data)
    scan_html(data, encoding="windows-1252")
    scan_html(data.decode("utf-8", "surrogateescape"))
