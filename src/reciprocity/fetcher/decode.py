"""Content codings undone with a bound on the output (RFC 9110 §8.4), streaming.

The fetcher reads the raw bytes of a body and hands them here; a decoder returns at most the
room left under the body's cap, whatever the compression ratio, so a gzip bomb costs a few
hundred KiB, never gigabytes:

* ``gzip``/``x-gzip`` and ``deflate`` (zlib-wrapped as RFC 9110 says, or raw deflate as some
  servers send it) through ``zlib`` with ``max_length``;
* ``br`` through ``brotli`` (when installed, version 1.2 or later: ``output_buffer_limit``);
* ``zstd`` through ``zstandard``, fed in small slices (the library has no output bound per call,
  and one byte of input can expand to a 128 KiB block) with the window limited to 8 MiB, the
  most HTTP senders may use (RFC 9659 §3).

Only codings that can be decoded are advertised in ``Accept-Encoding``. A stack of codings
(``gzip, br``) or an unknown one is not decoded: :class:`UndecodableBody`.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Final

import zstandard

__all__ = ["ACCEPT_ENCODING", "BoundedDecoder", "UndecodableBody"]

try:  # optional: brotli (or brotlicffi) only when it can bound its output
    import brotli  # type: ignore[import-untyped,import-not-found,unused-ignore]

    _HAVE_BROTLI = "output_buffer_limit" in (brotli.Decompressor.process.__doc__ or "")
except ImportError:  # pragma: no cover - depends on the environment
    _HAVE_BROTLI = False

ACCEPT_ENCODING: Final = ", ".join(["gzip", "deflate", *(["br"] if _HAVE_BROTLI else []), "zstd"])
"""What the fetcher advertises: exactly the codings it can decode with a bound."""

_ZSTD_SLICE: Final = 64
_ZSTD_WINDOW: Final = 8 * 1024 * 1024


class UndecodableBody(ValueError):
    """The body's content coding is unknown, stacked, or its data is corrupt."""


def _zlib(wbits: int) -> Callable[[bytes, int], bytes]:
    inflater = zlib.decompressobj(wbits)

    def feed(data: bytes, room: int) -> bytes:
        # When the room is filled the download stops, so the unconsumed tail is never needed.
        try:
            return inflater.decompress(data, room)
        except zlib.error as exc:
            raise UndecodableBody(f"{exc}") from None

    return feed


def _brotli() -> Callable[[bytes, int], bytes]:
    decompressor = brotli.Decompressor()

    def feed(data: bytes, room: int) -> bytes:
        try:
            return bytes(decompressor.process(data, output_buffer_limit=room))
        except brotli.error as exc:
            raise UndecodableBody(f"brotli: {exc}") from None

    return feed


def _zstd() -> Callable[[bytes, int], bytes]:
    decompressor = zstandard.ZstdDecompressor(max_window_size=_ZSTD_WINDOW).decompressobj()

    def feed(data: bytes, room: int) -> bytes:
        out = bytearray()
        try:
            for at in range(0, len(data), _ZSTD_SLICE):
                out += decompressor.decompress(data[at : at + _ZSTD_SLICE])
                if len(out) >= room:
                    break
        except zstandard.ZstdError as exc:
            raise UndecodableBody(f"zstd: {exc}") from None
        return bytes(out)

    return feed


def _identity(data: bytes, room: int) -> bytes:
    return data[:room]


class BoundedDecoder:
    """Decode one body's content coding into at most ``limit`` bytes.

    ``feed(raw)`` returns ``True`` once the output is full (more than ``limit`` bytes were
    produced): the caller stops reading and ``truncated`` is set. ``body`` is the output, cut at
    ``limit``."""

    __slots__ = ("_deflate_head", "_feed", "_out", "coding", "limit", "truncated")

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        coding = (content_encoding or "identity").strip().lower()
        self.coding = coding
        self.limit = limit
        self.truncated = False
        self._out = bytearray()
        self._deflate_head = b""
        feed: Callable[[bytes, int], bytes] | None
        if coding in ("identity", ""):
            feed = _identity
        elif coding in ("gzip", "x-gzip"):
            feed = _zlib(31)
        elif coding == "deflate":
            feed = None  # chosen when the first two bytes tell zlib from raw deflate
        elif coding == "br" and _HAVE_BROTLI:
            feed = _brotli()
        elif coding == "zstd":
            feed = _zstd()
        else:
            raise UndecodableBody(f"content coding {coding!r} is not supported")
        self._feed = feed

    def feed(self, raw: bytes) -> bool:
        """Take more raw bytes; ``True`` when the output is full and reading should stop."""
        if self._feed is None:
            head = self._deflate_head + raw
            if len(head) < 2:
                self._deflate_head = head
                return False
            # A zlib header: CM = 8 and the 16-bit header a multiple of 31 (RFC 1950 §2.2).
            wrapped = head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0
            self._feed = _zlib(15 if wrapped else -15)
            raw = head
        room = self.limit + 1 - len(self._out)
        self._out += self._feed(raw, room)
        if len(self._out) > self.limit:
            self.truncated = True
            return True
        return False

    def finish(self) -> None:
        """The body ended: decode what a deflate stream held back (a body of one byte)."""
        if self._feed is None and self._deflate_head:
            head, self._deflate_head = self._deflate_head, b""
            self._feed = _zlib(-15)
            self.feed(head)

    @property
    def body(self) -> bytes:
        return bytes(self._out[: self.limit])
