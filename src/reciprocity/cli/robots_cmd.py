"""``reciprocity robots FILE URL... --agent TOKEN``: robots.txt verdicts with the deciding line."""

from __future__ import annotations

import argparse
import json
import sys

from reciprocity._files import read_input
from reciprocity.cli import EXIT_OK, warn
from reciprocity.corpus.policy import crawler_token
from reciprocity.signals.robots import RobotsMatch, RobotsTxt

HELP = "Check URLs against a robots.txt file as Google's matcher would, with the deciding line."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="robots.txt file ('-' for standard input)")
    parser.add_argument("urls", metavar="URL", nargs="+", help="URLs (or paths) to check")
    parser.add_argument(
        "--agent",
        "-a",
        dest="agents",
        action="append",
        metavar="TOKEN",
        help="crawler product token, repeatable (default: '*', a crawler no group names); "
        "a whole user agent is read as its token",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per verdict")
    parser.add_argument(
        "--diagnostics", action="store_true", help="also list lines the parser skipped or repaired"
    )


def _read(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    return read_input(name, what="a robots.txt file")


def _explain(match: RobotsMatch, agent: str) -> str:
    if match.rule is not None:
        whose = f"group for {agent}" if match.scope == "specific" else "'*' group"
        derived = " (directory of an index page)" if match.rule.derived else ""
        return f"{match.rule}{derived} [{whose}]"
    if match.scope == "specific":
        return f"{match.reason} [group for {agent}]"
    if match.scope == "global":
        return f"{match.reason} ['*' group]"
    return match.reason


def run(args: argparse.Namespace) -> int:
    agents = [crawler_token("--agent", agent, warn) for agent in args.agents or ["*"]]
    robots = RobotsTxt.parse(_read(args.file))
    out = sys.stdout
    for agent in agents:
        for url in args.urls:
            match = robots.match(url, agent)
            if args.json:
                record = {
                    "agent": agent,
                    "url": url,
                    "allowed": match.allowed,
                    "scope": match.scope,
                    "line": match.line,
                    "rule": None if match.rule is None else match.rule.raw,
                    "kind": None if match.rule is None else match.rule.kind,
                    "reason": match.reason,
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                verdict = "allowed   " if match.allowed else "disallowed"
                out.write(f"{verdict}  {agent}  {url}  {_explain(match, agent)}\n")
    if args.diagnostics:
        for diagnostic in robots.diagnostics:
            sys.stderr.write(f"{args.file}: {diagnostic}\n")
    return EXIT_OK
