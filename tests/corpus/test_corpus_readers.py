"""Corpus readers: the real WARC samples, deliberately broken archives, JSONL/Parquet/Arrow/HF
dataset fixtures, ARC files built from real responses, and arbitrary bytes (hypothesis)."""

from __future__ import annotations

import gzip
import json
import re
import tempfile
import zlib
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from conftest import SHARED, require
from fastwarc.warc import ArchiveIterator, WarcRecordType
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reciprocity._codings import dechunk, inflate
from reciprocity.corpus.document import Document
from reciprocity.corpus.readers import (
    MAX_INFLATE,
    ColumnNames,
    detect_format,
    read_documents,
)
from reciprocity.corpus.readers.http import _split_http
from reciprocity.corpus.values import parse_date
from reciprocity.errors import InputError, UsageError

WARC = SHARED / "data" / "warc"
CC = "cc-main-2020-34.resiliparse-warcfile.warc.gz"

# Response records per file, from the table in ../shared/data/warc/README.md.
RESPONSES = {
    CC: 16,
    "cc-main-2024-22.whirlwind.warc.gz": 1,
    "wget.dolma-sample-0000.warc.gz": 22,
    "wget.dolma-sample-0001.warc.gz": 15,
    "clueweb09-warc018.resiliparse-clueweb-quirk.warc.gz": 29,
    "webrecorder.warcio-example.warc.gz": 1,
}


def sample(name: str) -> Path:
    return require(WARC / name, f"WARC sample {name}")


def read(path: Path | str, **options: object) -> list[Document]:
    return list(read_documents(path, **options))  # type: ignore[arg-type]


def errors(documents: list[Document]) -> list[Document]:
    return [d for d in documents if d.error is not None]


def member_head(path: Path, offset: int) -> bytes:
    """The first decompressed bytes of the gzip member at ``offset``."""
    with path.open("rb") as file:
        file.seek(offset)
        return zlib.decompressobj(31).decompress(file.read(16384), 4096)


# -- The real samples -----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_real_samples_read_whole(name: str) -> None:
    path = sample(name)
    documents = read(path)
    assert len(documents) == RESPONSES[name]
    assert errors(documents) == []
    assert detect_format(path) == "warc"
    ids = [d.record_id for d in documents]
    assert None not in ids
    assert len(set(ids)) == len(ids)
    for document in documents:
        assert document.source == str(path)
        assert document.url.startswith(("http://", "https://"))
        assert document.date is not None
        assert document.date.tzinfo is not None
        assert document.status == 200
        assert document.body
        assert document.length is not None
        assert document.length > 0


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_offsets_point_at_their_records(name: str) -> None:
    # Re-open, seek, and find there a gzip member holding a WARC header with this record's id.
    path = sample(name)
    offsets = []
    for document in read(path):
        head = member_head(path, document.offset)
        assert head.startswith(b"WARC/")
        assert document.record_id is not None
        assert document.record_id.encode() in head.split(b"\r\n\r\n")[0]
        offsets.append(document.offset)
    assert offsets == sorted(offsets)
    assert len(set(offsets)) == len(offsets)


def test_offsets_equal_fastwarc_positions() -> None:
    path = sample(CC)
    expected = [
        r.stream_pos
        for r in ArchiveIterator(str(path), record_types=WarcRecordType.response, parse_http=False)
    ]
    assert [d.offset for d in read(path)] == expected


def test_wget_target_uris_are_unwrapped() -> None:
    for name in ("wget.dolma-sample-0000.warc.gz", "wget.dolma-sample-0001.warc.gz"):
        path = sample(name)
        raw = [
            r.headers.get("WARC-Target-URI")
            for r in ArchiveIterator(str(path), record_types=WarcRecordType.response)
        ]
        assert all(u is not None and u.startswith("<") for u in raw)  # the quirk is there…
        documents = read(path)
        assert [d.url for d in documents] == [u.strip("<>") for u in raw if u]  # …and undone
        assert not any(d.url.startswith("<") or d.url.endswith(">") for d in documents)


def test_wget_resource_records_are_not_documents() -> None:
    # wget stores its arguments and log as resource records with metadata:// URIs.
    documents = read(sample("wget.dolma-sample-0000.warc.gz"))
    assert not any(d.url.startswith("metadata:") for d in documents)


def _wget_log_sizes(path: Path) -> dict[str, int]:
    for record in ArchiveIterator(str(path), record_types=WarcRecordType.resource):
        if "wget.log" in (record.headers.get("WARC-Target-URI") or ""):
            log = record.reader.read().decode()
            return {m[1]: int(m[2]) for m in re.finditer(r"URL:(\S+) \[(\d+)", log)}
    raise AssertionError("no wget.log resource record")


def test_chunked_bodies_are_dechunked() -> None:
    # The README counts 6 raw chunked bodies in sample-0000; wget's own log gives the sizes of
    # the de-chunked payloads, which the reader must reproduce.
    chunked = 0
    for name in ("wget.dolma-sample-0000.warc.gz", "wget.dolma-sample-0001.warc.gz"):
        path = sample(name)
        sizes = _wget_log_sizes(path)
        for document in read(path):
            codings = [v for k, v in document.headers if k.lower() == "transfer-encoding"]
            if "chunked" in codings:
                chunked += 1
                assert document.body is not None
                assert not re.match(rb"[0-9a-fA-F]+\r\n", document.body)
                assert len(document.body) == sizes[document.url]
    assert chunked >= 6


