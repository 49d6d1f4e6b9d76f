"""MOF classes as the Model Openness Tool computes them: its 27 fixtures and 273 model records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from openness_support import MOT, derived_classifications, expected_results, mot_dir

from reciprocity.openness import ComponentStatus, MofResult, assess, load, parse


def _content_key(release: dict[str, Any]) -> tuple[object, ...]:
    """What a fixture says about licences: enough to pair a fixture file with its expected entry."""
    components = tuple(
        sorted((c["name"], c.get("license")) for c in release.get("components") or [])
    )
    licences = tuple(
        sorted((k, (v or {}).get("name")) for k, v in (release.get("license") or {}).items())
    )
    return components, licences


def _fixture_pairs() -> list[tuple[Path, dict[str, Any]]]:
    # The fixture file names encode an obsolete algorithm and do not match the release names in
    # expected_results.json, so files and entries are paired by their content.
    if not MOT.exists():
        return []
    files = {
        _content_key(yaml.safe_load(path.read_text("utf-8"))["release"]): path
        for path in sorted((MOT / "test_models").glob("*.yml"))
    }
    return [(files[_content_key(entry["release"])], entry) for entry in expected_results()]


def _assert_classification(result: MofResult, expected: dict[str, Any], tolerance: float) -> None:
    assert result.mof_class == expected["class"]
    assert result.label == expected["label"]
    for level, value in expected["progress"].items():
        assert result.progress_of(int(level)).progress == pytest.approx(float(value), abs=tolerance)


def test_every_fixture_is_paired_once() -> None:
    pairs = _fixture_pairs()
    files = sorted((mot_dir() / "test_models").glob("*.yml"))
    assert len(pairs) == 27
    assert sorted(path for path, _entry in pairs) == files


@pytest.mark.parametrize(
    ("path", "expected"),
    [pytest.param(path, entry, id=path.stem) for path, entry in _fixture_pairs()],
)
def test_fixture_class_and_progress(path: Path, expected: dict[str, Any]) -> None:
    _assert_classification(assess(load(path)).mof, expected["classification"], 1e-9)


@pytest.mark.parametrize("entry", expected_results() if MOT.exists() else [], ids=lambda e: e["id"])
def test_fixture_release_embedded_in_expected_results(entry: dict[str, Any]) -> None:
    # expected_results.json also carries each release as the MOT API returns it; JSON is YAML.
    document = {"framework": entry["framework"], "release": entry["release"]}
    release = parse(json.dumps(document), source=f"expected_results.json#{entry['id']}")
    _assert_classification(assess(release).mof, entry["classification"], 1e-9)


def _derived() -> list[dict[str, Any]]:
    return derived_classifications() if MOT.exists() else []


def test_all_mot_models_are_covered() -> None:
    assert len(_derived()) == len(list((mot_dir() / "models").glob("*.yml"))) == 273


@pytest.mark.parametrize("record", _derived(), ids=lambda r: r["file"])
def test_mot_model_record(record: dict[str, Any]) -> None:
    result = assess(load(mot_dir() / record["file"])).mof
    # The derived file rounds progress to four decimals.
    _assert_classification(result, record["classification"], 5e-5)
    listed = {
        c.name: {"status": c.status.value, "license": c.licence or "unlicensed"}
        for c in result.components
        if c.status is not ComponentStatus.MISSING
    }
    assert listed == record["components"]
    assert sorted(result.not_type_appropriate) == sorted(record["not_type_appropriate"])


def test_class_counts_of_the_mot_catalogue() -> None:
    counts = {0: 0, 1: 0, 2: 0, 3: 0}
    for path in sorted((mot_dir() / "models").glob("*.yml")):
        counts[assess(load(path)).mof.mof_class] += 1
    assert counts == {0: 242, 3: 16, 2: 1, 1: 14}
