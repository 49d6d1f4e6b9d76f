"""Hostile inputs built by code, shared by ``tests/test_hostile.py`` (expected outcomes) and
``benchmarks/hostile.py`` (time and memory at growing sizes).

Every builder is deterministic and takes a size ``n``; nothing here is a stored blob.
"""

from __future__ import annotations

import gzip
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "HOSTILE_NAMES",
    "MixedWarc",
    "Piece",
    "arc_record",
    "chunked_lie",
    "deep_wildcards",
    "gzip_bomb",
    "huge_robots",
    "invalid_utf8_robots",
    "long_line_robots",
    "many_lines_robots",
    "mixed_line_endings_robots",
    "mixed_warc",
    "nul_robots",
    "warc_record",
    "xml_bomb",
    "zip_bomb",
]


def warc_record(n: int, *, lie: int = 0, body: bytes | None = None) -> bytes:
    """A WARC/1.0 response record for ``https://example.com/<n>`` whose Content-Length is off
    by ``lie`` bytes (0: the truth), with its closing CRLF CRLF."""
    if body is None:
        body = f"<html><head><title>page {n}</title></head><body>hello {n}</body></html>".encode()
    http = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(body)
        + body
    )
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012d}>\r\n"
        f"WARC-Target-URI: https://example.com/{n}\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http) + lie}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


ARC_FILEDESC = (
    b"filedesc://hostile.arc 0.0.0.0 20240101000000 text/plain 76\n"
    b"1 0 InternetArchive\nURL IP-address Archive-date Content-type Archive-length\n\n"
)


def arc_record(n: int, *, lie: int = 0) -> bytes:
    """An ARC v1 record for ``https://example.com/<n>`` whose length is off by ``lie`` bytes."""
    body = f"<html><head><title>page {n}</title></head><body>hello {n}</body></html>".encode()
    http = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    header = f"https://example.com/{n} 192.0.2.1 20240101000000 text/html {len(http) + lie}\n"
    return header.encode() + http + b"\n"


@dataclass(frozen=True, slots=True)
class Piece:
    """One record of a mixed WARC: where it starts, which page it is, and the error it must
    give (``None``: a good record, read as a document)."""

    offset: int
    page: int
    error: str | None


@dataclass(frozen=True, slots=True)
class MixedWarc:
    data: bytes
    pieces: tuple[Piece, ...]


# (page, kind) in file order: every hostile kind sits between two good records.
_KINDS = ("good", "too-long", "good", "too-short", "good", "truncated", "good", "cut-header")
_GZIP_ERRORS = {
    "too-long": "lying Content-Length",
    "too-short": "lying Content-Length",
    "truncated": "corrupt gzip member",
    "cut-header": "corrupt gzip member",
}
_PLAIN_ERRORS = {
    "too-long": "lying Content-Length",
    "too-short": "lying Content-Length",
    "truncated": "lying Content-Length",  # a body cut short runs into the next record
    "cut-header": "cut short by the next record",
}


