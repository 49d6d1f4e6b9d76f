"""EU Open Source AI Index scores, reproduced for every record of the pinned database."""

from __future__ import annotations

from typing import Any

import pytest
from openness_support import EU, derived_scores, eu_dir

from reciprocity.openness import assess, load, parse


def _scores() -> list[dict[str, Any]]:
    return derived_scores() if EU.exists() else []


def test_every_record_has_a_derived_score() -> None:
    records = {p.name for p in (eu_dir() / "main-database").glob("*.yaml")}
    records.discard("a_submission_template.yaml")
    assert {s["file"] for s in _scores()} == records
    assert len(records) == 193


@pytest.mark.parametrize("expected", _scores(), ids=lambda s: s["file"])
def test_score(expected: dict[str, Any]) -> None:
    result = assess(load(eu_dir() / "main-database" / expected["file"])).eu_index
    assert result.assessable
    assert result.score == pytest.approx(expected["score"], abs=5e-5)
    assert {c.category: c.score for c in result.categories} == pytest.approx(
        expected["categories"], abs=5e-5
    )
    assert {p.param: p.weight for p in result.params} == pytest.approx(expected["params"])


def test_template_without_type_is_not_assessable() -> None:
    result = assess(load(eu_dir() / "main-database" / "a_submission_template.yaml")).eu_index
    assert not result.assessable
    assert result.score is None
    assert "no index parameter applies" in result.reason


def test_other_formats_carry_no_grades() -> None:
    result = assess(load(eu_dir().parent / "mot" / "models" / "OLMo-7B.yml")).eu_index
    assert not result.assessable
    assert "carries none" in result.reason


def test_unknown_grade_counts_zero_with_a_diagnostic() -> None:
    text = "system:\n  name: X\n  type: text\nweights_endmodel:\n  class: Open\n"
    release = parse(text)
    assert [d.code for d in release.diagnostics] == ["unknown-grade"]
    result = assess(release).eu_index
    assert result.score == 0.0
    assert all(p.weight == 0.0 for p in result.params)


def test_types_filter_parameters() -> None:
    release = parse("system:\n  name: X\n  type: text, code\nlicenses:\n  class: partial\n")
    result = assess(release).eu_index
    assert len(result.params) == 12
    assert result.score == pytest.approx(0.5 / 12)
