"""The adversarial corpus (issue 19): hostile inputs built by code
(``benchmarks/hostile_corpus.py``) and the outcome each must have: a diagnostic or an error
row, a decision that fails closed, and time within a loose budget. ``benchmarks/hostile.py``
measures the same builders at growing sizes; the budgets here are about ten times what it
measures, only to catch a blow-up."""

from __future__ import annotations

import sys
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import ROOT

from reciprocity._codings import dechunk, inflate
from reciprocity.cli import EXIT_OK, EXIT_PARTIAL, main
from reciprocity.corpus.readers import MAX_INFLATE, read_documents
from reciprocity.errors import InputError
from reciprocity.fetcher.decode import BoundedDecoder
from reciprocity.signals.robots import ROBOTS_SIZE_LIMIT, RobotsTxt, pattern_matches
from reciprocity.signals.rsl import parse_rsl

sys.path.append(str(ROOT / "benchmarks"))
import hostile_corpus as hostile


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """CPU time of the block, at most ``seconds`` (a loose bound: a blow-up, not a regression)."""
    start = time.process_time()
    yield
    spent = time.process_time() - start
    assert spent < seconds, f"took {spent:.2f} s of CPU, budget {seconds} s"


def _codes(robots: RobotsTxt) -> set[str]:
    return {d.code for d in robots.diagnostics}


def _allowed(robots: RobotsTxt, path: str, agent: str = "GPTBot") -> bool:
    return robots.allowed(f"https://example.com{path}", agent)


# -- robots.txt --------------------------------------------------------------------------------


def test_huge_robots_is_read_to_the_rfc_limit() -> None:
    data = hostile.huge_robots(20 << 20)
    with within(10):
        robots = RobotsTxt.parse(data)
    assert "size-limit" in _codes(robots)
    # What the first 500 KiB say still applies: the limit cuts, it does not allow all.
    assert not _allowed(robots, "/private/x")
    assert _allowed(robots, "/public/x")


def test_millions_of_lines() -> None:
    data = hostile.many_lines_robots(3_000_000)
    assert len(data) > ROBOTS_SIZE_LIMIT
    with within(10):
        robots = RobotsTxt.parse(data)
    assert "size-limit" in _codes(robots)
    assert not _allowed(robots, "/x")


@pytest.mark.parametrize("n", [100, 2_000, 8_000])
def test_deep_wildcards_match_in_linear_time(n: int) -> None:
    data, path = hostile.deep_wildcards(n)
    pattern = "/" + "*a" * n + "b"
    with within(5):
        robots = RobotsTxt.parse(data)
        assert not pattern_matches(path, pattern)
        assert pattern_matches(path + "b", pattern)
        assert _allowed(robots, path)
        assert not _allowed(robots, path + "b")


def test_a_line_too_long_fails_closed() -> None:
    with within(5):
        robots = RobotsTxt.parse(hostile.long_line_robots(1 << 20))
    assert "line-too-long" in _codes(robots)
    assert _allowed(robots, "/b")
    assert not _allowed(robots, "/" + "a" * 100_000)  # the kept head of the rule still applies


def test_nul_bytes() -> None:
    with within(5):
        robots = RobotsTxt.parse(hostile.nul_robots(100_000))
    assert not _allowed(robots, "/c")
    assert not _allowed(robots, "/a")  # "/a\0b" is read up to the NUL: the stricter reading


def test_invalid_utf8() -> None:
    with within(5):
        robots = RobotsTxt.parse(hostile.invalid_utf8_robots(100_000))
    assert "invalid-utf8" in _codes(robots)
    assert _allowed(robots, "/ok")
    assert not _allowed(robots, "/%FF%FE%C3(")


def test_mixed_line_endings() -> None:
    with within(5):
        robots = RobotsTxt.parse(hostile.mixed_line_endings_robots(100_000))
    assert [_allowed(robots, p) for p in ("/a", "/b", "/c")] == [False, True, False]


# -- bombs ------------------------------------------------------------------------------------


def test_gzip_bomb_is_cut_at_the_limit() -> None:
    bomb = hostile.gzip_bomb(1 << 30)
    assert len(bomb) < 2 << 20  # a gigabyte of zeros, a megabyte on the wire
    with within(5):
        out = inflate(bomb, "gzip", 1 << 20)
        decoder = BoundedDecoder("gzip", 1 << 20)
        full = decoder.feed(bomb)
    assert out is not None
    assert len(out) == 1 << 20
    assert full
    assert decoder.truncated
    assert len(decoder.body) == 1 << 20


def _response(url: str, http: bytes) -> bytes:
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
        f"WARC-Target-URI: {url}\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


