"""Licence marks: SPDX ids, licence URLs and texts, ``rel=license`` links and metas."""

from __future__ import annotations

from collections.abc import Iterator

from fuzz.seeds import constants
from reciprocity.signals import licenses
from reciprocity.signals.html import scan_html


def seeds() -> Iterator[bytes]:
    yield from constants("signals/test_licenses.py", lambda b: len(b) < 8192)


def one_input(data: bytes) -> None:
    text = data.decode("utf-8", "surrogateescape")
    licenses.spdx_id(text)
    licenses.licence_from_url(text)
    licenses.licence_from_text(text)
    page = scan_html(data)
    licenses.read_licences(
        page.links, page.licence_urls, page.metas, base_url="https://example.com/a/"
    )
