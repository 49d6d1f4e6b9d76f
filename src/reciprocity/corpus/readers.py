"""Corpus readers: every input becomes a stream of :class:`Document`, each with its provenance.

:func:`read_documents` reads one input, whatever its format (:func:`detect_format` tells which,
from the content first and the file name second):

- **WARC** (``.warc``, ``.warc.gz`` per-record or single-stream gzip, also zstd/bz2/xz streams),
  read through FastWARC. ``response`` and ``resource`` records whose ``WARC-Target-URI`` is an
  http(s) URL become documents; ``request``, ``metadata``, ``warcinfo``, ``conversion`` and
  ``revisit`` records are skipped (a revisit stores no payload: what it refers to is audited with
  the record that stores it). ``offset`` is the byte offset of the record in the file (of its gzip
  member for per-record gzip, as in the Common Crawl index; in the decompressed stream for a
  single-stream file).
- **ARC** (``.arc``, ``.arc.gz``), the Internet Archive's format before WARC, read here directly.
- **JSON Lines** (``.jsonl``/``.ndjson``/``.json``, plain or gz/zst/bz2/xz; a ``.json`` holding
  one array works too), **Parquet**, **Arrow** files, and **folders**: a Hugging Face dataset
  saved with ``save_to_disk`` (``state.json`` + Arrow stream files, or ``dataset_dict.json`` with
  one folder per split), a dataset snapshot of Parquet/JSONL files, or any folder of the above.
  Rows map to documents through :class:`ColumnNames`; ``offset`` is the 0-based row (line) number
  in the file named by ``source``.

Robustness: bad *content* never raises. A truncated or corrupt record, a corrupt gzip member,
garbage between records, an unparseable JSON line or an unreadable row group each becomes a
``Document`` with ``error`` set (and whatever could be recovered: offset, record id, URL, date),
and reading goes on at the next readable record when the framing allows it (per-record gzip
members, plain WARC/ARC records, JSON lines, Parquet row groups); otherwise the reader stops after
the error document. Misuse raises: a missing file, an input of no known format, or a Parquet/
Arrow table without the configured URL column (:class:`~reciprocity.errors.UsageError`).

Memory stays bounded: everything streams, and one record's payload is capped at
:data:`MAX_PAYLOAD` bytes, a decoded ``Content-Encoding`` at :data:`MAX_INFLATE` (gzip bombs), a
header block at :data:`MAX_HEADER` and a JSON line at :data:`MAX_LINE`.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import json
import os
import re
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Final

import pyarrow as pa
import pyarrow.parquet as pq
from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from reciprocity._codings import dechunk, inflate
from reciprocity.corpus.compression import CHUNK, compression_of, decompressing, head_of
from reciprocity.corpus.document import Document
from reciprocity.corpus.framing import (
    ARC_HEADER,
    MAX_HEADER,
    arc_header,
    arc_record_length,
    content_failure,
    inflate_member,
    parse_warc_head,
    per_record_gzip,
    warc_record_length,
)
from reciprocity.corpus.values import header_text, is_web, parse_date, unwrap_uri
from reciprocity.errors import InputError, UsageError

__all__ = [
    "FORMATS",
    "MAX_HEADER",
    "MAX_INFLATE",
    "MAX_LINE",
    "MAX_PAYLOAD",
    "ColumnNames",
    "detect_format",
    "read_documents",
]

FORMATS = ("warc", "arc", "jsonl", "parquet", "arrow", "dataset")
"""What :func:`detect_format` can answer ("dataset": a folder)."""

MAX_PAYLOAD = 32 << 20
"""Bytes of one record's payload kept: the signals a document carries sit in its headers and
the head of its HTML, so a larger capture is kept cut, not refused."""
MAX_INFLATE = 8 << 20
"""Bytes a ``Content-Encoding: gzip/deflate`` body may inflate to (a gzip bomb stops there)."""
MAX_LINE = 64 << 20
"""Bytes of one JSON line; a longer line becomes an error document."""

_SCAN_BLOCK = 1 << 20
_BATCH_ROWS = 256  # Parquet/Arrow rows turned into Python objects at a time
_GZIP_MAGIC = b"\x1f\x8b\x08"  # with the deflate method byte: fewer false hits when resyncing
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
# Files of a Hugging Face dataset folder that describe it rather than hold rows.
_DATASET_METADATA = frozenset(
    {"dataset_info.json", "dataset_infos.json", "state.json", "dataset_dict.json"}
)
_WARC_VERSION = re.compile(rb"WARC/\d+\.\d+\r?\n")
_HEX = re.compile(rb"[0-9A-Fa-f]+")


@dataclass(frozen=True, slots=True)
class ColumnNames:
    """Where a JSONL/Parquet/dataset row keeps what a :class:`Document` needs.

    A name may be a dotted path into nested objects (``"metadata.url"``), used when no column
    of that exact name exists. An empty name turns a column off.
    """

    url: str = "url"
    html: tuple[str, ...] = ("html", "content", "text")
    """Candidate payload columns, first non-empty one wins: raw HTML first, then text."""
    headers: str = "headers"
    """HTTP response headers: a mapping, a list of (name, value) pairs, or a raw header block."""
    date: str = "date"
    """Capture date: ISO 8601 text, a 14-digit WARC/CDX stamp, an HTTP date, or POSIX time."""
    id: str = "id"

    def __post_init__(self) -> None:
        # A single name is an easy slip for the one plural field; a str would iterate by letter.
        html: object = self.html
        if isinstance(html, str):
            object.__setattr__(self, "html", (html,) if html else ())

    def names(self) -> tuple[str, ...]:
        """Every configured column name, empty ones left out."""
        return tuple(c for c in (self.url, *self.html, self.headers, self.date, self.id) if c)


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


def read_documents(
    path: str | Path,
    *,
    columns: ColumnNames = ColumnNames(),
    limit: int | None = None,
    start: int = 0,
) -> Iterator[Document]:
    """The documents of one input, in file order, from the ``start``-th, at most ``limit``.

    ``start`` counts documents as this function yields them (error documents included), so a
    run that stopped after N documents resumes with ``start=N`` and yields exactly the rest.
    Skipping is cheap where the format allows it (JSON lines are not parsed, Parquet row groups
    and Arrow batches are skipped whole); in WARC files the skipped records are still read.
    """
    if start < 0:
        raise ValueError("start must be 0 or more")
    if limit is not None and limit < 0:
        raise ValueError("limit must be 0 or more")
    # Checked now, not at the first next(): a wrong path should fail where it is given.
    kind = detect_format(path)
    skip = _Skip(start)
    return _bounded(_read(Path(path), str(path), kind, columns, skip), skip, limit)


# -- Dispatch -------------------------------------------------------------------------------


class _Skip:
    """Documents still to skip, shared by a reader (which may skip cheaply) and the wrapper."""

    __slots__ = ("remaining",)

    def __init__(self, remaining: int) -> None:
        self.remaining = remaining


def _bounded(docs: Iterator[Document], skip: _Skip, limit: int | None) -> Iterator[Document]:
    try:
        if limit == 0:
            return
        count = 0
        for doc in docs:
            if skip.remaining > 0:
                skip.remaining -= 1
                continue
            yield doc
            count += 1
            if limit is not None and count >= limit:
                return
    finally:
        # A caller that stops early (limit reached) must not leave the file open until GC.
        close = getattr(docs, "close", None)
        if close is not None:
            close()


def _read(
    path: Path, source: str, kind: str, columns: ColumnNames, skip: _Skip
) -> Iterator[Document]:
    if kind == "warc":
        return _read_warc(path, source)
    if kind == "arc":
        return _read_arc(path, source)
    if kind == "jsonl":
        return _read_json(path, source, columns, skip)
    if kind == "parquet":
        return _read_parquet(path, source, columns, skip)
    if kind == "arrow":
        return _read_arrow(path, source, columns, skip)
    return _read_folder(path, source, columns, skip)


def _read_folder(path: Path, source: str, columns: ColumnNames, skip: _Skip) -> Iterator[Document]:
    base = Path(source)
    for file in _dataset_files(path):
        # source names the data file itself, so that (source, offset) finds the row again.
        name = str(base / file.relative_to(path))
        kind = _sniff(head_of(file)) or _format_by_name(file)
        if kind is None or kind == "dataset":
            continue
        yield from _read(file, name, kind, columns, skip)


def _dataset_files(root: Path) -> list[Path]:
    """The data files of a folder, in the order their rows belong."""
    splits_file = root / "dataset_dict.json"
    if splits_file.is_file():
        splits = _json_file(splits_file).get("splits")
        if isinstance(splits, list) and all(isinstance(s, str) for s in splits):
            files: list[Path] = []
            for split in splits:
                if (root / split).is_dir():
                    files.extend(_dataset_files(root / split))
            return files
    state_file = root / "state.json"
    if state_file.is_file():
        listed = _json_file(state_file).get("_data_files")
        if isinstance(listed, list):
            names = [d.get("filename") for d in listed if isinstance(d, dict)]
            found = [root / n for n in names if isinstance(n, str) and (root / n).is_file()]
            if found:
                return found
    files = []
    for file in sorted(root.rglob("*")):
        relative = file.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue  # .cache, .git, .huggingface: tool state, not rows
        if not file.is_file() or file.name in _DATASET_METADATA:
            continue
        if _format_by_name(file) is not None:
            files.append(file)
    return files


def _json_file(path: Path) -> dict[str, Any]:
    try:
        loaded = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


# -- Format detection -----------------------------------------------------------------------


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


# -- Shared text helpers --------------------------------------------------------------------


# -- HTTP messages --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Http:
    status: int | None
    headers: tuple[tuple[str, str], ...]
    body: bytes
    error: str | None = None


def _split_http(block: bytes) -> _Http:
    """Status, headers and decoded body of a stored HTTP response."""
    if not block.startswith(b"HTTP/"):
        return _Http(None, (), block, "record holds no HTTP response (no status line)")
    # The header ends at the first blank line, CRLF or bare LF (ClueWeb09 writes bare LF);
    # searched for within the header limit only, not through a whole body that lacks one.
    limit = MAX_HEADER + 4
    ends = [(i, len(s)) for s in (b"\r\n\r\n", b"\n\n") if (i := block.find(s, 0, limit)) != -1]
    if ends:
        cut, width = min(ends)
        head, body = block[:cut], block[cut + width :]
    elif len(block) <= MAX_HEADER:
        head, body = block, b""  # a header with no body and no final blank line
    else:
        return _Http(None, (), block, f"HTTP header longer than {MAX_HEADER} bytes")
    status, headers = _parse_header_block(head)
    return _Http(status, headers, _decode_body(headers, body))


_BYTES_WS: Final = " \t\n\r\x0b\x0c"  # what bytes.strip() strips; str.strip() strips more


def _parse_header_block(head: bytes) -> tuple[int | None, tuple[tuple[str, str], ...]]:
    """(status, headers) of a header block, with or without its status line."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return _parse_header_bytes(head)
    # The whole block is UTF-8, so each piece is (what header_text would give, one decode instead of
    # one per name and value).
    lines = [line.rstrip("\r") for line in text.split("\n")]
    status: int | None = None
    if lines and lines[0].startswith("HTTP/"):
        parts = lines.pop(0).split(None, 2)
        if len(parts) >= 2 and len(parts[1]) == 3 and parts[1].isascii() and parts[1].isdigit():
            status = int(parts[1])
    pairs: list[tuple[str, str]] = []
    for line in lines:
        if line[:1] in (" ", "\t") and pairs:
            folded_name, folded = pairs[-1]
            pairs[-1] = (folded_name, f"{folded} {line.strip(_BYTES_WS)}".strip())
            continue
        name, colon, value = line.partition(":")
        name = name.strip(_BYTES_WS)
        if colon and name:
            pairs.append((name, value.strip(_BYTES_WS)))
    return status, tuple(pairs)


