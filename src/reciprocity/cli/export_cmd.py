"""``reciprocity export RUN_DIR --open --out DIR``: the kept documents under open licences, in
the inputs' own formats, with their attribution records."""

from __future__ import annotations

import argparse
import sys

from reciprocity.cli import EXIT_OK
from reciprocity.errors import UsageError
from reciprocity.report.export import ExportSummary, export_open

HELP = (
    "Export from an audit run the kept documents whose licences allow redistribution and "
    "training (CC0, CC BY, CC BY-SA …), in each input's own format, with attribution.jsonl."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_dir", metavar="RUN_DIR", help="the folder of a finished audit run")
    parser.add_argument(
        "--open",
        action="store_true",
        help="export the documents under open licences (the only export there is for now)",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the export")


def run(args: argparse.Namespace) -> int:
    if not args.open:
        raise UsageError("no export chosen: only --open exists for now (RUN_DIR --open --out DIR)")
    sys.stdout.write(render(export_open(args.run_dir, args.out)))
    return EXIT_OK


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def render(summary: ExportSummary) -> str:
    """The summary printed after an export: counts, then each file written."""
    skipped = summary.skipped
    lines = [
        f"exported {summary.exported} of {_plural(summary.documents, 'document')} "
        f"from {summary.run}",
        f"skipped: {skipped.not_kept} not kept, {skipped.no_licence} no licence, "
        f"{skipped.non_commercial} non-commercial (NC), {skipped.no_derivatives} "
        f"no-derivatives (ND), {skipped.unknown_licence} unknown licence",
        "files:",
    ]
    for file in summary.files:
        counts = _plural(file.documents, "document")
        if file.records != file.documents:
            counts += f", {_plural(file.records, 'record')}"
        lines.append(f"  {file.path}  ({counts})")
    lines.append(f"  {summary.attribution}  ({_plural(summary.exported, 'record')})")
    return "\n".join(lines) + "\n"
