"""The dataset card of a run (``card.md``): a Hugging Face dataset card whose every figure comes
from the run's ``decisions.parquet`` and ``run.json``.

The YAML header is written in the Hub's vocabularies (:mod:`reciprocity.report.hub`) with
PyYAML, which reciprocity depends on already: ``huggingface_hub`` would add a network client, a
native transfer library and a dozen packages to write a header its ``DatasetCard`` class only
wraps (docs/dataset-card.md). The body follows the sections of the Hub's card template where
the run can speak, and says what it cannot know.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from reciprocity.report.files import write_text
from reciprocity.report.hub import hub_licence, hub_licences, size_category
from reciprocity.report.options import ReportOptions
from reciprocity.report.run import DECISIONS, RunFiles
from reciprocity.report.tally import (
    UNAVAILABLE,
    UNKNOWN,
    UNREADABLE,
    Conflict,
    Count,
    Totals,
    conflicts,
    exclusions,
    licences,
    refused,
    totals,
)

__all__ = ["CARD", "CardFacts", "Source", "card_facts", "card_header", "render_card", "write"]

CARD: Final = "card.md"
CONFIG: Final = "decisions"
"""The card's one config: the audit's table, as the Hub's dataset viewer reads it."""


@dataclass(frozen=True, slots=True)
class Source:
    """One input of the run: its file as the manifest records it, its documents as the table
    holds them."""

    path: str
    file_bytes: int | None
    documents: int
    kept: int


@dataclass(frozen=True, slots=True)
class CardFacts:
    """Everything the card states, computed before any of it is written."""

    name: str
    use: str
    policy: dict[str, Any]
    online: bool
    snapshot_files: tuple[str, ...]
    sources: tuple[Source, ...]
    totals: Totals
    exclusions: tuple[Count, ...]
    refused: tuple[Count, ...]
    licences: tuple[Count, ...]
    conflicts: tuple[Conflict, ...]

    @property
    def pretty_name(self) -> str:
        return f"{self.name}: documents kept for {self.use}"


def _sources(run: RunFiles, counted: dict[str, tuple[int, int]]) -> tuple[Source, ...]:
    listed = []
    for entry in run.inputs:
        path = str(entry.get("path", ""))
        docs, kept = counted.pop(path, (0, 0))
        size = entry.get("bytes")
        listed.append(Source(path, int(size) if isinstance(size, int) else None, docs, kept))
    # A table source the manifest does not list (a path given otherwise): still stated.
    listed += [Source(path, None, docs, kept) for path, (docs, kept) in sorted(counted.items())]
    return tuple(listed)


def card_facts(run: RunFiles) -> CardFacts:
    with run.query() as db:
        per_source = db.execute(
            "SELECT source, count(*), count(*) FILTER (keep) FROM d GROUP BY source"
        ).fetchall()
        return CardFacts(
            name=run.folder.resolve().name,
            use=run.use.value,
            policy=dict(run.policy),
            online=bool(run.manifest.get("online")),
            snapshot_files=tuple(str(s.get("path")) for s in run.manifest.get("snapshots", [])),
            sources=_sources(run, {str(s): (int(n), int(k)) for s, n, k in per_source}),
            totals=totals(db, run.use_column),
            exclusions=exclusions(db, run.use_column),
            refused=refused(db),
            licences=licences(db),
            conflicts=conflicts(db),
        )


def card_header(facts: CardFacts) -> dict[str, Any]:
    """The card's YAML header, as the Hub reads it (no ``task_categories``: an audit knows of
    no task)."""
    header: dict[str, Any] = {"pretty_name": facts.pretty_name}
    licence_ids = hub_licences(
        (count.name for count in facts.licences), unlicensed=facts.totals.kept_unlicensed > 0
    )
    if licence_ids:
        header["license"] = licence_ids
    header["size_categories"] = [size_category(facts.totals.kept)]
    header["configs"] = [
        {"config_name": CONFIG, "data_files": [{"split": CONFIG, "path": DECISIONS}]}
    ]
    return header


def _n(value: int) -> str:
    return f"{value:,}"


