"""attribution.jsonl and attribution.csv: one credit record per kept document that names a
licence or owes credit, in input order, the same in both files, checked against the table."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from golden import check_golden
from report_factory import GENERATED, scrub

from reciprocity.report import attribution
from reciprocity.report.options import ReportOptions
from reciprocity.report.run import open_run

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def written(report_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("attribution")
    attribution.write(open_run(report_run), out, ReportOptions(generated=GENERATED))
    return out


def _records(folder: Path) -> list[dict[str, Any]]:
    lines = (folder / "attribution.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _table(run: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = pq.read_table(run / "decisions.parquet").to_pylist()
    return rows


def test_one_record_per_kept_document_that_is_licensed_or_owes_credit(
    report_run: Path, written: Path
) -> None:
    records = _records(written)
    expected = [
        row
        for row in _table(report_run)
        if row["keep"]
        and (row["licenses"] or any(o["kind"] == "attribution" for o in row["obligations"]))
    ]
    assert [r["url"] for r in records] == [row["url"] for row in expected]
    for record, row in zip(records, expected, strict=True):
        assert record["title"] == row["title"]
        assert record["creator"] == row["creator"]
        assert record["domain"] == row["domain"]
        assert record["licenses"] == row["licenses"]
        assert record["license_urls"] == row["license_urls"]
        assert (record["source"], record["offset"]) == (row["source"], row["offset"])
        assert record["record_id"] == row["record_id"]
        owed = any(o["kind"] == "attribution" for o in row["obligations"])
        assert record["credit_required"] is owed
        asked = {
            e["mechanism"]
            for e in row["evidence"]
            if any(o["kind"] == "attribution" for o in e["obligations"] + e["exceptions"])
        }
        assert record["credit_asked_by"] == sorted(asked)
        assert record["date"] == row["date"].strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_fixture_credits_what_it_should(written: Path) -> None:
    records = {record["url"]: record for record in _records(written)}
    # CC BY, BY-SA, CC0 and BY-NC pages, and the page whose reservation credit lifted; not the
    # refused BY-ND page, the unlicensed kept pages or anything denied.
    assert set(records) == {
        "https://www.alpha.example/essay",
        "https://alpha.example/wiki",
        "https://alpha.example/data",
        "https://beta.example/nc",
        "https://beta.example/credit",
    }
    essay = records["https://www.alpha.example/essay"]
    assert (essay["title"], essay["creator"], essay["licenses"]) == (
        "An essay",
        "Ann Lee",
        ["CC-BY-4.0"],
    )
    assert essay["credit_asked_by"] == ["license"]
    assert records["https://alpha.example/data"]["credit_required"] is False
    assert records["https://beta.example/credit"]["credit_asked_by"] == ["cc-signals"]


def test_the_csv_says_what_the_jsonl_says(written: Path) -> None:
    records = _records(written)
    with (written / "attribution.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [name for name, _ in attribution.FIELDS] == list(rows[0])
    for record, row in zip(records, rows, strict=True):
        for name, value in record.items():
            if isinstance(value, list):
                assert row[name] == " ".join(value)
            elif isinstance(value, bool):
                assert row[name] == str(value).lower()
            else:
                assert row[name] == ("" if value is None else str(value))


def test_golden(report_run: Path, written: Path) -> None:
    folder = report_run.parent
    for name in ("attribution.jsonl", "attribution.csv"):
        check_golden(GOLDEN / name, scrub((written / name).read_text("utf-8"), folder))


def test_nothing_half_written_is_left(written: Path) -> None:
    assert not [p for p in written.iterdir() if p.name.endswith(".partial")]
