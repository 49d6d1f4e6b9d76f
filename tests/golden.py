"""Golden-file comparison shared by the CLI and report tests.

Set RECIPROCITY_UPDATE_GOLDEN=1 to rewrite the golden files from the current output, then review
the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path


def check_golden(path: Path, actual: str) -> None:
    if os.environ.get("RECIPROCITY_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"golden file {path} missing; run with RECIPROCITY_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8")
