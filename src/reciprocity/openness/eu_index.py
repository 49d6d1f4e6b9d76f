"""The European Open Source AI Index score of a record, from the grades its maintainers gave.

The score is the index website's (``composables/models.ts``): open = 1, partial = 0.5, closed or
ungraded = 0; only parameters whose ``types`` include one of the model's types count; a category
scores the mean of its parameters and the total is the mean of all counted parameters. The
parameter list is the index's ``_parameters.yml`` (12 parameters at the pinned commit).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from reciprocity.openness.catalogue import load_yaml_data
from reciprocity.openness.model import (
    EuCategoryScore,
    EuIndexResult,
    EuParamScore,
    Release,
)

__all__ = ["WEIGHTS", "ParamSpec", "param_refs", "params", "score"]

WEIGHTS: dict[str, float] = {"open": 1.0, "partial": 0.5, "closed": 0.0}


@dataclass(frozen=True, slots=True)
class ParamSpec:
    ref: str
    name: str
    category: str
    category_name: str
    types: frozenset[str]
    question: str


@functools.cache
def params() -> tuple[ParamSpec, ...]:
    questions = load_yaml_data("eu_osai_parameter_descriptions.yml") or {}
    specs = []
    for category in load_yaml_data("eu_osai_parameters.yml"):
        for param in category["params"]:
            ref = str(param["ref"])
            entry = questions.get(ref)
            question = str(entry.get("en", "")).strip() if isinstance(entry, dict) else ""
            specs.append(
                ParamSpec(
                    ref=ref,
                    name=str(param["name"]).strip(),
                    category=str(category["ref"]),
                    category_name=str(category["name"]),
                    types=frozenset(str(t).strip() for t in param.get("types", [])),
                    question=question,
                )
            )
    return tuple(specs)


def param_refs() -> tuple[str, ...]:
    return tuple(spec.ref for spec in params())


def score(release: Release) -> EuIndexResult:
    if release.grades is None:
        return EuIndexResult(
            assessable=False,
            score=None,
            categories=(),
            params=(),
            reason="not an EU Open Source AI Index record: the index score is computed from the "
            "grades its maintainers assign, and this input carries none",
        )
    grades = {grade.param: grade for grade in release.grades}
    types = set(release.types)
    counted: list[EuParamScore] = []
    for spec in params():
        if not spec.types & types:
            continue
        grade = grades.get(spec.ref)
        value = None if grade is None else grade.grade
        counted.append(
            EuParamScore(
                param=spec.ref,
                name=spec.name,
                category=spec.category,
                grade=value,
                weight=WEIGHTS.get(value or "", 0.0),
                links=() if grade is None else grade.links,
                notes="" if grade is None else grade.notes,
            )
        )
    categories = []
    seen: dict[str, str] = {}
    for spec in params():
        seen.setdefault(spec.category, spec.category_name)
    for category, name in seen.items():
        weights = [p.weight for p in counted if p.category == category]
        categories.append(
            EuCategoryScore(category, name, sum(weights) / len(weights) if weights else None)
        )
    if not counted:
        return EuIndexResult(
            assessable=False,
            score=None,
            categories=tuple(categories),
            params=(),
            reason=f"no index parameter applies to the model type {sorted(types) or '(none)'}",
        )
    total = sum(p.weight for p in counted) / len(counted)
    return EuIndexResult(
        assessable=True,
        score=total,
        categories=tuple(categories),
        params=tuple(counted),
        reason=f"mean of {len(counted)} parameters (open 1, partial 0.5, closed or ungraded 0)",
    )
