"""Every answer the robots.txt parser gives on the real corpus, saved, then compared with another
version's: the check that a speed-up changed nothing.

    .venv/bin/python benchmarks/robots_verdicts.py --save /tmp/before.jsonl   # on the old code
    .venv/bin/python benchmarks/robots_verdicts.py --check /tmp/before.jsonl  # on the new code

Per file of the corpus (``robots_corpus``), for every query (689,077 over the corpus): the verdict,
the deciding rule's line and the scope (``RobotsTxt.match``); and a digest of everything the parse
reads (groups, rules, record groups, records, diagnostics). ``--check`` prints the first
differences and exits non-zero if there is any.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from typing import Any

import robots_corpus as corpus

from reciprocity.signals.robots import Group, RobotsTxt


def _group(group: Group) -> tuple[object, ...]:
    tokens = sorted(group.tokens)
    return (group.index, group.line, group.agents, tokens, group.is_global, group.lines)


def _answers(file: corpus.CorpusFile) -> dict[str, Any]:
    robots = RobotsTxt.parse(file.head)
    matches = [robots.match(url, agent) for agent, url in file.queries]
    allowed = [robots.allowed(url, agent) for agent, url in file.queries]
    # The parse, read back in full (the lazy parts too); token sets sorted (their order varies
    # from process to process).
    parsed = repr(
        (
            [_group(group) for group in robots.groups],
            [group.rules for group in robots.groups],
            [_group(group) for group in robots.record_groups],
            robots.records,
            robots.diagnostics,
            robots.sitemaps,
            sorted(robots.named_tokens()),
        )
    )
    return {
        "name": file.name,
        "allowed": "".join("1" if verdict else "0" for verdict in allowed),
        "match": "".join("1" if match.allowed else "0" for match in matches),
        "lines": [match.line or 0 for match in matches],
        "scopes": "".join(match.scope[0] for match in matches),
        "parsed": hashlib.sha256(parsed.encode("utf-8", "surrogatepass")).hexdigest(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--save", metavar="FILE", help="write this version's answers")
    action.add_argument("--check", metavar="FILE", help="compare with answers saved before")
    args = parser.parse_args(argv)

    files = corpus.load_corpus()
    if args.save:
        with open(args.save, "w", encoding="utf-8") as out:
            for file in files:
                out.write(json.dumps(_answers(file)) + "\n")
        print(f"{len(files)} files, {sum(f.query_count for f in files):,} queries saved")
        return 0

    with open(args.check, encoding="utf-8") as saved_file:
        saved = {row["name"]: row for row in map(json.loads, saved_file)}
    differ = 0
    for file in files:
        now = _answers(file)
        before = saved.get(file.name)
        fields = [key for key in now if before is None or before.get(key) != now[key]]
        if fields:
            differ += 1
            if differ <= 20:
                print(f"{file.name}: differs in {', '.join(fields)}")
    queries = sum(f.query_count for f in files)
    print(f"{len(files)} files, {queries:,} queries: {differ} files differ")
    return 1 if differ or len(saved) != len(files) else 0


if __name__ == "__main__":
    sys.exit(main())
