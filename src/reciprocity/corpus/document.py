"""One document of a corpus, as every reader yields it, with its provenance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reciprocity._frozen import quick_init

__all__ = ["Document"]


@quick_init  # one per record read: the generated constructor was a tenth of the reader's time
@dataclass(frozen=True, slots=True)
class Document:
    """A document read from a WARC record, a JSONL line or a Parquet/dataset row.

    A record that cannot be read still becomes a ``Document``, with ``error`` set and whatever
    could be recovered (at least ``source`` and ``offset``), so that an audit row records it.
    """

    source: str
    """The input file, as given."""
    offset: int
    """Byte offset of the WARC record, or the 0-based row/line number in JSONL and Parquet."""
    record_id: str | None
    """``WARC-Record-ID``, or a dataset's id column; ``None`` when there is none."""
    url: str
    date: datetime | None
    """When the document was captured (``WARC-Date``, or the date column), timezone-aware."""
    status: int | None = None
    """HTTP status of the capture, when known."""
    headers: tuple[tuple[str, str], ...] = ()
    """HTTP response headers as (name, value) pairs, in order, repeated fields kept."""
    body: bytes | None = None
    """The payload (HTML …) when the reader has it."""
    content_type: str | None = None
    length: int | None = None
    """Bytes the record occupies in its source (the WARC/ARC record's block, as declared);
    ``None`` for a row or a line, which has no byte extent of its own."""
    payload_digest: str | None = None
    """The archive's digest of the payload (``WARC-Payload-Digest``, e.g. ``sha1:…``), or a
    dataset's digest column; ``None`` when the source states none."""
    error: str | None = None
