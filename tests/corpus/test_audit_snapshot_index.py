"""An audit's snapshots are shared through their on-disk index: a worker is sent its path, not a
copy; the index lives in the run's ``.snapshots/`` while the run lasts and is rebuilt when a
killed run left one."""

from __future__ import annotations

import json
import pickle
from datetime import datetime, timezone
from pathlib import Path

import pyarrow.parquet as pq

from reciprocity.cli import EXIT_OK, main
from reciprocity.corpus.audit import _Job
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.readers import read_documents
from reciprocity.sources.site import SiteSays
from reciprocity.sources.snapshot_index import INDEX_NAME
from reciprocity.sources.snapshots import SnapshotEntry, load_snapshots, write_snapshot_warc

FETCHED = datetime(2026, 5, 30, tzinfo=timezone.utc)


def test_a_worker_is_sent_the_index_path_not_the_snapshots(tmp_path: Path) -> None:
    def job_size(hosts: int) -> int:
        path = tmp_path / f"robots-{hosts}.warc.gz"
        entries: list[SnapshotEntry] = [
            (f"https://h{i}.example/robots.txt", FETCHED, 200, [], f"User-agent: *\nDisallow: /{i}")
            for i in range(hosts)
        ]
        write_snapshot_warc(path, entries)
        with load_snapshots([path]) as snapshots:
            job = _Job(tmp_path, AuditPolicy(), SiteSays(snapshots), read_documents, 1000)
            sent = pickle.dumps(job)
            received = pickle.loads(sent).robots
            assert isinstance(received, SiteSays)
            assert received.snapshots is not None
            assert received.snapshots.index.path == snapshots.index.path
            return len(sent)

    small, large = job_size(3), job_size(5000)
    assert large < 8000
    assert large - small < 64  # the digits of the counts, not the snapshots


def audit(run: Path, *args: str) -> list[dict[str, object]]:
    assert main(["audit", "--sample", "--out", str(run), "--quiet", *args]) == EXIT_OK
    rows: list[dict[str, object]] = pq.read_table(run / "decisions.parquet").to_pylist()
    return rows


def test_the_run_folder_holds_the_index_only_while_it_runs(tmp_path: Path) -> None:
    whole = audit(tmp_path / "whole", "--workers", "2")
    assert not (tmp_path / "whole" / ".snapshots").exists()
    # A run killed while it ran left its index, which the next run replaces.
    left = tmp_path / "killed" / ".snapshots"
    left.mkdir(parents=True)
    (left / INDEX_NAME).write_bytes(b"not an index: a killed run's leftover")
    (left / f"{INDEX_NAME}-loading").write_bytes(b"")
    assert audit(tmp_path / "killed", "--workers", "2") == whole
    assert not left.exists()
    manifest = json.loads((tmp_path / "killed" / "run.json").read_text())
    assert manifest["site_sources"]["snapshots"]["origins"] > 0
