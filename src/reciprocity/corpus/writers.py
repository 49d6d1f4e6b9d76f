"""Kept documents: the documents an audit run kept, written out in each input's own format.

:func:`write_kept` reads a run's ``decisions.parquet``, takes the rows with ``keep`` true, and
makes a second streaming pass over each input file they name, writing one output file per
input file into ``out_dir``. :func:`write_rows` does the same for the rows any
:class:`RowFilter` chooses (the open export chooses kept rows under open licences):

- **WARC** (plain, per-record gzip, single-stream gzip/zstd/bz2/xz): each kept record's bytes,
  unchanged, in file order, together with every ``warcinfo`` record and the ``request``,
  ``metadata`` and ``conversion`` records linked to a kept record by ``WARC-Concurrent-To`` or
  ``WARC-Refers-To`` (in either direction: Common Crawl's response names its request and its
  metadata names the response; Webrecorder's request names the response). A per-record gzip
  member is copied whole. A single-stream input is written with each record compressed on its
  own (per-record gzip for gzip), so that every record can be addressed by its offset.
- **ARC**: the ``filedesc://`` header record and the kept records, framed as in the input.
- **JSON Lines**: the kept lines, byte for byte, compressed as the input is.
- **Parquet, Arrow, Hugging Face dataset**: the kept rows, same schema (metadata included),
  written as Parquet. The Arrow shards of one ``save_to_disk`` dataset (or split) become one
  Parquet file named after it.

Nothing is held whole in memory (records and lines are copied in pieces, rows a batch at a
time), and each output is written to a temporary name and renamed into place when complete.
"""

from __future__ import annotations

import bisect
import bz2
import contextlib
import functools
import gzip
import hashlib
import lzma
import os
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final, Protocol, cast

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import zstandard
from fastwarc.warc import ArchiveIterator, WarcRecord

# The framing helpers are the reader's, on purpose: an offset in decisions.parquet means
# what the reader meant by it only if both sides tell per-record from single-stream gzip, and
# measure records, the same way.
from reciprocity.corpus.compression import CHUNK, compression_of, decompressing, head_of
from reciprocity.corpus.framing import (
    MAX_HEADER,
    arc_record_length,
    content_failure,
    inflate_member,
    parse_warc_head,
    per_record_gzip,
    warc_record_length,
)
from reciprocity.corpus.readers import MAX_LINE, detect_format
from reciprocity.errors import InputError, UsageError

__all__ = ["KEPT", "KeptFile", "KeptSummary", "RowFilter", "write_kept", "write_rows"]

_BATCH_ROWS = 256
_HASH_DIGITS = 8
_COMPANIONS = frozenset({"request", "metadata", "conversion"})
_ROW_COLUMNS = ("source", "offset", "record_id")


@dataclass(frozen=True, slots=True)
class RowFilter:
    """Which rows of a decisions table are written: the columns it needs, and a mask over a
    batch of them (true: written; null counts as false)."""

    columns: tuple[str, ...]
    """Columns of ``decisions.parquet`` read for the mask; a nested leaf may be named by its
    Parquet path (``evidence.list.element.license``), which reads that field alone."""
    mask: Callable[[pa.RecordBatch], pa.Array]
    """A boolean array, one value per row of the batch (which holds ``source``, ``offset``,
    ``record_id`` and :attr:`columns`)."""


def _keep_column(batch: pa.RecordBatch) -> pa.Array:
    return batch.column("keep")


KEPT: Final = RowFilter(("keep",), _keep_column)
"""The rows the run keeps (``keep`` true): what ``--write-kept`` writes."""


@dataclass(frozen=True, slots=True)
class KeptFile:
    """One output file: which input file(s) it holds the chosen documents of, and how many."""

    path: Path
    sources: tuple[str, ...]
    """Input files as ``decisions.parquet`` names them (several only for the shards of one
    Hugging Face dataset)."""
    format: str
    """The input's format, as :func:`~reciprocity.corpus.readers.detect_format` tells it."""
    documents: int
    """Documents written (the chosen rows: kept ones for :func:`write_kept`)."""
    records: int
    """Records written: for WARC/ARC the documents plus the warcinfo and linked records."""
    bytes: int
    """Size of the output file."""