def _parse_header_bytes(head: bytes) -> tuple[int | None, tuple[tuple[str, str], ...]]:
    """:func:`_parse_header_block` for a block that is not UTF-8: each piece decoded apart."""
    lines = [line.rstrip(b"\r") for line in head.split(b"\n")]
    status: int | None = None
    if lines and lines[0].startswith(b"HTTP/"):
        parts = lines.pop(0).split(None, 2)
        if len(parts) >= 2 and len(parts[1]) == 3 and parts[1].isdigit():
            status = int(parts[1])
    pairs: list[tuple[str, str]] = []
    for line in lines:
        if line[:1] in (b" ", b"\t") and pairs:
            # obs-fold (RFC 9110 §5.5): a continuation of the previous field's value.
            folded_name, folded = pairs[-1]
            pairs[-1] = (folded_name, f"{folded} {header_text(line.strip())}".strip())
            continue
        name, colon, value = line.partition(b":")
        if colon and name.strip():
            pairs.append((header_text(name.strip()), header_text(value.strip())))
    return status, tuple(pairs)


def _header(headers: tuple[tuple[str, str], ...], name: str, *, last: bool = False) -> str | None:
    found = [v for k, v in headers if k.lower() == name]
    if not found:
        return None
    return found[-1] if last else found[0]


