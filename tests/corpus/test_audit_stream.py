"""``decisions.parquet`` assembled beside the deciding (``audit._Stream``): the rows, groups and
counts of the assembly at the end, and no file left behind when a run fails or is stopped."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from corpus_factory import write_corpus

from reciprocity.corpus import audit as audit_module
from reciprocity.corpus.audit import PART, run_audit
from reciprocity.corpus.document import Document
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.readers import CorpusReader
from reciprocity.sources.snapshots import load_snapshots


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], Path]:
    """A WARC of pages with signals, then a URL-only Parquet file of the same sites (decided by
    site, in parts of their own)."""
    folder = tmp_path_factory.mktemp("stream")
    cases = write_corpus(folder)
    urls = sorted(cases) * 3
    pq.write_table(pa.table({"url": urls}), folder / "urls.parquet")
    return [folder / "corpus.warc.gz", folder / "urls.parquet"], folder / "robots.warc.gz"


def _run(inputs: tuple[list[Path], Path], out: Path, reader: Any = None, workers: int = 1) -> Path:
    paths, robots = inputs
    run_audit(
        paths,
        out,
        policy=AuditPolicy(),
        robots=load_snapshots([robots]),
        reader=reader or CorpusReader(),
        progress=False,
        snapshots=[robots],
        batch=7,
        workers=workers,
    )
    return out


def _groups(run: Path) -> list[int]:
    meta = pq.ParquetFile(run / "decisions.parquet").metadata
    return [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]


def _counts(run: Path) -> dict[str, Any]:
    counts: dict[str, Any] = json.loads((run / "run.json").read_text())["counts"]
    return counts


@pytest.mark.parametrize("workers", [1, 2])
def test_a_run_assembled_while_it_decides_equals_one_assembled_at_the_end(
    inputs: tuple[list[Path], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """One process hands its parts over as it writes them; a pool's, as each input ends (in
    the order of the inputs, whichever ends first)."""
    monkeypatch.setattr(audit_module, "ROW_GROUP", 20)  # several groups, as at full size
    finished: list[bool] = []
    finish = audit_module._Stream.finish

    def spy(stream: audit_module._Stream, files: Any) -> Any:
        counts = finish(stream, files)
        finished.append(counts is not None)
        return counts

    with monkeypatch.context() as patch:
        patch.setattr(audit_module._Stream, "finish", spy)
        streamed = _run(inputs, tmp_path / "streamed", workers=workers)
    assert finished == [True]  # the file the thread wrote is the run's

    with monkeypatch.context() as patch:
        patch.setattr(audit_module._Stream, "finish", lambda stream, files: stream.drop())
        at_end = _run(inputs, tmp_path / "at-end", workers=workers)

    table = pq.read_table(streamed / "decisions.parquet")
    assert table.num_rows > 40
    assert table.equals(pq.read_table(at_end / "decisions.parquet"))
    assert _groups(streamed) == _groups(at_end)
    assert len(_groups(streamed)) > 2
    assert _counts(streamed) == _counts(at_end)
    for run in (streamed, at_end):
        assert not (run / "parts").exists()
        assert not list(run.glob(".*tmp"))


def test_a_part_that_cannot_be_written_stops_the_run_with_its_error(
    inputs: tuple[list[Path], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = audit_module._store_part
    written: list[Path] = []

    def full_disk(path: Path, table: pa.Table) -> None:
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        store(path, table)
        written.append(path)

    monkeypatch.setattr(audit_module, "_store_part", full_disk)
    out = tmp_path / "full"
    with pytest.raises(OSError, match="No space left"):
        _run(inputs, out)
    assert not (out / "decisions.parquet").exists()
    assert not list(out.glob(".*tmp"))
    assert sorted((out / "parts").glob(f"*{PART}")) == written


class Stopped(BaseException):
    """As a Ctrl-C would stop the run: not an Exception."""


def test_a_run_stopped_while_deciding_leaves_no_assembly_and_resumes_to_the_same_rows(
    inputs: tuple[list[Path], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = _run(inputs, tmp_path / "whole")
    reader = CorpusReader()
    opened = audit_module._parquet_writer

    def slow(path: Path) -> pq.ParquetWriter:
        time.sleep(0.5)  # the thread starts late: the part still waits for it at the stop
        return opened(path)

    monkeypatch.setattr(audit_module, "_parquet_writer", slow)

    def stopping(path: Path, **where: Any) -> Iterator[Document]:
        for count, document in enumerate(reader(path, **where)):
            if count == 10:
                raise Stopped
            yield document

    out = tmp_path / "stopped"
    with pytest.raises(Stopped):
        _run(inputs, out, reader=stopping)
    assert not (out / "decisions.parquet").exists()
    assert not list(out.glob(".*tmp"))
    # The first 7 documents' part, handed over before the stop: written, not lost.
    assert len(list((out / "parts").glob(f"*{PART}"))) == 1

    _run(inputs, out)  # resumed: the parts are its own, so they are assembled at the end
    assert json.loads((out / "run.json").read_text())["resumed_parts"] == 1
    resumed = pq.read_table(out / "decisions.parquet")
    assert resumed.equals(pq.read_table(whole / "decisions.parquet"))