@dataclass(frozen=True, slots=True)
class KeptSummary:
    """What :func:`write_kept` (or :func:`write_rows`) wrote, one entry per output file, in
    input order."""

    out: Path
    files: tuple[KeptFile, ...]

    @property
    def documents(self) -> int:
        return sum(f.documents for f in self.files)

    @property
    def bytes(self) -> int:
        return sum(f.bytes for f in self.files)


def write_kept(decisions: str | Path, out_dir: str | Path) -> KeptSummary:
    """Write the documents ``decisions`` keeps, each input's into ``out_dir/<its file name>``
    (:func:`write_rows` with :data:`KEPT`)."""
    return write_rows(decisions, out_dir, KEPT)


def write_rows(
    decisions: str | Path,
    out_dir: str | Path,
    rows: RowFilter = KEPT,
    *,
    reserved: frozenset[str] = frozenset(),
) -> KeptSummary:
    """Write the documents of the rows ``rows`` chooses, each input's into
    ``out_dir/<its file name>``.

    Every input file named in ``decisions`` gets an output file, also when none of its
    documents is chosen (a valid empty WARC with its warcinfo, an empty JSONL, a Parquet file
    with the schema and no rows), so that the written set mirrors the input set file for file.
    Two inputs whose output names coincide (``a/x.warc.gz`` and ``b/x.warc.gz``) both get the
    first 8 hex digits of the SHA-256 of their resolved path as a prefix (``1f0e…-x.warc.gz``),
    and so does an input whose output name is one of ``reserved`` (a file the caller writes
    beside them). Relative sources are found from the current folder, as the audit found them.

    Raises :class:`~reciprocity.errors.InputError` when ``decisions`` or a source it names is
    missing, or a source no longer holds the record a chosen row points to (changed since the
    audit); :class:`~reciprocity.errors.UsageError` for an input that cannot be written back
    (a JSON array file) or an ``out_dir`` that would overwrite an input.
    """
    table_path = Path(decisions)
    order, contiguous = _read_sources(table_path, rows)
    for source in order:
        if not Path(source).is_file():
            raise InputError(f"listed in {table_path} but not found", path=source)
    groups = _group(order, reserved)
    target_dir = Path(out_dir)
    inputs = {Path(s).resolve() for s in order}
    # Refusals come before the first file is written, not halfway through the inputs.
    for group in groups:
        if (target_dir / group.name).resolve() in inputs:
            raise UsageError(f"{target_dir / group.name} is an input: choose another folder")
        if group.format == "jsonl":
            _refuse_json_array(Path(group.sources[0]))
    target_dir.mkdir(parents=True, exist_ok=True)
    files = []
    # Only one group's kept rows are held at a time: memory follows an input file, not the run.
    # An audit writes each input's rows together, so one pass over the table serves every group;
    # a table whose sources interleave (not one an audit writes) is read once per source.
    runs = _kept_runs(table_path, rows) if contiguous else None
    ahead: dict[str, dict[int, str | None]] = {}

    def kept_of(source: str) -> dict[int, str | None]:
        if runs is None:
            return _kept_rows(table_path, source, rows)
        # The shards of one dataset may be listed around other inputs: those are held until
        # their own group comes.
        while source not in ahead:
            name, found = next(runs, (source, {}))
            ahead[name] = found
        return ahead.pop(source)

    for group in groups:
        target = target_dir / group.name
        kept = {source: kept_of(source) for source in group.sources}
        documents, records, size = _atomic(target, functools.partial(_write_group, group, kept))
        files.append(KeptFile(target, group.sources, group.format, documents, records, size))
    return KeptSummary(target_dir, tuple(files))


# -- Decisions and output names ---------------------------------------------------------------


def _columns(rows: RowFilter) -> list[str]:
    return list(dict.fromkeys((*_ROW_COLUMNS, *rows.columns)))


