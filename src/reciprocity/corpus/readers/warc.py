"""WARC files through FastWARC (plain, per-record gzip, or one compressed stream), with
resynchronisation after damage; one record's payload is kept up to :data:`MAX_PAYLOAD` bytes."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import IO, Any

from fastwarc.warc import ArchiveIterator, WarcHeader, WarcRecord, WarcRecordType

from reciprocity.corpus.compression import CHUNK, compression_of, decompressing
from reciprocity.corpus.document import Document
from reciprocity.corpus.framing import (
    MAX_HEADER,
    content_failure,
    inflate_member,
    parse_warc_head,
    per_record_gzip,
    warc_record_length,
)
from reciprocity.corpus.readers.damage import _describe, _error
from reciprocity.corpus.readers.http import _http_document
from reciprocity.corpus.values import is_web, parse_date, unwrap_uri

MAX_PAYLOAD = 32 << 20
"""Bytes of one record's payload kept: the signals a document carries sit in its headers and
the head of its HTML, so a larger capture is kept cut, not refused."""
_SCAN_BLOCK = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b\x08"  # with the deflate method byte: fewer false hits when resyncing
_WARC_VERSION = re.compile(rb"WARC/\d+\.\d+\r?\n")
_CUT_START = re.compile(rb"WARC/\d+\.\d+\r?\nWARC-[A-Za-z-]+:")
_TRAILER = 4  # the CRLF CRLF after a record's block, inside its gzip member


@dataclass(frozen=True, slots=True)
class _Seen:
    """The last record FastWARC gave, where recovery starts from."""

    offset: int
    kind: str


@dataclass(frozen=True, slots=True)
class _Stop:
    """Where a FastWARC pass started, the last record it gave, what stopped it, and the
    document of that record not yet given (``None``: it gave none, or was given)."""

    pos: int
    last: _Seen | None
    failure: str | None
    pending: Document | None = None


def _read_warc(path: Path, source: str, at: int = 0) -> Iterator[Document]:
    """The documents of a WARC file, from its record at byte ``at`` (of a plain or per-record
    gzip file) on."""
    with path.open("rb") as fh:
        info = os.fstat(fh.fileno())
        kind = compression_of(fh.read(8))
        # FastWARC reading the file itself skips a copy through Python of every block it reads
        # (a tenth of its iteration); a pipe or device cannot be opened twice, and a name that
        # is not UTF-8 would not reach the OS as given.
        native = str(path) if S_ISREG(info.st_mode) and _utf8(str(path)) else None
        if kind is None:
            yield from _warc_framed(fh, source, info.st_size, gzipped=False, native=native, at=at)
        elif kind == "gzip" and per_record_gzip(fh, warc_record_length):
            yield from _warc_framed(fh, source, info.st_size, gzipped=True, native=native, at=at)
        elif at:
            raise ValueError("a WARC file of one compressed stream is read from its start")
        else:
            yield from _warc_stream(fh, source, kind)


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _warc_framed(
    fh: IO[bytes],
    source: str,
    size: int,
    *,
    gzipped: bool,
    native: str | None = None,
    at: int = 0,
) -> Iterator[Document]:
    """Records of a plain or per-record-gzip WARC, resynchronising after damage.

    FastWARC reads (the file named ``native`` itself, from the start, when given); when it stops
    early (an exception, or a silent end before the end of the file), the damage is located
    here, reported as one error document, and FastWARC starts again at the next gzip member (or
    ``WARC/`` line) that begins a record, from ``fh``.
    """
    reported: set[int] = set()
    pos = at
    while pos < size:
        fh.seek(pos)
        last: WarcRecord | None = None
        # A record's document is given only once the next record has parsed: a Content-Length
        # that lies shows in what follows the record, and then its row must be the error.
        pending: Document | None = None
        failure: str | None = None
        for record in _fastwarc(native if pos == 0 and native is not None else fh):
            if isinstance(record, BaseException):
                failure = _describe(record)
                break
            if pending is not None:
                yield pending
                pending = None
            last = record
            outcome = _warc_document(record, source)
            if outcome is None:
                continue
            pending, broken = outcome
            if pending.error is not None:
                reported.add(pending.offset)
            if broken:
                failure = pending.error
                break
        # What recovery needs of the last record, taken only now (not for every record).
        seen = None if last is None else _Seen(last.stream_pos, str(last.record_type))
        stop = _Stop(pos, seen, failure, pending)
        if gzipped:
            resume = yield from _recover_gzip(fh, source, stop, reported)
        else:
            resume = yield from _recover_plain(fh, source, size, stop, reported)
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


def _fastwarc(stream: IO[bytes] | str) -> Iterator[WarcRecord | BaseException]:
    """FastWARC's records of ``stream`` (or of the file it names), then what stopped it early
    (if anything) as the last item, so that callers tell damage from the end without a try
    block around each step."""
    try:
        # fsspec_args=False: a name is a local file, never a URL handed to fsspec.
        yield from ArchiveIterator(stream, parse_http=False, fsspec_args=False)
    except BaseException as exc:
        if not content_failure(exc):
            raise
        yield exc


def _warc_document(record: WarcRecord, source: str) -> tuple[Document, bool] | None:
    """The document of a record (``None`` if it is not one), and whether reading it broke."""
    # HeaderMap.get gives the first field of that name, compared without case. Asked by
    # WarcHeader, a lookup costs a sixth of one asked by str (a handful of them a fifth of
    # a dict of every field).
    fields = record.headers
    offset = record.stream_pos
    kind = record.record_type
    if kind not in (WarcRecordType.response, WarcRecordType.resource):
        # (FastWARC types a record by its WARC-Type field, so these two always have one.)
        if fields.get(WarcHeader.WARC_TYPE) is None:
            # FastWARC hands out a header cut short (a file that ends inside it) as a typeless
            # record.
            message = "WARC record header is incomplete (no WARC-Type)"
            return _error(source, offset, message), False
        return None
    url = unwrap_uri(fields.get(WarcHeader.WARC_TARGET_URI))
    if not is_web(url):
        return None  # dns:, metadata://, filedesc: … describe the crawl, not a document
    record_id = record.record_id  # the WARC-Record-ID field, as fields.get gives it
    when = parse_date(fields.get(WarcHeader.WARC_DATE))
    declared = record.content_length
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
        message = f"unreadable record at offset {offset}: {_describe(exc)}"
        return _error(
            source, offset, message, record_id=record_id, url=url, date=when, length=declared
        ), True
    got = len(block) + beyond
    if got < declared:
        message = f"truncated record at offset {offset}: {got} of {declared} bytes"
        return _error(
            source, offset, message, record_id=record_id, url=url, date=when, length=declared
        ), False
    digest = fields.get(WarcHeader.WARC_PAYLOAD_DIGEST)
    if kind == WarcRecordType.resource:
        return Document(
            source=source,
            offset=offset,
            record_id=record_id,
            url=url,
            date=when,
            body=block,
            content_type=fields.get(WarcHeader.CONTENT_TYPE),
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
    # A member that breaks after its first line still starts a record: accepted, its damage is
    # reported when reading it fails, where skipping it would lose the record without a row.
    member = inflate_member(fh, at, keep=2048, stop_after=2048)
    return member.status != "not-gzip" and accept(member.head)


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


def _settle(pending: Document | None, damaged: int | None) -> Iterator[Document]:
    """The held document, unless it is a readable-looking record at ``damaged`` (its row is
    then the damage's error, not a document built from broken bytes)."""
    if pending is not None and (pending.error is not None or pending.offset != damaged):
        yield pending


def _blame(stop: _Stop, reported: set[int], error: Document) -> Iterator[Document]:
    """``error`` as the one row of the last record FastWARC gave: in place of the document held
    for it, or else unless that offset was reported already."""
    pending = stop.pending
    if pending is not None and pending.offset != error.offset:
        yield pending
        pending = None
    if pending is not None or error.offset not in reported:
        reported.add(error.offset)
        yield error


def _lie(source: str, last: _Seen, head: bytes, detail: str) -> Document:
    """The error row of a record whose Content-Length disagrees with the bytes around it."""
    known, _ = _known_from_head(head)
    message = (
        f"lying Content-Length in the {last.kind} record at offset {last.offset}: {detail}; "
        "the record is not read"
    )
    return _error(source, last.offset, message, **known)


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
            length = warc_record_length(member.head)
            if length is not None and not 0 <= member.size - length <= _TRAILER:
                # FastWARC reads the members as one stream: a record declaring more than its
                # member holds ran on into the next record, one declaring less left bytes
                # that broke the next parse. The record is the error; the next member is whole.
                detail = f"it declares {length} bytes, its gzip member holds {member.size}"
                yield from _blame(stop, reported, _lie(source, last, member.head, detail))
                if _only_padding(fh, member.end):
                    return None
                return _next_member(fh, member.end)
            yield from _settle(stop.pending, None)
            if _only_padding(fh, member.end):
                return None  # the clean end of the file
            at = member.end
        else:
            at = last.offset  # the member FastWARC read last is itself broken
            yield from _settle(stop.pending, at)
    if at not in reported:
        reported.add(at)
        yield _gzip_damage(fh, source, at, failure)
    return _next_member(fh, at + 1)


def _next_member(fh: IO[bytes], start: int) -> int | None:
    """The first gzip member from ``start`` on that begins a WARC record."""
    return _scan(fh, start, _GZIP_MAGIC, lambda c: _gzip_starts(fh, c, _is_warc_head))


def _is_warc_head(head: bytes) -> bool:
    return _WARC_VERSION.match(head) is not None


def _gzip_damage(fh: IO[bytes], source: str, at: int, failure: str | None) -> Document:
    member = inflate_member(fh, at)
    head = member.head
    if member.status == "corrupt" and parse_warc_head(head)[1] is None:
        # A member cut short inside its header inflates on into the next member's bytes as
        # noise: no field of that header can be trusted.
        head = b""
    known, note = _known_from_head(head)
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
        inner = _inner_record(head)
        if inner is not None:
            # A header cut short runs on into the next record's header, and FastWARC reads the
            # two as one record: report the cut one, and read the next from its own start.
            message = (
                f"WARC header at offset {last.offset} is cut short by the next record "
                f"at offset {last.offset + inner}"
            )
            yield from _blame(stop, reported, _error(source, last.offset, message))
            return last.offset + inner
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
        elif not _ends_record(fh, last.offset + length):
            # What follows the declared end is neither the CRLF CRLF that closes a record nor
            # the next record: the length lies, and the record's bytes cannot be trusted.
            detail = f"offset {last.offset + length}, where it ends, is no record boundary"
            yield from _blame(stop, reported, _lie(source, last, head, detail))
            return _scan(fh, last.offset + 1, b"WARC/", lambda c: _plain_starts(fh, c))
        else:
            end = last.offset + length
            yield from _settle(stop.pending, None)
            if _only_padding(fh, end):
                return None  # the clean end of the file
            at = _skip_blank(fh, end)
            message = (
                f"bytes at offset {at} are not a WARC record (the Content-Length of the "
                f"{last.kind} record at offset {last.offset} may be wrong)"
            )
            if failure:
                message += f": {failure}"
        if at == last.offset:
            yield from _settle(stop.pending, at)
    if at not in reported:
        reported.add(at)
        yield _error(source, at, message, **known)
    origin = (last.offset if last is not None else pos) + 1
    return _scan(fh, origin, b"WARC/", lambda c: _plain_starts(fh, c))


def _inner_record(head: bytes) -> int | None:
    """Where a second record's version line and first field start inside the header block at
    the start of ``head`` (``None``: nowhere)."""
    _, header_length = parse_warc_head(head)
    inner = _CUT_START.search(head, 1, header_length or len(head))
    return None if inner is None else inner.start()


def _ends_record(fh: IO[bytes], end: int) -> bool:
    """Whether a record's declared end is followed by its closing line breaks (or by the end of
    the file, or straight by the next record, as some writers leave it)."""
    fh.seek(end)
    tail = fh.read(16)
    return not tail[:4].strip(b"\r\n") or tail.lstrip(b"\r\n").startswith(b"WARC/")


def _skip_blank(fh: IO[bytes], at: int) -> int:
    fh.seek(at)
    while block := fh.read(CHUNK):
        rest = block.lstrip(b"\r\n\t \x00")
        if rest:
            return at + len(block) - len(rest)
        at += len(block)
    return at


def _plain_starts(fh: IO[bytes], at: int) -> bool:
    fh.seek(max(at - 1, 0))
    before = fh.read(1) if at > 0 else b"\n"
    head = fh.read(64)
    if before == b"\n":
        return _is_warc_head(head)
    # A record cut short leaves the next one starting inside a line: taken when a header field
    # follows its version line, which text merely quoting "WARC/1.0" seldom has.
    return _CUT_START.match(head) is not None
