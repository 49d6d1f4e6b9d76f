"""The gzip members of a per-record gzip WARC, as stored: what a copied record must equal."""

from __future__ import annotations

from pathlib import Path

from fastwarc.warc import ArchiveIterator


def gzip_members(path: Path) -> dict[str, tuple[str, bytes]]:
    """record id -> (WARC-Type, raw gzip member) of a per-record gzip WARC, by FastWARC."""
    data = path.read_bytes()
    with path.open("rb") as fh:
        heads = [
            (r.stream_pos, r.headers["WARC-Record-ID"], r.headers["WARC-Type"])
            for r in ArchiveIterator(fh, parse_http=False)
        ]
    ends = [pos for pos, _, _ in heads[1:]] + [len(data)]
    return {rid: (kind, data[pos:end]) for (pos, rid, kind), end in zip(heads, ends, strict=True)}
