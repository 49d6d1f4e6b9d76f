"""JSON Lines files (one object a line, at most :data:`MAX_LINE` bytes) and JSON files holding
one array, plain or compressed, read as a stream."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from reciprocity.corpus.compression import CHUNK, compression_of, decompressing, head_of
from reciprocity.corpus.document import Document
from reciprocity.corpus.readers.damage import _describe, _error
from reciprocity.corpus.readers.rows import ColumnNames, _row_document, _Skip

MAX_LINE = 64 << 20
"""Bytes of one JSON line; a longer line becomes an error document."""


def _read_json(
    path: Path, source: str, columns: ColumnNames, skip: _Skip, *, at: int = 0, line: int = 0
) -> Iterator[Document]:
    """The documents of a JSON Lines or JSON array file; of a plain JSON Lines file, from its
    line ``line``, which starts at byte ``at``, on."""
    with path.open("rb") as raw:
        kind = compression_of(raw.read(8))
        raw.seek(0)
        is_array = head_of(path, 4096).removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"["
        if at and (kind is not None or is_array):
            raise ValueError("a compressed JSON Lines file or a JSON array is read from its start")
        raw.seek(at)
        with decompressing(raw, kind) as stream:
            if is_array:
                yield from _json_array(stream, source, columns, kind)
            else:
                yield from _json_lines(stream, source, columns, skip, kind, first=line)


def _json_lines(
    stream: IO[bytes],
    source: str,
    columns: ColumnNames,
    skip: _Skip,
    kind: str | None,
    *,
    first: int = 0,
) -> Iterator[Document]:
    number = first - 1
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
