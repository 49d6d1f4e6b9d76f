"""A generated corpus with injected signals: every decision is checked against what was injected."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
from corpus_factory import write_corpus

from reciprocity.cli import EXIT_OK, main
from reciprocity.corpus.audit import PART


def test_every_injected_signal_is_decided(tmp_path: Path) -> None:
    expected = write_corpus(tmp_path)
    run = tmp_path / "run"
    args = ["audit", str(tmp_path / "corpus.warc.gz"), "--robots", str(tmp_path / "robots.warc.gz")]
    assert main([*args, "--out", str(run), "--quiet"]) == EXIT_OK
    rows = pq.read_table(run / "decisions.parquet").to_pylist()
    assert len(rows) == len(expected)
    wrong = [
        (row["url"], (row["train_ai"], row["search"]), (case.train_ai, case.search))
        for row in rows
        for case in [expected[row["url"]]]
        if (row["train_ai"], row["search"]) != (case.train_ai, case.search)
    ]
    assert wrong == []
    for row in rows:
        case = expected[row["url"]]
        assert row["keep"] is (case.train_ai in ("allow", "unknown"))
        assert row["offset"] >= 0
        assert row["record_id"]
    licensed = [r for r in rows if expected[r["url"]].name == "cc-by"]
    assert {lic for r in licensed for lic in r["licenses"]} == {"CC-BY-4.0"}
    assert all("attribution" in [o["kind"] for o in r["obligations"]] for r in licensed)


RUNNER = """
import sys, time
from pathlib import Path
from reciprocity.corpus.audit import run_audit
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.readers import read_documents
from reciprocity.sources.snapshots import load_snapshots

folder, out, slow = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "slow"

def reader(path, *, start, limit):
    for document in read_documents(path, start=start, limit=limit):
        if slow:
            time.sleep(0.01)
        yield document

run_audit([folder / "corpus.warc.gz"], out, policy=AuditPolicy(),
          robots=load_snapshots([folder / "robots.warc.gz"]), reader=reader, batch=10,
          progress=False, snapshots=[folder / "robots.warc.gz"])
"""


def _command(folder: Path, out: Path, *, slow: bool) -> list[str]:
    return [sys.executable, "-c", RUNNER, str(folder), str(out), "slow" if slow else "fast"]


def _audit(folder: Path, out: Path) -> None:
    done = subprocess.run(
        _command(folder, out, slow=False), capture_output=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr.decode()


def test_a_killed_run_resumes_to_the_same_rows(tmp_path: Path) -> None:
    write_corpus(tmp_path, pages_per_host=4, hosts_per_case=3)  # 156 documents, 16 parts
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    _audit(tmp_path, whole)
    with subprocess.Popen(
        _command(tmp_path, killed, slow=True),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as process:
        deadline = time.monotonic() + 60
        while len(list((killed / "parts").glob(f"*{PART}"))) < 3:
            assert process.poll() is None, "the slow run ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    assert not (killed / "decisions.parquet").exists()
    # Started again with the same command: it finishes, with exactly the rows of the whole run.
    _audit(tmp_path, killed)
    first = pq.read_table(whole / "decisions.parquet")
    second = pq.read_table(killed / "decisions.parquet")
    assert second.num_rows == first.num_rows == 156
    assert second.equals(first)


def test_a_redirect_out_of_the_snapshots_is_unavailable(tmp_path: Path) -> None:
    from corpus_factory import CRAWLED, FETCHED

    from reciprocity.sources.snapshots import write_snapshot_warc

    moved = [("Location", "https://elsewhere.example/robots.txt")]
    write_snapshot_warc(
        tmp_path / "robots.warc.gz", [("https://a.example/robots.txt", FETCHED, 301, moved, b"")]
    )
    page = [("Content-Type", "text/html")]
    write_snapshot_warc(
        tmp_path / "corpus.warc.gz",
        [("https://a.example/p", CRAWLED, 200, page, b"<html><head></head></html>")],
    )
    run = tmp_path / "run"
    args = ["audit", str(tmp_path / "corpus.warc.gz"), "--robots", str(tmp_path / "robots.warc.gz")]
    assert main([*args, "--out", str(run), "--quiet"]) == EXIT_OK
    (row,) = pq.read_table(run / "decisions.parquet").to_pylist()
    assert (row["train_ai"], row["keep"]) == ("unavailable", False)


def test_a_finished_run_reruns_from_its_parts_and_a_changed_input_is_refused(
    tmp_path: Path,
) -> None:
    write_corpus(tmp_path, pages_per_host=2, hosts_per_case=1)
    run = tmp_path / "run"
    _audit(tmp_path, run)
    manifest = json.loads((run / "run.json").read_text())
    corpus = tmp_path / "corpus.warc.gz"
    (entry,) = manifest["inputs"]
    assert entry["sha256"] == hashlib.sha256(corpus.read_bytes()).hexdigest()
    assert entry["bytes"] == corpus.stat().st_size
    assert len(manifest["snapshots"][0]["sha256"]) == 64
    # The same command again: accepted (the checksums recorded do not count), nothing redone.
    _audit(tmp_path, run)
    assert json.loads((run / "run.json").read_text())["resumed_parts"] == len(
        list((run / "parts").glob(f"*{PART}"))
    )
    # The input changed since: refused, whatever its checksum would say.
    os.utime(corpus, ns=(corpus.stat().st_atime_ns, corpus.stat().st_mtime_ns + 10**9))
    refused = subprocess.run(
        _command(tmp_path, run, slow=False), capture_output=True, timeout=120, check=False
    )
    assert refused.returncode != 0
    assert "other inputs" in refused.stderr.decode()