def _tokens(headers: tuple[tuple[str, str], ...], name: str) -> list[str]:
    values = [v for k, v in headers if k.lower() == name]
    return [t.strip().lower() for v in values for t in v.split(",") if t.strip()]


def _decode_body(headers: tuple[tuple[str, str], ...], body: bytes) -> bytes:
    """The payload with transfer and content codings undone where that is safe and bounded."""
    if "chunked" in _tokens(headers, "transfer-encoding"):
        # Only when it parses as chunks: many archives store the body already de-chunked and
        # keep the header (Common Crawl renames it X-Crawler-Transfer-Encoding instead).
        dechunked = dechunk(body)
        if dechunked is not None:
            body = dechunked
    for coding in reversed(_tokens(headers, "content-encoding")):
        if coding == "identity":
            continue
        if coding not in ("gzip", "x-gzip", "deflate"):
            break  # br, zstd, compress: kept as stored (no extra dependency for rare codings)
        decoded = inflate(body, coding, MAX_INFLATE)
        if decoded is None:
            break  # a false claim (ClueWeb09 says gzip over plain HTML): keep what is stored
        body = decoded
    return body


# -- WARC -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Seen:
    """The last record FastWARC gave, where recovery starts from."""

    offset: int
    kind: str


@dataclass(frozen=True, slots=True)
class _Stop:
    """Where a FastWARC pass started, the last record it gave, and what stopped it."""

    pos: int
    last: _Seen | None
    failure: str | None


def _read_warc(path: Path, source: str) -> Iterator[Document]:
    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        kind = compression_of(fh.read(8))
        if kind is None:
            yield from _warc_framed(fh, source, size, gzipped=False)
        elif kind == "gzip" and per_record_gzip(fh, warc_record_length):
            yield from _warc_framed(fh, source, size, gzipped=True)
        else:
            yield from _warc_stream(fh, source, kind)


def _warc_framed(fh: IO[bytes], source: str, size: int, *, gzipped: bool) -> Iterator[Document]:
    """Records of a plain or per-record-gzip WARC, resynchronising after damage.

    FastWARC reads; when it stops early (an exception, or a silent end before the end of the
    file), the damage is located here, reported as one error document, and FastWARC starts
    again at the next gzip member (or ``WARC/`` line) that begins a record.
    """
    reported: set[int] = set()
    pos = 0
    while pos < size:
        fh.seek(pos)
        last: _Seen | None = None
        failure: str | None = None
        for record in _fastwarc(fh):
            if isinstance(record, BaseException):
                failure = _describe(record)
                break
            last = _Seen(record.stream_pos, str(record.record_type))
            outcome = _warc_document(record, source)
            if outcome is None:
                continue
            document, broken = outcome
            if document.error is not None:
                reported.add(document.offset)
            yield document
            if broken:
                failure = document.error
                break
        if gzipped:
            resume = yield from _recover_gzip(fh, source, _Stop(pos, last, failure), reported)
        else:
            resume = yield from _recover_plain(
                fh, source, size, _Stop(pos, last, failure), reported
            )
        if resume is None or resume <= pos:
            return
        pos = resume


