"""Generated corpora for the scale tests: documents with signals of every kind, as Parquet,
JSONL and URL-only Parquet files, and the robots.txt snapshot of their hosts."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from reciprocity.corpus.audit import run_audit
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.readers import CorpusReader
from reciprocity.sources.site import SiteSays
from reciprocity.sources.snapshots import SnapshotEntry, load_snapshots, write_snapshot_warc

CRAWLED = datetime(2026, 6, 1, tzinfo=timezone.utc)
FETCHED = datetime(2026, 5, 30, tzinfo=timezone.utc)
PAGE = "<html><head><title>t{n}</title>{head}</head><body><p>text</p></body></html>"
_OPEN = b"User-agent: *\nAllow: /\n"

# name: (robots.txt status or None for no snapshot, body, page headers, page head)
KINDS: dict[str, tuple[int | None, bytes, list[list[str]], str]] = {
    "open": (200, _OPEN, [], ""),
    "ccbot-blocked": (200, b"User-agent: CCBot\nDisallow: /\n", [], ""),
    "paths": (200, b"User-agent: *\nDisallow: /private/\n", [], ""),
    "robots-503": (503, b"", [], ""),
    "no-snapshot": (None, b"", [], ""),
    "aipref": (200, _OPEN, [["Content-Usage", "train-ai=n, search=y"]], ""),
    "noai-header": (200, _OPEN, [["X-Robots-Tag", "noai"]], ""),
    "noai-meta": (200, _OPEN, [], '<meta name="robots" content="noai">'),
    "cc-by": (200, _OPEN, [], '<link rel="license" href="https://creativecommons.org/licenses/by/4.0/">'),
    "signal": (200, b"User-agent: *\nContent-Signal: ai-train=no, search=yes\nAllow: /\n", [], ""),
}  # fmt: skip


def write_robots(path: Path) -> Path:
    text = [("Content-Type", "text/plain")]
    entries: list[SnapshotEntry] = [
        (f"https://{kind}.example/robots.txt", FETCHED, status, text, body)
        for kind, (status, body, _, _) in KINDS.items()
        if status is not None
    ]
    write_snapshot_warc(path, entries)
    return path


def document_rows(count: int) -> list[dict[str, Any]]:
    """``count`` documents spread over the kinds' hosts, with an odd row now and then."""
    kinds = list(KINDS)
    rows: list[dict[str, Any]] = []
    for n in range(count):
        kind = kinds[n % len(kinds)]
        _, _, headers, head = KINDS[kind]
        section = "private" if n % 7 == 0 else "pub"
        url: str | None = f"https://{kind}.example/{section}/{n}.html"
        if n % 97 == 13:
            url = None  # an error row
        elif n % 89 == 11:
            url = f"not a url {n}"
        rows.append(
            {
                "url": url,
                "html": PAGE.format(n=n, head=head),
                "headers": [["Content-Type", "text/html; charset=utf-8"], *headers],
                "date": (CRAWLED + timedelta(minutes=n)).isoformat(),
                "id": f"doc-{n}",
            }
        )
    return rows


def write_documents(path: Path, rows: list[dict[str, Any]], row_group: int = 400) -> Path:
    """``rows`` as Parquet (``.parquet``) or JSON Lines (any other name)."""
    if path.suffix == ".parquet":
        pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=row_group)
    else:
        with path.open("w", encoding="utf-8") as file:
            for row in rows:
                file.write(json.dumps(row) + "\n")
    return path


def write_urls(path: Path, count: int, row_group: int = 5000) -> Path:
    """A URL-only Parquet file (url, date, id), as FineWeb-style datasets are audited."""
    rows = document_rows(count)
    dates = [CRAWLED + timedelta(minutes=n) for n in range(count)]
    table = pa.table(
        {
            "url": pa.array([r["url"] for r in rows], pa.string()),
            "date": pa.array(dates, pa.timestamp("us", "UTC")),
            "id": pa.array([r["id"] for r in rows], pa.string()),
        }
    )
    pq.write_table(table, path, row_group_size=row_group)
    return path


def write_pages(path: Path, rows: list[dict[str, Any]], *, requests: bool = True) -> Path:
    """``rows`` as the response records of a WARC (``.warc``, or ``.warc.gz`` in one gzip member
    a record), each after its request record; rows without a URL leave no record."""
    entries: list[SnapshotEntry] = [
        (
            row["url"],
            datetime.fromisoformat(row["date"]),
            200,
            [(name, value) for name, value in row["headers"]],
            row["html"],
        )
        for row in rows
        if row["url"] is not None
    ]
    write_snapshot_warc(path, entries, requests=requests)
    return path


def same_rows(left: pa.Table, right: pa.Table) -> None:
    """Both tables have one schema and the same rows, every column (the first differences
    are named)."""
    assert left.schema == right.schema
    assert left.num_rows == right.num_rows
    for name in left.schema.names:
        a, b = left.column(name).to_pylist(), right.column(name).to_pylist()
        differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        assert not differ, (name, differ[:3])


def audit_run(
    inputs: list[Path],
    robots: Path,
    out: Path,
    *,
    batch: int,
    shard_parts: int,
    engine: Any = None,
    reader: Any = None,
) -> tuple[pa.Table, dict[str, Any]]:
    """An audit of ``inputs`` with the snapshots of ``robots`` (its index in the run folder),
    on ``engine`` (``None``: in this process), large files never cut by bytes: its table and
    its ``run.json``."""
    with load_snapshots([robots], index_folder=out / ".snapshots") as snapshots:
        run_audit(
            inputs,
            out,
            policy=AuditPolicy(),
            robots=SiteSays(snapshots),
            reader=reader or CorpusReader(),
            progress=False,
            snapshots=[robots],
            batch=batch,
            engine=engine,
            shard_parts=shard_parts,
            shard_bytes=0,
        )
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    return pq.read_table(out / "decisions.parquet"), manifest
