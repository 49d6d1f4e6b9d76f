"""`reciprocity audit --online` fetches every site file, not robots.txt alone: tdmrep.json, ai.txt
and the RSL licence of servers on 127.0.0.1 change exactly the documents they name, dated with
the fetch; a file the snapshots or the inputs hold is not fetched; run.json says who served what."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from file_server import FileServer
from site_files_factory import (
    ALLOW_ALL,
    CRAWLED,
    FILE_FETCHED,
    HTML,
    KINDS,
    PAGE,
    RSL_PATH,
    rsl,
    said,
    stated,
)

from reciprocity.cli import EXIT_OK, main
from reciprocity.sources.snapshots import SnapshotEntry, write_snapshot_warc

Site = FileServer
"""A site on 127.0.0.1 (``tests/file_server.py``)."""


@pytest.fixture
def sites() -> Iterator[tuple[Site, Site]]:
    site, other = Site(), Site()
    other.serve({"/robots.txt": ("text/plain", ALLOW_ALL)})
    yield site, other
    site.close()
    other.close()


def _corpus(folder: Path, *origins: str, extra: tuple[SnapshotEntry, ...] = ()) -> Path:
    path = folder / "corpus.warc.gz"
    documents: list[SnapshotEntry] = [
        (f"{origin}/{page}", CRAWLED, 200, HTML, PAGE)
        for origin in origins
        for page in ("a/x.html", "b/y.html")
    ]
    write_snapshot_warc(path, [*documents, *extra])
    return path


def _audit(folder: Path, name: str, *args: str) -> dict[str, dict[str, Any]]:
    out = folder / name
    online = ["--online", "--allow-private", "--cache", str(folder / "cache.sqlite3")]
    online += ["--timeout", "5", "--quiet"]
    assert main(["audit", *args, *online, "--out", str(out)]) == EXIT_OK
    return {r["url"]: r for r in pq.read_table(out / "decisions.parquet").to_pylist()}


def _served(folder: Path, name: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads((folder / name / "run.json").read_text())
    return found["site_sources"]["served"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", sorted(KINDS))
def test_online_fetches_each_kind_and_it_changes_only_what_it_names(
    tmp_path: Path, sites: tuple[Site, Site], name: str
) -> None:
    site, other = sites
    kind = KINDS[name]
    robots = ALLOW_ALL + (f"License: {site.origin}{RSL_PATH}\n".encode() if name == "rsl" else b"")
    site.serve({"/robots.txt": ("text/plain", robots), kind.path: (kind.content_type, kind.body)})
    before = datetime.now(timezone.utc)
    rows = _audit(tmp_path, "run", str(_corpus(tmp_path, site.origin, other.origin)))
    a, b = f"{site.origin}/a/x.html", f"{site.origin}/b/y.html"
    elsewhere = f"{other.origin}/a/x.html"
    assert [(rows[u]["train_ai"], rows[u]["ai_use"]) for u in (a, b, elsewhere)] == [
        ("deny", kind.ai_use),
        ("unknown", "unknown"),
        ("unknown", "unknown"),
    ]
    cited = [
        e for e in rows[a]["evidence"]
        if e["carrier"] == kind.carrier and stated(e, "train_ai")
    ]  # fmt: skip
    (one,) = cited
    assert one["source"] == f"{site.origin}{kind.path}"
    assert before <= datetime.fromisoformat(one["fetched"]) <= datetime.now(timezone.utc)
    served = _served(tmp_path, "run")
    assert served[name] == {"online": 2}
    assert served["robots.txt"] == {"online": 4}
    # Each file once per site (the cache and the run's memory), the other site's files too.
    assert site.requests.count("/robots.txt") == 1
    assert site.requests.count(kind.path) == 1
    assert set(other.requests) == {"/robots.txt", "/.well-known/tdmrep.json", "/ai.txt"}
    # A second run within the cache's TTL asks nothing.
    asked = len(site.requests) + len(other.requests)
    again = _audit(tmp_path, "again", str(_corpus(tmp_path, site.origin, other.origin)))
    assert len(site.requests) + len(other.requests) == asked
    assert [again[u]["train_ai"] for u in (a, b, elsewhere)] == ["deny", "unknown", "unknown"]


def test_each_file_from_the_first_source_that_holds_it(
    tmp_path: Path, sites: tuple[Site, Site]
) -> None:
    site, other = sites
    origin = site.origin
    # robots.txt from the snapshots, tdmrep.json from a --site-files snapshot, ai.txt from a
    # record of the input, the RSL licence (named by the snapshot's robots.txt) from the server.
    site.serve(
        {
            # Served, never used: the snapshots and the input hold these.
            "/robots.txt": ("text/plain", b"User-agent: *\nDisallow: /\n"),
            "/.well-known/tdmrep.json": ("application/json", b"[]"),
            "/ai.txt": ("text/plain", b""),
            RSL_PATH: ("application/rsl+xml", rsl("/b/")),
        }
    )
    robots_warc = tmp_path / "robots.warc.gz"
    named = ALLOW_ALL + f"License: {origin}{RSL_PATH}\n".encode()
    write_snapshot_warc(
        robots_warc,
        [
            (f"{origin}/robots.txt", FILE_FETCHED, 200, [], named),
            (f"{other.origin}/robots.txt", FILE_FETCHED, 200, [], ALLOW_ALL),
        ],
    )
    site_files = tmp_path / "site-files.warc.gz"
    tdmrep = KINDS["tdmrep.json"]
    copy: SnapshotEntry = (f"{origin}{tdmrep.path}", FILE_FETCHED, 200, [], tdmrep.body)
    write_snapshot_warc(site_files, [copy])
    record: SnapshotEntry = (
        f"{origin}/ai.txt",
        FILE_FETCHED,
        200,
        [],
        b"User-agent: *\nDisallow: /b/\n",
    )
    crawl = _corpus(tmp_path, origin, other.origin, extra=(record,))
    args = [str(crawl), "--robots", str(robots_warc), "--site-files", str(site_files)]
    rows = _audit(tmp_path, "run", *args)
    a, b = f"{origin}/a/x.html", f"{origin}/b/y.html"
    assert (rows[a]["train_ai"], rows[a]["ai_use"]) == ("deny", "deny")  # tdmrep.json
    assert rows[b]["train_ai"] == "deny"  # ai.txt and the RSL licence
    carriers = {e["carrier"] for e in rows[b]["evidence"] if said(e)}
    assert {"ai.txt", "rsl-xml"} <= carriers
    assert rows[a]["search"] == "unknown"  # the server's robots.txt (disallow all) is not used
    # The audit learns of the input's ai.txt only by reading the input: its first reading
    # fetches the site (Fetcher.site() asks for its four files), and the decisions are those
    # of the second reading, each file from the first source that holds it.
    assert set(site.requests) == {"/robots.txt", "/.well-known/tdmrep.json", "/ai.txt", RSL_PATH}
    assert _served(tmp_path, "run") == {
        "robots.txt": {"snapshots": 5},
        "tdmrep.json": {"snapshots": 3},
        "ai.txt": {"inputs": 3},
        "rsl": {"online": 3},
    }
    assert rows[f"{other.origin}/a/x.html"]["train_ai"] == "unknown"


def test_an_rsl_licence_named_by_a_link_header_is_fetched_by_its_url(
    tmp_path: Path, sites: tuple[Site, Site]
) -> None:
    site, other = sites
    licence = f"{other.origin}/licence.xml"  # on another host, which has no site file of it
    other.serve({"/licence.xml": ("application/rsl+xml", rsl("/a/"))})
    site.serve({"/robots.txt": ("text/plain", ALLOW_ALL)})
    link = ("Link", f'<{licence}>; rel="license"; type="application/rsl+xml"')
    crawl = tmp_path / "corpus.warc.gz"
    write_snapshot_warc(
        crawl,
        [
            (f"{site.origin}/a/x.html", CRAWLED, 200, [*HTML, link], PAGE),
            (f"{site.origin}/a/y.html", CRAWLED, 200, [*HTML, link], PAGE),
            (f"{site.origin}/a/z.html", CRAWLED, 200, HTML, PAGE),
        ],
    )
    rows = _audit(tmp_path, "run", str(crawl))
    states = [rows[f"{site.origin}/a/{p}.html"]["train_ai"] for p in ("x", "y", "z")]
    assert states == ["deny", "deny", "unknown"]
    cited = [e for e in rows[f"{site.origin}/a/x.html"]["evidence"] if e["carrier"] == "rsl-xml"]
    assert {e["source"] for e in cited} == {licence}
    assert other.requests.count("/licence.xml") == 1
    assert _served(tmp_path, "run")["rsl"] == {"online": 2}