def _open_decisions(path: Path, rows: RowFilter) -> pq.ParquetFile:
    if not path.is_file():
        raise InputError("no such decisions file", path=path)
    try:
        table = pq.ParquetFile(path)
    except Exception as exc:
        raise InputError(f"not a decisions file: {exc}", path=path) from exc
    names = table.schema_arrow.names
    missing = [c for c in _columns(rows) if c.split(".", 1)[0] not in names]
    if missing:
        table.close()
        raise InputError(f"not a decisions file (no column {', '.join(missing)})", path=path)
    return table


def _chosen(batch: pa.RecordBatch, rows: RowFilter) -> pa.Array:
    return pc.fill_null(rows.mask(batch), False)


def _read_sources(path: Path, rows: RowFilter) -> tuple[list[str], bool]:
    """Every source ``decisions`` names, in order of appearance (the one column read), and
    whether each source's rows are all together."""
    sources: dict[str, None] = {}
    contiguous = True
    last = None
    with contextlib.closing(_open_decisions(path, rows)) as table:
        for batch in table.iter_batches(columns=["source"], use_threads=False):
            column = batch.column(0)
            # Where the source changes inside the batch: the batch's runs, in order.
            changes = pc.not_equal(column[1:], column[:-1]) if len(column) > 1 else None
            starts = [0]
            if changes is not None:
                starts += [i + 1 for i in pc.indices_nonzero(changes).to_pylist()]
            for start in starts:
                source = column[start].as_py()
                if source == last:
                    continue
                if source in sources:
                    contiguous = False
                sources[source] = None
                last = source
    return list(sources), contiguous


def _kept_runs(path: Path, rows: RowFilter) -> Iterator[tuple[str, dict[int, str | None]]]:
    """(source, its chosen rows: offset -> record id) for each source, in one pass over a table
    whose sources are contiguous."""
    source: str | None = None
    kept: dict[int, str | None] = {}
    with contextlib.closing(_open_decisions(path, rows)) as table:
        for batch in table.iter_batches(columns=_columns(rows), use_threads=False):
            chosen = _chosen(batch, rows).to_pylist()
            names, offsets, ids = (batch.column(c).to_pylist() for c in _ROW_COLUMNS)
            for name, offset, record_id, keep in zip(names, offsets, ids, chosen, strict=True):
                if name != source:
                    if source is not None:
                        yield source, kept
                    source, kept = name, {}
                if keep:
                    kept[offset] = record_id
    if source is not None:
        yield source, kept


def _kept_rows(path: Path, source: str, rows: RowFilter) -> dict[int, str | None]:
    """The chosen rows of one source: offset -> record id, in offset order."""
    kept: dict[int, str | None] = {}
    with contextlib.closing(_open_decisions(path, rows)) as table:
        for batch in table.iter_batches(columns=_columns(rows), use_threads=False):
            chosen = batch.filter(
                pc.and_(pc.equal(batch.column("source"), source), _chosen(batch, rows))
            )
            if chosen.num_rows:
                found = chosen.select(["offset", "record_id"]).to_pydict()
                kept.update(zip(found["offset"], found["record_id"], strict=True))
    return kept


@dataclass(frozen=True, slots=True)
class _Group:
    """Input files that go to one output file (one, or the shards of one HF dataset)."""

    name: str
    sources: tuple[str, ...]
    format: str


def _group(sources: list[str], reserved: frozenset[str] = frozenset()) -> list[_Group]:
    by_identity: dict[str, tuple[str, list[str], str]] = {}
    for source in sources:
        kind = detect_format(source)
        name, identity = _output_name(Path(source), kind)
        entry = by_identity.setdefault(identity, (name, [], kind))
        entry[1].append(source)
    claims = dict.fromkeys(reserved, 1)
    for name, _, _ in by_identity.values():
        claims[name] = claims.get(name, 0) + 1
    groups = []
    for identity, (name, members, kind) in by_identity.items():
        if claims[name] > 1:
            digest = hashlib.sha256(identity.encode("utf-8", "surrogateescape")).hexdigest()
            name = f"{digest[:_HASH_DIGITS]}-{name}"
        groups.append(_Group(name, tuple(members), kind))
    return groups