def test_clueweb_quirks() -> None:
    documents = read(sample("clueweb09-warc018.resiliparse-clueweb-quirk.warc.gz"))
    assert len(documents) == 29
    for document in documents:
        names = [k for k, _ in document.headers]
        # Bare-LF header block: split into fields, not one blob.
        assert "Content-Type" in names
        assert "Content-Encoding" in names
        assert document.content_type == "text/html; charset=EUC-JP"
        # "Content-Encoding: gzip" over a plain body: the body is kept as stored.
        assert document.body is not None
        assert document.body.lstrip().lower().startswith(b"<html")
        # WARC-Date is "2008-10-294T05:21:46-0700" (no such day): the HTTP Date stands in.
        assert document.date is not None
        assert document.date.year == 2009


def test_webrecorder_gzip_body_and_revisit() -> None:
    documents = read(sample("webrecorder.warcio-example.warc.gz"))
    # 1 response + 1 revisit in the file: the revisit stores no payload and is skipped.
    assert len(documents) == 1
    (document,) = documents
    assert ("Content-Encoding", "gzip") in document.headers
    assert document.body is not None
    assert document.body.startswith(b"<!doctype html>")
    assert b"Example Domain" in document.body
    assert document.date == datetime(2017, 3, 6, 4, 2, 6, tzinfo=timezone.utc)


def test_common_crawl_payloads_are_stored_decoded() -> None:
    documents = read(sample(CC))
    renamed = [d for d in documents if any(k == "X-Crawler-Content-Encoding" for k, _ in d.headers)]
    assert renamed  # CC renames the header and stores the payload decoded
    for document in renamed:
        assert document.body is not None
        assert not document.body.startswith(b"\x1f\x8b")
    first = documents[0]
    assert first.url == "http://003338.cn/l41/481397.html"
    assert first.record_id == "<urn:uuid:c4c112a5-3503-4483-abf8-51a0dd86dd53>"
    assert first.date == datetime(2020, 8, 8, 17, 27, 41, tzinfo=timezone.utc)
    assert first.length == 36578  # the WARC Content-Length of the record


def test_start_and_limit_slice_the_stream() -> None:
    path = sample("wget.dolma-sample-0000.warc.gz")
    everything = read(path)
    for start in (0, 1, 7, 21, 22, 30):
        assert read(path, start=start) == everything[start:]
        assert read(path, start=start, limit=3) == everything[start : start + 3]
    assert read(path, limit=0) == []


def test_misuse_raises() -> None:
    with pytest.raises(ValueError, match="start"):
        read_documents(sample(CC), start=-1)
    with pytest.raises(ValueError, match="limit"):
        read_documents(sample(CC), limit=-1)
    with pytest.raises(InputError):
        read_documents("/nonexistent/corpus.warc.gz")


def test_unknown_format_raises(tmp_path: Path) -> None:
    odd = tmp_path / "notes.txt"
    odd.write_bytes(b"just some words\n")
    with pytest.raises(InputError, match="cannot tell the format"):
        detect_format(odd)


# -- Deliberately broken WARC files ---------------------------------------------------------


def _cc_bytes() -> bytes:
    return sample(CC).read_bytes()


def _cc_positions() -> list[tuple[int, str, str]]:
    """(offset, type, record id) of every record of the CC sample."""
    return [
        (r.stream_pos, str(r.record_type), r.record_id or "")
        for r in ArchiveIterator(str(sample(CC)), parse_http=False)
    ]


def test_truncated_inside_a_response(tmp_path: Path) -> None:
    data = _cc_bytes()
    whole = read(sample(CC))
    response = whole[5]
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: response.offset + 3000])  # inside the member of response #6
    documents = read(cut)
    assert documents[:5] == [replace(d, source=str(cut)) for d in whole[:5]]
    (broken,) = errors(documents)
    assert documents[-1] is broken
    assert broken.offset == response.offset
    assert broken.record_id == response.record_id
    assert broken.url == response.url
    assert broken.error is not None
    assert "truncated" in broken.error


def test_truncated_inside_a_request(tmp_path: Path) -> None:
    data = _cc_bytes()
    request = next(p for p in _cc_positions() if p[1] == "request" and p[0] > 60000)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: request[0] + 100])
    documents = read(cut)
    (broken,) = errors(documents)
    assert documents[-1] is broken  # the file ends there: reported, nothing after
    assert broken.offset == request[0]
    assert broken.error is not None
    assert "file ends inside the gzip member" in broken.error


def test_flipped_bytes_inside_a_member(tmp_path: Path) -> None:
    data = bytearray(_cc_bytes())
    whole = read(sample(CC))
    victim = whole[3]
    for i in range(victim.offset + 2000, victim.offset + 2040):
        data[i] ^= 0xFF
    broken_file = tmp_path / "flipped.warc.gz"
    broken_file.write_bytes(bytes(data))
    documents = read(broken_file)
    (broken,) = errors(documents)
    assert broken.offset == victim.offset
    # The member's head still inflates: the error row says which record was lost.
    assert broken.record_id == victim.record_id
    assert broken.url == victim.url
    assert broken.error is not None
    assert "corrupt gzip member" in broken.error
    # Every other response is still read, in order.
    assert [d.record_id for d in documents if d.error is None] == [
        d.record_id for d in whole if d is not victim
    ]


def test_garbage_between_members(tmp_path: Path) -> None:
    data = _cc_bytes()
    whole = read(sample(CC))
    at = whole[8].offset
    garbage = b"this is not gzip\x00\x01\x02" * 50
    broken_file = tmp_path / "garbage.warc.gz"
    broken_file.write_bytes(data[:at] + garbage + data[at:])
    documents = read(broken_file)
    (broken,) = errors(documents)
    assert broken.offset == at
    assert broken.error is not None
    assert "not a gzip member" in broken.error
    good = [d for d in documents if d.error is None]
    assert [d.record_id for d in good] == [d.record_id for d in whole]
    # Offsets after the garbage still point at their members.
    assert good[8].offset == at + len(garbage)
    assert member_head(broken_file, good[8].offset).startswith(b"WARC/1.0")


def test_garbage_appended(tmp_path: Path) -> None:
    data = _cc_bytes()
    broken_file = tmp_path / "tail.warc.gz"
    broken_file.write_bytes(data + b"\x1f\x8b\x08 trailing junk" * 10)
    documents = read(broken_file)
    assert len(documents) == 17
    assert documents[-1].offset == len(data)
    assert documents[-1].error is not None


def test_padding_after_the_last_member_is_no_error(tmp_path: Path) -> None:
    padded = tmp_path / "padded.warc.gz"
    padded.write_bytes(_cc_bytes() + b"\0" * 512)
    assert errors(read(padded)) == []


def test_whole_file_gzip(tmp_path: Path) -> None:
    # One gzip stream for the whole file: offsets are positions in the decompressed stream.
    raw = gzip.decompress(_cc_bytes())
    single = tmp_path / "single.warc.gz"
    single.write_bytes(gzip.compress(raw))
    documents = read(single)
    assert [d.record_id for d in documents] == [d.record_id for d in read(sample(CC))]
    for document in documents:
        assert raw[document.offset :].startswith(b"WARC/1.0")
    cut = tmp_path / "single-cut.warc.gz"
    cut.write_bytes(single.read_bytes()[:60000])
    partial = read(cut)
    assert partial[-1].error is not None
    assert len(errors(partial)) == 1


def _plain_with_length(raw: bytes, index: int, delta: int) -> bytes:
    starts = [m.start() for m in re.finditer(rb"WARC/1\.0\r\n", raw)]
    begin = starts[index]
    end = raw.index(b"\r\n\r\n", begin)
    header = raw[begin:end]
    match = re.search(rb"Content-Length: (\d+)", header)
    assert match is not None
    fixed = header[: match.start(1)] + str(int(match[1]) + delta).encode() + header[match.end(1) :]
    return raw[:begin] + fixed + raw[end:]


@pytest.mark.parametrize("delta", [-100, 100, -5000])
def test_plain_warc_with_a_wrong_content_length(tmp_path: Path, delta: int) -> None:
    raw = gzip.decompress(_cc_bytes())
    plain = tmp_path / "plain.warc"
    plain.write_bytes(raw)
    expected = [d.record_id for d in read(plain)]
    assert len(expected) == 16
    assert [d.offset for d in read(plain)] == [
        m.start() for m in re.finditer(rb"WARC/1\.0\r\nWARC-Type: response", raw)
    ]
    broken_file = tmp_path / "wrong-length.warc"
    index = 4 if delta != -5000 else 2  # a request record, or the first response
    broken_file.write_bytes(_plain_with_length(raw, index, delta))
    documents = read(broken_file)
    (broken,) = errors(documents)
    assert broken.error is not None
    assert "Content-Length" in broken.error
    # The lying record is the error row (its own, at its offset); reading resumed at the next
    # WARC record, and every other response is still there.
    starts = [m.start() for m in re.finditer(rb"WARC/1\.0\r\n", raw)]
    assert broken.offset == starts[index]
    assert [d.record_id for d in documents if d.error is None] == [
        r for r in expected if r != broken.record_id
    ]
    assert len(documents) == len(expected) + (index != 2)


def test_plain_warc_truncated(tmp_path: Path) -> None:
    raw = gzip.decompress(_cc_bytes())
    whole = read(sample(CC))
    cut = tmp_path / "cut.warc"
    cut.write_bytes(raw[:200000])
    documents = read(cut)
    assert documents[-1].error is not None
    assert "truncated" in documents[-1].error
    assert [d.record_id for d in documents] == [d.record_id for d in whole[: len(documents)]]


def test_plain_warc_cut_inside_a_header(tmp_path: Path) -> None:
    raw = gzip.decompress(_cc_bytes())
    last = raw.rindex(b"WARC/1.0\r\n")
    cut = tmp_path / "cut-header.warc"
    cut.write_bytes(raw[: last + 40])
    documents = read(cut)
    assert len(documents) == 17
    assert documents[-1].offset == last
    assert documents[-1].error is not None


def test_garbage_in_a_plain_warc(tmp_path: Path) -> None:
    raw = gzip.decompress(_cc_bytes())
    starts = [m.start() for m in re.finditer(rb"WARC/1\.0\r\n", raw)]
    broken_file = tmp_path / "garbage.warc"
    broken_file.write_bytes(raw[: starts[9]] + b"garbage line\r\n" * 20 + raw[starts[9] :])
    documents = read(broken_file)
    (broken,) = errors(documents)
    assert broken.offset == starts[9]
    assert len(documents) == 17


def test_empty_and_junk_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    assert read(empty) == []
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(b"\x1f\x8b\x08 not really gzip at all")
    (document,) = read(junk)
    assert document.offset == 0
    assert document.error is not None


def _record(kind: str, uri: str, block: bytes, number: int, content_type: str) -> bytes:
    header = (
        f"WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\n"
        f"WARC-Date: 2024-01-02T03:04:05.123456Z\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{number:012d}>\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n"
    )
    return header.encode() + block + b"\r\n\r\n"


HTTP = "application/http; msgtype=response"


def _response(body: bytes, *headers: str) -> bytes:
    lines = ["HTTP/1.1 200 OK", *headers, f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def test_record_kinds(tmp_path: Path) -> None:
    records = [
        _record("warcinfo", "", b"software: test\r\n", 1, "application/warc-fields"),
        _record(
            "response", "dns:example.org", b"20240102 example.org. 300 IN A 1.2.3.4", 2, "text/dns"
        ),
        _record(
            "resource", "https://example.org/page.html", b"<html>resource</html>", 3, "text/html"
        ),
        _record("response", "https://example.org/", _response(b"<p>deflated</p>"), 4, HTTP),
        _record("metadata", "https://example.org/", b"via: x\r\n", 5, "application/warc-fields"),
        _record("response", "https://example.org/odd", b"<html>no status line", 6, HTTP),
    ]
    path = tmp_path / "kinds.warc.gz"
    path.write_bytes(b"".join(gzip.compress(r) for r in records))
    resource, response, odd = read(path)
    assert resource.url == "https://example.org/page.html"
    assert resource.content_type == "text/html"
    assert resource.body == b"<html>resource</html>"
    assert resource.status is None
    assert resource.date == datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=timezone.utc)
    assert response.body == b"<p>deflated</p>"
    assert response.error is None
    assert odd.error is not None
    assert "no status line" in odd.error
    assert odd.url == "https://example.org/odd"


def test_content_codings(tmp_path: Path) -> None:
    deflater = zlib.compressobj(wbits=-15)
    raw_deflate = deflater.compress(b"<p>raw</p>") + deflater.flush()
    records = [
        _record(
            "response",
            "https://a.example/",
            _response(zlib.compress(b"<p>zlib</p>"), "Content-Encoding: deflate"),
            1,
            HTTP,
        ),
        _record(
            "response",
            "https://b.example/",
            _response(raw_deflate, "Content-Encoding: deflate"),
            2,
            HTTP,
        ),
        _record(
            "response",
            "https://c.example/",
            _response(b"\x8b\x00brotli?", "Content-Encoding: br"),
            3,
            HTTP,
        ),
        _record(
            "response",
            "https://d.example/",
            _response(
                gzip.compress(b"5\r\nhello\r\n0\r\n\r\n"),
                "Transfer-Encoding: chunked",
                "Content-Encoding: gzip",
            ),
            4,
            HTTP,
        ),
    ]
    path = tmp_path / "codings.warc"
    path.write_bytes(b"".join(records))
    bodies = [d.body for d in read(path)]
    # A chunked body is de-chunked first, then decoded: here the chunks sit inside the gzip,
    # which is not chunked framing, so the gzip is only decoded and the framing stays.
    assert bodies == [b"<p>zlib</p>", b"<p>raw</p>", b"\x8b\x00brotli?", b"5\r\nhello\r\n0\r\n\r\n"]


def test_payload_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reciprocity.corpus.readers import warc

    monkeypatch.setattr(warc, "MAX_PAYLOAD", 1000)
    big = _response(b"<html>" + b"x" * 5000 + b"</html>")
    path = tmp_path / "big.warc.gz"
    path.write_bytes(gzip.compress(_record("response", "https://big.example/", big, 1, HTTP)))
    (document,) = read(path)
    assert document.error is None  # kept cut: the signals sit in the head
    assert document.body is not None
    assert len(document.body) < 1000
    assert document.length == len(big)


def test_oversized_json_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reciprocity.corpus.readers import lines

    monkeypatch.setattr(lines, "MAX_LINE", 100)
    path = tmp_path / "long.jsonl"
    rows = [
        {"url": "https://a.example/"},
        {"url": "https://b.example/", "text": "x" * 500},
        {"url": "https://c.example/"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    first, long, last = read(path)
    assert (first.url, last.url) == ("https://a.example/", "https://c.example/")
    assert long.error is not None
    assert "longer than 100 bytes" in long.error
    assert [d.offset for d in (first, long, last)] == [0, 1, 2]


def test_other_stream_compressions(tmp_path: Path) -> None:
    import bz2
    import lzma

    raw = gzip.decompress(_cc_bytes())
    expected = [d.record_id for d in read(sample(CC))]
    zstd_two_frames = tmp_path / "two-frames.warc.zst"
    half = raw.index(b"WARC/1.0\r\n", len(raw) // 2)
    compressor = zstandard.ZstdCompressor()
    zstd_two_frames.write_bytes(compressor.compress(raw[:half]) + compressor.compress(raw[half:]))
    xz = tmp_path / "sample.warc.xz"
    xz.write_bytes(lzma.compress(raw))
    bzip = tmp_path / "sample.warc.bz2"
    bzip.write_bytes(bz2.compress(raw))
    for path in (zstd_two_frames, xz, bzip):
        assert detect_format(path) == "warc"
        documents = read(path)
        assert [d.record_id for d in documents] == expected
        assert all(raw[d.offset :].startswith(b"WARC/1.0") for d in documents)
    cut = tmp_path / "cut.warc.zst"
    cut.write_bytes(zstd_two_frames.read_bytes()[:-500])
    documents = read(cut)
    assert documents[-1].error is not None
    assert "truncated" in documents[-1].error


# -- HTTP payload handling (units) ----------------------------------------------------------


def test_http_split_with_crlf_and_bare_lf() -> None:
    crlf = _split_http(b"HTTP/1.1 404 Not Found\r\nX-A: 1\r\n  folded\r\n\r\nbody")
    assert (crlf.status, crlf.headers, crlf.body) == (404, (("X-A", "1 folded"),), b"body")
    bare = _split_http(b"HTTP/1.0 200 OK\nContent-Type: text/html\n\n<p>\r\n\r\n</p>")
    assert bare.headers == (("Content-Type", "text/html"),)
    assert bare.body == b"<p>\r\n\r\n</p>"
    assert _split_http(b"<html>no status line").error is not None


def testdechunk() -> None:
    assert dechunk(b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n") == b"hello world"
    assert dechunk(b"3\nabc\n0\n\n") == b"abc"
    assert dechunk(b"<html>not chunked") is None
    assert dechunk(b"5\r\nhel") == b"hel"  # cut inside a chunk: its data so far


def test_gzip_bomb_is_bounded() -> None:
    bomb = gzip.compress(b"\0" * (MAX_INFLATE * 4))
    inflated = inflate(bomb, "gzip", MAX_INFLATE)
    assert inflated is not None
    assert len(inflated) == MAX_INFLATE
    assert inflate(b"<html>", "gzip", MAX_INFLATE) is None
    assert inflate(zlib.compress(b"zlib"), "deflate", MAX_INFLATE) == b"zlib"
    raw = zlib.compressobj(wbits=-15)
    assert inflate(raw.compress(b"raw") + raw.flush(), "deflate", MAX_INFLATE) == b"raw"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-18T01:58:10Z", datetime(2024, 5, 18, 1, 58, 10, tzinfo=timezone.utc)),
        ("2024-05-18T01:58:10.5+02:00", datetime(2024, 5, 17, 23, 58, 10, 500000, timezone.utc)),
        ("2024-05-18", datetime(2024, 5, 18, tzinfo=timezone.utc)),
        ("20240518015810", datetime(2024, 5, 18, 1, 58, 10, tzinfo=timezone.utc)),
        ("Sat, 18 May 2024 01:58:10 GMT", datetime(2024, 5, 18, 1, 58, 10, tzinfo=timezone.utc)),
        (1716001090, datetime(2024, 5, 18, 2, 58, 10, tzinfo=timezone.utc)),
        (1716001090000, datetime(2024, 5, 18, 2, 58, 10, tzinfo=timezone.utc)),
        (datetime(2024, 5, 18), datetime(2024, 5, 18, tzinfo=timezone.utc)),
        ("2008-10-294T05:21:46-0700", None),
        ("soon", None),
        (True, None),
    ],
)
def test_dates(value: object, expected: datetime | None) -> None:
    assert parse_date(value) == expected


# -- JSON Lines -----------------------------------------------------------------------------

ROWS: list[dict[str, Any]] = [
    {
        "meta": {"link": "https://a.example/1", "crawled": "2024-05-18T01:58:10Z"},
        "raw": "<html><head><meta name='robots' content='noai'></head></html>",
        "hdrs": {"Content-Type": "text/html", "X-Robots-Tag": ["noai", "noimageai"]},
        "doc_id": "a1",
    },
    {
        "meta": {"link": "https://a.example/2", "crawled": 1716001090},
        "raw": "<p>two</p>",
        "hdrs": [["Content-Type", "text/html; charset=utf-8"], ["Link", "<x>; rel=license"]],
        "doc_id": 2,
    },
    {
        "meta": {"link": "https://b.example/", "crawled": "20240518015810"},
        "raw": None,
        "text": "plain text",
        "hdrs": "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Usage: train-ai=n\r\n",
    },
]
COLUMNS = ColumnNames(
    url="meta.link", html=("raw", "text"), headers="hdrs", date="meta.crawled", id="doc_id"
)


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    lines = [json.dumps(rows[0]), "", json.dumps(rows[1]), "{not json", "[1, 2]"]
    lines += ['{"meta": {}}', json.dumps(rows[2])]
    return ("\n".join(lines) + "\n").encode()


def _check_rows(documents: list[Document], source: Path) -> None:
    assert [d.offset for d in documents] == [0, 2, 3, 4, 5, 6]  # line numbers; blank skipped
    first, second, bad, array, no_url, third = documents
    assert first.source == str(source)
    assert first.url == "https://a.example/1"
    assert first.record_id == "a1"
    assert first.date == datetime(2024, 5, 18, 1, 58, 10, tzinfo=timezone.utc)
    assert first.headers == (
        ("Content-Type", "text/html"),
        ("X-Robots-Tag", "noai"),
        ("X-Robots-Tag", "noimageai"),
    )
    assert first.content_type == "text/html"
    assert first.body is not None
    assert first.body.startswith(b"<html>")
    assert first.length is None  # a line has no byte extent of its own
    assert second.record_id == "2"
    assert second.date == datetime(2024, 5, 18, 2, 58, 10, tzinfo=timezone.utc)
    assert ("Link", "<x>; rel=license") in second.headers
    assert bad.error is not None
    assert "not JSON" in bad.error
    assert array.error is not None
    assert "not an object" in array.error
    assert no_url.error is not None
    assert "no URL" in no_url.error
    assert third.status == 200
    assert third.body == b"plain text"  # the first html column is null: the next one counts
    assert ("Content-Usage", "train-ai=n") in third.headers
    assert third.date == datetime(2024, 5, 18, 1, 58, 10, tzinfo=timezone.utc)


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson.bz2"])
def test_jsonl_variants(tmp_path: Path, suffix: str) -> None:
    data = _jsonl(ROWS)
    path = tmp_path / f"rows{suffix}"
    if suffix.endswith(".gz"):
        data = gzip.compress(data)
    elif suffix.endswith(".zst"):
        data = zstandard.ZstdCompressor().compress(data)
    elif suffix.endswith(".bz2"):
        import bz2

        data = bz2.compress(data)
    path.write_bytes(data)
    assert detect_format(path) == "jsonl"
    documents = read(path, columns=COLUMNS)
    _check_rows(documents, path)
    for start in range(len(documents) + 1):
        assert read(path, columns=COLUMNS, start=start) == documents[start:]


def test_default_column_names(tmp_path: Path) -> None:
    path = tmp_path / "plain.jsonl"
    path.write_text(
        json.dumps({"url": "https://x.example/", "html": "<html></html>", "date": "2024-01-01"})
        + "\n",
        encoding="utf-8",
    )
    (document,) = read(path)
    assert document.url == "https://x.example/"
    assert document.body == b"<html></html>"
    assert ColumnNames(html="body").html == ("body",)  # type: ignore[arg-type]  # a common slip
    assert document.date == datetime(2024, 1, 1, tzinfo=timezone.utc)


def test_json_escapes_that_utf8_cannot_hold(tmp_path: Path) -> None:
    path = tmp_path / "surrogates.jsonl"
    path.write_text(
        '{"url": "https://x.example/\\ud800", "id": "\\udfff", "headers": "X-A: \\ud83d"}\n',
        encoding="utf-8",
    )
    (document,) = read(path)
    for text in (document.url, document.record_id or "", *document.headers[0]):
        text.encode("utf-8")  # a Parquet writer must be able to store every field


def test_json_array(tmp_path: Path) -> None:
    path = tmp_path / "rows.json"
    path.write_text(json.dumps(ROWS, indent=1), encoding="utf-8")
    documents = read(path, columns=COLUMNS)
    assert [d.url for d in documents] == [
        "https://a.example/1",
        "https://a.example/2",
        "https://b.example/",
    ]
    assert [d.offset for d in documents] == [0, 1, 2]
    assert read(path, columns=COLUMNS, start=2) == documents[2:]
    cut = tmp_path / "cut.json"
    cut.write_text(json.dumps(ROWS)[:-40], encoding="utf-8")
    partial = read(cut, columns=COLUMNS)
    assert [d.error is None for d in partial] == [True, True, False]


def test_corrupt_compressed_jsonl(tmp_path: Path) -> None:
    lines = b"".join(
        json.dumps({"url": f"https://h{i}.example/", "text": "x" * 50}).encode() + b"\n"
        for i in range(2000)
    )
    packed = bytearray(gzip.compress(lines))
    packed[len(packed) // 2] ^= 0xFF
    path = tmp_path / "broken.jsonl.gz"
    path.write_bytes(bytes(packed))
    documents = read(path)
    # Damaged deflate data may still inflate (to garbled lines, each an error row) before the
    # gzip CRC check fails; the stream cannot be re-entered, so that error ends the file.
    assert documents[-1].error is not None
    assert "gzip" in documents[-1].error
    first_error = documents.index(errors(documents)[0])
    assert first_error > 100
    assert all(d.url == f"https://h{i}.example/" for i, d in enumerate(documents[:first_error]))
    truncated = tmp_path / "cut.jsonl.zst"
    truncated.write_bytes(zstandard.ZstdCompressor().compress(lines)[:500])
    assert read(truncated)[-1].error is not None


# -- Parquet, Arrow and Hugging Face dataset folders ----------------------------------------


def _table(count: int) -> pa.Table:
    return pa.table(
        {
            "page_url": [f"https://p{i}.example/" for i in range(count)],
            "body": [f"<html>{i}</html>".encode() for i in range(count)],
            "fetched": pa.array(
                [datetime(2024, 1, 1, i % 24) for i in range(count)], pa.timestamp("us")
            ),
            "resp_headers": pa.array(
                [[("Content-Type", "text/html"), ("X-Robots-Tag", "noai")]] * count,
                pa.map_(pa.string(), pa.string()),
            ),
            "unused": list(range(count)),
        }
    )


PARQUET_COLUMNS = ColumnNames(
    url="page_url", html=("body",), headers="resp_headers", date="fetched"
)


def test_parquet(tmp_path: Path) -> None:
    path = tmp_path / "rows.parquet"
    pq.write_table(_table(700), path, row_group_size=200)
    assert detect_format(path) == "parquet"
    documents = read(path, columns=PARQUET_COLUMNS)
    assert len(documents) == 700
    assert errors(documents) == []
    assert [d.offset for d in documents] == list(range(700))
    first = documents[0]
    assert first.url == "https://p0.example/"
    assert first.body == b"<html>0</html>"
    assert first.date == datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert first.headers == (("Content-Type", "text/html"), ("X-Robots-Tag", "noai"))
    for start in (0, 1, 199, 200, 201, 450, 699, 700, 900):
        assert (
            read(path, columns=PARQUET_COLUMNS, start=start, limit=5)
            == documents[start : start + 5]
        )


def test_parquet_without_the_url_column(tmp_path: Path) -> None:
    path = tmp_path / "rows.parquet"
    pq.write_table(_table(3), path)
    with pytest.raises(UsageError, match="page_url"):
        read(path)


def test_parquet_damaged_row_group(tmp_path: Path) -> None:
    path = tmp_path / "rows.parquet"
    pq.write_table(_table(300), path, row_group_size=100, compression="none")
    meta = pq.ParquetFile(path).metadata.row_group(1).column(0)
    at = meta.dictionary_page_offset or meta.data_page_offset
    data = bytearray(path.read_bytes())
    data[at : at + 8] = b"\xff" * 8  # the page header of row group 1 no longer decodes
    broken_file = tmp_path / "broken.parquet"
    broken_file.write_bytes(bytes(data))
    documents = read(broken_file, columns=PARQUET_COLUMNS)
    assert len(documents) == 300  # one row per row, damaged ones included
    assert [d.offset for d in errors(documents)] == list(range(100, 200))
    assert all(d.url == f"https://p{d.offset}.example/" for d in documents if d.error is None)
    assert read(broken_file, columns=PARQUET_COLUMNS, start=150) == documents[150:]


def test_unreadable_parquet(tmp_path: Path) -> None:
    path = tmp_path / "junk.parquet"
    path.write_bytes(b"PAR1" + b"\0" * 100)
    (document,) = read(path)
    assert document.error is not None
    assert "Parquet" in document.error


def _write_stream(path: Path, table: pa.Table, *, chunk: int = 64) -> None:
    # What `datasets` writes: the Arrow IPC *stream* format, with its features in the metadata.
    features = {name: {"dtype": "string", "_type": "Value"} for name in table.schema.names}
    schema = table.schema.with_metadata(
        {"huggingface": json.dumps({"info": {"features": features}})}
    )
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_stream(sink, schema) as writer:
        writer.write_table(table.replace_schema_metadata(schema.metadata), max_chunksize=chunk)


def _save_to_disk(folder: Path, table: pa.Table, shards: int) -> list[Path]:
    """The layout of ``Dataset.save_to_disk``: arrow shards, state.json, dataset_info.json."""
    folder.mkdir(parents=True)
    size = -(-table.num_rows // shards)
    names = [f"data-{i:05d}-of-{shards:05d}.arrow" for i in range(shards)]
    for i, name in enumerate(names):
        _write_stream(folder / name, table.slice(i * size, size))
    state: dict[str, object] = {
        "_data_files": [{"filename": n} for n in names],
        "_fingerprint": "0123456789abcdef",
        "_format_columns": None,
        "_format_kwargs": {},
        "_format_type": None,
        "_output_all_columns": False,
        "_split": "train",
    }
    (folder / "state.json").write_text(json.dumps(state, indent=2), encoding="utf-8")
    (folder / "dataset_info.json").write_text(json.dumps({"features": {}}), encoding="utf-8")
    return [folder / n for n in names]


def _hf_table(count: int, prefix: str = "h") -> pa.Table:
    return pa.table(
        {
            "id": [f"{prefix}{i}" for i in range(count)],
            "url": [f"https://{prefix}{i}.example/" for i in range(count)],
            "text": [f"text {i}" for i in range(count)],
        }
    )


def test_hf_save_to_disk_folder(tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    shards = _save_to_disk(folder, _hf_table(250), 2)
    assert detect_format(folder) == "dataset"
    documents = read(folder)
    assert len(documents) == 250
    assert [d.url for d in documents] == [f"https://h{i}.example/" for i in range(250)]
    assert [d.record_id for d in documents[:2]] == ["h0", "h1"]
    # (source, offset) names the shard file and the row within it.
    assert {d.source for d in documents} == {str(s) for s in shards}
    assert documents[125].source == str(shards[1])
    assert documents[125].offset == 0
    for start in (0, 63, 64, 124, 125, 126, 249, 250):
        assert read(folder, start=start, limit=4) == documents[start : start + 4]


def test_hf_dataset_dict_folder(tmp_path: Path) -> None:
    root = tmp_path / "dict"
    _save_to_disk(root / "train", _hf_table(5, "train"), 1)
    _save_to_disk(root / "test", _hf_table(3, "test"), 1)
    (root / "dataset_dict.json").write_text(json.dumps({"splits": ["train", "test"]}))
    urls = [d.url for d in read(root)]
    assert urls == [f"https://train{i}.example/" for i in range(5)] + [
        f"https://test{i}.example/" for i in range(3)
    ]


def test_hf_parquet_snapshot_folder(tmp_path: Path) -> None:
    # A dataset repository snapshot: data/<split>-NNNNN-of-NNNNN.parquet and a README card.
    root = tmp_path / "snapshot"
    (root / "data").mkdir(parents=True)
    (root / "README.md").write_text("---\nlicense: cc-by-4.0\n---\n")
    (root / ".cache").mkdir()
    (root / ".cache" / "stale.parquet").write_bytes(b"not read")
    pq.write_table(_hf_table(4, "a"), root / "data" / "train-00000-of-00002.parquet")
    pq.write_table(_hf_table(2, "b"), root / "data" / "train-00001-of-00002.parquet")
    documents = read(root)
    assert [d.url for d in documents] == [f"https://a{i}.example/" for i in range(4)] + [
        f"https://b{i}.example/" for i in range(2)
    ]
    assert documents[4].source == str(root / "data" / "train-00001-of-00002.parquet")


def test_arrow_file_format(tmp_path: Path) -> None:
    path = tmp_path / "rows.arrow"
    table = _hf_table(10)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=3)
    assert detect_format(path) == "arrow"
    assert [d.url for d in read(path, start=4)] == [f"https://h{i}.example/" for i in range(4, 10)]


def test_truncated_arrow_stream(tmp_path: Path) -> None:
    path = tmp_path / "rows.arrow"
    _write_stream(path, _hf_table(200), chunk=50)
    cut = tmp_path / "cut.arrow"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size * 2 // 3])
    documents = read(cut)
    assert documents[-1].error is not None
    assert all(d.error is None for d in documents[:-1])
    assert len(documents) < 200


# -- ARC ------------------------------------------------------------------------------------


def _arc_from_cc() -> tuple[list[bytes], list[str]]:
    """ARC v1 records holding the real HTTP responses of the CC sample, and their URLs."""
    version = b"1 0 reciprocity-test\nURL IP-address Archive-date Content-type Archive-length\n"
    records = [b"filedesc://test.arc 0.0.0.0 20200808172741 text/plain %d\n" % len(version)]
    records[0] += version + b"\n"
    urls = []
    for record in ArchiveIterator(
        str(sample(CC)), record_types=WarcRecordType.response, parse_http=False
    ):
        url = record.headers.get("WARC-Target-URI") or ""
        stamp = record.record_date.strftime("%Y%m%d%H%M%S")
        block = record.reader.read()
        header = f"{url} 192.0.2.1 {stamp} text/html {len(block)}\n".encode()
        records.append(header + block + b"\n")
        urls.append(url)
    return records, urls


def test_arc_plain_and_gzip(tmp_path: Path) -> None:
    records, urls = _arc_from_cc()
    plain = tmp_path / "sample.arc"
    plain.write_bytes(b"".join(records))
    packed = tmp_path / "sample.arc.gz"
    packed.write_bytes(b"".join(gzip.compress(r) for r in records))
    reference = read(sample(CC))
    for path in (plain, packed):
        assert detect_format(path) == "arc"
        documents = read(path)
        assert [d.url for d in documents] == urls
        assert errors(documents) == []
        for document, warc in zip(documents, reference, strict=True):
            assert document.body == warc.body
            assert document.status == 200
            assert document.date == warc.date
    offsets = [d.offset for d in read(packed)]
    for offset in offsets:
        assert member_head(packed, offset).startswith(b"http")
    with plain.open("rb") as file:
        for document in read(plain):
            file.seek(document.offset)
            assert file.readline().startswith(document.url.encode())


def test_arc_single_stream_gzip(tmp_path: Path) -> None:
    records, urls = _arc_from_cc()
    data = b"".join(records)
    path = tmp_path / "single.arc.gz"
    path.write_bytes(gzip.compress(data))
    documents = read(path)
    assert [d.url for d in documents] == urls
    assert all(data[d.offset :].startswith(d.url.encode()) for d in documents)


def test_arc_damage(tmp_path: Path) -> None:
    records, urls = _arc_from_cc()
    members = [gzip.compress(r) for r in records]
    members[4] = members[4][:40] + b"\xff" * 40 + members[4][80:]
    broken_file = tmp_path / "broken.arc.gz"
    broken_file.write_bytes(b"".join(members))
    documents = read(broken_file)
    (broken,) = errors(documents)
    assert broken.offset == sum(len(m) for m in members[:4])
    assert [d.url for d in documents if d.error is None] == urls[:3] + urls[4:]
    plain = tmp_path / "broken.arc"
    records[6] = b"this line is no ARC header\n" + records[6]
    plain.write_bytes(b"".join(records)[:-2000])
    documents = read(plain)
    assert len(errors(documents)) == 2  # the bad line, then the truncated last record
    assert documents[-1].error is not None
    assert "truncated" in documents[-1].error


# -- Arbitrary input never raises -----------------------------------------------------------


def _read_bytes(data: bytes, suffix: str) -> list[Document]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        documents = read(path)
        assert documents == read(path)  # deterministic
        for document in documents:
            assert document.source == str(path)
            assert document.offset >= 0
        return documents


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.binary(max_size=2048),
    suffix=st.sampled_from([".warc.gz", ".warc", ".jsonl", ".jsonl.gz", ".arc", ".json"]),
)
def test_arbitrary_bytes_never_raise(data: bytes, suffix: str) -> None:
    _read_bytes(data, suffix)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.sampled_from([b"\x1f\x8b\x08", b"WARC/1.0\r\n", b"{", b"[", b"PAR1", b"ARROW1"]),
    data=st.binary(max_size=1024),
)
def test_arbitrary_bytes_behind_magic_never_raise(prefix: bytes, data: bytes) -> None:
    _read_bytes(prefix + data, ".warc.gz")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_damaged_real_warc_never_raises(data: st.DataObject) -> None:
    original = sample("webrecorder.warcio-example.warc.gz").read_bytes()
    damaged = bytearray(original)
    for _ in range(data.draw(st.integers(0, 4))):
        damaged[data.draw(st.integers(0, len(damaged) - 1))] ^= data.draw(st.integers(1, 255))
    cut = data.draw(st.integers(0, len(damaged)))
    _read_bytes(bytes(damaged[:cut]), ".warc.gz")
    _read_bytes(gzip.decompress(original)[: cut * 2], ".warc")


@settings(max_examples=100, deadline=None)
@given(
    lines=st.lists(
        st.one_of(
            st.binary(max_size=64),
            st.dictionaries(
                st.sampled_from(["url", "html", "headers", "date", "id", "text"]),
                st.one_of(
                    st.none(),
                    st.booleans(),
                    st.integers(),
                    st.floats(allow_nan=False),
                    st.text(max_size=20),
                    st.lists(st.text(max_size=5), max_size=3),
                    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
                ),
            ).map(lambda row: json.dumps(row).encode()),
        ),
        max_size=10,
    )
)
def test_arbitrary_jsonl_rows_never_raise(lines: list[bytes]) -> None:
    data = b"\n".join(lines)
    documents = _read_bytes(data, ".jsonl")
    if not data.lstrip().startswith(b"["):  # else read as one JSON array
        assert len(documents) <= data.count(b"\n") + 1
