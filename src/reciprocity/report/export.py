"""The open export: the kept documents anyone may redistribute and train on, with their credit.

:func:`export_open` reads a finished run and writes into ``out_dir``:

- one file per input, in the input's own format (:func:`reciprocity.corpus.writers.write_rows`:
  WARC records byte for byte with their warcinfo and linked records, JSONL lines, Parquet rows),
  holding the documents the run keeps whose every licence is open
  (:mod:`reciprocity.report.open_licences`);
- ``attribution.jsonl``: one line per exported document, in input order, the record
  ``reciprocity report`` writes for it (:data:`reciprocity.report.attribution.FIELDS`: the
  credit its licence asks for, from the columns of docs/decisions.md, and where it was read).

A document's licences are the ``licenses`` column and the licences its evidence names only by
URL (a TDMRep policy, an RSL licence, a link no id fits): the latter are never open. Every other
document is skipped for one reason, counted in :class:`Skipped`.
"""

from __future__ import annotations

import contextlib
import enum
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from reciprocity.corpus.summary import connect
from reciprocity.corpus.writers import KeptFile, RowFilter, write_rows
from reciprocity.errors import InputError, UsageError
from reciprocity.report.attribution import FIELDS
from reciprocity.report.files import atomic_path
from reciprocity.report.open_licences import Verdict, verdict
from reciprocity.report.run import RunFiles, open_run

__all__ = ["ATTRIBUTION", "ExportSummary", "Skipped", "export_open"]

ATTRIBUTION: Final = "attribution.jsonl"
_BATCH_ROWS: Final = 8192


class _Reason(enum.IntEnum):
    EXPORTED = 0
    NOT_KEPT = 1
    NO_LICENCE = 2
    UNKNOWN = 3
    NO_DERIVATIVES = 4
    NON_COMMERCIAL = 5


_BY_VERDICT: Final = {
    Verdict.OPEN: _Reason.EXPORTED,
    Verdict.UNKNOWN: _Reason.UNKNOWN,
    Verdict.NO_DERIVATIVES: _Reason.NO_DERIVATIVES,
    Verdict.NON_COMMERCIAL: _Reason.NON_COMMERCIAL,
}


@dataclass(frozen=True, slots=True)
class Skipped:
    """Documents not exported, each counted once, under the first reason that applies."""

    not_kept: int
    """The run does not keep it (its use is denied, or a refused obligation comes with it)."""
    no_licence: int
    """Kept, but it names no licence: nothing says it may be redistributed."""
    non_commercial: int
    """A licence it names allows non-commercial use only (NC)."""
    no_derivatives: int
    """A licence it names forbids sharing adaptations (ND), and none is NC."""
    unknown_licence: int
    """A licence it names is not in the open table (another licence, a restricted CC tool, a
    licence known only by its URL), and none is NC or ND."""

    @property
    def total(self) -> int:
        return (
            self.not_kept
            + self.no_licence
            + self.non_commercial
            + self.no_derivatives
            + self.unknown_licence
        )


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What :func:`export_open` wrote."""

    run: Path
    out: Path
    files: tuple[KeptFile, ...]
    """One per input file (or Hugging Face dataset), in input order."""
    attribution: Path
    exported: int
    skipped: Skipped

    @property
    def documents(self) -> int:
        """Documents of the run: exported and skipped."""
        return self.exported + self.skipped.total

    @property
    def paths(self) -> tuple[Path, ...]:
        return (*(f.path for f in self.files), self.attribution)


def export_open(run_dir: str | Path, out_dir: str | Path) -> ExportSummary:
    """Write the open export of the run in ``run_dir`` into ``out_dir`` (created if needed).

    Raises :class:`~reciprocity.errors.InputError` when ``run_dir`` is not a complete run
    (:func:`~reciprocity.report.run.open_run`) or an input it names is missing or changed, and
    :class:`~reciprocity.errors.UsageError` when ``out_dir`` would overwrite an input.
    """
    run = open_run(run_dir)
    out = Path(out_dir)
    attribution = out / ATTRIBUTION
    with run.query() as db:
        sources = [Path(s).resolve() for (s,) in db.sql("SELECT DISTINCT source FROM d").fetchall()]
    if attribution.resolve() in sources:
        raise UsageError(f"{attribution} is an input: choose another folder")
    evidence = _evidence_licences(run)
    choice = RowFilter(("keep", "licenses", evidence), _exported_mask)
    # An input named attribution.jsonl is written under a prefixed name, not over the credit.
    written = write_rows(run.decisions, out, choice, reserved=frozenset({ATTRIBUTION}))
    counts: Counter[_Reason] = Counter()
    # Row numbers in the table of the exported documents: 8 bytes each, what the credit needs.
    numbers: list[pa.Array] = []
    first = 0
    for batch in _batches(run.decisions, ["keep", "licenses", evidence]):
        reasons = _reasons(batch)
        counts.update(reasons)
        chosen = [first + i for i, reason in enumerate(reasons) if reason is _Reason.EXPORTED]
        numbers.append(pa.array(chosen, pa.int64()))
        first += batch.num_rows
    _write_attribution(run, attribution, pa.chunked_array(numbers, pa.int64()))
    exported = counts[_Reason.EXPORTED]
    if written.documents != exported:  # both passes apply _reasons to the same rows
        raise RuntimeError(f"{written.documents} documents written, {exported} credited")
    skipped = Skipped(
        not_kept=counts[_Reason.NOT_KEPT],
        no_licence=counts[_Reason.NO_LICENCE],
        non_commercial=counts[_Reason.NON_COMMERCIAL],
        no_derivatives=counts[_Reason.NO_DERIVATIVES],
        unknown_licence=counts[_Reason.UNKNOWN],
    )
    return ExportSummary(run.folder, out, written.files, attribution, exported, skipped)


def _evidence_licences(run: RunFiles) -> str:
    """The Parquet path of the evidence's ``license`` field: read alone, it costs little of
    what the whole evidence would."""
    with contextlib.closing(pq.ParquetFile(run.decisions)) as table:
        schema = table.metadata.schema
        for index in range(len(schema)):
            path: str = schema.column(index).path
            parts = path.split(".")
            # evidence.list.<element>.license: the list's element name depends on the writer.
            if len(parts) == 4 and parts[0] == "evidence" and parts[-1] == "license":
                return path
    raise InputError("no evidence.license column in the table", path=run.decisions)


def _write_attribution(run: RunFiles, path: Path, numbers: pa.ChunkedArray) -> None:
    """The report's attribution records (same fields, same JSON) of the rows ``numbers``."""
    columns = ", ".join(f'{expression} AS "{name}"' for name, expression in FIELDS)
    query = (
        f"SELECT {columns} FROM d WHERE file_row_number IN (SELECT n FROM exported)"
        " ORDER BY file_row_number"
    )
    with connect() as db, atomic_path(path) as temporary:
        db.read_parquet(str(run.decisions), file_row_number=True).create_view("d")
        db.register("exported", pa.table({"n": numbers}))
        quoted = str(temporary).replace("'", "''")
        db.execute(f"COPY ({query}) TO '{quoted}' (FORMAT JSON)")


def _batches(path: Path, columns: list[str]) -> Iterator[pa.RecordBatch]:
    with contextlib.closing(pq.ParquetFile(path)) as table:
        yield from table.iter_batches(batch_size=_BATCH_ROWS, columns=columns, use_threads=False)


def _named(batch: pa.RecordBatch) -> Iterator[tuple[str, int]]:
    """(licence, row) for each licence each row names: its ``licenses``, then the licences
    its evidence names by URL alone (what docs/decisions.md's ``license_urls`` holds besides
    the URLs of the ``licenses``)."""
    licences = batch.column("licenses")
    yield from zip(
        pc.list_flatten(licences).to_pylist(),
        pc.list_parent_indices(licences).to_pylist(),
        strict=True,
    )
    evidence = batch.column("evidence")
    named = pc.struct_field(pc.list_flatten(evidence), "license")
    by_url = pc.fill_null(pc.match_substring_regex(named, "^https?://"), False)
    yield from zip(
        named.filter(by_url).to_pylist(),
        pc.list_parent_indices(evidence).filter(by_url).to_pylist(),
        strict=True,
    )


def _reasons(batch: pa.RecordBatch) -> list[_Reason]:
    """Why each row of ``batch`` is skipped, or that it is exported: the one rule of both the
    files and the attribution."""
    worst: list[Verdict | None] = [None] * batch.num_rows
    for licence, row in _named(batch):
        found = verdict(licence)
        current = worst[row]
        if current is None or found > current:
            worst[row] = found
    keep = batch.column("keep").to_pylist()
    return [
        _Reason.NOT_KEPT
        if not kept
        else _Reason.NO_LICENCE
        if licence is None
        else _BY_VERDICT[licence]
        for kept, licence in zip(keep, worst, strict=True)
    ]


def _exported_mask(batch: pa.RecordBatch) -> pa.Array:
    return pa.array([reason is _Reason.EXPORTED for reason in _reasons(batch)], pa.bool_())
