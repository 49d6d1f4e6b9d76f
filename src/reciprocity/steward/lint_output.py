"""Findings for people (text, grouped by file) and for programs (JSON)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from reciprocity.steward.lint import Finding, Location, count_by_rule
from reciprocity.steward.lint_rules import RULES, Severity

__all__ = ["JSON_VERSION", "summary", "to_json", "to_text"]

JSON_VERSION: Final = 1
"""Version of the ``--json`` shape (bumped when a field changes meaning or goes away)."""


def _where(location: Location) -> str:
    where = location.file
    if location.line is not None:
        where += f":{location.line}"
        if location.column is not None:
            where += f":{location.column}"
    return where


def summary(findings: Sequence[Finding]) -> str:
    """``2 errors, 1 warning (1 contradiction)``, or ``no findings``."""
    if not findings:
        return "no findings"
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = len(findings) - errors
    contradictions = sum(RULES[f.rule].contradiction for f in findings)
    text = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    if contradictions:
        text += f" ({contradictions} contradiction{'s' * (contradictions != 1)})"
    return text


def to_text(findings: Sequence[Finding]) -> str:
    """``file:line: severity rule-id message`` per finding, grouped by file (a blank line
    between files), each related place indented below, then the summary."""
    lines: list[str] = []
    current: str | None = None
    for finding in findings:
        if current is not None and finding.location.file != current:
            lines.append("")
        current = finding.location.file
        lines.append(
            f"{_where(finding.location)}: {finding.severity.value} {finding.rule} {finding.message}"
        )
        lines.extend(f"  {_where(where)}: {where.note}" for where in finding.related)
    if lines:
        lines.append("")
    lines.append(summary(findings))
    return "\n".join(lines) + "\n"


def _location(location: Location) -> dict[str, Any]:
    found: dict[str, Any] = {
        "file": location.file,
        "line": location.line,
        "column": location.column,
    }
    if location.note:
        found["note"] = location.note
    return found


def to_json(targets: Sequence[str], findings: Sequence[Finding]) -> dict[str, Any]:
    """The findings as one JSON document: what was linted, each finding, counts per severity and
    per rule."""
    return {
        "version": JSON_VERSION,
        "targets": list(targets),
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity.value,
                **_location(f.location),
                "message": f.message,
                "related": [_location(where) for where in f.related],
            }
            for f in findings
        ],
        "counts": {
            "error": sum(f.severity is Severity.ERROR for f in findings),
            "warning": sum(f.severity is Severity.WARNING for f in findings),
            "by_rule": count_by_rule(findings),
        },
    }
