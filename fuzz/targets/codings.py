"""The decoders of HTTP bodies: chunked transfer coding, gzip/deflate/br/zstd content codings
(the corpus reader's and the fetcher's), each bounded in output."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator

import zstandard

from reciprocity._codings import dechunk, inflate
from reciprocity.fetcher.decode import BoundedDecoder, UndecodableBody

CODINGS = ("gzip", "deflate", "br", "zstd", "identity", "x-gzip")
LIMIT = 1 << 16


def seeds() -> Iterator[bytes]:
    text = b"<html><head><meta name=robots content=noai></head></html>" * 20
    yield bytes([0]) + gzip.compress(text, mtime=0)
    yield bytes([1]) + zlib.compress(text)
    yield bytes([1]) + zlib.compress(text)[2:-4]
    yield bytes([4]) + b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n"
    yield bytes([0]) + gzip.compress(b"\0" * (1 << 20), mtime=0)
    yield bytes([3]) + zstandard.ZstdCompressor().compress(text)


def one_input(data: bytes) -> None:
    if not data:
        return
    coding, body = CODINGS[data[0] % len(CODINGS)], data[1:]
    out = dechunk(body)
    assert out is None or len(out) <= len(body)
    inflated = inflate(body, coding, LIMIT)
    assert inflated is None or len(inflated) <= LIMIT
    try:
        decoder = BoundedDecoder(coding, LIMIT)
    except UndecodableBody:
        return  # br without brotli installed: refused by name, as intended
    try:
        for at in range(0, len(body), 7):
            if decoder.feed(body[at : at + 7]):
                break
        decoder.finish()
    except UndecodableBody:
        return  # bytes that do not decode: a clear error the fetcher turns into a diagnostic
    assert len(decoder.body) <= LIMIT