def test_gzip_bomb_in_a_warc_record(tmp_path: Path) -> None:
    bomb = hostile.gzip_bomb(1 << 30)
    http = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Type: text/html\r\n\r\n" + bomb
    path = tmp_path / "bomb.warc"
    path.write_bytes(_response("https://example.com/", http))
    with within(10):
        (document,) = read_documents(path)
    assert document.error is None
    assert document.body is not None
    assert len(document.body) == MAX_INFLATE


def test_xml_bomb_is_refused_unexpanded() -> None:
    with within(2):
        found = parse_rsl(hostile.xml_bomb(9))  # 10**9 expansions if entities were honoured
    assert [d.code for d in found.diagnostics] == ["dtd-refused"]
    assert found.contents == ()


def test_zip_bomb_is_no_corpus(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    path.write_bytes(hostile.zip_bomb(1 << 24))
    with within(2), pytest.raises(InputError, match="cannot tell the format"):
        list(read_documents(path))


def test_chunking_lies_stay_within_the_body(tmp_path: Path) -> None:
    lie = hostile.chunked_lie(1 << 40)
    with within(1):
        data = dechunk(lie)
    # A chunk size past the end of the body is a body cut short: its bytes so far are kept,
    # never more than were sent.
    assert data is not None
    assert data.startswith(b"hello")
    assert len(data) <= len(lie)
    http = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html\r\n\r\n"
    path = tmp_path / "chunked.warc"
    path.write_bytes(_response("https://example.com/", http + lie))
    (document,) = read_documents(path)
    assert document.body == data
    assert dechunk(b"zz\r\nbad\r\n") is None  # no size line at all: not chunked, kept as sent


def test_http_header_bomb_is_an_error_row(tmp_path: Path) -> None:
    http = b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * (4 << 20) + b"\r\n\r\n<html></html>"
    path = tmp_path / "header.warc"
    path.write_bytes(_response("https://example.com/1", http) + hostile.warc_record(2))
    with within(5):
        bad, good = read_documents(path)
    assert bad.error is not None
    assert "HTTP header longer than" in bad.error
    assert good.error is None
    assert good.url == "https://example.com/2"


# -- hostile archives ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "-rf.warc",  # an option to a careless shell
        "new\nline.warc",
        "\u202egnp.warc",  # a right-to-left override
        "..warc",
        "x" * 200 + ".warc",
    ],
)
def test_hostile_file_names_stay_inside_the_output(tmp_path: Path, name: str) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    mixed = hostile.mixed_warc(gzipped=False)
    (inputs / name).write_bytes(mixed.data)
    out = tmp_path / "run"
    kept = out / "kept"
    args = ["audit", str(inputs / name), "--out", str(out), "--quiet", "--unavailable", "allow"]
    assert main([*args, "--write-kept"]) == EXIT_PARTIAL
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    outside = [p for p in written if not p.is_relative_to(out)]
    assert [p.name for p in outside] == [name]  # only the input itself
    assert [p.name for p in kept.iterdir()] == [name]
    rows = pq.read_table(out / "decisions.parquet").to_pylist()
    good = [p for p in mixed.pieces if p.error is None]
    assert sum(r["keep"] for r in rows) == len(good)
    # The kept copy holds exactly the good records, readable again.
    again = list(read_documents(kept / name))
    assert [d.url for d in again] == [f"https://example.com/{p.page}" for p in good]
    assert main(["audit", str(kept / name), "--out", str(tmp_path / "again"), "--quiet"]) in (
        EXIT_OK,
        EXIT_PARTIAL,
    )


@pytest.mark.parametrize("gzipped", [True, False], ids=["per-record-gzip", "plain"])
def test_hostile_warc_time_is_linear(gzipped: bool, tmp_path: Path) -> None:
    # Every hostile record kind, 300 times over: a resynchronisation that rescanned from the
    # start of the file would be quadratic here.
    mixed = hostile.mixed_warc(gzipped=gzipped, rounds=300)
    path = tmp_path / ("big.warc.gz" if gzipped else "big.warc")
    path.write_bytes(mixed.data)
    with within(30):
        documents = list(read_documents(path))
    assert len(documents) == len(mixed.pieces)
    assert sum(d.error is not None for d in documents) == sum(
        p.error is not None for p in mixed.pieces
    )


def test_one_byte_chunks_take_memory_in_proportion_to_the_body() -> None:
    # A list of a view per chunk took some 45 times the body (278 MiB for 6 MB, measured by
    # benchmarks/hostile.py).
    body = b"1\r\nx\r\n" * 100_000 + b"0\r\n\r\n"
    tracemalloc.start()
    try:
        with within(30):
            data = dechunk(body)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert data == b"x" * 100_000
    assert peak < 2 * len(body)
