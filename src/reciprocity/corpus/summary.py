"""The readable summary of an audit run, computed from its files (data first, text second)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

__all__ = ["RunSummary", "render_summary", "summarise"]

_STATES = ("allow", "deny", "unknown", "unavailable")
_USES = (("train-ai", "train_ai"), ("ai-use", "ai_use"), ("search", "search"))


@dataclass(frozen=True, slots=True)
class RunSummary:
    """Counts of one run, for people."""

    documents: int
    kept: int
    errors: int
    conflicts: int
    policy: dict[str, Any]
    states: dict[str, dict[str, int]]
    deciders: list[tuple[str, int]]
    """Mechanisms that decided the run's use, most frequent first."""
    hosts: list[tuple[str, int, int]]
    """(host, documents, kept), most documents first."""
    licences: list[tuple[str, int]]
    obligations: list[tuple[str, int]]
    error_samples: list[tuple[str, int, str]]


def summarise(run_dir: str | Path, *, top: int = 10) -> RunSummary:
    run = Path(run_dir)
    manifest = json.loads((run / "run.json").read_text(encoding="utf-8"))
    table = pq.read_table(
        run / "decisions.parquet",
        columns=[
            "source", "offset", "host", "train_ai", "ai_use", "search", "keep", "decided_by",
            "conflict", "license", "obligations", "error",
        ],
    )  # fmt: skip
    rows = table.to_pylist()
    states = {use: Counter(row[column] for row in rows) for use, column in _USES}
    deciders = Counter(
        row["decided_by"].split(" ", 1)[0].rstrip(":") if row["decided_by"] else "no statement"
        for row in rows
    )
    hosts: dict[str, list[int]] = {}
    for row in rows:
        seen = hosts.setdefault(row["host"] or "(none)", [0, 0])
        seen[0] += 1
        seen[1] += bool(row["keep"])
    licences = Counter(row["license"] for row in rows if row["license"])
    obligations = Counter(o for row in rows for o in row["obligations"] or ())
    errors = [(row["source"], row["offset"], row["error"]) for row in rows if row["error"]]
    return RunSummary(
        documents=len(rows),
        kept=sum(1 for row in rows if row["keep"]),
        errors=len(errors),
        conflicts=sum(1 for row in rows if row["conflict"]),
        policy=manifest["policy"],
        states={use: {s: c[s] for s in _STATES} for use, c in states.items()},
        deciders=deciders.most_common(top),
        hosts=sorted(((h, d, k) for h, (d, k) in hosts.items()), key=lambda x: (-x[1], x[0]))[:top],
        licences=licences.most_common(top),
        obligations=obligations.most_common(top),
        error_samples=errors[:top],
    )


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def render_summary(summary: RunSummary) -> str:
    """The summary as Markdown (also readable as plain text)."""
    policy = summary.policy
    use = policy["use"]
    lines = [
        "# Audit summary",
        "",
        f"- documents: {summary.documents}",
        f"- kept for {use}: {summary.kept} ({_percent(summary.kept, summary.documents)})",
        f"- records that could not be read: {summary.errors}",
        f"- documents with conflicting signals: {summary.conflicts}",
        f"- policy: crawler {policy['crawler']}, robots.txt as of {policy['robots_as_of']}, "
        f"unknown -> {policy['unknown']}, unavailable -> {policy['unavailable']}, "
        f"accepted obligations: {', '.join(policy['accept']) or 'none'}",
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
    lines += ["", "## Hosts", "", "| host | documents | kept |", "|---|---|---|"]
    lines += [f"| {host} | {docs} | {kept} |" for host, docs, kept in summary.hosts]
    if summary.licences:
        lines += ["", "## Licences", "", "| licence | documents |", "|---|---|"]
        lines += [f"| {name} | {count} |" for name, count in summary.licences]
    if summary.obligations:
        lines += ["", f"## Obligations that come with {use}", "", "| obligation | documents |"]
        lines += ["|---|---|"] + [f"| {name} | {count} |" for name, count in summary.obligations]
    if summary.error_samples:
        lines += ["", "## Unreadable records (first ones)", ""]
        lines += [f"- {src} @ {offset}: {error}" for src, offset, error in summary.error_samples]
    return "\n".join(lines) + "\n"
