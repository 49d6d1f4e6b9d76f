"""Generate ``src/reciprocity/signals/_agents_table.py``, the AI crawler catalogue.

    .venv/bin/python scripts/gen_agents.py                    # ../shared/data/ai_agents/robots.json
    .venv/bin/python scripts/gen_agents.py PATH/robots.json   # another copy (README.md beside it)
    .venv/bin/python scripts/gen_agents.py --check            # exit 1 if the module is stale

Inputs: ``robots.json`` of ai-robots-txt/ai.robots.txt (the README.md next to it names the upstream
repository and commit) and the hand-curated ``src/reciprocity/signals/agent_purposes.csv``, which
gives every token its purpose class, uses, operator and the reason for them. The two must list
exactly the same tokens: a token upstream added or removed stops the run until the CSV is updated,
because a crawler nobody classified must not silently drop out of (or into) a use.

The output is formatted the way ``ruff format`` would format it, so regenerating never produces a
formatting diff and the tests can compare the module with a fresh in-memory rendering.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROBOTS_JSON = ROOT.parent / "shared" / "data" / "ai_agents" / "robots.json"
PURPOSES_CSV = ROOT / "src" / "reciprocity" / "signals" / "agent_purposes.csv"
OUTPUT = ROOT / "src" / "reciprocity" / "signals" / "_agents_table.py"

# Kept in the order of reciprocity.uses.USES; the script does not import the package so that it
# runs from a bare checkout.
USE_ORDER = ("train-ai", "ai-use", "search")
CLASSES = ("T", "S", "U", "C", "M")
CSV_HEADER = ["token", "uses", "class", "operator", "reason"]

# RFC 9309 §2.2: product-token = identifier / "*"; identifier = 1*(%x2D / %x41-5A / %x5F / %x61-7A).
_RFC9309_IDENTIFIER = re.compile(r"[A-Za-z_-]+")
# google/robotstxt reads a user-agent value up to the first character outside [A-Za-z_-].
_GOOGLE_PREFIX = re.compile(r"[A-Za-z_-]*")
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SHA = r"`([0-9a-f]{40})`"


class CatalogueError(Exception):
    """The inputs disagree or are malformed; the message says what to fix."""


@dataclass(frozen=True)
class Upstream:
    repo: str
    commit: str
    snapshot: str


@dataclass(frozen=True)
class Purpose:
    token: str
    uses: tuple[str, ...]
    purpose: str
    operator: str
    reason: str


def rfc9309_valid(token: str) -> bool:
    """Whether ``token`` is an RFC 9309 identifier: letters, ``-`` and ``_`` only."""
    return _RFC9309_IDENTIFIER.fullmatch(token) is not None


def google_token(token: str) -> str:
    """The token Google's matcher compares for a ``User-agent: <token>`` line, lower-cased."""
    match = _GOOGLE_PREFIX.match(token)
    return match.group().lower() if match else ""


def normalise_respect(text: str) -> str:
    """``yes``, ``no`` or ``unclear`` from the free-text ``respect`` field."""
    plain = _MARKDOWN_LINK.sub(r"\1", text).strip().lower()
    # Only a bare answer counts: "At the discretion of … users" and "Unclear …; opt out via a
    # form" promise nothing a site can rely on.
    word = re.match(r"[a-z]+", plain)
    if word and word.group() == "yes":
        return "yes"
    if word and word.group() == "no":
        return "no"
    return "unclear"


def read_upstream(readme: str) -> Upstream:
    """The repository, last-change commit and snapshot commit recorded for robots.json."""
    for line in readme.splitlines():
        if not line.startswith("| `robots.json`"):
            continue
        repo = re.search(r"`([\w.-]+/[\w.-]+)` `robots\.json`", line)
        commit = re.search(r"last changed in " + _SHA, line)
        snapshot = re.search(r"snapshot HEAD " + _SHA, line)
        if repo and commit and snapshot:
            return Upstream(repo.group(1), commit.group(1), snapshot.group(1))
    raise CatalogueError(
        "README.md has no '| `robots.json` | `owner/repo` `robots.json` | last changed in `<sha>` "
        "… snapshot HEAD `<sha>`' row; record the upstream commit there first"
    )


