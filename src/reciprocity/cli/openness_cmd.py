"""``reciprocity openness FILE``: how open a model release is, framework by framework."""

from __future__ import annotations

import argparse
import sys

from reciprocity.cli import EXIT_OK
from reciprocity.errors import InputError
from reciprocity.openness import assess, load, parse, render_json, render_text

HELP = (
    "Assess a model release (MOF release YAML, EU Open Source AI Index record, or Hugging Face "
    "model card): MOF class, OSAID 1.0, truly-open criteria, EU index score, with the evidence."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", metavar="FILE", help="the release description to assess ('-' for standard input)"
    )
    parser.add_argument(
        "--json", action="store_true", help="print the assessment as JSON instead of Markdown"
    )


def run(args: argparse.Namespace) -> int:
    if args.file == "-":
        try:
            text = sys.stdin.buffer.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text (byte {exc.start})", path="<stdin>") from None
        release = parse(text, source="<stdin>")
    else:
        release = load(args.file)
    assessment = assess(release)
    sys.stdout.write(render_json(assessment) if args.json else render_text(assessment))
    return EXIT_OK
