"""``reciprocity declare POLICY --out DIR [--merge ROBOTS]``: one policy, every file that
crawlers read."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reciprocity.cli import EXIT_OK, warn
from reciprocity.errors import InputError
from reciprocity.steward import declare, load_policy, write_declaration

HELP = (
    "Write from one policy file (TOML) the robots.txt, headers (with nginx, Apache, Caddy and "
    "_headers snippets), <meta> tags, tdmrep.json, ai.txt and RSL licence that say it."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("policy", metavar="POLICY", help="the policy file (docs/declare.md)")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the files")
    parser.add_argument(
        "--merge",
        metavar="ROBOTS",
        help="a site's robots.txt whose groups, rules and comments the written one keeps",
    )


def run(args: argparse.Namespace) -> int:
    policy = load_policy(args.policy)
    existing = None
    if args.merge is not None:
        try:
            existing = Path(args.merge).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", path=args.merge) from None
    declaration = declare(policy, merge=existing, name=Path(args.policy).name)
    written = write_declaration(declaration, args.out)
    for note in declaration.notes:
        warn(note)
    out = Path(args.out)
    lines = [f"declared {args.policy} into {out}:"]
    lines += [f"  {path.relative_to(out).as_posix()}" for path in written]
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK
