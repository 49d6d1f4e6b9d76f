"""`write_kept`: a real audit, then the kept documents written back in each input's own format,
then read again and compared with the input, record for record and byte for byte."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from conftest import SHARED, require
from corpus_factory import write_corpus
from fastwarc.warc import ArchiveIterator
from warc_members import gzip_members

from reciprocity.cli import EXIT_OK, EXIT_PARTIAL, main
from reciprocity.corpus.document import Document
from reciprocity.corpus.readers import read_documents
from reciprocity.corpus.writers import KeptSummary, write_kept
from reciprocity.errors import InputError, UsageError

WARC = SHARED / "data" / "warc"
SAMPLES = (
    "cc-main-2020-34.resiliparse-warcfile.warc.gz",
    "cc-main-2024-22.whirlwind.warc.gz",
    "wget.dolma-sample-0000.warc.gz",
    "wget.dolma-sample-0001.warc.gz",
    "clueweb09-warc018.resiliparse-clueweb-quirk.warc.gz",
    "webrecorder.warcio-example.warc.gz",
)
CC = SAMPLES[0]
# No robots.txt snapshots here: "unavailable" is kept, so what a page itself says decides.
OPEN = ("--unavailable", "allow")


def sample(name: str) -> Path:
    return require(WARC / name, f"WARC sample {name}")


def audit(inputs: list[Path], run: Path, *options: str) -> list[dict[str, Any]]:
    args = ["audit", *map(str, inputs), "--out", str(run), "--quiet", *options]
    assert main(args) in (EXIT_OK, EXIT_PARTIAL)  # partial: the audit met error rows
    rows: list[dict[str, Any]] = pq.read_table(run / "decisions.parquet").to_pylist()
    return rows


def rekeep(run: Path, rows: list[dict[str, Any]], keep: Callable[[int], bool]) -> Path:
    """The run's decisions with ``keep`` replaced (by row number): more mixed choices on real
    data than a policy gives, through the same file format."""
    table = pq.read_table(run / "decisions.parquet")
    column = pa.array([keep(i) for i in range(len(rows))], pa.bool_())
    path = run / "rekept.parquet"
    pq.write_table(table.set_column(table.schema.get_field_index("keep"), "keep", column), path)
    return path


def kept_rows(decisions: Path, source: Path) -> list[dict[str, Any]]:
    rows = pq.read_table(decisions).to_pylist()
    return [r for r in rows if r["source"] == str(source) and r["keep"]]


def documents(path: Path) -> list[Document]:
    return list(read_documents(path))


def warc_heads(path: Path) -> list[dict[str, str]]:
    with path.open("rb") as fh:
        return [dict(r.headers.to_tuples()) for r in ArchiveIterator(fh, parse_http=False)]


def only(summary: KeptSummary) -> Path:
    (file,) = summary.files
    assert file.path.stat().st_size == file.bytes
    return file.path


# -- WARC -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLES)
def test_real_warc_keeps_exactly_the_kept_records_byte_for_byte(tmp_path: Path, name: str) -> None:
    source = sample(name)
    run = tmp_path / "run"
    rows = audit([source], run, *OPEN)
    decisions = rekeep(run, rows, lambda i: i % 3 != 1)  # a mix: kept, dropped, kept …
    summary = write_kept(decisions, tmp_path / "kept")
    output = only(summary)
    assert output.name == name
    wanted = kept_rows(decisions, source)
    assert summary.files[0].documents == len(wanted) > 0

    # Read back: exactly the kept documents, in input order, with the same payloads.
    got = documents(output)
    assert [(d.record_id, d.url) for d in got] == [(r["record_id"], r["url"]) for r in wanted]
    originals = {d.record_id: d for d in documents(source)}
    for document in got:
        original = originals[document.record_id]
        assert (document.body, document.headers, document.status, document.date) == (
            original.body,
            original.headers,
            original.status,
            original.date,
        )
        assert document.error is None

    # FastWARC reads the output, and every record in it is the input's gzip member, unchanged.
    source_members = gzip_members(source)
    output_members = gzip_members(output)
    for record_id, (_, member) in output_members.items():
        assert member == source_members[record_id][1]
    heads = warc_heads(output)
    assert heads[0]["WARC-Type"] == "warcinfo"
    kept_ids = {r["record_id"] for r in wanted}
    dropped_ids = {r["record_id"] for r in rows} - kept_ids
    assert not dropped_ids & set(output_members)
    # Every request/metadata record in the output is linked to a kept record, either way.
    kept_heads = [h for h in heads if h["WARC-Record-ID"] in kept_ids]
    named = {h.get("WARC-Concurrent-To") for h in kept_heads}
    for head in heads:
        if head["WARC-Type"] in ("request", "metadata"):
            assert head.get("WARC-Concurrent-To") in kept_ids or head["WARC-Record-ID"] in named


def test_common_crawl_triplets_stay_together(tmp_path: Path) -> None:
    source = sample(CC)
    run = tmp_path / "run"
    rows = audit([source], run, *OPEN)
    decisions = rekeep(run, rows, lambda i: i == 2)
    output = only(write_kept(decisions, tmp_path / "kept"))
    heads = warc_heads(output)
    assert [h["WARC-Type"] for h in heads] == ["warcinfo", "request", "response", "metadata"]
    request, response, metadata = heads[1:]
    assert response["WARC-Record-ID"] == rows[2]["record_id"]
    assert response["WARC-Concurrent-To"] == request["WARC-Record-ID"]
    assert metadata["WARC-Concurrent-To"] == response["WARC-Record-ID"]
    assert len({h["WARC-Target-URI"] for h in heads[1:]}) == 1


def test_webrecorder_request_that_names_its_response_is_kept(tmp_path: Path) -> None:
    # Here the request names the response (WARC-Concurrent-To), not the other way round; the
    # revisit is no document and goes, with the request that belongs to it.
    source = sample("webrecorder.warcio-example.warc.gz")
    output = only(write_kept(_audited(source, tmp_path), tmp_path / "kept"))
    assert [h["WARC-Type"] for h in warc_heads(output)] == [
        "warcinfo",
        "warcinfo",
        "response",
        "request",
    ]


def _audited(source: Path, tmp_path: Path, *options: str) -> Path:
    run = tmp_path / "run"
    audit([source], run, *OPEN, *options)
    return run / "decisions.parquet"


def test_generated_corpus_with_robots_keeps_what_the_audit_keeps(tmp_path: Path) -> None:
    expected = write_corpus(tmp_path)
    run = tmp_path / "run"
    rows = audit([tmp_path / "corpus.warc.gz"], run, "--robots", str(tmp_path / "robots.warc.gz"))
    assert {r["keep"] for r in rows} == {True, False}  # the policy itself keeps and drops
    summary = write_kept(run / "decisions.parquet", tmp_path / "kept")
    got = [d.url for d in documents(only(summary))]
    assert got == [r["url"] for r in rows if r["keep"]]
    assert all(expected[url].train_ai in ("allow", "unknown") for url in got)


@pytest.mark.parametrize(
    ("suffix", "compress", "magic"),
    [
        (".warc.gz", gzip.compress, b"\x1f\x8b"),
        (".warc.zst", lambda b: zstandard.ZstdCompressor().compress(b), b"\x28\xb5\x2f\xfd"),
        (".warc.bz2", bz2.compress, b"BZh"),
        (".warc.xz", lzma.compress, b"\xfd7zXZ"),
    ],
)
def test_single_stream_input_gives_one_compressed_unit_per_record(
    tmp_path: Path, suffix: str, compress: Callable[[bytes], bytes], magic: bytes
) -> None:
    plain = gzip.decompress(sample(CC).read_bytes())
    source = tmp_path / f"single{suffix}"
    source.write_bytes(compress(plain))
    run = tmp_path / "run"
    rows = audit([source], run, *OPEN)
    decisions = rekeep(run, rows, lambda i: i % 2 == 0)
    output = only(write_kept(decisions, tmp_path / "kept"))
    assert output.read_bytes().startswith(magic)
    wanted = kept_rows(decisions, source)
    assert [d.record_id for d in documents(output)] == [r["record_id"] for r in wanted]
    # Decompressed, the output is the input's records, unchanged, one after the other.
    unpacked = _decompress_all(output.read_bytes(), suffix)
    for head in warc_heads_of_bytes(unpacked):
        assert head in plain
    if suffix == ".warc.gz":
        # One gzip member per record: FastWARC's positions are member offsets.
        members = gzip_members(output)
        assert all(gzip.decompress(m) in plain for _, m in members.values())


def _decompress_all(data: bytes, suffix: str) -> bytes:
    if suffix.endswith(".gz"):
        return gzip.decompress(data)
    if suffix.endswith(".zst"):
        reader = zstandard.ZstdDecompressor().stream_reader(
            io.BytesIO(data), read_across_frames=True
        )
        return reader.read()
    if suffix.endswith(".bz2"):
        return bz2.decompress(data)
    return lzma.decompress(data)


def warc_heads_of_bytes(data: bytes) -> list[bytes]:
    """Each record of an uncompressed WARC, whole (header, block and the closing CRLFs)."""
    out = []
    with io.BytesIO(data) as stream:
        positions = [r.stream_pos for r in ArchiveIterator(stream, parse_http=False)]
    for start, end in zip(positions, [*positions[1:], len(data)], strict=True):
        out.append(data[start:end])
    return out


def test_plain_warc_records_are_copied_unchanged(tmp_path: Path) -> None:
    plain = gzip.decompress(sample(CC).read_bytes())
    source = tmp_path / "plain.warc"
    source.write_bytes(plain)
    run = tmp_path / "run"
    rows = audit([source], run, *OPEN)
    decisions = rekeep(run, rows, lambda i: i in (0, 5, 15))
    output = only(write_kept(decisions, tmp_path / "kept"))
    records = warc_heads_of_bytes(output.read_bytes())
    assert len(records) == 1 + 3 * 3  # warcinfo, then request/response/metadata per document
    assert output.read_bytes() == b"".join(records)
    assert all(record in plain for record in records)
    assert [d.record_id for d in documents(output)] == [rows[i]["record_id"] for i in (0, 5, 15)]


# -- ARC --------------------------------------------------------------------------------------


def _arc(pages: list[tuple[str, bytes]]) -> list[bytes]:
    version = b"1 0 reciprocity\nURL IP-address Archive-date Content-type Archive-length\n"
    records = [b"filedesc://test.arc 0.0.0.0 20240101000000 text/plain %d\n" % len(version)]
    records[0] += version + b"\n"
    for url, html in pages:
        block = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + html
        head = b"%s 192.0.2.1 20240101000000 text/html %d\n" % (url.encode(), len(block))
        records.append(head + block + b"\n")
    return records


@pytest.mark.parametrize("per_record_gzip", [False, True])
def test_arc_keeps_the_filedesc_and_the_kept_records(
    tmp_path: Path, *, per_record_gzip: bool
) -> None:
    pages = [(f"http://example.org/{i}", b"<html>page %d</html>" % i) for i in range(5)]
    records = _arc(pages)
    source = tmp_path / ("old.arc.gz" if per_record_gzip else "old.arc")
    if per_record_gzip:
        source.write_bytes(b"".join(gzip.compress(r, mtime=0) for r in records))
    else:
        source.write_bytes(b"".join(records))
    run = tmp_path / "run"
    rows = audit([source], run, *OPEN)
    decisions = rekeep(run, rows, lambda i: i in (1, 3))
    output = only(write_kept(decisions, tmp_path / "kept"))
    expected = [records[0], records[2], records[4]]
    data = output.read_bytes()
    if per_record_gzip:
        expected = [gzip.compress(r, mtime=0) for r in expected]
    assert data == b"".join(expected)
    assert [d.url for d in documents(output)] == [pages[1][0], pages[3][0]]


# -- JSON Lines -------------------------------------------------------------------------------


def _jsonl_lines() -> list[bytes]:
    lines = []
    for i in range(12):
        row: dict[str, Any] = {"url": f"https://example.org/{i}", "text": f"text {i} é"}
        if i % 3 == 0:
            row["headers"] = {"X-Robots-Tag": "noai"}  # the audit drops these
        lines.append(json.dumps(row, ensure_ascii=i % 2 == 0).encode() + b"\n")
    lines.insert(4, b"\n")  # a blank line still counts as a line number
    lines.insert(7, b"{not json\n")  # an error row, never kept
    lines.append(b'{"url": "https://example.org/last"}')  # no final newline
    return lines


@pytest.mark.parametrize(
    ("name", "compress", "decompress"),
    [
        ("pages.jsonl", bytes, bytes),
        ("pages.jsonl.gz", lambda b: gzip.compress(b, mtime=0), gzip.decompress),
        (
            "pages.jsonl.zst",
            lambda b: zstandard.ZstdCompressor().compress(b),
            lambda b: zstandard.ZstdDecompressor().stream_reader(io.BytesIO(b)).read(),
        ),
    ],
)
def test_jsonl_keeps_the_kept_lines_byte_for_byte(
    tmp_path: Path,
    name: str,
    compress: Callable[[bytes], bytes],
    decompress: Callable[[bytes], bytes],
) -> None:
    lines = _jsonl_lines()
    source = tmp_path / name
    source.write_bytes(compress(b"".join(lines)))
    run = tmp_path / "run"
    rows = audit([source], run, *OPEN)
    assert {r["keep"] for r in rows} == {True, False}
    output = only(write_kept(run / "decisions.parquet", tmp_path / "kept"))
    assert output.name == name
    assert output.read_bytes()[:2] == source.read_bytes()[:2]  # same compression
    kept = [r["offset"] for r in rows if r["keep"]]
    assert decompress(output.read_bytes()) == b"".join(lines[n] for n in kept)
    assert [d.url for d in documents(output)] == [r["url"] for r in rows if r["keep"]]


def test_a_json_array_file_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "pages.json"
    source.write_text(json.dumps([{"url": "https://example.org/"}]))
    with pytest.raises(UsageError, match="JSON array"):
        write_kept(_audited(source, tmp_path), tmp_path / "kept")


# -- Parquet, Arrow, Hugging Face datasets ----------------------------------------------------


def _table(count: int, start: int = 0) -> pa.Table:
    rows = [
        {
            "url": f"https://example.org/{i}",
            "text": f"page {i}",
            "headers": json.dumps({"X-Robots-Tag": "noai"} if i % 4 == 1 else {}),
            "score": float(i),
        }
        for i in range(start, start + count)
    ]
    table = pa.Table.from_pylist(rows)
    return table.replace_schema_metadata({b"huggingface": b'{"info": {"features": {}}}'})


def test_parquet_keeps_the_kept_rows_with_the_schema(tmp_path: Path) -> None:
    table = _table(40)
    source = tmp_path / "pages.parquet"
    pq.write_table(table, source, row_group_size=7)  # several row groups, some without a keep
    run = tmp_path / "run"
    rows = audit([source], run, *OPEN)
    decisions = rekeep(run, rows, lambda i: i % 4 != 1 and i < 30)
    output = only(write_kept(decisions, tmp_path / "kept"))
    assert output.name == "pages.parquet"
    got = pq.read_table(output)
    assert got.schema.equals(table.schema, check_metadata=True)
    wanted = [i for i in range(40) if i % 4 != 1 and i < 30]
    assert got.to_pylist() == table.take(wanted).to_pylist()
    assert [d.offset for d in documents(output)] == list(range(len(wanted)))


def _save_to_disk(folder: Path, shards: list[pa.Table]) -> None:
    """The layout ``datasets.Dataset.save_to_disk`` writes: Arrow IPC streams + state.json."""
    folder.mkdir(parents=True)
    names = []
    for index, shard in enumerate(shards):
        name = f"data-{index:05d}-of-{len(shards):05d}.arrow"
        with (
            pa.OSFile(str(folder / name), "wb") as sink,
            pa.ipc.new_stream(sink, shard.schema) as writer,
        ):
            writer.write_table(shard, max_chunksize=5)
        names.append({"filename": name})
    (folder / "state.json").write_text(json.dumps({"_data_files": names}))
    (folder / "dataset_info.json").write_text("{}")


def test_hf_dataset_becomes_one_parquet_named_after_it(tmp_path: Path) -> None:
    shards = [_table(12), _table(9, start=12)]
    _save_to_disk(tmp_path / "webpages", shards)
    run = tmp_path / "run"
    rows = audit([tmp_path / "webpages"], run, *OPEN)
    assert len(rows) == 21
    summary = write_kept(run / "decisions.parquet", tmp_path / "kept")
    output = only(summary)
    assert output.name == "webpages.parquet"
    assert len(summary.files[0].sources) == 2
    got = pq.read_table(output)
    assert got.schema.equals(shards[0].schema, check_metadata=True)
    whole = pa.concat_tables(shards)
    assert got.to_pylist() == [whole.slice(i, 1).to_pylist()[0] for i in range(21) if i % 4 != 1]


def test_hf_splits_are_named_dataset_split(tmp_path: Path) -> None:
    root = tmp_path / "webpages"
    _save_to_disk(root / "train", [_table(6)])
    _save_to_disk(root / "test", [_table(4, start=6)])
    (root / "dataset_dict.json").write_text(json.dumps({"splits": ["train", "test"]}))
    run = tmp_path / "run"
    audit([root], run, *OPEN)
    summary = write_kept(run / "decisions.parquet", tmp_path / "kept")
    assert [f.path.name for f in summary.files] == [
        "webpages-train.parquet",
        "webpages-test.parquet",
    ]
    assert [f.documents for f in summary.files] == [4, 3]


def test_plain_arrow_file_becomes_parquet(tmp_path: Path) -> None:
    table = _table(8)
    source = tmp_path / "pages.arrow"
    with pa.OSFile(str(source), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=3)
    output = only(write_kept(_audited(source, tmp_path), tmp_path / "kept"))
    assert output.name == "pages.parquet"
    assert pq.read_table(output).column("url").to_pylist() == [
        f"https://example.org/{i}" for i in range(8) if i % 4 != 1
    ]


# -- Names, empty outputs, errors -------------------------------------------------------------


def test_equal_names_from_different_folders_get_a_hash_prefix(tmp_path: Path) -> None:
    sources = []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        source = tmp_path / folder / "pages.jsonl"
        source.write_bytes(b"".join(_jsonl_lines()))
        sources.append(source)
    run = tmp_path / "run"
    audit(sources, run, *OPEN)
    summary = write_kept(run / "decisions.parquet", tmp_path / "kept")
    names = [f.path.name for f in summary.files]
    assert len(set(names)) == 2
    assert all(len(n.split("-", 1)[0]) == 8 and n.endswith("-pages.jsonl") for n in names)
    assert summary.files[0].path.read_bytes() == summary.files[1].path.read_bytes()
    # The same inputs get the same names again: the prefix hashes the path, not the order.
    again = write_kept(run / "decisions.parquet", tmp_path / "kept")
    assert [f.path.name for f in again.files] == names


def test_dropping_everything_gives_valid_empty_outputs(tmp_path: Path) -> None:
    warc = sample(CC)
    jsonl = tmp_path / "pages.jsonl.gz"
    jsonl.write_bytes(gzip.compress(b"".join(_jsonl_lines())))
    table = _table(10)
    parquet = tmp_path / "pages.parquet"
    pq.write_table(table, parquet)
    run = tmp_path / "run"
    rows = audit([warc, jsonl, parquet], run, *OPEN)
    summary = write_kept(rekeep(run, rows, lambda _: False), tmp_path / "kept")
    assert summary.documents == 0
    assert [f.path.name for f in summary.files] == [CC, "pages.jsonl.gz", "pages.parquet"]
    warc_out, jsonl_out, parquet_out = (f.path for f in summary.files)
    assert [h["WARC-Type"] for h in warc_heads(warc_out)] == ["warcinfo"]
    assert documents(warc_out) == []
    assert gzip.decompress(jsonl_out.read_bytes()) == b""
    empty = pq.read_table(parquet_out)
    assert empty.num_rows == 0
    assert empty.schema.equals(table.schema, check_metadata=True)
    assert not list((tmp_path / "kept").glob(".*"))  # no temporary file left behind


def test_a_missing_source_is_an_input_error(tmp_path: Path) -> None:
    source = tmp_path / "pages.jsonl"
    source.write_bytes(b"".join(_jsonl_lines()))
    decisions = _audited(source, tmp_path)
    source.unlink()
    with pytest.raises(InputError, match="not found"):
        write_kept(decisions, tmp_path / "kept")
    with pytest.raises(InputError, match="no such decisions file"):
        write_kept(tmp_path / "nothing.parquet", tmp_path / "kept")


def test_a_source_changed_since_the_audit_is_an_input_error(tmp_path: Path) -> None:
    source = tmp_path / "crawl.warc.gz"
    source.write_bytes(sample(CC).read_bytes())
    decisions = _audited(source, tmp_path)
    source.write_bytes(sample("wget.dolma-sample-0000.warc.gz").read_bytes())
    with pytest.raises(InputError, match="changed since the audit"):
        write_kept(decisions, tmp_path / "kept")
    assert not list((tmp_path / "kept").iterdir())


def test_writing_over_an_input_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "pages.jsonl"
    source.write_bytes(b"".join(_jsonl_lines()))
    with pytest.raises(UsageError, match="is an input"):
        write_kept(_audited(source, tmp_path), tmp_path)


def test_kept_summary_counts(tmp_path: Path) -> None:
    source = sample("cc-main-2024-22.whirlwind.warc.gz")
    summary = write_kept(_audited(source, tmp_path), tmp_path / "kept")
    (file,) = summary.files
    assert (file.documents, file.records, file.format) == (1, 4, "warc")
    assert summary.documents == 1
    assert summary.bytes == file.bytes == source.stat().st_size  # everything kept: same bytes
    assert file.path.read_bytes() == source.read_bytes()


def test_damaged_warc_still_gives_every_kept_record(tmp_path: Path) -> None:
    # Garbage between two gzip members: an error row (never kept), and the records after it
    # are still found and copied.
    data = sample(CC).read_bytes()
    members = gzip_members(sample(CC))
    cut = data.index(next(m for kind, m in members.values() if kind == "response"))
    cut += len(next(m for kind, m in members.values() if kind == "response"))
    source = tmp_path / "damaged.warc.gz"
    source.write_bytes(data[:cut] + b"not a gzip member" * 3 + data[cut:])
    run = tmp_path / "run"
    rows = audit([source], run, *OPEN)
    assert any(r["error"] for r in rows)
    output = only(write_kept(run / "decisions.parquet", tmp_path / "kept"))
    assert [d.record_id for d in documents(output)] == [r["record_id"] for r in rows if r["keep"]]
    assert b"not a gzip member" not in output.read_bytes()
