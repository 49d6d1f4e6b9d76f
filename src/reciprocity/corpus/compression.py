"""Compressed inputs: which compression a file's bytes start with, and a reader of its content.

gzip, zstd, bz2 and xz are recognised by their magic bytes (file names may lie). zstd streams are
decoded here, frame by frame in small pieces, so that a stream cut inside a frame is noticed.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
from pathlib import Path
from typing import IO, Any, cast

import zstandard

__all__ = ["CHUNK", "compression_of", "decompressing", "head_of"]

CHUNK = 64 << 10
"""Bytes read from a file at a time."""
_ZSTD_PIECE = 1 << 10  # zstd inflates up to ~43690:1 (RLE blocks): 1 KiB in, under 44 MiB out
_COMPRESSIONS = (
    (b"\x1f\x8b", "gzip"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
)


def compression_of(head: bytes) -> str | None:
    """``gzip``, ``zstd``, ``bz2`` or ``xz`` by the first bytes of a file, else ``None``."""
    for magic, name in _COMPRESSIONS:
        if head.startswith(magic):
            return name
    return None


def decompressing(raw: IO[bytes], kind: str | None) -> IO[bytes]:
    """A reader of the decompressed bytes of ``raw`` (``raw`` itself when not compressed)."""
    if kind == "gzip":
        return cast("IO[bytes]", gzip.GzipFile(fileobj=raw, mode="rb"))
    if kind == "zstd":
        return io.BufferedReader(_ZstdReader(raw))
    if kind == "bz2":
        return cast("IO[bytes]", bz2.BZ2File(raw))
    if kind == "xz":
        return cast("IO[bytes]", lzma.LZMAFile(raw))
    return raw


class _ZstdReader(io.RawIOBase):
    """Decompressed bytes of a zstd stream of one or more frames.

    ``zstandard``'s own stream reader ends quietly when the input stops inside a frame; a cut
    file must be noticed (it ends the reading with an error document), so the frames are
    decoded here, in small input pieces that bound what one call can inflate to.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self._raw = raw
        self._inflater = self._frame()
        self._input = b""
        self._output = b""
        self._cursor = 0  # into _output: slicing forward, never deleting the front (quadratic)
        self._in_frame = False
        self._position = 0

    @staticmethod
    def _frame() -> Any:
        # One frame per decoder, said explicitly (the library means to change the default), so
        # that the end of each frame is seen and an input cut inside one is noticed.
        return zstandard.ZstdDecompressor().decompressobj(read_across_frames=False)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True  # forward only, which is all FastWARC and line reading ask for

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        target = offset + (self._position if whence == io.SEEK_CUR else 0)
        if whence == io.SEEK_END or target < self._position:
            raise io.UnsupportedOperation("a zstd stream cannot seek backwards")
        while self._position < target and self.read(min(CHUNK, target - self._position)):
            pass
        return self._position

    def readinto(self, buffer: Any) -> int:
        target = memoryview(buffer).cast("B")
        while self._cursor >= len(self._output):
            if not self._input:
                self._input = self._raw.read(CHUNK)
                if not self._input:
                    if self._in_frame:
                        raise EOFError("zstd stream ends inside a frame (truncated)")
                    return 0
            piece, self._input = self._input[:_ZSTD_PIECE], self._input[_ZSTD_PIECE:]
            self._output, self._cursor = self._inflater.decompress(piece), 0
            self._in_frame = True
            if self._inflater.eof:
                # The next frame (if any) starts with the bytes this one did not use.
                self._input = self._inflater.unused_data + self._input
                self._inflater = self._frame()
                self._in_frame = False
        count = min(len(target), len(self._output) - self._cursor)
        target[:count] = self._output[self._cursor : self._cursor + count]
        self._cursor += count
        self._position += count
        return count


def head_of(path: Path, size: int = 512) -> bytes:
    """The first bytes of a file's content, decompressed when it is compressed."""
    try:
        with path.open("rb") as raw:
            head = raw.read(8)
            kind = compression_of(head)
            raw.seek(0)
            if kind is None:
                return raw.read(size)
            with decompressing(raw, kind) as stream:
                return stream.read(size)
    except Exception:  # a corrupt stream tells nothing; the name decides then
        return b""
