"""The WARC reader's shortcuts give what the general reading gives, on any input.

Each shortcut is compared with the general way it stands in for: the header block of one kind
of line end with :func:`_parse_header_text`, the header end with the first of both blank-line
forms, WARC-Date's own form with the general date reading, and the chunk joining with the
chunk copying it replaced (kept here as the reference); and FastWARC opening the file itself
only under a name it can pass on.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from conftest import SHARED, require
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reciprocity._codings import dechunk
from reciprocity.corpus.framing import MAX_HEADER
from reciprocity.corpus.readers import read_documents
from reciprocity.corpus.readers.http import (
    _header_end,
    _parse_header_block,
    _parse_header_bytes,
    _parse_header_text,
)
from reciprocity.corpus.values import _parse_date_text, parse_date

# Every byte class the header readings treat apart: line ends and lone CR/LF, the whitespace
# bytes.strip() strips (and Unicode whitespace it does not), colons, status lines, bytes that
# are not UTF-8, and the field names the reader looks up.
PIECES = [
    b"HTTP/1.1 200 OK",
    b"HTTP/1.0 404 x",
    b"HTTP/1.1 2000",
    b"HTTP/1.1\t301",
    b"HTTP/1.1 \xd9\xa3\xd9\xa0\xd9\xa0",
    b"HTTP/",
    b"Content-Type",
    b"content-type",
    b"Content-Encoding",
    b"Transfer-Encoding",
    b"X",
    b"text/html",
    b"gzip",
    b"chunked",
    b":",
    b": ",
    b" :",
    b" ",
    b"\t",
    b"\r",
    b"\n",
    b"\r\n",
    b"\r\r\n",
    b"\n\r\n",
    b"\r\n ",
    b"\r\n\t",
    b"\x0b",
    b"\x0c",
    b"\x1c",
    b"\x85",
    b"\xc2\x85",
    b"\xc2\xa0",
    b"\xe3\x80\x80",
    b"\xe2\x80\xa8",
    b"\xff",
    b"caf\xc3\xa9",
    b"\xed\xa0\x80",
    b"a=b, c",
]
blocks = st.lists(st.sampled_from(PIECES), max_size=40).map(b"".join)
# Header-like blocks: a status line or not, then fields (name, separator, value) whose line
# ends vary line by line.
NAMES = [b"Content-Type", b"content-type", b"", b" X", b"\tX", b"X ", b"\x0bX", b"caf\xc3\xa9"]
SEPARATORS = [b": ", b":", b" : ", b":\t", b"", b"\x0c:"]
LINE_ENDS = [b"\r\n", b"\r\n", b"\n", b"\r\r\n", b" \r\n"]
fields = st.tuples(
    st.sampled_from(NAMES),
    st.sampled_from(SEPARATORS),
    st.lists(st.sampled_from(PIECES), max_size=3).map(b"".join),
    st.sampled_from(LINE_ENDS),
).map(b"".join)
header_blocks = st.tuples(
    st.sampled_from([b"", b"HTTP/1.1 200 OK\r\n", b"HTTP/1.0 301\n", b"HTTP/1.1 404 x\r\r\n"]),
    st.lists(fields, max_size=8).map(b"".join),
).map(b"".join)


def _one_line_end(pieces: list[bytes], end: bytes) -> bytes:
    """Lines of pieces without LF, all ended alike: the input the shortcut reads."""
    return end.join(p for p in pieces if b"\n" not in p)


@settings(max_examples=1500, deadline=None)
@given(st.one_of(blocks, header_blocks))
def test_header_blocks_read_as_the_general_reading_reads_them(head: bytes) -> None:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        assert _parse_header_block(head) == _parse_header_bytes(head)
        return
    assert _parse_header_block(head) == _parse_header_text(text)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.sampled_from([b"\r\n", b"\n"]))
def test_blocks_of_one_line_end_too(pieces: list[bytes], end: bytes) -> None:
    head = _one_line_end(pieces, end)
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return
    assert _parse_header_block(head) == _parse_header_text(text)


def _first_blank_line(block: bytes) -> tuple[int, int] | None:
    limit = MAX_HEADER + 4
    ends = [(i, len(s)) for s in (b"\r\n\r\n", b"\n\n") if (i := block.find(s, 0, limit)) != -1]
    return min(ends) if ends else None


@settings(max_examples=600, deadline=None)
@given(blocks, st.sampled_from([0, 0, MAX_HEADER - 50]))
def test_the_header_ends_at_the_first_blank_line_of_either_kind(block: bytes, pad: int) -> None:
    block = b"x" * pad + block  # the padded ones end near the limit
    assert _header_end(block) == _first_blank_line(block)


WARC_DATE = "2024-05-18T01:58:10Z"
OTHERS = [*"0123456789", "x", " ", "+", "-", ":", ",", ".", "T", "Z", "\u0665", "\uff12"]
# Each character of the form kept (mostly) or replaced (by a digit, a separator, a digit of
# another script): the strings the shortcut is tried on and must refuse or read alike.
warc_dates = st.tuples(*(st.sampled_from([c] * 120 + OTHERS) for c in WARC_DATE)).map("".join)


@settings(max_examples=1500, deadline=None)
@given(warc_dates)
# parse_date strips the text first: digits and a trailing space are an epoch number to both
@example("2024005018001058010 ")
def test_warc_dates_read_as_the_general_reading_reads_them(text: str) -> None:
    try:
        general: datetime | None = _parse_date_text(text.strip())
    except (ValueError, OverflowError):
        general = None
    assert parse_date(text) == general


def _copying_dechunk(body: bytes) -> bytes | None:
    """The chunk reading before it joined views: each chunk copied into a bytearray."""
    out = bytearray()
    at = 0
    while True:
        eol = body.find(b"\n", at, at + 1024)
        if eol == -1:
            return bytes(out) if at > 0 and at >= len(body) - 1024 else None
        size_text = body[at:eol].split(b";", 1)[0].strip()
        if not re.fullmatch(rb"[0-9A-Fa-f]+", size_text) or len(size_text) > 16:
            return None
        size = int(size_text, 16)
        at = eol + 1
        if size == 0:
            return bytes(out)
        out += body[at : at + size]
        at += size
        if at >= len(body):
            return bytes(out)
        if body.startswith(b"\r\n", at):
            at += 2
        elif body.startswith(b"\n", at):
            at += 1
        else:
            return None


CHUNKS = [b"5", b"0", b"a", b"10", b"1;x=y", b" ", b"\r\n", b"\n", b"\r", b"hello", b"g", b"-1"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(CHUNKS), max_size=30).map(b"".join))
def test_chunked_bodies_join_as_they_were_copied(body: bytes) -> None:
    assert dechunk(body) == _copying_dechunk(body)


def test_a_file_name_that_is_not_utf8_is_read_through_the_open_file(tmp_path: Path) -> None:
    # FastWARC opens the file itself only under a name it can pass on; this one it cannot.
    sample = require(SHARED / "data" / "warc" / "webrecorder.warcio-example.warc.gz", "WARC sample")
    odd = tmp_path / os.fsdecode(b"caf\xe9.warc.gz")
    odd.write_bytes(sample.read_bytes())
    plain = tmp_path / "plain.warc.gz"
    plain.write_bytes(sample.read_bytes())
    documents = list(read_documents(odd))
    assert documents
    assert documents == [replace(d, source=str(odd)) for d in read_documents(plain)]
