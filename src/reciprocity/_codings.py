"""HTTP transfer and content codings undone, bounded: chunked bodies and gzip/deflate."""

from __future__ import annotations

import re
import zlib
from typing import Final

__all__ = ["dechunk", "inflate"]

_HEX: Final = re.compile(rb"[0-9A-Fa-f]+")


def dechunk(body: bytes) -> bytes | None:
    """The data of a chunked body (RFC 9112 §7.1), or ``None`` if it is not chunked."""
    # Copied into one buffer as they come: a list of views would cost some 200 bytes an entry,
    # and a hostile body of one-byte chunks would then take forty times its size in memory.
    view = memoryview(body)
    chunks = bytearray()
    at = 0
    while True:
        eol = body.find(b"\n", at, at + 1024)
        if eol == -1:
            # Ends inside a size line: keep what came before, unless nothing was chunked.
            return bytes(chunks) if at > 0 and at >= len(body) - 1024 else None
        size_text = body[at:eol].split(b";", 1)[0].strip()
        if not _HEX.fullmatch(size_text) or len(size_text) > 16:
            return None
        size = int(size_text, 16)
        at = eol + 1
        if size == 0:
            return bytes(chunks)  # trailer fields, if any, carry nothing the audit needs
        chunks += view[at : at + size]
        at += size
        if at >= len(body):
            return bytes(chunks)  # truncated inside a chunk: its data so far is still the body
        if body.startswith(b"\r\n", at):
            at += 2
        elif body.startswith(b"\n", at):
            at += 1
        else:
            return None


def inflate(data: bytes, coding: str, limit: int) -> bytes | None:
    """``data`` inflated to at most ``limit`` bytes, or ``None`` if it does not inflate."""
    if coding in ("gzip", "x-gzip"):
        if not data.startswith(b"\x1f\x8b"):
            return None
        attempts: tuple[int, ...] = (31,)
    else:
        attempts = (15, -15)  # "deflate" is zlib-wrapped by the spec, raw deflate in the wild
    for wbits in attempts:
        inflater = zlib.decompressobj(wbits)
        try:
            # max_length bounds the output whatever the ratio; a cut stream still gives its head.
            return inflater.decompress(data, limit)
        except zlib.error:
            continue
    return None
