"""Stored HTTP responses (WARC ``response`` records, ARC records): status line and header
parsing, transfer and content codings undone (bounded by :data:`MAX_INFLATE`), and the
:class:`Document` of one response."""

from __future__ import annotations

from datetime import datetime
from typing import Final, NamedTuple

from reciprocity._codings import dechunk, inflate
from reciprocity.corpus.document import Document
from reciprocity.corpus.framing import MAX_HEADER
from reciprocity.corpus.readers.damage import _error
from reciprocity.corpus.values import header_text, parse_date

MAX_INFLATE = 8 << 20
"""Bytes a ``Content-Encoding: gzip/deflate`` body may inflate to (a gzip bomb stops there)."""


class _Http(NamedTuple):
    status: int | None
    headers: tuple[tuple[str, str], ...]
    body: bytes
    error: str | None = None
    content_type: str | None = None
    """The last ``Content-Type`` field's value."""


def _split_http(block: bytes) -> _Http:
    """Status, headers and decoded body of a stored HTTP response."""
    if not block.startswith(b"HTTP/"):
        return _Http(None, (), block, "record holds no HTTP response (no status line)")
    end = _header_end(block)
    if end is not None:
        head, body = block[: end[0]], block[end[0] + end[1] :]
    elif len(block) <= MAX_HEADER:
        head, body = block, b""  # a header with no body and no final blank line
    else:
        return _Http(None, (), block, f"HTTP header longer than {MAX_HEADER} bytes")
    status, headers = _parse_header_block(head)
    # Field names lower-cased once, for every lookup below.
    names = [name.lower() for name, _ in headers]
    content_type = None
    if "content-type" in names:
        content_type = headers[len(names) - 1 - names[::-1].index("content-type")][1]
    return _Http(status, headers, _decode_body(headers, names, body), None, content_type)


def _header_end(block: bytes) -> tuple[int, int] | None:
    """Where the header ends (the first blank line, CRLF or bare LF: ClueWeb09 writes bare
    LF) and the width of that end, looked for within the header limit only."""
    limit = MAX_HEADER + 4
    # The end the status line's own ending announces is looked for first, and the other kind
    # only before it: neither search runs through a body (64 KiB) for an end that is not there.
    eol = block.find(b"\n", 0, limit)
    if eol > 0 and block[eol - 1] == 13:  # CR
        crlf = block.find(b"\r\n\r\n", 0, limit)
        lf = block.find(b"\n\n", 0, limit if crlf == -1 else crlf + 1)
    else:
        lf = block.find(b"\n\n", 0, limit)
        crlf = block.find(b"\r\n\r\n", 0, limit if lf == -1 else lf + 3)
    if crlf != -1 and (lf == -1 or crlf < lf):
        return crlf, 4
    if lf != -1:
        return lf, 2
    return None


_BYTES_WS: Final = " \t\n\r\x0b\x0c"  # what bytes.strip() strips; str.strip() strips more


def _parse_header_block(head: bytes) -> tuple[int | None, tuple[tuple[str, str], ...]]:
    """(status, headers) of a header block, with or without its status line."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return _parse_header_bytes(head)
    if "\r" not in text:
        lines = text.split("\n")  # bare LF line ends throughout
    else:
        lines = text.split("\r\n")
        if text.count("\n") != len(lines) - 1:
            return _parse_header_text(text)  # CRLF and bare LF line ends mixed
    if "\n " in text or "\n\t" in text:
        return _parse_header_text(text)  # folded fields
    # One kind of line end throughout and no line continues the one before: what the general
    # reading does, without its per-line checks (a CR left before a CRLF is stripped with the
    # value, and a line with a CR but no colon is dropped, as there).
    status: int | None = None
    if lines[0].startswith("HTTP/"):
        status = _status(lines[0])
        lines = lines[1:]
    pairs: list[tuple[str, str]] = []
    for line in lines:
        name, colon, value = line.partition(":")
        name = name.strip(_BYTES_WS)
        if colon and name:
            pairs.append((name, value.strip(_BYTES_WS)))
    return status, tuple(pairs)


def _status(line: str) -> int | None:
    parts = line.split(None, 2)
    if len(parts) >= 2 and len(parts[1]) == 3 and parts[1].isascii() and parts[1].isdigit():
        return int(parts[1])
    return None


def _parse_header_text(text: str) -> tuple[int | None, tuple[tuple[str, str], ...]]:
    """:func:`_parse_header_block` for a UTF-8 block in general: bare LF line ends, folds."""
    # The whole block is UTF-8, so each piece is (what header_text would give, one decode instead of
    # one per name and value).
    lines = [line.rstrip("\r") for line in text.split("\n")]
    status: int | None = None
    if lines and lines[0].startswith("HTTP/"):
        status = _status(lines.pop(0))
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


def _tokens(headers: tuple[tuple[str, str], ...], names: list[str], name: str) -> list[str]:
    """The comma-separated tokens of every field called ``name`` (``names``: the headers'
    names, lower-cased), lower-cased."""
    pairs = zip(headers, names, strict=True)
    values = [value for (_, value), lowered in pairs if lowered == name]
    return [t.strip().lower() for v in values for t in v.split(",") if t.strip()]


def _decode_body(headers: tuple[tuple[str, str], ...], names: list[str], body: bytes) -> bytes:
    """The payload with transfer and content codings undone where that is safe and bounded
    (``names``: the headers' names, lower-cased)."""
    if "transfer-encoding" in names and "chunked" in _tokens(headers, names, "transfer-encoding"):
        # Only when it parses as chunks: many archives store the body already de-chunked and
        # keep the header (Common Crawl renames it X-Crawler-Transfer-Encoding instead).
        dechunked = dechunk(body)
        if dechunked is not None:
            body = dechunked
    if "content-encoding" not in names:
        return body
    for coding in reversed(_tokens(headers, names, "content-encoding")):
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
        content_type=http.content_type or content_type,
        length=length,
        payload_digest=payload_digest,
    )
