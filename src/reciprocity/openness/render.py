"""Show an :class:`Assessment` as Markdown text or as JSON; both read the same frozen data."""

from __future__ import annotations

import dataclasses
import enum
import json
from typing import Any

from reciprocity.openness.model import (
    Assessment,
    CheckStatus,
    ComponentStatus,
    EuIndexResult,
    FrameworkResult,
    MofResult,
    Release,
    SourceFormat,
)

__all__ = ["JSON_FORMAT", "render_json", "render_text", "to_dict"]

JSON_FORMAT = 1
"""Version of the JSON layout; raised when a field changes meaning or disappears."""

_FORMAT_NAMES = {
    SourceFormat.MOF: "MOF release YAML",
    SourceFormat.EU_OSAI: "EU Open Source AI Index record",
    SourceFormat.HF_CARD: "Hugging Face model card",
}
_ROMAN = {1: "I", 2: "II", 3: "III"}
_MARK = {
    CheckStatus.MET: "met",
    CheckStatus.NOT_MET: "NOT MET",
    CheckStatus.MISSING: "missing",
    CheckStatus.UNKNOWN: "unknown",
}


def to_dict(assessment: Assessment) -> dict[str, Any]:
    """Plain JSON-ready data; the structure mirrors the dataclasses field for field."""
    plain = _plain(assessment)
    assert isinstance(plain, dict)
    return {"format": JSON_FORMAT, **plain}


def render_json(assessment: Assessment) -> str:
    return json.dumps(to_dict(assessment), indent=2, ensure_ascii=False) + "\n"


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value


def render_text(assessment: Assessment) -> str:
    lines: list[str] = []
    _release(lines, assessment.release)
    _mof(lines, assessment.mof)
    _framework(lines, assessment.osaid, "OSI Open Source AI Definition 1.0")
    _framework(lines, assessment.truly_open, "Truly open (LINAGORA / OpenLLM-France criteria)")
    _eu(lines, assessment.eu_index)
    _notes(lines, assessment.release)
    return "\n".join(lines).rstrip() + "\n"


def _cell(text: str | None) -> str:
    return "—" if not text else text.replace("|", "\\|")


def _release(lines: list[str], release: Release) -> None:
    lines.append(f"# Openness of {release.name or '(unnamed release)'}")
    lines.append("")
    lines.append(f"- source: {release.source} ({_FORMAT_NAMES[release.source_format]})")
    facts = [
        ("producer", release.producer),
        ("version", release.version),
        ("date", release.date),
        ("base model", release.base_model),
        ("type", ", ".join(release.types) or None),
    ]
    lines.extend(f"- {label}: {value}" for label, value in facts if value)
    g = release.licences
    stated = [(k, getattr(g, k)) for k in ("distribution", "code", "data", "document")]
    if any(v for _k, v in stated):
        lines.append("- release licences: " + ", ".join(f"{k} {v}" for k, v in stated if v))
    lines.append("")


def _mof(lines: list[str], mof: MofResult) -> None:
    lines.append(f"## Model Openness Framework: {mof.label}")
    lines.append("")
    lines.append("| class | progress | open | not open (blocking) |")
    lines.append("|---|---|---|---|")
    for p in mof.progress:
        progress = f"{p.progress:.1f} %"
        if p.gated:
            progress += f" (class {_ROMAN[p.mof_class + 1]} incomplete)"
        lines.append(
            f"| {_ROMAN[p.mof_class]} | {progress} | {p.open_count}/{p.total} "
            f"| {_cell(', '.join(p.blocking))} |"
        )
    lines.append("")
    lines.append("| class | component | content | status | licence | licence from |")
    lines.append("|---|---|---|---|---|---|")
    for c in mof.components:
        name = c.name if c.required else f"{c.name} (optional)"
        status = c.status.value
        if c.status is ComponentStatus.OPEN and c.type_appropriate is False:
            status += " (licence not meant for this content)"
        lines.append(
            f"| {_ROMAN[c.mof_class]} | {name} | {c.content_type} | {status} "
            f"| {_cell(c.licence)} | {_cell(c.licence_source)} |"
        )
    lines.append("")
    if mof.paper_stands_in_for_report:
        lines.append(
            "- The research paper stands in for the technical report (MOT rule: the report may be "
            "omitted when a paper is provided)."
        )
    if any(c.status is ComponentStatus.UNKNOWN for c in mof.components):
        lines.append(
            "- unknown: the input lists the component but does not state its licence; "
            "it cannot count as open."
        )
    lines.append("- missing: the input does not list the component.")
    lines.append("")


def _framework(lines: list[str], result: FrameworkResult, title: str) -> None:
    lines.append(f"## {title}: {result.verdict.value}")
    lines.append("")
    for r in result.requirements:
        optional = "" if r.required else " (only if used)"
        lines.append(f"- [{_MARK[r.status]}] {r.title}{optional}: {r.rule}")
        lines.append(f"  - {r.reason}")
    lines.append("")


def _eu(lines: list[str], eu: EuIndexResult) -> None:
    if eu.score is None:
        lines.append("## European Open Source AI Index: not assessable")
        lines.append("")
        lines.append(f"- {eu.reason}")
        lines.append("")
        return
    lines.append(f"## European Open Source AI Index: {eu.score:.3f}")
    lines.append("")
    lines.append(f"- {eu.reason}")
    shown = [f"{c.name} {'—' if c.score is None else f'{c.score:.3f}'}" for c in eu.categories]
    lines.append("- categories: " + ", ".join(shown))
    lines.append("")
    lines.append("| parameter | grade | weight | evidence |")
    lines.append("|---|---|---|---|")
    for p in eu.params:
        evidence = " ".join(x for x in (p.links[0] if p.links else "", p.notes) if x)
        lines.append(f"| {p.name} | {p.grade or 'ungraded'} | {p.weight:g} | {_cell(evidence)} |")
    lines.append("")


def _notes(lines: list[str], release: Release) -> None:
    if not release.notes and not release.diagnostics:
        return
    lines.append("## Notes")
    lines.append("")
    lines.extend(f"- {note}" for note in release.notes)
    lines.extend(f"- {diagnostic}" for diagnostic in release.diagnostics)
    lines.append("")
