"""The datatrove step inside a real datatrove pipeline (``LocalPipelineExecutor``, two worker
processes) on the bundled sample: it keeps what the audit keeps, sends the rest with its reason
to the exclusion writer, and annotates every document with the audit's decision."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from reciprocity.corpus.audit import run_audit
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.readers import CorpusReader, read_documents
from reciprocity.corpus.samples import sample_corpus
from reciprocity.integrations.arrow import DECISION_COLUMNS
from reciprocity.sources.site import SiteSays
from reciprocity.sources.snapshots import load_snapshots

pytest.importorskip("datatrove", reason="the datatrove extra is not installed")
pytest.importorskip("orjson", reason="datatrove's JSONL reader and writer need orjson")


def sample_jsonl(folder: Path) -> list[Path]:
    """The sample WARCs' documents with a payload, one JSONL file per WARC, as a datatrove
    reader gives them: the payload in ``text``, URL, date and headers beside it."""
    folder.mkdir()
    files = []
    number = 0
    for warc in sample_corpus().inputs:
        path = folder / f"{warc.name}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for doc in read_documents(warc):
                if not doc.body:
                    continue  # datatrove's readers skip documents without text
                number += 1
                row = {
                    "id": f"doc-{number}",
                    "text": doc.body.decode("utf-8", "replace"),
                    "url": doc.url,
                    "date": doc.date.isoformat() if doc.date else None,
                    "headers": [list(pair) for pair in doc.headers],
                }
                out.write(json.dumps(row) + "\n")
        files.append(path)
    return files


def written(folder: Path) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as file:
            found.extend(json.loads(line) for line in file)
    return found


def test_a_datatrove_pipeline_keeps_what_the_audit_keeps(tmp_path: Path) -> None:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from reciprocity.integrations.datatrove import ReciprocityFilter

    inputs = sample_jsonl(tmp_path / "in")
    policy = AuditPolicy()
    with load_snapshots(sample_corpus().robots, index_folder=tmp_path / "index") as snapshots:
        run_audit(
            inputs,
            tmp_path / "run",
            policy=policy,
            robots=SiteSays(snapshots),
            reader=CorpusReader(),
            progress=False,
        )
        executor = LocalPipelineExecutor(
            pipeline=[
                JsonlReader(str(tmp_path / "in")),
                ReciprocityFilter(
                    policy,
                    snapshots,
                    exclusion_writer=JsonlWriter(str(tmp_path / "dropped")),
                ),
                JsonlWriter(str(tmp_path / "kept")),
            ],
            tasks=len(inputs),
            workers=2,
            logging_dir=str(tmp_path / "logs"),
        )
        executor.run()

    audit = {
        r["record_id"]: r for r in pq.read_table(tmp_path / "run" / "decisions.parquet").to_pylist()
    }
    kept, dropped = written(tmp_path / "kept"), written(tmp_path / "dropped")
    assert len(kept) + len(dropped) == len(audit)
    assert {d["id"] for d in kept} == {i for i, r in audit.items() if r["keep"]}
    assert kept
    assert dropped
    reasons: Counter[str] = Counter()
    for doc in [*kept, *dropped]:
        row = audit[doc["id"]]
        decision = doc["metadata"]["reciprocity"]
        assert list(decision) == list(DECISION_COLUMNS)
        expected = json.loads(json.dumps({c: row[c] for c in DECISION_COLUMNS}, default=str))
        for snapshot in expected["snapshots"]:  # dates as ISO 8601 text, as the filter writes
            if snapshot["date"] is not None:
                snapshot["date"] = snapshot["date"].replace(" ", "T")
        assert decision == expected, doc["id"]
    for doc in dropped:
        reason = doc["metadata"]["filter_reason"]
        row = audit[doc["id"]]
        assert reason.startswith(f"train_ai={row['train_ai']}") or reason == "error"
        reasons[reason] += 1
    assert len(reasons) >= 2, reasons
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text(encoding="utf-8"))
    counted = next(s for s in stats if s["name"].endswith("reciprocity"))
    assert counted["stats"]["dropped"] == len(dropped)


def test_a_missing_extra_is_one_line_naming_the_pip_command() -> None:
    code = "import sys; sys.modules['datatrove'] = None; import reciprocity.integrations.datatrove"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "ModuleNotFoundError: datatrove is not installed: pip install 'reciprocity[datatrove]'"
    )
