"""Hostile WARC and ARC files (issue 19): every good record gives its document, every bad record
exactly one error row at its own offset, and no record goes missing without a row."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import ROOT

from reciprocity.cli import EXIT_PARTIAL, main
from reciprocity.corpus.document import Document
from reciprocity.corpus.readers import read_documents

sys.path.append(str(ROOT / "benchmarks"))
from hostile_corpus import ARC_FILEDESC, MixedWarc, arc_record, mixed_warc, warc_record


def _read(path: Path) -> list[Document]:
    return list(read_documents(path))


def _check(documents: list[Document], mixed: MixedWarc) -> None:
    """One row per piece, in order, at its offset: a document for a good one, the expected
    error for a bad one."""
    assert [(d.offset, d.error is None) for d in documents] == [
        (p.offset, p.error is None) for p in mixed.pieces
    ]
    for document, piece in zip(documents, mixed.pieces, strict=True):
        if piece.error is None:
            assert document.url == f"https://example.com/{piece.page}"
            assert document.status == 200
            assert document.body is not None
            assert document.body.endswith(f"hello {piece.page}</body></html>".encode())
        else:
            assert document.error is not None
            assert piece.error in document.error
            assert f"offset {piece.offset}" in document.error


@pytest.mark.parametrize("gzipped", [True, False], ids=["per-record-gzip", "plain"])
def test_every_hostile_record_kind_between_good_ones(tmp_path: Path, gzipped: bool) -> None:
    mixed = mixed_warc(gzipped=gzipped, rounds=2)
    path = tmp_path / ("mixed.warc.gz" if gzipped else "mixed.warc")
    path.write_bytes(mixed.data)
    _check(_read(path), mixed)


def test_a_lie_is_the_liars_row_not_the_next_records(tmp_path: Path) -> None:
    # The report: the intact record after a liar was the error row, and the liar
    # itself a document read across two gzip members.
    records = [warc_record(1), warc_record(2, lie=40), warc_record(3)]
    path = tmp_path / "lie.warc.gz"
    path.write_bytes(b"".join(gzip.compress(r, mtime=0) for r in records))
    first, liar, intact = _read(path)
    assert first.error is None
    assert liar.error is not None
    assert liar.url == "https://example.com/2"  # the header is whole: the row says which
    assert "lying Content-Length in the response record" in liar.error
    assert intact.error is None
    assert intact.url == "https://example.com/3"


def test_a_truncated_member_has_its_row(tmp_path: Path) -> None:
    # The report: a truncated member between two good ones left no row at all.
    whole = gzip.compress(warc_record(2), mtime=0)
    members = [gzip.compress(warc_record(1), mtime=0), whole[: len(whole) // 2]]
    members.append(gzip.compress(warc_record(3), mtime=0))
    path = tmp_path / "truncated.warc.gz"
    path.write_bytes(b"".join(members))
    documents = _read(path)
    assert [d.error is None for d in documents] == [True, False, True]
    assert documents[1].offset == len(members[0])
    assert documents[1].url == ""  # a header that inflates into noise is not trusted


def test_consecutive_truncated_members_each_have_a_row(tmp_path: Path) -> None:
    cut = [gzip.compress(warc_record(n), mtime=0) for n in (2, 3)]
    members = [gzip.compress(warc_record(1), mtime=0), *(c[: len(c) // 2] for c in cut)]
    members.append(gzip.compress(warc_record(4), mtime=0))
    path = tmp_path / "truncated2.warc.gz"
    path.write_bytes(b"".join(members))
    documents = _read(path)
    assert [d.error is None for d in documents] == [True, False, False, True]
    assert documents[2].offset == len(members[0]) + len(members[1])


@pytest.mark.parametrize("gzipped", [True, False], ids=["per-record-gzip", "plain"])
def test_a_lie_spanning_several_records(tmp_path: Path, gzipped: bool) -> None:
    records = [warc_record(1, lie=700), *(warc_record(n) for n in range(2, 6))]
    chunks = [gzip.compress(r, mtime=0) if gzipped else r for r in records]
    path = tmp_path / ("span.warc.gz" if gzipped else "span.warc")
    path.write_bytes(b"".join(chunks))
    documents = _read(path)
    assert documents[0].error is not None
    assert "lying Content-Length" in documents[0].error
    assert [d.url for d in documents[1:]] == [f"https://example.com/{n}" for n in range(2, 6)]
    assert all(d.error is None for d in documents[1:])


@pytest.mark.parametrize("gzipped", [True, False], ids=["per-record-gzip", "plain"])
@pytest.mark.parametrize("lie", [-20, 4000])
def test_a_lie_in_the_last_record(tmp_path: Path, gzipped: bool, lie: int) -> None:
    records = [warc_record(1), warc_record(2, lie=lie)]
    chunks = [gzip.compress(r, mtime=0) if gzipped else r for r in records]
    path = tmp_path / ("last.warc.gz" if gzipped else "last.warc")
    path.write_bytes(b"".join(chunks))
    first, last = _read(path)
    assert first.error is None
    assert last.error is not None
    assert last.offset == len(chunks[0])


def test_audit_of_a_hostile_warc_keeps_the_good_rows_and_exits_1(tmp_path: Path) -> None:
    inputs = []
    expected: list[tuple[str, int, bool]] = []
    for gzipped in (True, False):
        mixed = mixed_warc(gzipped=gzipped, rounds=3)
        path = tmp_path / ("mixed.warc.gz" if gzipped else "mixed.warc")
        path.write_bytes(mixed.data)
        inputs.append(str(path))
        expected += [(path.name, p.offset, p.error is None) for p in mixed.pieces]
    run = tmp_path / "run"
    assert main(["audit", *inputs, "--out", str(run), "--quiet"]) == EXIT_PARTIAL
    rows = pq.read_table(run / "decisions.parquet").to_pylist()
    got = sorted((Path(r["source"]).name, r["offset"], r["error"] is None) for r in rows)
    assert got == sorted(expected)
    for row in rows:
        if row["error"] is None:
            assert row["url"].startswith("https://example.com/")
            assert row["train_ai_detail"]["deciding"] == []
        else:
            # An unreadable record is never kept: the decision fails closed.
            assert row["keep"] is False
            assert row["train_ai"] == "unavailable"
            assert row["train_ai_detail"]["deciding"] is None


@pytest.mark.parametrize("gzipped", [True, False], ids=["per-record-gzip", "plain"])
def test_lying_arc_lengths(tmp_path: Path, gzipped: bool) -> None:
    records = [ARC_FILEDESC, arc_record(1), arc_record(2, lie=30), arc_record(3)]
    records += [arc_record(4, lie=-10), arc_record(5)]
    chunks = [gzip.compress(r, mtime=0) if gzipped else r for r in records]
    path = tmp_path / ("lie.arc.gz" if gzipped else "lie.arc")
    path.write_bytes(b"".join(chunks))
    documents = _read(path)
    starts = [sum(len(c) for c in chunks[:i]) for i in range(len(chunks))]
    assert [d.offset for d in documents] == starts[1:]
    assert [d.url for d in documents] == [f"https://example.com/{n}" for n in range(1, 6)]
    assert [d.error is None for d in documents] == [True, False, True, False, True]
    too_short = documents[3].error
    assert too_short is not None
    assert "lying length in the ARC record" in too_short