def _warc_stream(fh: IO[bytes], source: str, kind: str) -> Iterator[Document]:
    """Records of a single-stream compressed WARC: offsets are in the decompressed stream, and
    damage ends the reading (a deflate or zstd stream cannot be re-entered in the middle)."""
    fh.seek(0)
    stream = decompressing(fh, kind)
    for record in _fastwarc(stream):
        if isinstance(record, BaseException):
            try:
                at = stream.tell()
            except Exception:
                at = 0
            yield _error(
                source,
                at,
                f"unreadable {kind} stream near decompressed offset {at}: {_describe(record)} "
                "(a single compressed stream cannot be resynchronised; the rest is lost)",
            )
            return
        outcome = _warc_document(record, source)
        if outcome is None:
            continue
        document, broken = outcome
        yield document
        if broken:
            return


def _fastwarc(stream: IO[bytes]) -> Iterator[WarcRecord | BaseException]:
    """FastWARC's records of ``stream``, then what stopped it early (if anything) as the last
    item, so that callers tell damage from the end without a try block around each step."""
    try:
        yield from ArchiveIterator(stream, parse_http=False)
    except BaseException as exc:
        if not content_failure(exc):
            raise
        yield exc


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())  # pyarrow messages run over several lines
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _error(source: str, offset: int, message: str, **known: Any) -> Document:
    fields: dict[str, Any] = {"record_id": None, "url": "", "date": None}
    fields.update(known)
    return Document(source=source, offset=offset, error=message, **fields)


def _http_document(
    source: str,
    offset: int,
    *,
    record_id: str | None,
    url: str,
    when: datetime | None,
    block: bytes,
    length: int,
    content_type: str | None = None,
    payload_digest: str | None = None,
) -> Document:
    """The document of a stored HTTP response (WARC ``response``, ARC record), or its error.

    ``content_type`` is what the archive's own header said, used when the response names none.
    """
    http = _split_http(block)
    if http.error is not None:
        message = f"{http.error} at offset {offset}"
        return _error(
            source, offset, message, record_id=record_id, url=url, date=when, length=length
        )
    if when is None:
        # ClueWeb09 dates every record "2008-10-294T…"; the server's Date is then the best clue.
        when = parse_date(_header(http.headers, "date"))
    return Document(
        source=source,
        offset=offset,
        record_id=record_id,
        url=url,
        date=when,
        status=http.status,
        headers=http.headers,
        body=http.body,
        content_type=_header(http.headers, "content-type", last=True) or content_type,
        length=length,
        payload_digest=payload_digest,
    )


def _warc_document(record: WarcRecord, source: str) -> tuple[Document, bool] | None:
    """The document of a record (``None`` if it is not one), and whether reading it broke."""
    fields = {k.lower(): v for k, v in reversed(record.headers.to_tuples())}
    offset = record.stream_pos
    warc_type = fields.get("warc-type")
    if warc_type is None:
        # FastWARC hands out a header cut short (a file that ends inside it) as a typeless record.
        return _error(source, offset, "WARC record header is incomplete (no WARC-Type)"), False
    if record.record_type not in (WarcRecordType.response, WarcRecordType.resource):
        return None
    url = unwrap_uri(fields.get("warc-target-uri"))
    if not is_web(url):
        return None  # dns:, metadata://, filedesc: … describe the crawl, not a document
    record_id = fields.get("warc-record-id")
    when = parse_date(fields.get("warc-date"))
    declared = record.content_length
    known: dict[str, Any] = {"record_id": record_id, "url": url, "date": when, "length": declared}
    try:
        # read(n) allocates n bytes whatever the record holds (+50 µs a record at 32 MiB):
        # the declared length bounds a plain read() already, so the cap is passed only above it.
        if declared <= MAX_PAYLOAD:
            block = record.reader.read()
            beyond = 0
        else:
            block = record.reader.read(MAX_PAYLOAD)
            beyond = record.reader.consume() if len(block) >= MAX_PAYLOAD else 0
    except BaseException as exc:
        if not content_failure(exc):
            raise
        return _error(
            source, offset, f"unreadable record at offset {offset}: {_describe(exc)}", **known
        ), True
    got = len(block) + beyond
    if got < declared:
        message = f"truncated record at offset {offset}: {got} of {declared} bytes"
        return _error(source, offset, message, **known), False
    digest = fields.get("warc-payload-digest")
    if record.record_type == WarcRecordType.resource:
        return Document(
            source=source,
            offset=offset,
            record_id=record_id,
            url=url,
            date=when,
            body=block,
            content_type=fields.get("content-type"),
            length=declared,
            payload_digest=digest,
        ), False
    document = _http_document(
        source,
        offset,
        record_id=record_id,
        url=url,
        when=when,
        block=block,
        length=declared,
        payload_digest=digest,
    )
    return document, False


