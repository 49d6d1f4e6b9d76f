"""Openness of a model release: MOF class, OSAID 1.0, the truly-open criteria, the EU OSAI index.

``load(path)`` or ``parse(text)`` turn a release description into :class:`Release` facts;
``assess(release)`` returns an :class:`Assessment`; ``render_text`` / ``render_json`` show it.
"""

from __future__ import annotations

from reciprocity.openness.assess import assess
from reciprocity.openness.model import (
    Assessment,
    CheckStatus,
    ClassProgress,
    ComponentFact,
    ComponentResult,
    ComponentStatus,
    Diagnostic,
    EuCategoryScore,
    EuIndexResult,
    EuParamScore,
    FrameworkResult,
    GlobalLicences,
    Grade,
    LicenceState,
    MofResult,
    Release,
    Requirement,
    SourceFormat,
    Verdict,
)
from reciprocity.openness.readers import load, parse
from reciprocity.openness.render import render_json, render_text, to_dict

__all__ = [
    "Assessment",
    "CheckStatus",
    "ClassProgress",
    "ComponentFact",
    "ComponentResult",
    "ComponentStatus",
    "Diagnostic",
    "EuCategoryScore",
    "EuIndexResult",
    "EuParamScore",
    "FrameworkResult",
    "GlobalLicences",
    "Grade",
    "LicenceState",
    "MofResult",
    "Release",
    "Requirement",
    "SourceFormat",
    "Verdict",
    "assess",
    "load",
    "parse",
    "render_json",
    "render_text",
    "to_dict",
]
