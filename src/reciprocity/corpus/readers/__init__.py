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

Layout: this module dispatches; :mod:`.detect` tells the format, :mod:`.warc` and :mod:`.arc`
read web archives, :mod:`.http` their stored HTTP responses, :mod:`.lines` JSON Lines and JSON
arrays, :mod:`.tables` Parquet, Arrow and dataset folders, :mod:`.rows` maps a row to a document,
and :mod:`.damage` builds the error documents.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from reciprocity.corpus.compression import head_of
from reciprocity.corpus.document import Document
from reciprocity.corpus.framing import MAX_HEADER
from reciprocity.corpus.readers.arc import _read_arc
from reciprocity.corpus.readers.detect import FORMATS, _format_by_name, _sniff, detect_format
from reciprocity.corpus.readers.http import MAX_INFLATE
from reciprocity.corpus.readers.lines import MAX_LINE, _read_json
from reciprocity.corpus.readers.rows import ColumnNames, UrlRows, _Skip
from reciprocity.corpus.readers.tables import (
    _dataset_files,
    _read_arrow,
    _read_parquet,
    url_table,
)
from reciprocity.corpus.readers.warc import MAX_PAYLOAD, _read_warc

__all__ = [
    "FORMATS",
    "MAX_HEADER",
    "MAX_INFLATE",
    "MAX_LINE",
    "MAX_PAYLOAD",
    "ColumnNames",
    "CorpusReader",
    "Position",
    "UrlRows",
    "detect_format",
    "is_url_input",
    "read_documents",
    "read_rows",
]


@dataclass(frozen=True, slots=True)
class Position:
    """Where a reading of a WARC, ARC or JSON Lines file starts: the byte offset of a record
    (of a line) that an earlier reading of the same file gave, and for JSON Lines the number of
    that line. Only a plain file or a per-record gzip one can be entered in the middle;
    :mod:`reciprocity.corpus.cuts` finds such positions."""

    byte: int = 0
    line: int = 0


_START = Position()


def read_documents(
    path: str | Path,
    *,
    columns: ColumnNames = ColumnNames(),
    limit: int | None = None,
    start: int = 0,
    at: Position = _START,
) -> Iterator[Document]:
    """The documents of one input, in file order, from the ``start``-th, at most ``limit``.

    ``start`` counts documents as this function yields them (error documents included), so a
    run that stopped after N documents resumes with ``start=N`` and yields exactly the rest.
    Skipping is cheap where the format allows it (JSON lines are not parsed, Parquet row groups
    and Arrow batches are skipped whole); in WARC files the skipped records are still read.
    ``at`` starts the reading (and the counting of ``start``) at a record of a WARC, ARC or JSON
    Lines file instead of its beginning (see :class:`Position`).
    """
    found = _reading(path, columns, limit, start, as_rows=False, at=at)
    return cast(Iterator[Document], found)  # as_rows=False: documents only


def read_rows(
    path: str | Path,
    *,
    columns: ColumnNames = ColumnNames(),
    limit: int | None = None,
    start: int = 0,
) -> Iterator[Document | UrlRows]:
    """What :func:`read_documents` yields, with the rows of URL-only tables (see
    :func:`is_url_input`) in batches of :class:`UrlRows` instead of one document each."""
    return _reading(path, columns, limit, start, as_rows=True)


def _reading(
    path: str | Path,
    columns: ColumnNames,
    limit: int | None,
    start: int,
    *,
    as_rows: bool,
    at: Position = _START,
) -> Iterator[Document | UrlRows]:
    if start < 0:
        raise ValueError("start must be 0 or more")
    if limit is not None and limit < 0:
        raise ValueError("limit must be 0 or more")
    # Checked now, not at the first next(): a wrong path should fail where it is given.
    kind = detect_format(path)
    if at != _START and kind not in ("warc", "arc", "jsonl"):
        raise ValueError(f"a {kind} input is read from its start, not from a byte position")
    skip = _Skip(start)
    found = _read(Path(path), str(path), kind, columns, skip, as_rows=as_rows, at=at)
    return _bounded(found, skip, limit)


def is_url_input(path: str | Path, *, columns: ColumnNames = ColumnNames()) -> bool:
    """Whether ``path`` is a Parquet or Arrow file, or a folder of them, whose tables hold URLs
    and neither payloads nor headers: :func:`read_rows` reads it as :class:`UrlRows`."""
    return url_table(Path(path), detect_format(path), columns)


@dataclass(frozen=True, slots=True)
class CorpusReader:
    """How an audit reads its inputs: :func:`read_documents` with ``columns`` when called, and
    URL-only tables as :class:`UrlRows` (:meth:`rows`) unless ``by_site`` is off (then every
    row is a document, decided on its own: slower, the same rows)."""

    columns: ColumnNames = ColumnNames()
    by_site: bool = True

    def __call__(
        self, path: str | Path, *, start: int = 0, limit: int | None = None, at: Position = _START
    ) -> Iterator[Document]:
        return read_documents(path, columns=self.columns, start=start, limit=limit, at=at)

    def url_input(self, path: str | Path) -> bool:
        """Whether :meth:`rows` reads ``path`` as URL rows."""
        return self.by_site and is_url_input(path, columns=self.columns)

    def rows(
        self, path: str | Path, *, start: int = 0, limit: int | None = None
    ) -> Iterator[Document | UrlRows]:
        return read_rows(path, columns=self.columns, start=start, limit=limit)


def _bounded(
    docs: Iterator[Document | UrlRows], skip: _Skip, limit: int | None
) -> Iterator[Document | UrlRows]:
    try:
        if limit == 0:
            return
        count = 0
        for doc in docs:
            if isinstance(doc, UrlRows):
                # A reader skips rows before it batches them: this only bounds the batch.
                if limit is not None and count + len(doc) >= limit:
                    yield doc.slice(0, limit - count)
                    return
                yield doc
                count += len(doc)
                continue
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
    path: Path,
    source: str,
    kind: str,
    columns: ColumnNames,
    skip: _Skip,
    *,
    as_rows: bool,
    at: Position = _START,
) -> Iterator[Document | UrlRows]:
    if kind == "warc":
        return _read_warc(path, source, at.byte)
    if kind == "arc":
        return _read_arc(path, source, at.byte)
    if kind == "jsonl":
        return _read_json(path, source, columns, skip, at=at.byte, line=at.line)
    rows = as_rows and url_table(path, kind, columns)
    if kind == "parquet":
        return _read_parquet(path, source, columns, skip, as_rows=rows)
    if kind == "arrow":
        return _read_arrow(path, source, columns, skip, as_rows=rows)
    return _read_folder(path, source, columns, skip, as_rows=as_rows)


def _read_folder(
    path: Path, source: str, columns: ColumnNames, skip: _Skip, *, as_rows: bool
) -> Iterator[Document | UrlRows]:
    base = Path(source)
    for file in _dataset_files(path):
        # source names the data file itself, so that (source, offset) finds the row again.
        name = str(base / file.relative_to(path))
        kind = _sniff(head_of(file)) or _format_by_name(file)
        if kind is None or kind == "dataset":
            continue
        yield from _read(file, name, kind, columns, skip, as_rows=as_rows)
