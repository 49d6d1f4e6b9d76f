"""Where a large WARC, ARC or JSON Lines file can be cut into shards that start at part
boundaries, so that an engine's shards write the very parts one process would.

Parts are numbered by documents (the ``N``-th part holds documents ``N × batch`` on), and a
record's place among the documents is only known by counting from the file's start: the driver
reads the file once (:func:`cuts`), before deciding, and notes where every ``step``-th document
starts. A WARC or ARC file is read by the audit's own reader, so that what counts as a document
(and as damage) is the same by construction; a JSON Lines file by its lines, without parsing
them. A shard then starts reading at its cut (:class:`~reciprocity.corpus.readers.Position`).

Only plain files and per-record gzip ones can be entered in the middle; a file of one
compressed stream (``.jsonl.gz``, a WARC in one gzip or zstd stream), a JSON array, and a file
whose reading is irregular at a cut (damage there, a gzip member of several records, a JSON line
longer than :data:`~reciprocity.corpus.readers.MAX_LINE`) is not cut there: at worst the file is
one shard, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reciprocity.corpus.compression import compression_of, head_of
from reciprocity.corpus.framing import arc_record_length, per_record_gzip, warc_record_length
from reciprocity.corpus.readers import (
    MAX_LINE,
    ColumnNames,
    Position,
    detect_format,
    read_documents,
)

__all__ = ["Cut", "cuts", "line_cuts", "record_cuts"]


@dataclass(frozen=True, slots=True)
class Cut:
    """Document ``document`` of a file starts its reading at ``at``."""

    document: int
    at: Position


def cuts(path: Path, step: int, columns: ColumnNames | None = None) -> list[Cut]:
    """Where ``path`` can be cut every ``step`` documents (the first cut is ``step``; none when
    the file cannot be entered in the middle, or holds ``step`` documents or fewer), read with
    ``columns``."""
    if step < 1 or not path.is_file():
        return []
    kind = detect_format(path)
    with path.open("rb") as fh:
        compression = compression_of(fh.read(8))
        if kind in ("warc", "arc") and compression == "gzip":
            fh.seek(0)
            length = warc_record_length if kind == "warc" else arc_record_length
            if not per_record_gzip(fh, length):
                return []
        elif compression is not None:
            return []
    if kind in ("warc", "arc"):
        return record_cuts(path, step, columns)
    if kind == "jsonl":
        return line_cuts(path, step)
    return []


def record_cuts(path: Path, step: int, columns: ColumnNames | None = None) -> list[Cut]:
    """Cuts of a plain or per-record gzip WARC or ARC file, found by reading it whole.

    A cut is kept only where the reading is regular: the document there and the one before it
    read without error from records of their own, and a reading started at the cut gives that
    same document first.
    """
    columns = columns or ColumnNames()
    found: list[Cut] = []
    previous = None
    for number, document in enumerate(read_documents(path, columns=columns)):
        if number and number % step == 0 and previous is not None:
            clean = previous.error is None and document.error is None
            if clean and previous.offset < document.offset:
                at = Position(document.offset)
                first = next(read_documents(path, columns=columns, limit=1, at=at), None)
                same = first is not None and (first.offset, first.record_id, first.url) == (
                    document.offset,
                    document.record_id,
                    document.url,
                )
                if same:
                    found.append(Cut(number, at))
        previous = document
    return found


def line_cuts(path: Path, step: int) -> list[Cut]:
    """Cuts of a plain JSON Lines file, at the starts of lines, counted as its reader counts
    documents (every line that is not blank); none when a line is longer than the reader takes,
    or when the file is one JSON array (as the reader tells it: by its first character)."""
    if head_of(path, 4096).removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"[":
        return []
    found: list[Cut] = []
    documents = number = offset = 0
    with path.open("rb") as fh:
        while line := fh.readline(MAX_LINE + 1):
            if len(line) > MAX_LINE:
                return []  # the reader reads on past such a line in pieces: not counted here
            if line.strip():
                if documents and documents % step == 0:
                    found.append(Cut(documents, Position(offset, number)))
                documents += 1
            offset += len(line)
            number += 1
    return found
