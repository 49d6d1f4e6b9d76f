"""Media metadata: XMP packets (IPTC data-mining, plus), embedded in JPEG/PNG/WebP/…; C2PA
is read only where c2pa-python is installed."""

from __future__ import annotations

from collections.abc import Iterator

from fuzz.seeds import constants
from reciprocity.signals import media


def seeds() -> Iterator[bytes]:
    yield from constants("signals/test_media.py", lambda b: len(b) > 8)


def one_input(data: bytes) -> None:
    media.read_media(data)
    media.read_xmp(data)
    media.parse_iptc_data_mining(data)
    for kind in ("image/jpeg", "image/png", "image/webp", "application/pdf"):
        media.media_statements(data, media_type=kind)
