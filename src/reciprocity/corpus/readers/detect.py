"""Format detection: which of :data:`FORMATS` an input is, by its head (magic bytes) first
and by its file name second."""

from __future__ import annotations

from pathlib import Path

from reciprocity.corpus.compression import head_of
from reciprocity.corpus.framing import (
    ARC_HEADER,
)
from reciprocity.errors import InputError

FORMATS = ("warc", "arc", "jsonl", "parquet", "arrow", "dataset")
"""What :func:`detect_format` can answer ("dataset": a folder)."""
_SUFFIX_FORMATS = {
    ".warc": "warc",
    ".arc": "arc",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
    ".arrow": "arrow",
}
_COMPRESSION_SUFFIXES = frozenset({".gz", ".zst", ".zstd", ".bz2", ".xz"})


def detect_format(path: str | Path) -> str:
    """One of :data:`FORMATS` for ``path``: content (magic bytes) first, then the file name.

    Raises :class:`~reciprocity.errors.InputError` when the path is missing or neither its
    content nor its name tells a known format.
    """
    target = Path(path)
    if target.is_dir():
        return "dataset"
    if not target.is_file():
        raise InputError("no such file or folder", path=target)
    by_content = _sniff(head_of(target))
    if by_content is not None:
        return by_content
    by_name = _format_by_name(target)
    if by_name is not None:
        return by_name
    raise InputError(
        "cannot tell the format (expected WARC, ARC, JSON Lines, Parquet, Arrow or a folder)",
        path=target,
    )


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith((b"ARROW1", b"\xff\xff\xff\xff")):
        return "arrow"
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if text.startswith(b"WARC/"):
        return "warc"
    first_line = text.split(b"\n", 1)[0].rstrip(b"\r")
    if text.startswith(b"filedesc://") or ARC_HEADER.fullmatch(first_line):
        return "arc"
    if text[:1] in (b"{", b"["):
        return "jsonl"
    return None


def _format_by_name(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in _COMPRESSION_SUFFIXES:
        suffixes.pop()
    return _SUFFIX_FORMATS.get(suffixes[-1]) if suffixes else None
