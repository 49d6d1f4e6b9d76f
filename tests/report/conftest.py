from __future__ import annotations

from pathlib import Path

import pytest
from run_factory import build_run


@pytest.fixture(scope="session")
def report_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixed audit run (``run_factory.PAGES``); read it, never write into it."""
    return build_run(tmp_path_factory.mktemp("report-run"))
