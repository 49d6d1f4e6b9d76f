"""``reciprocity report``: every document a run gives back, written from its two files.

Each output module computes its content as data from the run's table (DuckDB aggregates or
streamed Arrow batches, never the whole table in memory) and renders it; this module only
orders them and writes each file under a temporary name, renamed into place when complete, so
that an interrupted report leaves no half-written document.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from reciprocity.errors import UsageError
from reciprocity.report import (
    attribution,
    card,
    croissant,
    eu_summary,
    ledger,
    page,
    preferences,
)
from reciprocity.report.options import ReportOptions
from reciprocity.report.run import RunFiles, open_run

__all__ = ["OUTPUTS", "ReportFiles", "report_folder", "write_report"]

Writer = Callable[[RunFiles, Path, ReportOptions], Sequence[Path]]

OUTPUTS: Final[tuple[tuple[str, Writer], ...]] = (
    ("attribution", attribution.write),
    ("obligations", ledger.write),
    ("model preferences", preferences.write),
    ("dataset card", card.write),
    ("Croissant", croissant.write),
    ("EU summary", eu_summary.write),
    ("web page", page.write),
)
"""(name, writer) in the order they are written; a writer writes its files into the folder it
is given and returns their paths."""


@dataclass(frozen=True, slots=True)
class ReportFiles:
    """What a report wrote."""

    folder: Path
    files: tuple[Path, ...]


def report_folder(run: RunFiles, out: str | Path | None) -> Path:
    """The folder a report of ``run`` is written into (``out``, default ``RUN/report``),
    made when missing; :class:`~reciprocity.errors.UsageError` when it is a file."""
    folder = Path(out) if out is not None else run.folder / "report"
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file: choose a folder for the report")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_report(
    run_dir: str | Path,
    out: str | Path | None = None,
    *,
    options: ReportOptions | None = None,
    progress: Callable[[str], None] | None = None,
) -> ReportFiles:
    """Write the report of the run in ``run_dir`` into ``out`` (default ``run_dir/report``).

    Raises :class:`~reciprocity.errors.InputError` when ``run_dir`` is not a completed run this
    version reads, :class:`~reciprocity.errors.UsageError` when ``out`` is a file.
    """
    run = open_run(run_dir)
    folder = report_folder(run, out)
    chosen = options or ReportOptions()
    written: list[Path] = []
    for name, writer in OUTPUTS:
        if progress is not None:
            progress(name)
        written.extend(writer(run, folder, chosen))
    return ReportFiles(folder, tuple(written))
