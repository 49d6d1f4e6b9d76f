"""Findings as a SARIF 2.1.0 log (OASIS Standard, errata 01), so that code hosts show them inline.

One run; ``tool.driver.rules`` is the whole rule registry (a result points into it by
``ruleIndex``), each result has its physical location (file and region) and, for a
contradiction, the other statement as a related location.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from reciprocity._version import __version__
from reciprocity.steward.lint import Finding, Location
from reciprocity.steward.lint_rules import DOCS_URL, RULES

__all__ = ["SARIF_SCHEMA", "SARIF_VERSION", "to_sarif"]

SARIF_VERSION: Final = "2.1.0"
SARIF_SCHEMA: Final = "https://json.schemastore.org/sarif-2.1.0.json"
_INFORMATION_URI: Final = "https://github.com/reciprocity-dev/reciprocity"


def _rules() -> list[dict[str, Any]]:
    return [
        {
            "id": rule.id,
            "name": "".join(part.capitalize() for part in rule.id.split("-")),
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": f"{rule.summary} ({rule.spec})"},
            "helpUri": rule.help_url,
            "defaultConfiguration": {"level": rule.severity.value},
            "properties": {"spec": rule.spec, "contradiction": rule.contradiction},
        }
        for rule in RULES.values()
    ]


def _physical(where: Location) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": where.file}}
    if where.line is not None:
        region: dict[str, int] = {"startLine": where.line}
        if where.column is not None:
            region["startColumn"] = where.column
        physical["region"] = region
    return physical


def to_sarif(findings: Iterable[Finding]) -> dict[str, Any]:
    """The SARIF log of ``findings`` (a JSON-ready dict)."""
    index = {rule_id: position for position, rule_id in enumerate(RULES)}
    results = []
    for finding in findings:
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "ruleIndex": index[finding.rule],
            "level": finding.severity.value,
            "message": {"text": finding.message},
            "locations": [{"physicalLocation": _physical(finding.location)}],
        }
        if finding.related:
            result["relatedLocations"] = [
                {
                    "id": number,
                    "physicalLocation": _physical(where),
                    "message": {"text": where.note or "related"},
                }
                for number, where in enumerate(finding.related, 1)
            ]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "reciprocity-lint",
                        "version": __version__,
                        "informationUri": _INFORMATION_URI,
                        "rules": _rules(),
                        "properties": {"documentation": DOCS_URL},
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
