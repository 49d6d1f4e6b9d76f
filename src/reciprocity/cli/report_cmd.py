"""``reciprocity report RUN_DIR``: what a run gives back, written from its own files."""

from __future__ import annotations

import argparse
import sys

from reciprocity.cli import EXIT_OK
from reciprocity.report.options import ReportOptions
from reciprocity.report.write import ReportFiles, write_report

HELP = (
    "Write what an audit run gives back: attribution, the obligation ledger, the dataset card, "
    "Croissant, the EU training-content summary, the model's inherited preferences and a web "
    "page of the figures; with --domain, only the page of one site, for its publisher."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_dir", metavar="RUN_DIR", help="the folder of a completed audit run")
    parser.add_argument(
        "--out", metavar="DIR", help="where to write the documents (default: RUN_DIR/report)"
    )
    parser.add_argument(
        "--sme",
        action="store_true",
        help="the builder is a small or medium enterprise: the EU summary lists the top 5%% of "
        "domains by content size (at most 1,000) instead of the top 10%%",
    )
    parser.add_argument(
        "--domain",
        metavar="NAME",
        help="write only the publisher's page of this registrable domain (domain-NAME.html and "
        ".json): its documents, each decision and the evidence for it; nothing of other sites",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")


def run(args: argparse.Namespace) -> int:
    def progress(name: str) -> None:
        if not args.quiet:
            print(f"writing {name} …", file=sys.stderr)

    options = ReportOptions(sme=args.sme)
    report: ReportFiles
    if args.domain is not None:
        from reciprocity.report.site_page import write_domain_page  # noqa: PLC0415

        report = write_domain_page(
            args.run_dir, args.domain, args.out, options=options, progress=progress
        )
    else:
        report = write_report(args.run_dir, args.out, options=options, progress=progress)
    if not args.quiet:
        print(f"report written to {report.folder}/")
        for path in report.files:
            print(f"  {path.name}")
    return EXIT_OK
