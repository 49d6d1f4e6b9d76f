"""Paths to the openness ground truth, its not-quite-JSON file, and golden-file comparison.

Golden files: set RECIPROCITY_UPDATE_GOLDEN=1 to rewrite them from the current output, then
review the diff before committing it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1] / ".." / "shared"
GROUND_TRUTH = SHARED / "openness_ground_truth"
MOT = GROUND_TRUTH / "mot"
EU = GROUND_TRUTH / "osai_index"
DATA = HERE / "data"
GOLDEN = HERE / "golden"


def _require(path: Path, what: str) -> Path:
    if path.exists():
        return path
    message = f"{what} not found at {path}"
    if os.environ.get("RECIPROCITY_REQUIRE_CORPORA") == "1":
        pytest.fail(message)
    pytest.skip(message)


def mot_dir() -> Path:
    return _require(MOT, "MOT ground truth")


def eu_dir() -> Path:
    return _require(EU, "EU Open Source AI Index ground truth")


def expected_results() -> list[dict[str, Any]]:
    # The MOT's expected_results.json has trailing commas; strip them before parsing.
    text = (mot_dir() / "expected_results.json").read_text("utf-8")
    models: list[dict[str, Any]] = json.loads(re.sub(r",(\s*[}\]])", r"\1", text))["models"]
    return models


def derived_classifications() -> list[dict[str, Any]]:
    text = (mot_dir() / "derived_classifications.json").read_text("utf-8")
    models: list[dict[str, Any]] = json.loads(text)["models"]
    return models


def derived_scores() -> list[dict[str, Any]]:
    scores: list[dict[str, Any]] = json.loads((eu_dir() / "derived_scores.json").read_text("utf-8"))
    return scores


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("RECIPROCITY_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"golden file {path} missing; run with RECIPROCITY_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8")