def _output_name(path: Path, kind: str) -> tuple[str, str]:
    """The output file name of an input file, and what identifies its output (for clashes)."""
    resolved = path.resolve()
    if kind == "arrow":
        folder = resolved.parent
        if (folder / "state.json").is_file():
            # A save_to_disk dataset: its shards' names (data-00000-of-00003.arrow) say nothing,
            # so the output is named after the dataset, and after the split when it is one.
            name = folder.name
            if (folder.parent / "dataset_dict.json").is_file():
                name = f"{folder.parent.name}-{folder.name}"
            return f"{name}.parquet", str(folder)
        return f"{_without_suffix(path.name, '.arrow')}.parquet", str(resolved)
    return path.name, str(resolved)


def _without_suffix(name: str, suffix: str) -> str:
    return (
        name[: -len(suffix)] if name.lower().endswith(suffix) and len(name) > len(suffix) else name
    )


def _atomic(target: Path, write: Callable[[Path], tuple[int, int]]) -> tuple[int, int, int]:
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        documents, records = write(tmp)
        size = tmp.stat().st_size
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return documents, records, size


def _write_group(
    group: _Group, kept: Mapping[str, Mapping[int, str | None]], tmp: Path, /
) -> tuple[int, int]:
    """(documents, records) written to ``tmp``."""
    if group.format in ("parquet", "arrow"):
        documents = _write_rows([(s, group.format, sorted(kept[s])) for s in group.sources], tmp)
        return documents, documents
    (source,) = group.sources
    if group.format == "jsonl":
        documents = _write_lines(Path(source), set(kept[source]), tmp)
        return documents, documents
    return _write_archive(Path(source), group.format, kept[source], tmp)


# -- WARC and ARC -----------------------------------------------------------------------------


class _Compressor(Protocol):
    def compress(self, data: bytes, /) -> bytes: ...

    def flush(self) -> bytes: ...


def _record_compressor(kind: str) -> _Compressor:
    """A compressor for one record's own gzip member (zstd frame, bz2/xz stream)."""
    if kind == "gzip":
        # zlib writes the gzip header with no time and no name: the same input, the same bytes.
        return zlib.compressobj(6, zlib.DEFLATED, 31)
    if kind == "zstd":
        return cast("_Compressor", zstandard.ZstdCompressor().compressobj())
    if kind == "bz2":
        return bz2.BZ2Compressor()
    return lzma.LZMACompressor()


def _layout(fh: IO[bytes], kind_of_file: str) -> tuple[str, str | None]:
    """``("plain", None)``, ``("members", "gzip")`` or ``("stream", compression)``, decided as
    the reader decides it."""
    compression = compression_of(fh.read(8))
    fh.seek(0)
    if compression is None:
        return "plain", None
    measure = warc_record_length if kind_of_file == "warc" else arc_record_length
    if compression == "gzip" and per_record_gzip(fh, measure):
        return "members", compression
    return "stream", compression


def _write_archive(
    path: Path, kind: str, kept: Mapping[int, str | None], tmp: Path
) -> tuple[int, int]:
    with path.open("rb") as fh:
        layout, compression = _layout(fh, kind)
        if kind == "warc":
            wanted = set(kept) | _warc_companions(fh, layout, compression, kept)
        else:
            wanted = set(kept) | _arc_filedesc(fh, layout, compression)
        fh.seek(0)
        with tmp.open("wb") as out:
            if layout == "members":
                _copy_members(fh, path=path, kind=kind, offsets=sorted(wanted), kept=kept, out=out)
            else:
                stream = fh if compression is None else decompressing(fh, compression)
                sink = None if compression is None else compression
                _copy_framed(
                    _Forward(stream, path),
                    path=path,
                    kind=kind,
                    offsets=sorted(wanted),
                    kept=kept,
                    out=out,
                    compression=sink,
                )
    return len(kept), len(wanted)


def _link(value: str) -> str:
    # Ids are compared without the <...> that WARC 1.0 and 1.1 write around them.
    return value.strip().removeprefix("<").removesuffix(">").strip()


