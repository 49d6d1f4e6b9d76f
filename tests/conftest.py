"""Shared test fixtures: where the real data lives, and how a missing corpus is handled."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPORA = ROOT / ".cache" / "corpora"


def require(path: Path, what: str) -> Path:
    """Return ``path``; skip (or, in CI, fail) with a named reason when it is missing."""
    if path.exists():
        return path
    message = f"{what} not found at {path} (run: python3 scripts/bootstrap.py --test)"
    if os.environ.get("RECIPROCITY_REQUIRE_CORPORA") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def report_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixed audit run of the report's tests (``report_factory.PAGES``); read it, never
    write into it."""
    from report_factory import build_run

    return build_run(tmp_path_factory.mktemp("report-run"))
