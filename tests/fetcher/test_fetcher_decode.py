"""Bounded content decoding: every coding stops at the cap, whatever the compression ratio."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable

import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from reciprocity.fetcher.decode import ACCEPT_ENCODING, BoundedDecoder, UndecodableBody

brotli = pytest.importorskip("brotli")

LIMIT = 64 * 1024
BOMB = 64 * 1024 * 1024  # 64 MiB of zeros: a few KiB compressed


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": lambda d: gzip.compress(d, 9),
    "x-gzip": lambda d: gzip.compress(d, 9),
    "deflate": lambda d: zlib.compress(d, 9),
    "deflate-raw": _raw_deflate,
    "br": lambda d: brotli.compress(d, quality=1),
    "zstd": lambda d: zstandard.ZstdCompressor(level=19).compress(d),
    "identity": lambda d: d,
}


def decode(coding: str, data: bytes, limit: int = LIMIT, piece: int = 4096) -> BoundedDecoder:
    decoder = BoundedDecoder("deflate" if coding == "deflate-raw" else coding, limit)
    for at in range(0, len(data), piece):
        if decoder.feed(data[at : at + piece]):
            break
    decoder.finish()
    return decoder


def test_accept_encoding_lists_only_what_can_be_decoded() -> None:
    assert ACCEPT_ENCODING == "gzip, deflate, br, zstd"


@pytest.mark.parametrize("coding", list(ENCODERS))
def test_bombs_stop_at_the_cap(coding: str) -> None:
    data = ENCODERS[coding](b"\0" * BOMB)
    decoder = decode(coding, data)
    assert decoder.truncated
    assert decoder.body == b"\0" * LIMIT


@settings(max_examples=40, deadline=None)
@given(body=st.binary(max_size=3000), coding=st.sampled_from(sorted(ENCODERS)),
       piece=st.integers(1, 700))  # fmt: skip
def test_round_trip_under_the_cap(body: bytes, coding: str, piece: int) -> None:
    decoder = decode(coding, ENCODERS[coding](body), limit=2000, piece=piece)
    assert decoder.body == body[:2000]
    assert decoder.truncated == (len(body) > 2000)


@pytest.mark.parametrize("coding", ["compress", "gzip, br", "bogus"])
def test_unknown_or_stacked_codings_are_refused(coding: str) -> None:
    with pytest.raises(UndecodableBody):
        BoundedDecoder(coding, LIMIT)


@pytest.mark.parametrize("coding", ["gzip", "br", "zstd", "deflate"])
def test_corrupt_data_raises(coding: str) -> None:
    with pytest.raises(UndecodableBody):
        decode(coding, b"\x1f\x8b\x08\x00garbage that is not compressed at all" * 3)
