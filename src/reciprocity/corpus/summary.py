"""The readable summary of an audit run, computed from its files (data first, text second).

Every count is an aggregate that DuckDB computes over ``decisions.parquet`` (streaming, in
bounded memory): the summary of a run of ten million rows holds a few dozen numbers, never
the rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import duckdb

from reciprocity.resolve import COLUMN
from reciprocity.uses import parse_use

__all__ = ["RunSummary", "connect", "render_summary", "summarise"]

_STATES: Final = ("allow", "deny", "unknown", "unavailable")
_MEMORY: Final = "512MB"  # DuckDB spills to disk beyond this, so a summary never needs more


@dataclass(frozen=True, slots=True)
class RunSummary:
    """Counts of one run, for people."""

    documents: int
    kept: int
    errors: int
    conflicts: int
    """Documents with at least one conflict between mechanisms."""
    policy: dict[str, Any]
    states: dict[str, dict[str, int]]
    deciders: list[tuple[str, int]]
    """What decided the run's use (a mechanism, ``policy`` for a refused obligation, or why
    nothing did), most frequent first."""
    domains: list[tuple[str, int, int]]
    """(registrable domain, documents, kept), most documents first."""
    licences: list[tuple[str, int]]
    obligations: list[tuple[str, int]]
    """Obligations that come with the kept use, by kind: documents."""
    refused: list[tuple[str, int]]
    """Refused obligations: documents each one excluded."""
    error_samples: list[tuple[str, int, str]]


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with bounded memory, for queries over a run's files."""
    connection = duckdb.connect(config={"memory_limit": _MEMORY, "threads": 2})
    connection.execute("SET enable_progress_bar = false")
    return connection


def summarise(run_dir: str | Path, *, top: int = 10) -> RunSummary:
    run = Path(run_dir)
    manifest = json.loads((run / "run.json").read_text(encoding="utf-8"))
    policy = manifest["policy"]
    use_column = COLUMN[parse_use(policy["use"])]
    with connect() as db:
        db.read_parquet(str(run / "decisions.parquet")).create_view("d")

        def rows(sql: str) -> list[tuple[Any, ...]]:
            return db.execute(sql).fetchall()

        ((documents, kept, errors, conflicts),) = rows(
            "SELECT count(*), count(*) FILTER (keep), count(error),"
            " count(*) FILTER (len(conflicts) > 0) FROM d"
        )
        states = {}
        for use, column in COLUMN.items():
            found = dict(rows(f"SELECT {column}, count(*) FROM d GROUP BY ALL"))
            states[use.value] = {state: int(found.get(state, 0)) for state in _STATES}
        deciders = rows(
            "SELECT CASE WHEN deciding_mechanism IS NOT NULL THEN deciding_mechanism"
            " WHEN error IS NOT NULL THEN 'unreadable record'"
            f" WHEN {use_column} = 'unavailable' THEN 'no robots.txt for the host'"
            " ELSE 'no statement' END AS m, count(*) AS n"
            f" FROM d GROUP BY m ORDER BY n DESC, m LIMIT {top}"
        )
        domains = rows(
            "SELECT coalesce(domain, nullif(host, ''), '(none)') AS name, count(*) AS n,"
            f" count(*) FILTER (keep) FROM d GROUP BY name ORDER BY n DESC, name LIMIT {top}"
        )
        licences = rows(
            "SELECT l, count(*) AS n FROM (SELECT unnest(licenses) AS l FROM d)"
            f" GROUP BY l ORDER BY n DESC, l LIMIT {top}"
        )
        obligations = rows(
            # A document counts once per kind, however many mechanisms asked for it.
            "SELECT k, count(*) AS n FROM (SELECT unnest(list_distinct("
            " list_transform(obligations, lambda o: o.kind))) AS k FROM d WHERE keep)"
            f" GROUP BY k ORDER BY n DESC, k LIMIT {top}"
        )
        refused = rows(
            "SELECT r, count(*) AS n FROM (SELECT unnest(refused) AS r FROM d)"
            " GROUP BY r ORDER BY n DESC, r"
        )
        samples = rows(f'SELECT source, "offset", error FROM d WHERE error IS NOT NULL LIMIT {top}')
    return RunSummary(
        documents=int(documents),
        kept=int(kept),
        errors=int(errors),
        conflicts=int(conflicts),
        policy=policy,
        states=states,
        deciders=[(str(m), int(n)) for m, n in deciders],
        domains=[(str(name), int(n), int(k)) for name, n, k in domains],
        licences=[(str(name), int(n)) for name, n in licences],
        obligations=[(str(kind), int(n)) for kind, n in obligations],
        refused=[(str(kind), int(n)) for kind, n in refused],
        error_samples=[(str(src), int(offset), str(error)) for src, offset, error in samples],
    )


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def render_summary(summary: RunSummary) -> str:
    """The summary as Markdown (also readable as plain text)."""
    policy = summary.policy
    use = policy["use"]
    refuse = ", ".join(policy.get("refuse", ())) or "none"
    lines = [
        "# Audit summary",
        "",
        f"- documents: {summary.documents}",
        f"- kept for {use}: {summary.kept} ({_percent(summary.kept, summary.documents)})",
        f"- records that could not be read: {summary.errors}",
        f"- documents with conflicting signals: {summary.conflicts}",
        f"- policy: crawler {policy['crawler']}, robots.txt as of {policy['robots_as_of']}, "
        f"unknown -> {policy['unknown']}, unavailable -> {policy['unavailable']}, "
        f"accepted obligations: {', '.join(policy['accept']) or 'none'}, "
        f"refused obligations: {refuse}",
        "",
        "## Decisions per use",
        "",
        "| use | " + " | ".join(_STATES) + " |",
        "|---|" + "---|" * len(_STATES),
    ]
    for name, counts in summary.states.items():
        lines.append(f"| {name} | " + " | ".join(str(counts[s]) for s in _STATES) + " |")
    lines += ["", f"## What decided {use}", "", "| mechanism | documents |", "|---|---|"]
    lines += [f"| {name} | {count} |" for name, count in summary.deciders]
    if summary.refused:
        lines += ["", "## Excluded by refused obligations", "", "| obligation | documents |"]
        lines += ["|---|---|"] + [f"| {name} | {count} |" for name, count in summary.refused]
    lines += ["", "## Domains", "", "| domain | documents | kept |", "|---|---|---|"]
    lines += [f"| {name} | {docs} | {kept} |" for name, docs, kept in summary.domains]
    if summary.licences:
        lines += ["", "## Licences", "", "| licence | documents |", "|---|---|"]
        lines += [f"| {name} | {count} |" for name, count in summary.licences]
    if summary.obligations:
        lines += ["", f"## Obligations that come with {use} (kept documents)", ""]
        lines += ["| obligation | documents |", "|---|---|"]
        lines += [f"| {name} | {count} |" for name, count in summary.obligations]
    if summary.error_samples:
        lines += ["", "## Unreadable records (first ones)", ""]
        lines += [f"- {src} @ {offset}: {error}" for src, offset, error in summary.error_samples]
    return "\n".join(lines) + "\n"