def read_purposes(text: str) -> dict[str, Purpose]:
    """The hand-curated rows of agent_purposes.csv, keyed by token, validated."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header != CSV_HEADER:
        raise CatalogueError(f"agent_purposes.csv header is {header!r}, expected {CSV_HEADER!r}")
    purposes: dict[str, Purpose] = {}
    for number, row in enumerate(reader, start=2):
        if len(row) != len(CSV_HEADER):
            raise CatalogueError(f"agent_purposes.csv:{number}: {len(row)} fields, expected 5")
        token, uses_text, purpose, operator, reason = row
        where = f"agent_purposes.csv:{number} ({token!r})"
        if token in purposes:
            raise CatalogueError(f"{where}: token listed twice")
        if purpose not in CLASSES:
            raise CatalogueError(f"{where}: class {purpose!r} is not one of {', '.join(CLASSES)}")
        uses = tuple(u for u in uses_text.split(";") if u) if uses_text else ()
        unknown = [u for u in uses if u not in USE_ORDER]
        if unknown or len(set(uses)) != len(uses):
            raise CatalogueError(f"{where}: uses {uses_text!r} must be distinct, from {USE_ORDER}")
        if not reason.strip():
            raise CatalogueError(f"{where}: give a reason for the classification")
        ordered = tuple(u for u in USE_ORDER if u in uses)
        purposes[token] = Purpose(token, ordered, purpose, operator.strip(), reason.strip())
    return purposes


def _literal(text: str) -> str:
    # The quote choice ruff format makes: double quotes unless that needs more escapes.
    if any(ord(c) < 0x20 or c == "\x7f" for c in text):
        raise CatalogueError(f"control character in {text!r}")
    body = text.replace("\\", "\\\\")
    if text.count('"') > text.count("'"):
        return "'" + body.replace("'", "\\'") + "'"
    return '"' + body.replace('"', '\\"') + '"'


def _tuple_literal(items: Sequence[str]) -> str:
    if not items:
        return "()"
    if len(items) == 1:
        return f"({_literal(items[0])},)"
    return "(" + ", ".join(_literal(i) for i in items) + ")"


def render(robots_json: bytes, purposes_csv: str, readme: str) -> str:
    """The source of ``_agents_table.py`` for these inputs (deterministic, ruff-formatted)."""
    upstream = read_upstream(readme)
    entries: Mapping[str, Mapping[str, object]] = json.loads(robots_json.decode("utf-8"))
    if not isinstance(entries, dict):
        raise CatalogueError("robots.json is not an object keyed by user-agent token")
    purposes = read_purposes(purposes_csv)
    only_upstream = sorted(set(entries) - set(purposes))
    only_csv = sorted(set(purposes) - set(entries))
    if only_upstream or only_csv:
        raise CatalogueError(
            "robots.json and agent_purposes.csv list different tokens"
            + (f"; classify in the CSV: {only_upstream}" if only_upstream else "")
            + (f"; gone upstream, remove from the CSV: {only_csv}" if only_csv else "")
        )
    digest = hashlib.sha256(robots_json).hexdigest()
    lines = [
        "# Generated by scripts/gen_agents.py: do not edit, change agent_purposes.csv instead.",
        '"""The AI crawler catalogue as data (generated).',
        "",
        f"Source: ``robots.json`` of {upstream.repo}, last changed in commit",
        f"{upstream.commit} (snapshot {upstream.snapshot}),",
        f"SHA-256 {digest};",
        "purposes, uses and operators from the hand-curated ``agent_purposes.csv`` beside it.",
        "",
        "Regenerate after updating ../shared/data/ai_agents/ (and its README) or the CSV::",
        "",
        "    .venv/bin/python scripts/gen_agents.py [PATH/TO/robots.json]",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Final, NamedTuple",
        "",
        f"UPSTREAM_REPO: Final = {_literal(upstream.repo)}",
        f"UPSTREAM_COMMIT: Final = {_literal(upstream.commit)}",
        f"UPSTREAM_SNAPSHOT: Final = {_literal(upstream.snapshot)}",
        f"ROBOTS_JSON_SHA256: Final = {_literal(digest)}",
        "",
        "",
        "class AgentRow(NamedTuple):",
        "    token: str",
        "    operator: str",
        "    purpose: str",
        "    uses: tuple[str, ...]",
        "    respects_robots: str",
        "    rfc9309_valid: bool",
        "    google_token: str",
        "    reason: str",
        "",
        "",
        "ROWS: Final[tuple[AgentRow, ...]] = (",
    ]
    for token, entry in entries.items():
        purpose = purposes[token]
        respect = entry.get("respect", "")
        lines += [
            "    AgentRow(",
            f"        token={_literal(token)},",
            f"        operator={_literal(purpose.operator)},",
            f"        purpose={_literal(purpose.purpose)},",
            f"        uses={_tuple_literal(purpose.uses)},",
            f"        respects_robots={_literal(normalise_respect(str(respect)))},",
            f"        rfc9309_valid={rfc9309_valid(token)},",
            f"        google_token={_literal(google_token(token))},",
            f"        reason={_literal(purpose.reason)},",
            "    ),",
        ]
    lines.append(")")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("robots_json", nargs="?", type=Path, default=DEFAULT_ROBOTS_JSON)
    parser.add_argument("--check", action="store_true", help="fail if the module is out of date")
    args = parser.parse_args(argv)
    robots_json: Path = args.robots_json
    readme = robots_json.parent / "README.md"
    try:
        source = render(
            robots_json.read_bytes(),
            PURPOSES_CSV.read_text(encoding="utf-8"),
            readme.read_text(encoding="utf-8"),
        )
    except (OSError, CatalogueError, ValueError) as error:
        print(f"gen_agents: {error}", file=sys.stderr)
        return 1
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != source:
            print(f"gen_agents: {OUTPUT.name} is stale; run scripts/gen_agents.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(source, encoding="utf-8", newline="\n")
    rows = source.count("\n    AgentRow(\n")
    print(f"gen_agents: wrote {OUTPUT.relative_to(ROOT)} ({rows} agents)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
