"""Site files for audit tests: one file of each kind that reserves ``/a/`` and nothing else, and the
corpus of pages it must (and must not) change."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from reciprocity.cli import EXIT_OK, main
from reciprocity.sources.snapshots import SnapshotEntry, write_snapshot_warc

CRAWLED = datetime(2026, 6, 1, tzinfo=timezone.utc)
ROBOTS_FETCHED = datetime(2026, 5, 30, tzinfo=timezone.utc)
FILE_FETCHED = datetime(2026, 5, 20, 8, 30, tzinfo=timezone.utc)
SITE = "https://site.example"
OTHER = "https://other.example"
PAGE = b"<html><head><title>t</title></head><body><p>text</p></body></html>"
HTML = [("Content-Type", "text/html; charset=utf-8")]
ALLOW_ALL = b"User-agent: *\nAllow: /\n"
RSL_PATH = "/licenses/ai.rsl.xml"


def rsl(path: str) -> bytes:
    return (
        '<rsl xmlns="https://rslstandard.org/rsl">'
        f'<content url="{path}"><license><prohibits type="usage">ai-train</prohibits></license>'
        "</content></rsl>"
    ).encode()


@dataclass(frozen=True)
class Kind:
    """One kind of site file: where it lives, a body reserving ``/a/``, how evidence names it."""

    name: str
    path: str
    body: bytes
    carrier: str
    content_type: str
    ai_use: str
    """What ``/a/x`` becomes for ai-use (ai.txt speaks of training only)."""
    robots: bytes = ALLOW_ALL
    """The site's robots.txt: for RSL, it names the licence."""


KINDS = {
    "tdmrep.json": Kind(
        "tdmrep.json",
        "/.well-known/tdmrep.json",
        json.dumps([{"location": "/a/", "tdm-reservation": 1}]).encode(),
        "tdmrep.json",
        "application/json",
        "deny",
    ),
    "ai.txt": Kind(
        "ai.txt", "/ai.txt", b"User-agent: *\nDisallow: /a/\n", "ai.txt", "text/plain", "unknown"
    ),
    "rsl": Kind(
        "rsl",
        RSL_PATH,
        rsl("/a/"),
        "rsl-xml",
        "application/rsl+xml",
        "allow",  # a licence that prohibits only ai-train permits the rest
        ALLOW_ALL + f"License: {SITE}{RSL_PATH}\n".encode(),
    ),
}


def pages(origin: str) -> list[SnapshotEntry]:
    return [
        (f"{origin}/a/x.html", CRAWLED, 200, HTML, PAGE),
        (f"{origin}/b/y.html", CRAWLED, 200, HTML, PAGE),
    ]


def corpus(folder: Path, *extra: SnapshotEntry) -> Path:
    """Pages of the site and of another site that has no site file, then ``extra`` records."""
    path = folder / "corpus.warc.gz"
    write_snapshot_warc(path, [*pages(SITE), *pages(OTHER), *extra])
    return path


def robots(folder: Path, kind: Kind) -> Path:
    path = folder / "robots.warc.gz"
    write_snapshot_warc(
        path,
        [
            (f"{SITE}/robots.txt", ROBOTS_FETCHED, 200, [], kind.robots),
            (f"{OTHER}/robots.txt", ROBOTS_FETCHED, 200, [], ALLOW_ALL),
        ],
    )
    return path


def audit(folder: Path, name: str, *args: str) -> dict[str, dict[str, Any]]:
    """Run ``reciprocity audit`` with ``args``; its rows by URL."""
    out = folder / name
    assert main(["audit", *args, "--out", str(out), "--quiet"]) == EXIT_OK
    return {row["url"]: row for row in pq.read_table(out / "decisions.parquet").to_pylist()}


def manifest(folder: Path, name: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads((folder / name / "run.json").read_text())
    return found


def stated(record: dict[str, Any], column: str) -> str | None:
    """What an evidence record says about a use (``train_ai`` …); ``None`` when nothing."""
    stance: str = record["stances"][column]
    return None if stance == "unknown" else stance


def said(record: dict[str, Any]) -> bool:
    """Whether an evidence record says anything about any use."""
    return any(stance != "unknown" for stance in record["stances"].values())


def evidence(row: dict[str, Any], carrier: str) -> list[dict[str, Any]]:
    return [e for e in row["evidence"] if e["carrier"] == carrier]


def states(rows: dict[str, dict[str, Any]], urls: Sequence[str]) -> list[tuple[str, str]]:
    return [(rows[url]["train_ai"], rows[url]["ai_use"]) for url in urls]