def _warc_heads(
    fh: IO[bytes], layout: str, compression: str | None, resume_at: list[int]
) -> Iterator[tuple[int, tuple[tuple[str, str], ...]]]:
    """(offset, header fields) of every record FastWARC can read, in file order.

    Where FastWARC stops early in a framed file (damage), reading goes on at the next kept
    record, so damage costs at most the linked records between it and that record.
    """
    if layout == "stream" and compression is not None:
        fh.seek(0)
        stream = decompressing(fh, compression)
        for record in _records(stream):
            yield record.stream_pos, record.headers.to_tuples()
        return
    pos = 0
    while True:
        fh.seek(pos)
        last = pos - 1
        for record in _records(fh):
            last = record.stream_pos
            yield last, record.headers.to_tuples()
        # Past what was read, and past ``pos`` itself: a kept offset FastWARC cannot read at
        # all must not be retried forever (pass 2 reports it).
        index = bisect.bisect_right(resume_at, max(last, pos))
        if index >= len(resume_at):
            return
        pos = resume_at[index]


def _records(stream: IO[bytes]) -> Iterator[WarcRecord]:
    try:
        yield from ArchiveIterator(stream, parse_http=False)
    except BaseException as exc:
        if not content_failure(exc):
            raise


def _warc_companions(
    fh: IO[bytes], layout: str, compression: str | None, kept: Mapping[int, str | None]
) -> set[int]:
    """Offsets of the warcinfo records and of the records linked to a kept record."""
    wanted: set[int] = set()
    kept_ids: set[str] = set()
    named_by_kept: set[str] = set()
    # Only (offset, id, links) of request/metadata/conversion records are held, never a body:
    # a request comes before the response that names it, so the choice waits for the end.
    candidates: list[tuple[int, str, set[str]]] = []
    for offset, pairs in _warc_heads(fh, layout, compression, sorted(kept)):
        warc_type = ""
        record_id = ""
        links: set[str] = set()
        for name, value in pairs:
            lowered = name.lower()
            if lowered == "warc-type" and not warc_type:
                warc_type = value.strip().lower()
            elif lowered == "warc-record-id" and not record_id:
                record_id = _link(value)
            elif lowered in ("warc-concurrent-to", "warc-refers-to"):
                links.add(_link(value))
        if warc_type == "warcinfo":
            wanted.add(offset)
        elif offset in kept:
            kept_ids.add(record_id)
            named_by_kept |= links
        elif warc_type in _COMPANIONS and record_id:
            candidates.append((offset, record_id, links))
    for offset, record_id, links in candidates:
        if record_id in named_by_kept or not kept_ids.isdisjoint(links):
            wanted.add(offset)
    return wanted


def _arc_filedesc(fh: IO[bytes], layout: str, compression: str | None) -> set[int]:
    """The offset of the ARC's ``filedesc://`` version block, when it starts the file."""
    if layout == "members":
        head = inflate_member(fh, 0).head
        return {0} if head.lstrip(b"\n").startswith(b"filedesc://") else set()
    fh.seek(0)
    stream = fh if compression is None else decompressing(fh, compression)
    head = stream.read(MAX_HEADER)
    at = 0
    # The reader skips blank lines before a header line; the record starts after them.
    while (end := head.find(b"\n", at)) != -1 and not head[at:end].strip():
        at = end + 1
    return {at} if head[at:].startswith(b"filedesc://") else set()


def _changed(path: Path, offset: int, what: str) -> InputError:
    return InputError(f"{what}: the file changed since the audit?", path=path, offset=offset)


def _check_head(
    path: Path, kind: str, offset: int, head: bytes, kept: Mapping[int, str | None]
) -> int:
    """The record length the header at ``offset`` declares, after checking that a kept record
    is still the one the audit saw."""
    length = warc_record_length(head) if kind == "warc" else arc_record_length(head)
    if length is None:
        raise _changed(path, offset, f"no {kind.upper()} record here")
    if offset in kept and kind == "warc":
        fields, _ = parse_warc_head(head)
        expected = kept[offset]
        if expected is not None and fields.get("warc-record-id") != expected:
            raise _changed(path, offset, f"the record here is not {expected}")
    return length


