"""model_preferences.json: per use, the kept data's states; the duties the model inherits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from golden import check_golden
from report_factory import GENERATED, scrub

from reciprocity.report import preferences
from reciprocity.report.options import ReportOptions
from reciprocity.report.run import open_run

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def document(report_run: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("preferences")
    (path,) = preferences.write(open_run(report_run), out, ReportOptions(generated=GENERATED))
    text = path.read_text("utf-8")
    check_golden(GOLDEN / "model_preferences.json", scrub(text, report_run.parent))
    content: dict[str, Any] = json.loads(text)
    return content


def test_states_of_the_kept_data_per_use(document: dict[str, Any], report_run: Path) -> None:
    rows = pq.read_table(report_run / "decisions.parquet").to_pylist()
    kept = [r for r in rows if r["keep"]]
    assert document["format"] == preferences.FORMAT
    assert document["vocabulary"] == "draft-ietf-aipref-vocab-08"
    assert document["training_data"] == {
        "decided_for": "train-ai",
        "documents": len(kept),
        "bytes": sum(r["payload_bytes"] for r in kept),
    }
    for use, column in (("train-ai", "train_ai"), ("ai-use", "ai_use"), ("search", "search")):
        for state in ("allow", "deny", "unknown", "unavailable"):
            these = [r for r in kept if r[column] == state]
            assert document["uses"][use][state] == {
                "documents": len(these),
                "bytes": sum(r["payload_bytes"] for r in these),
            }
    excluded = [r for r in rows if not r["keep"]]
    assert document["uses"]["train-ai"]["excluded"] == {
        "documents": len(excluded),
        "bytes": sum(r["payload_bytes"] for r in excluded),
    }
    assert "excluded" not in document["uses"]["search"]


def test_inherited_obligations(document: dict[str, Any], report_run: Path) -> None:
    rows = [r for r in pq.read_table(report_run / "decisions.parquet").to_pylist() if r["keep"]]
    kinds = {o["kind"] for r in rows for o in r["obligations"]}
    assert {o["kind"] for o in document["obligations"]} == kinds
    for item in document["obligations"]:
        carrying = [r for r in rows if item["kind"] in {o["kind"] for o in r["obligations"]}]
        assert item["documents"] == len(carrying)
        assert item["bytes"] == sum(r["payload_bytes"] for r in carrying)
        assert item["licenses"] == sorted({lic for r in carrying for lic in r["licenses"]})
    share_alike = next(o for o in document["obligations"] if o["kind"] == "share-alike")
    assert share_alike["licenses"] == ["CC-BY-SA-4.0"]
    assert document["attribution"]["required"] is True