def mixed_warc(*, gzipped: bool, rounds: int = 1, body_size: int = 0) -> MixedWarc:
    """Good records with every hostile record kind between them, ``rounds`` times over, ending
    on a good record; ``body_size`` pads each body (for memory and time at growing sizes)."""
    pieces: list[Piece] = []
    out = io.BytesIO()
    page = 0
    for _ in range(rounds):
        for kind in (*_KINDS, "good"):
            page += 1
            body = None
            if body_size:
                body = f"<html><title>page {page}</title>".encode() + b"x" * body_size
            lie = {"too-long": 40, "too-short": -20}.get(kind, 0)
            raw = warc_record(page, lie=lie, body=body)
            if kind == "truncated":
                raw = raw[: len(raw) - 60]  # inside the body
            elif kind == "cut-header":
                raw = raw[:120]  # inside the WARC header
            chunk = gzip.compress(raw, mtime=0) if gzipped else raw
            if gzipped and kind in ("truncated", "cut-header"):
                # The member itself is cut: its records' bytes are what the gzip cannot give.
                chunk = gzip.compress(warc_record(page, body=body), mtime=0)
                chunk = chunk[: len(chunk) // 2 if kind == "truncated" else 30]
            errors = _GZIP_ERRORS if gzipped else _PLAIN_ERRORS
            pieces.append(Piece(out.tell(), page, errors.get(kind)))
            out.write(chunk)
    return MixedWarc(out.getvalue(), tuple(pieces))


# -- robots.txt --------------------------------------------------------------------------------


def huge_robots(n: int) -> bytes:
    """``n`` bytes of ordinary-looking rules (past the 500 KiB RFC 9309 limit when large)."""
    block = b"User-agent: *\nDisallow: /private/\nAllow: /public/\n"
    return (block * (n // len(block) + 1))[:n]


def many_lines_robots(n: int) -> bytes:
    """``n`` lines, almost all empty: line counting and per-line work."""
    return b"User-agent: GPTBot\nDisallow: /x\n" + b"\n" * n


def deep_wildcards(n: int) -> tuple[bytes, str]:
    """A rule of ``n`` wildcards and a URL path of length ``n`` that almost matches it: a
    backtracking matcher takes time exponential (or quadratic) in ``n`` here."""
    pattern = "/" + "*a" * n + "b"
    robots = f"User-agent: *\nDisallow: {pattern}\n".encode()
    return robots, "/" + "a" * (2 * n)


def long_line_robots(n: int) -> bytes:
    """One rule line of ``n`` bytes."""
    return b"User-agent: *\nDisallow: /" + b"a" * n + b"\n"


def nul_robots(n: int) -> bytes:
    return b"User-agent: *\x00\nDisallow: /a\x00b\n" + b"\x00" * n + b"\nDisallow: /c\n"


def invalid_utf8_robots(n: int) -> bytes:
    return b"User-agent: *\nDisallow: /\xff\xfe\xc3(\n" + b"\xed\xa0\x80" * n + b"\nAllow: /ok\n"


def mixed_line_endings_robots(n: int) -> bytes:
    lines = [b"User-agent: *", b"Disallow: /a", b"Allow: /b", b"Disallow: /c"]
    endings = [b"\n", b"\r\n", b"\r", b"\n\r"]
    out = io.BytesIO()
    for i in range(max(n, 4)):
        out.write(lines[i % len(lines)] + endings[i % len(endings)])
    return out.getvalue()


# -- bombs ------------------------------------------------------------------------------------


def gzip_bomb(n: int) -> bytes:
    """At least ``n`` zero bytes, gzipped (about a thousandth of ``n`` on the wire).

    One deflated mebibyte, flushed so that it stands alone, repeated: built in a fraction of
    the time compressing ``n`` bytes would take, and a valid gzip member all the same."""
    piece = bytes(1 << 20)
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflater.compress(piece) + deflater.flush(zlib.Z_FULL_FLUSH)
    end = deflater.flush(zlib.Z_FINISH)
    count = max(1, -(-n // len(piece)))
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(piece, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, (count * len(piece)) & 0xFFFFFFFF)
    return header + block * count + end + trailer


def xml_bomb(n: int) -> bytes:
    """A billion-laughs document ``n`` entity levels deep (10**n expansions)."""
    entities = ['<!ENTITY l0 "lol">']
    entities += [f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, n + 1)]
    doctype = "<!DOCTYPE rsl [" + "".join(entities) + "]>"
    return (
        f'<?xml version="1.0"?>{doctype}<rsl xmlns="https://rslstandard.org/rsl">'
        f"<content url='/'><license><permits type='usage'>&l{n};</permits></license>"
        "</content></rsl>"
    ).encode()


def zip_bomb(n: int) -> bytes:
    """A zip holding one file of ``n`` zero bytes, deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("../../etc/evil.txt", b"\0" * n)
    return out.getvalue()


def chunked_lie(n: int) -> bytes:
    """An HTTP/1.1 chunked body whose chunk sizes lie: a size of ``n`` over a short chunk, a
    size that is no hex number, and a chunk that never ends."""
    return (
        b"5\r\nhello\r\n"
        + f"{n:x}\r\n".encode()
        + b"short\r\n"
        + b"zz\r\nbad\r\n"
        + b"ffffffffffffffffffff\r\n"
    )


HOSTILE_NAMES: dict[str, Callable[[int], object]] = {
    "huge robots.txt": huge_robots,
    "many lines": many_lines_robots,
    "deep wildcards": deep_wildcards,
    "long line": long_line_robots,
    "NUL bytes": nul_robots,
    "invalid UTF-8": invalid_utf8_robots,
    "mixed line endings": mixed_line_endings_robots,
    "gzip bomb": gzip_bomb,
    "XML bomb": xml_bomb,
    "zip bomb": zip_bomb,
    "chunking lie": chunked_lie,
}
"""Every builder by the name the benchmark prints."""