def _copy_members(
    fh: IO[bytes],
    *,
    path: Path,
    kind: str,
    offsets: list[int],
    kept: Mapping[int, str | None],
    out: IO[bytes],
) -> None:
    """Copy the gzip member of each record, as it is in the file."""
    for offset in offsets:
        member = inflate_member(fh, offset)
        if member.status != "ok" or member.end is None:
            raise _changed(path, offset, "no readable gzip member here")
        head = member.head
        if kind == "arc":
            head = head.lstrip(b"\n")
        _check_head(path, kind, offset, head, kept)
        fh.seek(offset)
        remaining = member.end - offset
        while remaining > 0:
            block = fh.read(min(CHUNK, remaining))
            if not block:
                raise _changed(path, offset, "file ends inside the gzip member")
            out.write(block)
            remaining -= len(block)


class _Forward:
    """A forward-only reader with a bounded look-ahead, over a file or a decompressed stream."""

    def __init__(self, stream: IO[bytes], path: Path) -> None:
        self._stream = stream
        self._path = path
        self._buffer = b""
        self.position = 0

    def peek(self, size: int) -> bytes:
        while len(self._buffer) < size:
            try:
                block = self._stream.read(max(CHUNK, size - len(self._buffer)))
            except Exception as exc:  # a damaged compressed stream
                raise _changed(self._path, self.position, f"unreadable data ({exc})") from exc
            if not block:
                break
            self._buffer += block
        return self._buffer[:size]

    def read(self, size: int) -> bytes:
        data = self.peek(min(size, CHUNK))
        self._buffer = self._buffer[len(data) :]
        self.position += len(data)
        return data

    def skip_to(self, offset: int) -> None:
        while self.position < offset:
            if not self.read(offset - self.position):
                raise _changed(self._path, offset, "file ends before this offset")


def _copy_framed(
    source: _Forward,
    *,
    path: Path,
    kind: str,
    offsets: list[int],
    kept: Mapping[int, str | None],
    out: IO[bytes],
    compression: str | None,
) -> None:
    """Copy each record of a plain or single-stream file, compressing it on its own when the
    input is compressed."""
    # WARC ends a record with two CRLFs; ARC with one newline. A record that lacks them gets
    # them, so that the next record still starts where a reader looks for it.
    trailer = b"\r\n\r\n" if kind == "warc" else b"\n"
    for offset in offsets:
        if offset < source.position:
            raise _changed(path, offset, "records overlap")
        source.skip_to(offset)
        length = _check_head(path, kind, offset, source.peek(MAX_HEADER), kept)
        packer = None if compression is None else _record_compressor(compression)
        remaining = length
        while remaining > 0:
            block = source.read(remaining)
            if not block:
                raise _changed(path, offset, "file ends inside the record")
            out.write(block if packer is None else packer.compress(block))
            remaining -= len(block)
        if source.peek(len(trailer)) == trailer:
            source.read(len(trailer))
        out.write(trailer if packer is None else packer.compress(trailer) + packer.flush())


# -- JSON Lines -------------------------------------------------------------------------------


def _compressing(raw: IO[bytes], compression: str | None) -> IO[bytes]:
    """A writer that compresses into ``raw`` as ``compression`` says; closing it ends the
    compressed stream and leaves ``raw`` open."""
    writer: Any
    if compression is None:
        writer = contextlib.nullcontext(raw)
    elif compression == "gzip":
        # No time and no name in the gzip header: the same kept lines, the same bytes.
        writer = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
    elif compression == "zstd":
        writer = zstandard.ZstdCompressor().stream_writer(raw, closefd=False)
    elif compression == "bz2":
        writer = bz2.BZ2File(raw, "wb")
    else:
        writer = lzma.LZMAFile(raw, "wb")  # noqa: SIM115 (the caller closes it)
    return cast("IO[bytes]", writer)


def _refuse_json_array(path: Path) -> None:
    if head_of(path, 4096).removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"[":
        raise UsageError(
            f"{path}: a JSON array, not JSON Lines; its kept documents cannot be copied "
            "line by line (convert it to JSON Lines first)"
        )


