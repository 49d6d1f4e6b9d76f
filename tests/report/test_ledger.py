"""obligations.json: every figure of the ledger recomputed in Python from the table's rows."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from golden import check_golden
from report_factory import GENERATED, scrub

from reciprocity.report import ledger
from reciprocity.report.options import ReportOptions
from reciprocity.report.run import open_run

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def book(report_run: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("ledger")
    (path,) = ledger.write(open_run(report_run), out, ReportOptions(generated=GENERATED))
    text = path.read_text("utf-8")
    check_golden(GOLDEN / "obligations.json", scrub(text, report_run.parent))
    document: dict[str, Any] = json.loads(text)
    return document


@pytest.fixture(scope="module")
def rows(report_run: Path) -> list[dict[str, Any]]:
    table: list[dict[str, Any]] = pq.read_table(report_run / "decisions.parquet").to_pylist()
    return table


def _accepted(row: dict[str, Any], kind: str, accepted: set[str]) -> bool:
    return kind in accepted and any(
        x["kind"] == kind for e in row["evidence"] for x in e["exceptions"]
    )


def test_run_counts(book: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    kept = [r for r in rows if r["keep"]]
    assert book["format"] == "reciprocity.obligations/1"
    assert book["generated"] == GENERATED.isoformat()
    assert book["run"]["accepted"] == ["attribution"]
    assert book["run"]["refused"] == ["no-derivatives"]
    assert book["run"]["documents"] == len(rows)
    assert book["run"]["kept"] == len(kept)
    assert book["run"]["kept_bytes"] == sum(r["payload_bytes"] for r in kept)
    assert book["run"]["kept_with_obligations"] == sum(1 for r in kept if r["obligations"])


def test_per_obligation_and_per_domain(book: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    accepted = set(book["run"]["accepted"])
    totals: dict[tuple[Any, ...], Counter[str]] = defaultdict(Counter)
    domains: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    per_domain: dict[str, dict[tuple[Any, ...], Counter[str]]] = defaultdict(
        lambda: defaultdict(Counter)
    )
    for row in rows:
        if not row["keep"]:
            continue
        seen = set()
        for o in row["obligations"]:
            key = (o["kind"], o["url"], o["detail"])
            if key in seen:
                continue
            seen.add(key)
            how = "accepted" if _accepted(row, o["kind"], accepted) else "with_allow"
            for counter in (totals[key], per_domain[row["domain"]][key]):
                counter.update(documents=1, bytes=row["payload_bytes"], **{how: 1})
            domains[key].add(row["domain"])
    assert {(e["kind"], e["url"], e["detail"]) for e in book["obligations"]} == set(totals)
    for entry in book["obligations"]:
        key = (entry["kind"], entry["url"], entry["detail"])
        for field in ("documents", "bytes", "accepted", "with_allow"):
            assert entry[field] == totals[key][field], (key, field)
        assert entry["domains"] == len(domains[key])
    assert {d["domain"] for d in book["domains"]} == set(per_domain)
    for item in book["domains"]:
        expected = per_domain[item["domain"]]
        assert len(item["obligations"]) == len(expected)
        for entry in item["obligations"]:
            counter = expected[(entry["kind"], entry["url"], entry["detail"])]
            for field in ("documents", "bytes", "accepted", "with_allow"):
                assert entry[field] == counter[field]
        assert item["documents"] == sum(
            1 for r in rows if r["keep"] and r["obligations"] and r["domain"] == item["domain"]
        )


def test_by_kind_counts_a_document_once_per_duty(
    book: dict[str, Any], rows: list[dict[str, Any]]
) -> None:
    accepted = set(book["run"]["accepted"])
    expected: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        if row["keep"]:
            for kind in {o["kind"] for o in row["obligations"]}:
                how = "accepted" if _accepted(row, kind, accepted) else "with_allow"
                expected[kind].update(documents=1, bytes=row["payload_bytes"], **{how: 1})
    assert {e["kind"] for e in book["by_kind"]} == set(expected)
    for entry in book["by_kind"]:
        for field in ("documents", "bytes", "accepted", "with_allow"):
            assert entry[field] == expected[entry["kind"]][field]
    # The fixture: three licences ask for credit, and credit lifted one reservation.
    attribution = next(e for e in book["by_kind"] if e["kind"] == "attribution")
    assert (attribution["with_allow"], attribution["accepted"]) == (3, 1)


def test_refused_and_declined(book: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    refused: Counter[str] = Counter(k for r in rows for k in r["refused"])
    assert {e["kind"]: e["documents"] for e in book["refused"]} == dict(refused)
    assert book["refused"][0]["bytes"] == sum(r["payload_bytes"] for r in rows if r["refused"])
    declined: Counter[str] = Counter()
    for r in rows:
        if r["train_ai"] == "deny":
            lifts = r["train_ai_detail"]["exceptions"]
            offers = {(x["kind"], x["url"], x["detail"]) for x in lifts}
            declined.update(k for k, _, _ in offers if k not in book["run"]["accepted"])
    assert {e["kind"]: e["documents"] for e in book["declined"]} == dict(declined)
    assert declined == {"direct-contribution": 1}


def test_a_document_owing_one_duty_twice_counts_once_per_duty(
    report_run: Path, tmp_path: Path
) -> None:
    """Two obligations of one duty (a CC BY licence's credit and credit accepted for a CC
    signal) are two obligations but one document owing attribution."""
    import shutil

    import pyarrow as pa

    run = tmp_path / "run"
    shutil.copytree(report_run, run, ignore=shutil.ignore_patterns("report"))
    table = pq.read_table(run / "decisions.parquet")
    rows = table.to_pylist()
    essay = next(r for r in rows if r["url"] == "https://www.alpha.example/essay")
    essay["obligations"] = [*essay["obligations"], {"kind": "attribution", "url": None,
                                                    "detail": None}]  # fmt: skip
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), run / "decisions.parquet")
    (path,) = ledger.write(open_run(run), tmp_path, ReportOptions(generated=GENERATED))
    book = json.loads(path.read_text("utf-8"))
    owing = sum(
        1 for r in rows if r["keep"] and any(o["kind"] == "attribution" for o in r["obligations"])
    )
    attribution = next(e for e in book["by_kind"] if e["kind"] == "attribution")
    assert attribution["documents"] == owing == 4
    unlicensed = next(e for e in book["obligations"] if e["kind"] == "attribution" and not e["url"])
    assert unlicensed["documents"] == 2  # the credit page and the essay's added one