def _docs(value: int) -> str:
    return f"{value:,} document" + ("" if value == 1 else "s")


def _flag(name: str) -> str:
    return f"`--{name.replace('_', '-')}`"


_REASONS: Final = {
    UNREADABLE: "the record could not be read",
    UNAVAILABLE: "no robots.txt could be had for the host (`--unavailable deny`)",
    UNKNOWN: "no statement about the use (`--unknown deny`)",
    "policy": "allowed, but carries an obligation the run refuses (`--refuse`)",
}


def _policy_lines(facts: CardFacts) -> list[str]:
    policy, t = facts.policy, facts.totals
    honour = policy.get("honour", "catalogue")
    tokens = (
        "those of the AI crawlers reciprocity's catalogue maps to the use"
        if honour == "catalogue"
        else ", ".join(f"`{token}`" for token in honour)
    )
    accept = ", ".join(f"`{d}`" for d in policy.get("accept", [])) or "none"
    refuse = ", ".join(f"`{d}`" for d in policy.get("refuse", [])) or "none"
    return [
        f"- Use decided: `{facts.use}` (`--use`).",
        f"- Crawler: `{policy.get('crawler')}`; robots.txt groups also honoured: {tokens} "
        f"({_flag('honour')}).",
        f"- robots.txt and site files as of: `{policy.get('robots_as_of')}` "
        f"({_flag('robots_as_of')}).",
        f"- No statement about the use: `{policy.get('unknown')}` ({_flag('unknown')}); "
        f"{_docs(t.unknown)}.",
        f"- No robots.txt for the host: `{policy.get('unavailable')}` ({_flag('unavailable')}); "
        f"{_docs(t.unavailable)}.",
        f"- Obligations accepted (`--accept`): {accept}.",
        f"- Obligations refused (`--refuse`): {refuse}.",
        "- Site files fetched live: " + ("yes" if facts.online else "no") + ".",
        "- robots.txt snapshots: "
        + (", ".join(f"`{p}`" for p in facts.snapshot_files) or "none")
        + ".",
    ]


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return [
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def _limits(facts: CardFacts) -> list[str]:
    t = facts.totals
    lines = []
    if t.no_bytes:
        lines.append(
            f"- Documents with no payload in their input (URL-only rows): {_n(t.no_bytes)}. "
            "No page of theirs was read, so no header, meta tag or licence of the page could "
            "speak for them, and their bytes are not counted."
        )
    if t.unavailable:
        lines.append(
            f"- Documents from hosts for which no robots.txt could be had: {_n(t.unavailable)}. "
            "What their robots.txt says is unknown."
        )
    if t.no_date:
        lines.append(
            f"- Documents with no capture date: {_n(t.no_date)}. The newest robots.txt copy "
            "applied to them, whatever the `--robots-as-of` rule."
        )
    if not facts.online:
        lines.append(
            "- Site files (robots.txt, tdmrep.json, ai.txt, RSL) are known only as far as the "
            "snapshots and the audited records hold them; nothing was fetched live."
        )
    return [
        *lines,
        "- Licences are as the pages state them; no rights holder confirmed them.",
        "- Preferences are those stated in machine-readable form; reservations made otherwise "
        "(terms of service, contracts, letters) are not seen.",
        "- Personal data, illegal content, quality, language and duplicates were not assessed.",
    ]


def render_card(facts: CardFacts, options: ReportOptions) -> str:
    t = facts.totals
    header = yaml.safe_dump(
        card_header(facts), sort_keys=False, allow_unicode=True, default_flow_style=False
    )
    kept_share = f"{100 * t.kept / t.documents:.1f}%" if t.documents else "-"
    lines = [
        "---",
        header.rstrip("\n"),
        "---",
        "",
        f"# {facts.pretty_name}",
        "",
        f"This card describes an audit of {_n(t.documents)} documents for the use "
        f"`{facts.use}`: {_n(t.kept)} of them ({kept_share}) are kept under the policy below. "
        f"Every figure in it is computed from the run's `{DECISIONS}` and `run.json`, by "
        f"{options.tool} on {options.generated.isoformat()}.",
        "",
        "## Dataset Details",
        "",
        "### Dataset Sources",
        "",
        *_table(
            ("input", "file bytes", "documents", "kept"),
            [
                (
                    f"`{s.path}`",
                    "unknown" if s.file_bytes is None else _n(s.file_bytes),
                    _n(s.documents),
                    _n(s.kept),
                )
                for s in facts.sources
            ],
        ),
        "",
        "## Dataset Structure",
        "",
        f"The config `{CONFIG}` is the audit's table, `{DECISIONS}`: one row per document with "
        "its decision per use and the evidence for it (docs/decisions.md in reciprocity).",
        "",
        *_table(
            ("", "documents", "bytes"),
            [
                ("audited", _n(t.documents), _n(t.bytes)),
                ("kept", _n(t.kept), _n(t.kept_bytes)),
                ("not kept", _n(t.excluded), _n(t.excluded_bytes)),
            ],
        ),
        "",
        "Bytes are payload bytes (HTTP bodies, a dataset's text). Documents that state no "
        f"payload size: {_n(t.no_bytes)} ({_n(t.kept_no_bytes)} kept). Bytes the WARC/ARC "
        f"records declare: {_n(t.record_bytes)}. Records that could not be read: "
        f"{_n(t.unreadable)}.",
        "",
        "## Dataset Creation",
        "",
        "### Curation Rationale",
        "",
        "_To fill by the builder: why this corpus was collected and for what._",
        "",
        "### Source Data",
        "",
        "#### Data Collection and Processing",
        "",
        "The policy applied:",
        "",
        *_policy_lines(facts),
        "",
        "#### What each mechanism excluded",
        "",
    ]
    if facts.exclusions:
        lines += _table(
            ("decided by", "documents", "bytes"),
            [
                (
                    f"`{c.name}`" + (f": {_REASONS[c.name]}" if c.name in _REASONS else ""),
                    _n(c.documents),
                    _n(c.bytes),
                )
                for c in facts.exclusions
            ],
        )
    else:
        lines.append("Nothing was excluded.")
    if facts.refused:
        lines += ["", "Refused obligations, by duty (a document carrying two counts under each):"]
        duties = [(f"`{c.name}`", _n(c.documents), _n(c.bytes)) for c in facts.refused]
        lines += ["", *_table(("duty", "documents", "bytes"), duties)]
    lines += ["", "#### Licences", ""]
    if facts.licences:
        lines += _table(
            ("SPDX id", "Hub id", "kept documents", "bytes"),
            [
                (f"`{c.name}`", hub_licence(c.name) or "other", _n(c.documents), _n(c.bytes))
                for c in facts.licences
            ],
        )
        lines.append("")
    lines.append(
        f"Kept documents that name no licence: {_n(t.kept_unlicensed)} "
        f"({_n(t.kept_unlicensed_bytes)} bytes). A document naming two counts under each."
    )
    lines += ["", "#### Conflicts found", ""]
    if facts.conflicts:
        lines += _table(
            ("use", "denies", "allows", "documents", "kept"),
            [
                (f"`{c.use}`", f"`{c.deny}`", f"`{c.allow}`", _n(c.documents), _n(c.kept))
                for c in facts.conflicts
            ],
        )
        lines += [
            "",
            "Where mechanisms disagree about a use, the most restrictive stance decides: the deny, "
            "unless the run accepted the obligations that lift it.",
        ]
    else:
        lines.append("No two mechanisms disagreed about any use.")
    lines += [
        "",
        "### Personal and Sensitive Information",
        "",
        "Not assessed by the audit. _To fill by the builder._",
        "",
        "## Bias, Risks, and Limitations",
        "",
        "What this run cannot know:",
        "",
        *_limits(facts),
        "",
    ]
    return "\n".join(lines)


def write(run: RunFiles, folder: Path, options: ReportOptions) -> Sequence[Path]:
    """Write ``folder/card.md``."""
    folder.mkdir(parents=True, exist_ok=True)
    return [write_text(folder / CARD, render_card(card_facts(run), options))]
