"""Large WARC, ARC and JSON Lines files cut at records into shards (:mod:`reciprocity.corpus.cuts`):
the shards, decided in any order, write the parts one process writes and give its
``decisions.parquet``, every column, row for row; a reading started at a cut gives the whole
reading's documents from there on, whatever the records' sizes."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scale_factory import (
    audit_run,
    document_rows,
    same_rows,
    write_documents,
    write_pages,
    write_robots,
)

from reciprocity.corpus.audit import (
    PART,
    Shard,
    _audit_input,
    _Job,
    _read_part,
    audit_shard,
    shards,
)
from reciprocity.corpus.cuts import cuts, line_cuts, record_cuts
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.readers import CorpusReader, Position, read_documents

BATCH = 20
PARTS = 2
"""Shards of 40 documents: the files below make at least three."""
SCOPED = HealthCheck.function_scoped_fixture  # tmp_path: each example writes its own file


def write_arc(path: Path, rows: list[dict[str, Any]], *, gzipped: bool) -> Path:
    """``rows`` as ARC v1 records (one gzip member each when ``gzipped``)."""
    version = b"1 0 reciprocity-test\nURL IP-address Archive-date Content-type Archive-length\n"
    records = [b"filedesc://test.arc 0.0.0.0 20260601000000 text/plain %d\n" % len(version)]
    records[0] += version + b"\n"
    for row in rows:
        if row["url"] is None:
            continue
        head = "".join(f"{name}: {value}\r\n" for name, value in row["headers"])
        block = f"HTTP/1.1 200 OK\r\n{head}\r\n{row['html']}".encode()
        stamp = row["date"][:19].replace("-", "").replace("T", "").replace(":", "")
        header = f"{row['url']} 192.0.2.1 {stamp} text/html {len(block)}\n".encode()
        records.append(header + block + b"\n")
    packed = [gzip.compress(r, mtime=0) for r in records] if gzipped else records
    path.write_bytes(b"".join(packed))
    return path


def _sequential(job: _Job, found: list[Shard]) -> Iterator[tuple[int, int]]:
    """An engine in this process that decides the shards last first: their order is free."""
    assert sum(shard.at is not None for shard in found) >= 2
    for shard in reversed(found):
        yield audit_shard(job, shard)


def _audit(path: Path, robots: Path, out: Path, engine: Any) -> tuple[pa.Table, dict[str, Any]]:
    return audit_run([path], robots, out, batch=BATCH, shard_parts=PARTS, engine=engine)


@pytest.fixture(scope="module")
def robots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_robots(tmp_path_factory.mktemp("robots") / "robots.warc.gz")


def _input(kind: str, folder: Path) -> Path:
    rows = document_rows(150)
    if kind == "jsonl":
        path = write_documents(folder / "pages.jsonl", rows)
        # A blank line after each: lines (offsets) that hold no document.
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("\n".join(lines), encoding="utf-8")
        return path
    if kind.startswith("arc"):
        return write_arc(folder / f"pages.{kind}", rows, gzipped=kind.endswith(".gz"))
    return write_pages(folder / f"pages.{kind}", rows)


KINDS = ["warc.gz", "warc", "arc.gz", "arc", "jsonl"]


@pytest.mark.parametrize("kind", KINDS)
def test_shards_cut_at_records_give_the_local_rows(kind: str, robots: Path, tmp_path: Path) -> None:
    path = _input(kind, tmp_path)
    local, local_run = _audit(path, robots, tmp_path / "local", None)
    remote, remote_run = _audit(path, robots, tmp_path / "cut", _sequential)
    same_rows(remote, local)
    assert remote_run["counts"] == local_run["counts"]
    assert local.num_rows >= 3 * BATCH * PARTS


@pytest.mark.parametrize("kind", KINDS)
def test_shards_write_the_parts_of_one_process(kind: str, tmp_path: Path) -> None:
    path = _input(kind, tmp_path)
    whole = _Job(tmp_path / "whole", AuditPolicy(), None, CorpusReader(), BATCH)
    cut = _Job(tmp_path / "cut", AuditPolicy(), None, CorpusReader(), BATCH)
    for job in (whole, cut):
        job.parts.mkdir()
    _audit_input(whole, 0, path, None)
    found = shards(cut, [path], PARTS, 0)
    assert len(found) >= 3
    assert [s.first_part for s in found] == [PARTS * n for n in range(len(found))]
    for shard in reversed(found):
        audit_shard(cut, shard)
    names = sorted(p.name for p in whole.parts.iterdir())
    assert names == sorted(p.name for p in cut.parts.iterdir())
    for name in names:
        if name.endswith(PART):
            same_rows(_read_part(cut.parts / name), _read_part(whole.parts / name))


def test_a_cut_shard_resumes_from_its_own_parts(tmp_path: Path) -> None:
    path = _input("warc.gz", tmp_path)
    job = _Job(tmp_path / "parts", AuditPolicy(), None, CorpusReader(), BATCH)
    job.parts.mkdir()
    found = shards(job, [path], PARTS, 0)
    middle = found[1]
    assert middle.at is not None
    assert audit_shard(job, middle) == (0, BATCH * PARTS)
    (job.parts / f"00000-{middle.first_part + 1:06d}{PART}").unlink()
    assert audit_shard(job, middle) == (1, BATCH * PARTS)
    whole = _Job(tmp_path / "whole", AuditPolicy(), None, CorpusReader(), BATCH)
    whole.parts.mkdir()
    _audit_input(whole, 0, path, None)
    for number in (middle.first_part, middle.first_part + 1):
        name = f"00000-{number:06d}{PART}"
        same_rows(_read_part(job.parts / name), _read_part(whole.parts / name))


def test_files_that_cannot_be_entered_are_whole(tmp_path: Path) -> None:
    rows = document_rows(150)
    plain = write_documents(tmp_path / "pages.jsonl", rows)
    packed = tmp_path / "pages.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    array = tmp_path / "pages.json"
    array.write_text(json.dumps(rows), encoding="utf-8")
    stream = tmp_path / "stream.warc.gz"
    stream.write_bytes(gzip.compress(write_pages(tmp_path / "pages.warc", rows).read_bytes()))
    parquet = write_documents(tmp_path / "pages.parquet", rows)
    assert len(cuts(plain, 40)) == 3
    for path in (packed, array, stream, parquet):
        assert cuts(path, 40) == []
    job = _Job(tmp_path / "parts", AuditPolicy(), None, CorpusReader(), BATCH)
    # Under the size threshold, read by a reader of the caller's own: one shard each.
    assert len(shards(job, [plain], PARTS, plain.stat().st_size)) == 1
    assert len(shards(job, [plain], PARTS, 0)) == 4


def test_files_are_cut_largest_first_while_shards_are_fewer_than_an_engine_runs(
    tmp_path: Path,
) -> None:
    small = write_documents(tmp_path / "small.jsonl", document_rows(150))
    large = write_pages(tmp_path / "large.warc", document_rows(150))
    job = _Job(tmp_path / "parts", AuditPolicy(), None, CorpusReader(), BATCH)

    def cut(spread: int | None) -> list[str]:
        found = shards(job, [small, large], PARTS, 0, spread)
        return sorted({Path(s.path).name for s in found if s.at is not None})

    assert cut(None) == ["large.warc", "small.jsonl"]
    assert cut(2) == []  # two files, two shards: enough
    # The WARC (134 documents, with an http(s) URL) becomes 4 shards: 5 with the JSONL's.
    assert cut(3) == cut(5) == ["large.warc"]
    assert cut(6) == ["large.warc", "small.jsonl"]


def test_damage_at_a_cut_moves_it(tmp_path: Path) -> None:
    rows = document_rows(150)
    path = write_pages(tmp_path / "pages.warc", rows, requests=False)
    documents = list(read_documents(path))
    data = bytearray(path.read_bytes())
    # Garbage before the 41st document: its row is the error, no cut at 40.
    at = documents[40].offset
    data[at:at] = b"garbage\r\n\r\n"
    path.write_bytes(bytes(data))
    found = cuts(path, 20)
    assert 40 not in [c.document for c in found]
    assert [c.document for c in found][:1] == [20]
    whole = list(read_documents(path))
    for cut in found:
        assert _keys(read_documents(path, at=cut.at)) == _keys(iter(whole[cut.document :]))


def _keys(documents: Iterator[Any]) -> list[tuple[Any, ...]]:
    return [(d.offset, d.record_id, d.url, d.error) for d in documents]


@settings(max_examples=40, deadline=None, suppress_health_check=[SCOPED])
@given(
    lines=st.lists(
        st.one_of(
            st.integers(0, 300).map(lambda n: json.dumps({"url": f"https://a.example/{'x' * n}"})),
            st.sampled_from(["", "  ", "\t", "not json", "[1]"]),
        ),
        max_size=60,
    ),
    step=st.integers(1, 7),
    crlf=st.booleans(),
)
def test_a_reading_from_a_line_cut_is_the_rest(
    lines: list[str], step: int, crlf: bool, tmp_path: Path
) -> None:
    path = tmp_path / "lines.jsonl"
    path.write_text(("\r\n" if crlf else "\n").join(lines), encoding="utf-8", newline="")
    whole = list(read_documents(path))
    found = line_cuts(path, step)
    array = path.read_bytes().lstrip()[:1] == b"["  # the reader takes it for one JSON array
    assert [c.document for c in found] == ([] if array else list(range(step, len(whole), step)))
    for cut in found:
        assert _keys(read_documents(path, at=cut.at)) == _keys(iter(whole[cut.document :]))


@settings(max_examples=25, deadline=None, suppress_health_check=[SCOPED])
@given(
    sizes=st.lists(st.integers(0, 20_000), min_size=1, max_size=30),
    step=st.integers(1, 5),
    gzipped=st.booleans(),
    requests=st.booleans(),
)
def test_a_reading_from_a_record_cut_is_the_rest(
    sizes: list[int], step: int, gzipped: bool, requests: bool, tmp_path: Path
) -> None:
    rows = document_rows(len(sizes))
    for row, size in zip(rows, sizes, strict=True):
        row["url"] = row["url"] or "https://a.example/"
        row["html"] += "x" * size
    path = write_pages(tmp_path / ("p.warc.gz" if gzipped else "p.warc"), rows, requests=requests)
    whole = list(read_documents(path))
    found = record_cuts(path, step)
    assert [c.document for c in found] == list(range(step, len(whole), step))
    for cut in found:
        assert cut.at == Position(whole[cut.document].offset)
        assert _keys(read_documents(path, at=cut.at)) == _keys(iter(whole[cut.document :]))