def _write_lines(path: Path, kept: set[int], tmp: Path) -> int:
    """Copy the kept lines (numbered as the reader numbers them) of a JSON Lines file."""
    last = max(kept, default=-1)
    written = 0
    with path.open("rb") as raw:
        compression = compression_of(raw.read(8))
        raw.seek(0)
        with (
            decompressing(raw, compression) as stream,
            tmp.open("wb") as file,
            _compressing(file, compression) as out,
        ):
            number = -1
            while number < last:  # lines after the last kept one are not even read
                try:
                    line = stream.readline(MAX_LINE + 1)
                except Exception as exc:
                    raise _changed(path, number + 1, f"unreadable data ({exc})") from exc
                if not line:
                    raise _changed(path, number + 1, f"no line {last}")
                number += 1
                if len(line) > MAX_LINE:
                    # An error row in the audit, never kept: skipped as the reader skips it.
                    while not line.endswith(b"\n") and line:
                        line = stream.readline(MAX_LINE)
                    continue
                if number in kept:
                    out.write(line)
                    written += 1
    return written


# -- Parquet, Arrow, Hugging Face datasets ----------------------------------------------------


def _table_batches(
    path: Path, kind: str, kept: list[int]
) -> tuple[pa.Schema, Iterator[tuple[int, pa.RecordBatch]]]:
    """The schema, and (first row number, batch) for the batches that hold a kept row."""
    if kind == "parquet":
        file = pq.ParquetFile(path)
        return file.schema_arrow, _parquet_batches(file, kept)
    mapped = pa.memory_map(str(path))
    try:
        if mapped.read(6) == b"ARROW1":  # an IPC file; save_to_disk writes IPC streams
            mapped.seek(0)
            reader = pa.ipc.open_file(mapped)
            batches: Iterator[pa.RecordBatch] = (
                reader.get_batch(i) for i in range(reader.num_record_batches)
            )
            return reader.schema, _numbered(batches, mapped)
        mapped.seek(0)
        stream = pa.ipc.open_stream(mapped)
    except BaseException:
        mapped.close()
        raise
    return stream.schema, _numbered(iter(stream), mapped)


def _numbered(
    batches: Iterator[pa.RecordBatch], mapped: pa.MemoryMappedFile
) -> Iterator[tuple[int, pa.RecordBatch]]:
    with mapped:
        row = 0
        for batch in batches:
            yield row, batch
            row += batch.num_rows


def _parquet_batches(file: pq.ParquetFile, kept: list[int]) -> Iterator[tuple[int, pa.RecordBatch]]:
    with contextlib.closing(file):
        row = 0
        for group in range(file.num_row_groups):
            count = file.metadata.row_group(group).num_rows
            # A row group with no kept row is skipped from the footer alone, unread.
            if bisect.bisect_left(kept, row) < bisect.bisect_left(kept, row + count):
                batches = file.iter_batches(
                    batch_size=_BATCH_ROWS, row_groups=[group], use_threads=False
                )
                first = row
                for batch in batches:
                    yield first, batch
                    first += batch.num_rows
            row += count


def _write_rows(sources: list[tuple[str, str, list[int]]], tmp: Path) -> int:
    """Write the kept rows of one or more tables (same schema) into one Parquet file."""
    writer: pq.ParquetWriter | None = None
    written = 0
    try:
        for source, kind, kept in sources:
            path = Path(source)
            try:
                schema, batches = _table_batches(path, kind, kept)
            except Exception as exc:
                raise _changed(path, 0, f"unreadable {kind} file ({exc})") from exc
            if writer is None:
                writer = pq.ParquetWriter(tmp, schema)
            taken = 0
            for first, batch in batches:
                low = bisect.bisect_left(kept, first)
                high = bisect.bisect_left(kept, first + batch.num_rows)
                if low == high:
                    continue
                rows = pa.array([k - first for k in kept[low:high]], type=pa.int64())
                writer.write_batch(batch.take(rows))
                taken += high - low
            if taken != len(kept):
                raise _changed(path, kept[taken] if taken < len(kept) else 0, "rows missing")
            written += taken
    finally:
        if writer is not None:
            writer.close()
    return written
