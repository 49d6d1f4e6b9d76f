"""Where WARC and ARC records begin and end, read without FastWARC.

The readers use it to find their way after damage (a corrupt gzip member, garbage between
records) and the writers to copy kept records byte for byte: per-record gzip members inflated
with bounded output, WARC header fields and lengths, ARC header lines.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from reciprocity.corpus.compression import CHUNK
from reciprocity.corpus.values import header_text, parse_date

__all__ = [
    "ARC_HEADER",
    "MAX_HEADER",
    "Member",
    "arc_header",
    "arc_record_length",
    "content_failure",
    "inflate_member",
    "parse_warc_head",
    "per_record_gzip",
    "warc_record_length",
]

MAX_HEADER = 64 << 10
"""Bytes of a WARC or HTTP header block; more is not a header but damage."""
_PIECE = 16 << 10  # compressed bytes inflated per call
_SMALL_PIECE = 256  # … after a failing call, to get back what it dropped

# An ARC v1/v2 record header: URL, IP, 14-digit date, …, length (the last field).
ARC_HEADER = re.compile(rb"(\S+) (\S+) (\d{12,14}) (\S*)(?: \S*)* (\d+)")


@dataclass(frozen=True, slots=True)
class Member:
    """What inflating one gzip member found."""

    status: str  # ok | longer (stopped early, as asked) | truncated | corrupt | not-gzip | eof
    end: int | None
    head: bytes
    size: int
    message: str = ""


def content_failure(exc: BaseException) -> bool:
    """Whether an exception out of a third-party decoder is about the bytes it was given.

    FastWARC reports bad bytes as ``OSError`` and friends, but a Rust panic surfaces as
    ``PanicException``, a ``BaseException``: that too is about content. Interrupts, exits and
    generator shutdown are not.
    """
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def parse_warc_head(head: bytes) -> tuple[dict[str, str], int | None]:
    """Fields of a WARC header (lower-cased names, first wins) and its length with the blank line
    (``None`` when the header does not end within ``head``)."""
    if not head.startswith(b"WARC/"):
        return {}, None
    ends = [(i, len(sep)) for sep in (b"\r\n\r\n", b"\n\n") if (i := head.find(sep)) != -1]
    cut, width = min(ends) if ends else (len(head), 0)
    fields: dict[str, str] = {}
    for line in head[:cut].split(b"\n")[1:]:
        name, colon, value = line.rstrip(b"\r").partition(b":")
        if colon:
            fields.setdefault(header_text(name.strip()).lower(), header_text(value.strip()))
    return fields, (cut + width if ends else None)


def warc_record_length(head: bytes) -> int | None:
    fields, header_length = parse_warc_head(head)
    length = fields.get("content-length", "")
    if header_length is None or not length.isdigit():
        return None
    return header_length + int(length)


def inflate_member(
    fh: IO[bytes],
    start: int,
    *,
    keep: int = MAX_HEADER,
    stop_after: int | None = None,
    piece: int = _PIECE,
) -> Member:
    """Inflate the gzip member at ``start`` without holding more than ``keep`` output bytes."""
    fh.seek(start)
    inflater = zlib.decompressobj(31)
    head = bytearray()
    size = 0
    base = start  # file offset of the chunk being inflated
    while True:
        chunk = fh.read(CHUNK)
        if not chunk:
            return Member("truncated" if base > start else "eof", None, bytes(head), size)
        if base == start and not chunk.startswith(b"\x1f\x8b"):
            return Member("not-gzip", None, b"", 0)
        for piece_at in range(0, len(chunk), piece):
            data = chunk[piece_at : piece_at + piece]
            while True:
                try:
                    out = inflater.decompress(data, CHUNK)
                except zlib.error as exc:
                    if piece > _SMALL_PIECE:
                        # zlib drops the output of a failing call: inflate again in small
                        # pieces, so that a damaged member still gives the header it starts
                        # with (record id, URL) to its error document.
                        return inflate_member(
                            fh, start, keep=keep, stop_after=stop_after, piece=_SMALL_PIECE
                        )
                    return Member("corrupt", None, bytes(head), size, str(exc))
                if len(head) < keep:
                    head += out[: keep - len(head)]
                size += len(out)
                if inflater.eof:
                    end = base + min(piece_at + piece, len(chunk)) - len(inflater.unused_data)
                    return Member("ok", end, bytes(head), size)
                if stop_after is not None and size >= stop_after:
                    return Member("longer", None, bytes(head), size)
                data = inflater.unconsumed_tail
                if not data and len(out) < CHUNK:
                    break  # this piece is used up and no output is pending
        base += len(chunk)


def per_record_gzip(fh: IO[bytes], record_length: Callable[[bytes], int | None]) -> bool:
    """Whether the first gzip member holds just the first record (as per-record files do), so
    that member offsets address records and damage can be skipped member by member."""
    first = inflate_member(fh, 0, stop_after=MAX_HEADER)
    length = record_length(first.head)
    if length is None:
        return True  # unreadable start: the per-record path is the one that can recover
    whole = inflate_member(fh, 0, keep=0, stop_after=length + 64)
    return whole.status != "longer"


def arc_header(line: bytes) -> tuple[str, datetime | None, str, int] | None:
    """(url, date, content type, length) of an ARC v1/v2 record header line."""
    match = ARC_HEADER.fullmatch(line.rstrip(b"\r\n"))
    if match is None:
        return None
    url, _ip, stamp, content_type, length = match.groups()
    return header_text(url), parse_date(stamp.decode()), header_text(content_type), int(length)


def arc_record_length(head: bytes) -> int | None:
    text = head.lstrip(b"\n")
    eol = text.find(b"\n")
    header = arc_header(text[:eol]) if eol != -1 else None
    return None if header is None else (len(head) - len(text)) + eol + 1 + header[3]
