"""Stored HTTP responses (WARC ``response`` records, ARC records): status line and header
parsing, transfer and content codings undone (bounded by :data:`MAX_INFLATE`), and the
:class:`Document` of one response."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from reciprocity._codings import dechunk, inflate
from reciprocity.corpus.document import Document
from reciprocity.corpus.framing import (
    MAX_HEADER,
)
from reciprocity.corpus.readers.damage import _error
from reciprocity.corpus.values import header_text, parse_date

MAX_INFLATE = 8 << 20
"""Bytes a ``Content-Encoding: gzip/deflate`` body may inflate to (a gzip bomb stops there)."""
_HEX = re.compile(rb"[0-9A-Fa-f]+")


@dataclass(frozen=True, slots=True)
class _Http:
    status: int | None
    headers: tuple[tuple[str, str], ...]
    body: bytes
    error: str | None = None


def _split_http(block: bytes) -> _Http:
    """Status, headers and decoded body of a stored HTTP response."""
    if not block.startswith(b"HTTP/"):
        return _Http(None, (), block, "record holds no HTTP response (no status line)")
    # The header ends at the first blank line, CRLF or bare LF (ClueWeb09 writes bare LF);
    # searched for within the header limit only, not through a whole body that lacks one.
    limit = MAX_HEADER + 4
    ends = [(i, len(s)) for s in (b"\r\n\r\n", b"\n\n") if (i := block.find(s, 0, limit)) != -1]
    if ends:
        cut, width = min(ends)
        head, body = block[:cut], block[cut + width :]
    elif len(block) <= MAX_HEADER:
        head, body = block, b""  # a header with no body and no final blank line
    else:
        return _Http(None, (), block, f"HTTP header longer than {MAX_HEADER} bytes")
    status, headers = _parse_header_block(head)
    return _Http(status, headers, _decode_body(headers, body))


_BYTES_WS: Final = " \t\n\r\x0b\x0c"  # what bytes.strip() strips; str.strip() strips more


def _parse_header_block(head: bytes) -> tuple[int | None, tuple[tuple[str, str], ...]]:
    """(status, headers) of a header block, with or without its status line."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return _parse_header_bytes(head)
    # The whole block is UTF-8, so each piece is (what header_text would give, one decode instead of
    # one per name and value).
    lines = [line.rstrip("\r") for line in text.split("\n")]
    status: int | None = None
    if lines and lines[0].startswith("HTTP/"):
        parts = lines.pop(0).split(None, 2)
        if len(parts) >= 2 and len(parts[1]) == 3 and parts[1].isascii() and parts[1].isdigit():
            status = int(parts[1])
    pairs: list[tuple[str, str]] = []
    for line in lines:
        if line[:1] in (" ", "\t") and pairs:
            folded_name, folded = pairs[-1]
            pairs[-1] = (folded_name, f"{folded} {line.strip(_BYTES_WS)}".strip())
            continue
        name, colon, value = line.partition(":")
        name = name.strip(_BYTES_WS)
        if colon and name:
            pairs.append((name, value.strip(_BYTES_WS)))
    return status, tuple(pairs)


def _parse_header_bytes(head: bytes) -> tuple[int | None, tuple[tuple[str, str], ...]]:
    """:func:`_parse_header_block` for a block that is not UTF-8: each piece decoded apart."""
    lines = [line.rstrip(b"\r") for line in head.split(b"\n")]
    status: int | None = None
    if lines and lines[0].startswith(b"HTTP/"):
        parts = lines.pop(0).split(None, 2)
        if len(parts) >= 2 and len(parts[1]) == 3 and parts[1].isdigit():
            status = int(parts[1])
    pairs: list[tuple[str, str]] = []
    for line in lines:
        if line[:1] in (b" ", b"\t") and pairs:
            # obs-fold (RFC 9110 §5.5): a continuation of the previous field's value.
            folded_name, folded = pairs[-1]
            pairs[-1] = (folded_name, f"{folded} {header_text(line.strip())}".strip())
            continue
        name, colon, value = line.partition(b":")
        if colon and name.strip():
            pairs.append((header_text(name.strip()), header_text(value.strip())))
    return status, tuple(pairs)


def _header(headers: tuple[tuple[str, str], ...], name: str, *, last: bool = False) -> str | None:
    found = [v for k, v in headers if k.lower() == name]
    if not found:
        return None
    return found[-1] if last else found[0]


def _tokens(headers: tuple[tuple[str, str], ...], name: str) -> list[str]:
    values = [v for k, v in headers if k.lower() == name]
    return [t.strip().lower() for v in values for t in v.split(",") if t.strip()]


def _decode_body(headers: tuple[tuple[str, str], ...], body: bytes) -> bytes:
    """The payload with transfer and content codings undone where that is safe and bounded."""
    if "chunked" in _tokens(headers, "transfer-encoding"):
        # Only when it parses as chunks: many archives store the body already de-chunked and
        # keep the header (Common Crawl renames it X-Crawler-Transfer-Encoding instead).
        dechunked = dechunk(body)
        if dechunked is not None:
            body = dechunked
    for coding in reversed(_tokens(headers, "content-encoding")):
        if coding == "identity":
            continue
        if coding not in ("gzip", "x-gzip", "deflate"):
            break  # br, zstd, compress: kept as stored (no extra dependency for rare codings)
        decoded = inflate(body, coding, MAX_INFLATE)
        if decoded is None:
            break  # a false claim (ClueWeb09 says gzip over plain HTML): keep what is stored
        body = decoded
    return body


def _http_document(
    source: str,
    offset: int,
    *,
    record_id: str | None,
    url: str,
    when: datetime | None,
    block: bytes,
    length: int,
    content_type: str | None = None,
    payload_digest: str | None = None,
) -> Document:
    """The document of a stored HTTP response (WARC ``response``, ARC record), or its error.

    ``content_type`` is what the archive's own header said, used when the response names none.
    """
    http = _split_http(block)
    if http.error is not None:
        message = f"{http.error} at offset {offset}"
        return _error(
            source, offset, message, record_id=record_id, url=url, date=when, length=length
        )
    if when is None:
        # ClueWeb09 dates every record "2008-10-294T…"; the server's Date is then the best clue.
        when = parse_date(_header(http.headers, "date"))
    return Document(
        source=source,
        offset=offset,
        record_id=record_id,
        url=url,
        date=when,
        status=http.status,
        headers=http.headers,
        body=http.body,
        content_type=_header(http.headers, "content-type", last=True) or content_type,
        length=length,
        payload_digest=payload_digest,
    )
