"""ARC files (the Internet Archive's format before WARC), plain or per-record gzip, read
directly."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO

from reciprocity.corpus.compression import CHUNK, compression_of, decompressing
from reciprocity.corpus.document import Document
from reciprocity.corpus.framing import (
    ARC_HEADER,
    MAX_HEADER,
    arc_header,
    arc_record_length,
    inflate_member,
    per_record_gzip,
)
from reciprocity.corpus.readers.damage import _describe, _error
from reciprocity.corpus.readers.http import _http_document
from reciprocity.corpus.readers.warc import (
    _GZIP_MAGIC,
    MAX_PAYLOAD,
    _gzip_starts,
    _only_padding,
    _scan,
)
from reciprocity.corpus.values import is_web


def _read_arc(path: Path, source: str, at: int = 0) -> Iterator[Document]:
    """The documents of an ARC file, from its record at byte ``at`` (of a plain or per-record
    gzip file) on."""
    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        kind = compression_of(fh.read(8))
        fh.seek(0)
        if kind == "gzip" and per_record_gzip(fh, arc_record_length):
            yield from _arc_members(fh, source, size, at)
        elif kind is None:
            fh.seek(at)
            yield from _arc_records(fh, source, rewindable=True, position=at)
        elif at:
            raise ValueError("an ARC file of one compressed stream is read from its start")
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


def _arc_records(
    stream: IO[bytes],
    source: str,
    base: int | None = None,
    *,
    rewindable: bool = False,
    position: int = 0,
) -> Iterator[Document]:
    """Records of an uncompressed ARC stream; ``base`` (a gzip member offset) replaces the
    stream's own offsets. A header that does not parse is reported once and skipped to the
    next line that is an ARC header. In a ``rewindable`` stream (a file, a member in memory;
    not a decompressing stream, which seeks back by decompressing again from its start), a
    record whose length does not end at a record is its one error row. ``position``: the
    stream's offset in its file, where it starts."""
    lost: int | None = None  # where unreadable lines started, while skipping them
    seekable = rewindable
    liar = False  # skipping the bytes of a record reported for its length, to the next header
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
            if lost is None and not liar:
                lost = at
            continue
        liar = False
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
        if got == length and seekable and not _ends_record(stream):
            # The length lies: the record's bytes cannot be trusted, and the next record may
            # start inside them. Its one row is the error; reading goes on from its block.
            message = (
                f"lying length in the ARC record at offset {offset}: no record ends "
                f"{length} bytes after its header"
            )
            yield _error(source, offset, message, url=header[0], date=header[1], length=length)
            stream.seek(position - got)
            position -= got
            liar = True
            continue
        document = _arc_document(source, offset, header, block, got)
        if document is not None:
            yield document
        if got < length:
            return  # the stream ended inside the record


def _ends_record(stream: IO[bytes]) -> bool:
    """Whether a record's block is followed by its closing newline, the end, or straight by the
    next header (as some writers leave it); the stream is left where it was."""
    at = stream.tell()
    following = stream.readline(MAX_HEADER)
    stream.seek(at)
    return not following.strip() or arc_header(following) is not None


def _discard(stream: IO[bytes], count: int) -> int:
    done = 0
    while done < count and (block := stream.read(min(CHUNK, count - done))):
        done += len(block)
    return done


def _arc_members(fh: IO[bytes], source: str, size: int, at: int = 0) -> Iterator[Document]:
    """Records of a per-record gzip ARC, member by member from the one at ``at``, skipping
    damaged members."""
    pos = at
    while pos < size:
        member = inflate_member(fh, pos, keep=MAX_PAYLOAD + MAX_HEADER)
        if member.status == "ok" and member.end is not None:
            yield from _arc_records(io.BytesIO(member.head), source, base=pos, rewindable=True)
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
