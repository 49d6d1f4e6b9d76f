"""`reciprocity report`: what it writes, where, and the one-line errors of a run it cannot read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from golden import check_golden

from reciprocity.cli import EXIT_INPUT, EXIT_OK, EXIT_USAGE, main
from reciprocity.report.write import OUTPUTS, write_report

GOLDEN = Path(__file__).parent / "golden"


def _copy(run: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "run"
    shutil.copytree(run, copy, ignore=shutil.ignore_patterns("report"))
    return copy


def test_report_writes_every_document_into_run_report(
    report_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = _copy(report_run, tmp_path)
    assert main(["report", str(run)]) == EXIT_OK
    captured = capsys.readouterr()
    folder = run / "report"
    written = sorted(p.name for p in folder.iterdir())
    assert not [name for name in written if name.endswith(".partial")]
    check_golden(GOLDEN / "report.out", captured.out.replace(str(run), "RUN"))
    listed = [line.strip() for line in captured.out.splitlines()[1:]]
    assert sorted(listed) == written
    # One progress line per output on standard error, nothing on --quiet.
    assert captured.err.count("writing ") == len(OUTPUTS)
    assert main(["report", str(run), "--out", str(tmp_path / "elsewhere"), "--quiet"]) == EXIT_OK
    assert capsys.readouterr() == ("", "")
    assert sorted(p.name for p in (tmp_path / "elsewhere").iterdir()) == written


def test_the_api_returns_what_it_wrote(report_run: Path, tmp_path: Path) -> None:
    report = write_report(report_run, tmp_path / "out")
    assert report.folder == tmp_path / "out"
    assert sorted(report.files) == sorted((tmp_path / "out").iterdir())
    json.loads((tmp_path / "out" / "obligations.json").read_text("utf-8"))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("no-folder", "no such run folder"),
        ("no-manifest", "not an audit run (no run.json): run `reciprocity audit` first"),
        ("bad-manifest", "unreadable manifest"),
        ("incomplete", "the run is not complete (status 'running')"),
        ("no-table", "no decisions.parquet in the run"),
        ("not-parquet", "not a Parquet file"),
        ("old-schema", "decisions schema version '1'; this reciprocity reads 2"),
    ],
)
def test_a_run_it_cannot_read_is_one_line_and_exit_3(
    report_run: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    damage: str,
    message: str,
) -> None:
    run = _copy(report_run, tmp_path)
    manifest = run / "run.json"
    table = run / "decisions.parquet"
    if damage == "no-folder":
        shutil.rmtree(run)
    elif damage == "no-manifest":
        manifest.unlink()
    elif damage == "bad-manifest":
        manifest.write_text("{", "utf-8")
    elif damage == "incomplete":
        data = json.loads(manifest.read_text("utf-8"))
        manifest.write_text(json.dumps({**data, "status": "running"}), "utf-8")
    elif damage == "no-table":
        table.unlink()
    elif damage == "not-parquet":
        table.write_bytes(b"not parquet")
    else:
        old = pq.read_table(table)
        pq.write_table(old.replace_schema_metadata({b"reciprocity.schema": b"1"}), table)
    assert main(["report", str(run)]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert err.startswith("reciprocity: input: ")
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_out_that_is_a_file_is_a_usage_error(
    report_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "file"
    target.write_text("x", "utf-8")
    assert main(["report", str(report_run), "--out", str(target)]) == EXIT_USAGE
    assert "is a file: choose a folder" in capsys.readouterr().err


def test_an_empty_run_gives_empty_documents(report_run: Path, tmp_path: Path) -> None:
    run = _copy(report_run, tmp_path)
    table = pq.read_table(run / "decisions.parquet")
    empty = pa.Table.from_batches([], schema=table.schema)
    pq.write_table(empty, run / "decisions.parquet")
    report = write_report(run)
    book = json.loads((report.folder / "obligations.json").read_text("utf-8"))
    assert book["run"]["documents"] == 0
    assert book["obligations"] == []
    assert (report.folder / "attribution.jsonl").read_text("utf-8") == ""
