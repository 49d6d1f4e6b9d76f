"""``reciprocity explain URL --robots F --headers F ...``: decision per use, offline, with why."""

from __future__ import annotations

import argparse
import json
import sys

from reciprocity._files import read_input
from reciprocity.cli import EXIT_OK, warn
from reciprocity.corpus.policy import crawler_token, duties_option
from reciprocity.errors import UsageError
from reciprocity.evaluate import evaluate
from reciprocity.resolve import Decision
from reciprocity.signals.robots import RobotsTxt
from reciprocity.uses import Stance

HELP = "Explain, offline, what a document's signals allow for each use, and why."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", metavar="URL", help="the document's URL")
    parser.add_argument("--robots", metavar="FILE", help="the site's robots.txt")
    parser.add_argument(
        "--robots-status",
        type=int,
        metavar="CODE",
        help="HTTP status the robots.txt fetch ended in (404: allow all, 503: disallow all)",
    )
    parser.add_argument(
        "--headers",
        metavar="FILE",
        help="the document's response headers ('Name: value' lines; a status line is skipped)",
    )
    parser.add_argument("--html", metavar="FILE", help="the document itself, when it is HTML")
    parser.add_argument(
        "--media", metavar="KIND", help="the document's kind: 'image' or a MIME type (image/png)"
    )
    parser.add_argument("--tdmrep", metavar="FILE", help="the site's /.well-known/tdmrep.json")
    parser.add_argument("--ai-txt", metavar="FILE", help="the site's /ai.txt")
    parser.add_argument("--rsl", metavar="FILE", help="the site's RSL licence document")
    parser.add_argument(
        "--agent",
        default="*",
        metavar="TOKEN",
        help="the crawler that collected the document (default: '*', a crawler no group names)",
    )
    parser.add_argument(
        "--accept",
        default="",
        metavar="OBLIGATIONS",
        help="comma-separated obligations you commit to (e.g. credit,open; docs/obligations.md)",
    )
    parser.add_argument("--json", action="store_true", help="the decision as JSON")


def _read(name: str | None) -> bytes | None:
    if name is None:
        return None
    return read_input(name)


def parse_header_block(data: bytes) -> list[tuple[str, str]]:
    """``Name: value`` lines as pairs; a leading ``HTTP/…`` status line and blank lines skipped,
    folded continuation lines joined to the field before them."""
    pairs: list[tuple[str, str]] = []
    for raw in data.decode("utf-8", "replace").splitlines():
        if not raw.strip() or (not pairs and raw.startswith("HTTP/")):
            continue
        if raw[:1] in (" ", "\t") and pairs:
            name, value = pairs[-1]
            pairs[-1] = (name, f"{value} {raw.strip()}")
            continue
        name, sep, value = raw.partition(":")
        if sep and name.strip():
            pairs.append((name.strip(), value.strip()))
    return pairs


def render(decision: Decision, agent: str) -> str:
    lines = [f"{decision.url}", f"  collected by: {agent}"]
    if decision.accepted:
        lines.append(f"  you accept: {', '.join(sorted(d.value for d in decision.accepted))}")
    lines.append("")
    for decided in decision.uses:
        head = f"{decided.use.value:<9} {decided.stance.value:<8}"
        if not decided.deciding:
            lines.append(f"{head} no statement about this use")
        for index, evidence in enumerate(decided.deciding):
            lines.append(f"{head if index == 0 else ' ' * len(head)} {evidence.describe()}")
        pad = " " * len(head)
        if decided.stance is Stance.DENY and decided.exceptions:
            lines.append(f"{pad} lifted if you accept: {', '.join(map(str, decided.exceptions))}")
        if decided.stance is Stance.ALLOW and decided.obligations:
            lines.append(f"{pad} obligations: {', '.join(map(str, decided.obligations))}")
    if decision.conflicts:
        lines += ["", "conflicts (the more restrictive stance applies):"]
        for conflict in decision.conflicts:
            lines.append(f"  {conflict.use.value}: {conflict.deny.describe()}")
            lines.append(f"  {' ' * len(conflict.use.value)}  vs {conflict.allow.describe()}")
    lines += ["", f"evidence ({len(decision.evidence)}):"]
    for evidence in decision.evidence:
        lines.append(f"  - {evidence.describe()}")
        if evidence.statement.note:
            lines.append(f"    {evidence.statement.note}")
        for diagnostic in evidence.statement.diagnostics:
            lines.append(f"    ! {diagnostic}")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    accept = duties_option("--accept", args.accept)  # before any file is read
    agent = crawler_token("--agent", args.agent, warn)
    robots_body = _read(args.robots)
    robots: RobotsTxt | bytes | None = robots_body
    if args.robots_status is not None:
        if not 100 <= args.robots_status <= 599:
            raise UsageError(f"--robots-status {args.robots_status} is not an HTTP status code")
        robots = RobotsTxt.from_fetch(args.robots_status, robots_body or b"")
    header_bytes = _read(args.headers)
    decision = evaluate(
        args.url,
        robots_txt=robots,
        headers=parse_header_block(header_bytes) if header_bytes is not None else None,
        html=_read(args.html),
        tdmrep_json=_read(args.tdmrep),
        ai_txt=_read(args.ai_txt),
        rsl_xml=_read(args.rsl),
        user_agent=agent,
        media=args.media,
        accept=accept,
    )
    if args.json:
        sys.stdout.write(json.dumps(decision.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render(decision, agent))
    return EXIT_OK