def _known_from_head(head: bytes) -> tuple[dict[str, Any], str]:
    """What a damaged record's header still tells: document fields, and a note for the error."""
    fields, _ = parse_warc_head(head)
    if not fields:
        return {}, ""
    kind = fields.get("warc-type", "")
    known: dict[str, Any] = {
        "record_id": fields.get("warc-record-id"),
        "url": unwrap_uri(fields.get("warc-target-uri")),
        "date": parse_date(fields.get("warc-date")),
    }
    length = fields.get("content-length", "")
    if length.isdigit():
        known["length"] = int(length)
    return known, f" ({kind} record)" if kind else ""


def _gzip_starts(fh: IO[bytes], at: int, accept: Callable[[bytes], bool]) -> bool:
    # Enough output for an ARC header line (a URL can be long); a WARC needs its first line only.
    member = inflate_member(fh, at, keep=2048, stop_after=2048)
    return member.status in ("ok", "longer") and accept(member.head)


def _scan(fh: IO[bytes], start: int, needle: bytes, accept: Callable[[int], bool]) -> int | None:
    """The first offset from ``start`` where ``needle`` occurs and ``accept`` agrees."""
    pos = start
    while True:
        fh.seek(pos)
        block = fh.read(_SCAN_BLOCK)
        if len(block) < len(needle):
            return None
        found = block.find(needle)
        while found != -1:
            if accept(pos + found):
                return pos + found
            found = block.find(needle, found + 1)
        pos += len(block) - len(needle) + 1


def _only_padding(fh: IO[bytes], at: int) -> bool:
    """Whether nothing but blank lines and NUL padding follows ``at``."""
    fh.seek(at)
    while block := fh.read(_SCAN_BLOCK):
        if block.strip(b"\r\n\t \x00"):
            return False
    return True


def _recover_gzip(
    fh: IO[bytes], source: str, stop: _Stop, reported: set[int]
) -> Generator[Document, None, int | None]:
    """Locate the damage after ``stop.last`` in a per-record gzip WARC, report it (once per
    offset), and return where the next readable record starts (``None``: the end)."""
    pos, last, failure = stop.pos, stop.last, stop.failure
    if last is None:
        at = pos
    else:
        member = inflate_member(fh, last.offset)
        if member.status == "ok" and member.end is not None:
            if _only_padding(fh, member.end):
                return None  # the clean end of the file
            at = member.end
        else:
            at = last.offset  # the member FastWARC read last is itself broken
    if at not in reported:
        reported.add(at)
        yield _gzip_damage(fh, source, at, failure)
    return _scan(fh, at + 1, _GZIP_MAGIC, lambda c: _gzip_starts(fh, c, _is_warc_head))


def _is_warc_head(head: bytes) -> bool:
    return _WARC_VERSION.match(head) is not None


def _gzip_damage(fh: IO[bytes], source: str, at: int, failure: str | None) -> Document:
    member = inflate_member(fh, at)
    known, note = _known_from_head(member.head)
    if member.status == "not-gzip":
        message = f"bytes at offset {at} are not a gzip member (garbage between records)"
    elif member.status in ("truncated", "eof"):
        message = f"file ends inside the gzip member at offset {at}{note}: truncated"
    elif member.status == "corrupt":
        message = f"corrupt gzip member at offset {at}{note}: {member.message}"
    else:
        detail = f": {failure}" if failure else ""
        message = f"gzip member at offset {at}{note} holds no readable WARC record{detail}"
    return _error(source, at, message, **known)


def _recover_plain(
    fh: IO[bytes], source: str, size: int, stop: _Stop, reported: set[int]
) -> Generator[Document, None, int | None]:
    """As :func:`_recover_gzip`, for an uncompressed WARC (records found by ``WARC/`` lines)."""
    pos, last, failure = stop.pos, stop.last, stop.failure
    known: dict[str, Any] = {}
    if last is None:
        at = pos
        message = f"bytes at offset {at} are not a WARC record"
    else:
        fh.seek(last.offset)
        head = fh.read(MAX_HEADER)
        length = warc_record_length(head)
        if length is None:
            at = last.offset
            message = f"file ends inside the WARC header at offset {at}"
        elif last.offset + length > size:
            at = last.offset
            known, _ = _known_from_head(head)
            message = (
                f"file ends inside the {last.kind} record at offset {at}: truncated "
                f"({size - at} of {length} bytes)"
            )
        else:
            end = last.offset + length
            if _only_padding(fh, end):
                return None  # the clean end of the file
            at = _skip_blank(fh, end)
            message = (
                f"bytes at offset {at} are not a WARC record (the Content-Length of the "
                f"{last.kind} record at offset {last.offset} may be wrong)"
            )
            if failure:
                message += f": {failure}"
    if at not in reported:
        reported.add(at)
        yield _error(source, at, message, **known)
    origin = (last.offset if last is not None else pos) + 1
    return _scan(fh, origin, b"WARC/", lambda c: _plain_starts(fh, c))


def _skip_blank(fh: IO[bytes], at: int) -> int:
    fh.seek(at)
    while block := fh.read(CHUNK):
        rest = block.lstrip(b"\r\n\t \x00")
        if rest:
            return at + len(block) - len(rest)
        at += len(block)
    return at


def _plain_starts(fh: IO[bytes], at: int) -> bool:
    if at > 0:
        fh.seek(at - 1)
        if fh.read(1) != b"\n":
            return False  # a record starts a line
    fh.seek(at)
    return _is_warc_head(fh.read(16))


# -- ARC ------------------------------------------------------------------------------------


def _read_arc(path: Path, source: str) -> Iterator[Document]:
    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        kind = compression_of(fh.read(8))
        fh.seek(0)
        if kind == "gzip" and per_record_gzip(fh, arc_record_length):
            yield from _arc_members(fh, source, size)
        elif kind is None:
            yield from _arc_records(fh, source)
        else:
            fh.seek(0)  # the per-record check above moved it
            with decompressing(fh, kind) as stream:
                yield from _arc_records(stream, source)


def _arc_document(
    source: str,
    offset: int,
    header: tuple[str, datetime | None, str, int],
    block: bytes,
    got: int,
) -> Document | None:
    url, when, content_type, length = header
    if not is_web(url):
        return None  # the filedesc:// version block, dns: lookups
    if got < length:
        message = f"truncated ARC record at offset {offset}: {got} of {length} bytes"
        return _error(source, offset, message, url=url, date=when, length=length)
    if not block.startswith(b"HTTP/"):
        # HTTP/0.9 responses of the ARC era had no header: the block is the body.
        return Document(
            source,
            offset,
            None,
            url,
            when,
            body=block,
            content_type=content_type or None,
            length=length,
        )
    return _http_document(
        source,
        offset,
        record_id=None,
        url=url,
        when=when,
        block=block,
        length=length,
        content_type=content_type or None,
    )


def _arc_records(stream: IO[bytes], source: str, base: int | None = None) -> Iterator[Document]:
    """Records of an uncompressed ARC stream; ``base`` (a gzip member offset) replaces the
    stream's own offsets. A header that does not parse is reported once and skipped to the
    next line that is an ARC header."""
    position = 0
    lost: int | None = None  # where unreadable lines started, while skipping them
    while True:
        at = position
        try:
            line = stream.readline(MAX_HEADER)
        except Exception as exc:  # a damaged compressed stream: it cannot be re-entered
            yield _error(
                source,
                at if base is None else base,
                f"unreadable data at offset {at}: {_describe(exc)}",
            )
            return
        position += len(line)
        if not line:
            if lost is not None:
                yield _error(
                    source,
                    base if base is not None else lost,
                    f"bytes at offset {lost} are not an ARC record",
                )
            return
        if not line.strip():
            continue
        header = arc_header(line)
        if header is None:
            if lost is None:
                lost = at
            continue
        if lost is not None:
            yield _error(
                source,
                base if base is not None else lost,
                f"bytes at offset {lost} are not an ARC record",
            )
            lost = None
        length = header[3]
        offset = base if base is not None else at
        try:
            block = stream.read(min(length, MAX_PAYLOAD))
            got = len(block)
            if length > MAX_PAYLOAD:
                got += _discard(stream, length - MAX_PAYLOAD)  # kept cut, as WARC payloads are
        except Exception as exc:
            message = f"unreadable ARC record at offset {offset}: {_describe(exc)}"
            yield _error(source, offset, message, url=header[0], date=header[1], length=length)
            return
        position += got
        document = _arc_document(source, offset, header, block, got)
        if document is not None:
            yield document
        if got < length:
            return  # the stream ended inside the record


def _discard(stream: IO[bytes], count: int) -> int:
    done = 0
    while done < count and (block := stream.read(min(CHUNK, count - done))):
        done += len(block)
    return done


def _arc_members(fh: IO[bytes], source: str, size: int) -> Iterator[Document]:
    """Records of a per-record gzip ARC, member by member, skipping damaged members."""
    pos = 0
    while pos < size:
        member = inflate_member(fh, pos, keep=MAX_PAYLOAD + MAX_HEADER)
        if member.status == "ok" and member.end is not None:
            yield from _arc_records(io.BytesIO(member.head), source, base=pos)
            if _only_padding(fh, member.end):
                return
            pos = member.end
            continue
        header = arc_header(member.head.lstrip(b"\n").split(b"\n", 1)[0])
        known = {} if header is None else {"url": header[0], "date": header[1]}
        if member.status == "not-gzip":
            message = f"bytes at offset {pos} are not a gzip member (garbage between records)"
        elif member.status == "corrupt":
            message = f"corrupt gzip member at offset {pos}: {member.message}"
        else:
            message = f"file ends inside the gzip member at offset {pos}: truncated"
        yield _error(source, pos, message, **known)
        resume = _scan(fh, pos + 1, _GZIP_MAGIC, lambda c: _gzip_starts(fh, c, _is_arc_head))
        if resume is None:
            return
        pos = resume


def _is_arc_head(head: bytes) -> bool:
    text = head.lstrip(b"\n")
    return text.startswith(b"filedesc://") or bool(
        ARC_HEADER.match(text.split(b"\n", 1)[0].rstrip(b"\r"))
    )


# -- Rows: JSON Lines, Parquet, Arrow -------------------------------------------------------


def _lookup(row: Mapping[str, Any], name: str) -> Any:
    """A column's value: the exact name first, then a dotted path into nested objects."""
    if not name:
        return None
    if name in row:
        return row[name]
    value: Any = row
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _as_headers(value: Any) -> tuple[int | None, tuple[tuple[str, str], ...]]:
    """(status, headers) from a mapping, a list of pairs, or a raw header block."""
    if value is None:
        return None, ()
    if isinstance(value, bytes):
        value = header_text(value)
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("{"):
            try:
                return _as_headers(json.loads(text))
            except (ValueError, RecursionError):
                pass
        return _parse_header_block(_clean(text).encode("utf-8"))
    pairs: list[tuple[str, str]] = []
    items: list[Any]
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        return None, ()
    for item in items:
        if isinstance(item, Mapping):
            name = item.get("name", item.get("key"))
            item = (name, item.get("value"))
        if not isinstance(item, (list, tuple)) or len(item) != 2 or not item[0]:
            continue
        name, field_value = item
        values = field_value if isinstance(field_value, (list, tuple)) else [field_value]
        pairs.extend((_cell_text(name), _cell_text(v)) for v in values if v is not None)
    status = None
    code = _header(tuple(pairs), ":status")  # HTTP/2 dumps carry the status as a pseudo-header
    if code is not None and code.isdigit():
        status = int(code)
    return status, tuple(pairs)


def _cell_text(value: Any) -> str:
    return header_text(value) if isinstance(value, bytes) else _clean(str(value))


def _clean(text: str) -> str:
    """``text`` without lone surrogates (JSON may escape them; UTF-8 cannot hold them, so a
    Parquet writer down the line would fail on them)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def _row_document(
    row: Mapping[str, Any], source: str, offset: int, columns: ColumnNames
) -> Document:
    raw_url = _lookup(row, columns.url)
    url = header_text(raw_url) if isinstance(raw_url, bytes) else raw_url
    raw_id = _lookup(row, columns.id)
    record_id = None if raw_id is None or raw_id == "" else _cell_text(raw_id)
    when = parse_date(_lookup(row, columns.date))
    if not isinstance(url, str) or not url.strip():
        what = "no" if url is None or url == "" else f"a {type(url).__name__} as"
        return _error(
            source,
            offset,
            f"row {offset} has {what} URL in column {columns.url!r}",
            record_id=record_id,
            date=when,
        )
    body: bytes | None = None
    for name in columns.html:
        value = _lookup(row, name)
        if isinstance(value, str) and value:
            body = value.encode("utf-8", "surrogatepass")
            break
        if isinstance(value, bytes) and value:
            body = value
            break
    status, headers = _as_headers(_lookup(row, columns.headers))
    return Document(
        source=source,
        offset=offset,
        record_id=record_id,
        url=_clean(url.strip()),
        date=when,
        status=status,
        headers=headers,
        body=body,
        content_type=_header(headers, "content-type", last=True),
    )


def _read_json(path: Path, source: str, columns: ColumnNames, skip: _Skip) -> Iterator[Document]:
    with path.open("rb") as raw:
        kind = compression_of(raw.read(8))
        raw.seek(0)
        is_array = head_of(path, 4096).removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"["
        with decompressing(raw, kind) as stream:
            if is_array:
                yield from _json_array(stream, source, columns, kind)
            else:
                yield from _json_lines(stream, source, columns, skip, kind)


def _json_lines(
    stream: IO[bytes], source: str, columns: ColumnNames, skip: _Skip, kind: str | None
) -> Iterator[Document]:
    number = -1
    while True:
        try:
            line = stream.readline(MAX_LINE + 1)
        except Exception as exc:  # a corrupt or truncated gzip/zstd/bz2/xz stream
            yield _error(
                source,
                number + 1,
                f"unreadable {kind or 'file'} data after line {number + 1}: {_describe(exc)}",
            )
            return
        if not line:
            return
        number += 1
        oversized = len(line) > MAX_LINE
        if oversized and not line.endswith(b"\n"):
            try:  # drop the rest of the line, a bounded piece at a time
                while (rest := stream.readline(MAX_LINE)) and not rest.endswith(b"\n"):
                    pass
            except Exception:
                pass  # the next readline() meets the stream error again and reports it
        elif not oversized and not line.strip():
            continue  # blank lines hold no document (offsets still count them: line numbers)
        if skip.remaining > 0:
            skip.remaining -= 1  # skipped without parsing: resuming a run stays cheap
            continue
        if oversized:
            yield _error(source, number, f"line {number} is longer than {MAX_LINE} bytes")
            continue
        try:
            item = json.loads(line)
        except (ValueError, RecursionError) as exc:
            yield _error(source, number, f"line {number} is not JSON: {_describe(exc)}")
            continue
        if not isinstance(item, dict):
            yield _error(
                source, number, f"line {number} is a JSON {type(item).__name__}, not an object"
            )
            continue
        yield _row_document(item, source, number, columns)


def _json_array(
    stream: IO[bytes], source: str, columns: ColumnNames, kind: str | None
) -> Iterator[Document]:
    """Elements of one JSON array, parsed one at a time so the file is never held whole."""
    decoder = json.JSONDecoder()
    text_of = codecs.getincrementaldecoder("utf-8-sig")()
    buffer = ""
    at = 0
    done = False
    index = 0
    opened = False
    after_element = False  # then only ',' or ']' may come

    def more(wanted: int) -> bool:
        nonlocal buffer, at, done
        if done:
            return False
        buffer = buffer[at:]
        at = 0
        block = stream.read(max(wanted, CHUNK))
        done = not block
        buffer += text_of.decode(block, final=done)
        return True

    while True:
        try:
            while True:
                while at < len(buffer) and buffer[at] in " \t\r\n":
                    at += 1
                if at < len(buffer) or not more(len(buffer)):
                    break
            if at >= len(buffer):
                if opened:
                    yield _error(
                        source, index, f"JSON array ends without ']' after element {index}"
                    )
                return
            if not opened:
                if buffer[at] != "[":
                    yield _error(source, index, "file is not a JSON array")
                    return
                opened = True
                at += 1
                continue
            if buffer[at] == "]" and (after_element or index == 0):
                return
            if buffer[at] == "," and after_element:
                at += 1
                after_element = False
                continue
            if after_element:
                raise ValueError(f"expected ',' or ']' at character {at}")
            while True:
                try:
                    item, end = decoder.raw_decode(buffer, at)
                    break
                except ValueError:
                    # Maybe the element goes on beyond the buffer: read as much again, up to
                    # the line limit (doubling keeps the re-parsing linear overall).
                    if len(buffer) - at > MAX_LINE or not more(len(buffer) - at):
                        raise
            at = end
            after_element = True
        except (ValueError, RecursionError) as exc:
            yield _error(source, index, f"element {index} is not JSON: {_describe(exc)}")
            return
        except Exception as exc:
            yield _error(
                source,
                index,
                f"unreadable {kind or 'file'} data at element {index}: {_describe(exc)}",
            )
            return
        if isinstance(item, dict):
            yield _row_document(item, source, index, columns)
        else:
            yield _error(
                source, index, f"element {index} is a JSON {type(item).__name__}, not an object"
            )
        index += 1


def _columns_to_read(schema: pa.Schema, columns: ColumnNames, source: str) -> list[str]:
    """The top-level columns a table must give; the URL column is required."""
    names = list(schema.names)

    def top(name: str) -> str | None:
        if name in names:
            return name
        head = name.split(".", 1)[0]
        return head if head in names else None

    if top(columns.url) is None:
        raise UsageError(
            f"{source}: no URL column {columns.url!r} (columns: {', '.join(names)}); "
            "name it with --url-column"
        )
    wanted = {t for c in columns.names() if (t := top(c)) is not None}
    return [n for n in names if n in wanted]


def _read_parquet(path: Path, source: str, columns: ColumnNames, skip: _Skip) -> Iterator[Document]:
    try:
        table = pq.ParquetFile(path)
        groups = [table.metadata.row_group(g).num_rows for g in range(table.num_row_groups)]
    except Exception as exc:  # pyarrow signals a bad file with several exception types
        yield _error(source, 0, f"unreadable Parquet file: {_describe(exc)}")
        return
    wanted = _columns_to_read(table.schema_arrow, columns, source)
    row = 0
    with contextlib.closing(table):
        for group, count in enumerate(groups):
            end = row + count
            if skip.remaining >= count:
                skip.remaining -= count  # from the footer alone: no page is read
                row = end
                continue
            batches = table.iter_batches(
                batch_size=_BATCH_ROWS, row_groups=[group], columns=wanted, use_threads=False
            )
            failure: str | None = None
            while row < end:
                try:
                    batch = next(batches)
                except StopIteration:
                    failure = "row group has fewer rows than its metadata says"
                    break
                except Exception as exc:
                    failure = _describe(exc)
                    break
                yield from _batch_documents(batch, source, row, columns, skip)
                row += batch.num_rows
            # Every row of a damaged group still gets its row, so counts (and resuming by
            # row group) stay true to the footer.
            while failure is not None and row < end:
                if skip.remaining > 0:
                    skip.remaining -= 1
                else:
                    yield _error(
                        source, row, f"unreadable row {row} (row group {group}): {failure}"
                    )
                row += 1
            row = end


def _batch_documents(
    batch: pa.RecordBatch, source: str, first: int, columns: ColumnNames, skip: _Skip
) -> Iterator[Document]:
    cut = min(skip.remaining, batch.num_rows)
    if cut:
        skip.remaining -= cut
        batch = batch.slice(cut)  # zero-copy: skipped rows never become Python objects
    for index, item in enumerate(batch.to_pylist(), start=first + cut):
        yield _row_document(item, source, index, columns)


def _read_arrow(path: Path, source: str, columns: ColumnNames, skip: _Skip) -> Iterator[Document]:
    """An Arrow IPC file or stream (what ``save_to_disk`` writes), batch by batch."""
    try:
        mapped = pa.memory_map(str(path))
    except Exception as exc:
        yield _error(source, 0, f"unreadable Arrow file: {_describe(exc)}")
        return
    with mapped:
        batches: Iterator[pa.RecordBatch]
        try:
            if mapped.read(6) == b"ARROW1":
                mapped.seek(0)
                file_reader = pa.ipc.open_file(mapped)
                schema = file_reader.schema
                batches = (file_reader.get_batch(i) for i in range(file_reader.num_record_batches))
            else:
                mapped.seek(0)
                stream_reader = pa.ipc.open_stream(mapped)
                schema = stream_reader.schema
                batches = iter(stream_reader)
        except Exception as exc:
            yield _error(source, 0, f"unreadable Arrow file: {_describe(exc)}")
            return
        wanted = _columns_to_read(schema, columns, source)
        row = 0
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                return
            except Exception as exc:
                yield _error(source, row, f"unreadable Arrow data from row {row}: {_describe(exc)}")
                return
            count = batch.num_rows
            if skip.remaining >= count:
                skip.remaining -= count
            else:
                yield from _batch_documents(batch.select(wanted), source, row, columns, skip)
            row += count
