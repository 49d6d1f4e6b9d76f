"""Snapshots of the files beside robots.txt: folders laid out like sites, WARC files of their
fetches, redirects, dated copies, records of the inputs, and what a choice says it rests on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from reciprocity.signals.tdmrep import TDMREP_SIZE_LIMIT, TdmRepFile
from reciprocity.sources.asof import choose
from reciprocity.sources.inputs import input_snapshots, site_file_record
from reciprocity.sources.site import SiteSays
from reciprocity.sources.site_files import rsl_candidates, rsl_links
from reciprocity.sources.snapshots import load_snapshots, write_snapshot_warc

UTC = timezone.utc
T1 = datetime(2026, 1, 1, tzinfo=UTC)
T2 = datetime(2026, 3, 1, tzinfo=UTC)
TDMREP = b'[{"location": "/", "tdm-reservation": 1}]'


def site_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "sites"
    for name, body in {
        "example.com/.well-known/tdmrep.json": TDMREP,
        "example.com/ai.txt": b"User-agent: *\nDisallow: /\n",
        "example.com/robots.txt": b"User-agent: *\nAllow: /\n",
        "example.com/legal/rsl.xml": b"<rsl/>",
        "example.com/.git/config": b"hidden",
        "shop.example_8080/ai.txt": b"User-agent: *\nDisallow: /\n",
        "https/secure.example/ai.txt": b"User-agent: *\nDisallow: /\n",
        "README.md": b"notes",
        "not a host/ai.txt": b"",
    }.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    return folder


def test_a_folder_laid_out_like_the_sites(tmp_path: Path) -> None:
    snapshots = load_snapshots(site_files=[site_folder(tmp_path)])
    assert snapshots.has_files
    for scheme in ("http", "https"):
        (copy,) = snapshots.file("tdmrep.json", f"{scheme}://example.com/.well-known/tdmrep.json",
                                 when=None)  # fmt: skip
        assert isinstance(copy.parsed, TdmRepFile)
        assert (copy.fetched, copy.status, copy.served_by) == (None, 200, "snapshots")
        assert copy.source.endswith("example.com/.well-known/tdmrep.json")
    assert snapshots.file("ai.txt", "https://shop.example:8080/ai.txt", when=None)
    assert snapshots.file("ai.txt", "https://secure.example/ai.txt", when=None)
    assert not snapshots.file("ai.txt", "http://secure.example/ai.txt", when=None)
    assert snapshots.file("rsl", "https://example.com/legal/rsl.xml", when=None)
    assert not snapshots.file("rsl", "https://example.com/.git/config", when=None)
    # robots.txt in a site folder is a snapshot like any other.
    assert "https://example.com/x" in snapshots
    assert any("not a host folder" in p for p in snapshots.problems)


def test_lookup_gives_robots_txt_and_the_files_of_the_origin(tmp_path: Path) -> None:
    snapshots = load_snapshots(site_files=[site_folder(tmp_path)])
    choice = snapshots.lookup("https://example.com/page", when=T1, as_of="crawl")
    assert choice is not None
    assert [s.served_by for s in choice.snapshots] == ["snapshots"]
    assert sorted(f.kind for f in choice.files) == ["ai.txt", "tdmrep.json"]
    provenance = choice.provenance()
    assert [p["kind"] for p in provenance] == ["robots.txt", "tdmrep.json", "ai.txt"]
    assert all({"source", "date", "status", "served_by"} <= p.keys() for p in provenance)
    # A host with files but no robots.txt: a choice without snapshots.
    only = snapshots.lookup("https://shop.example:8080/x", when=T1, as_of="crawl")
    assert only is not None
    assert (only.snapshots, [f.kind for f in only.files]) == ((), ["ai.txt"])


def test_a_warc_of_site_files_with_redirects_and_dates(tmp_path: Path) -> None:
    path = tmp_path / "files.warc.gz"
    html = [("Content-Type", "text/html")]
    write_snapshot_warc(
        path,
        [
            ("https://a.example/ai.txt", T1, 301, [("Location", "//www.a.example/ai.txt")], b""),
            ("https://www.a.example/ai.txt", T1, 200, [], b"User-agent: *\nDisallow: /\n"),
            ("https://b.example/ai.txt", T1, 302, [("Location", "/elsewhere.txt")], b""),
            ("https://c.example/.well-known/tdmrep.json", T1, 200, [], TDMREP),
            ("https://c.example/.well-known/tdmrep.json", T2, 404, [], b""),
            ("https://d.example/page.html", T1, 200, html, b"<html>" + b"x" * 1000),
            ("https://e.example/.well-known/tdmrep.json", T1, 200, [],
             b"[" + b" " * (TDMREP_SIZE_LIMIT - 100) + b"]"),
        ],
    )  # fmt: skip
    snapshots = load_snapshots(site_files=[path])
    (moved,) = snapshots.file("ai.txt", "https://a.example/ai.txt", when=T2)
    assert (moved.present, moved.redirects) == (True, 1)
    assert moved.source.startswith(f"{path}:")
    # The target is not in the snapshots: they know nothing of the file (the next source may).
    assert snapshots.file("ai.txt", "https://b.example/ai.txt", when=T2) == ()
    # Dated copies: the one in force at crawl time, the latest, or both.
    url = "https://c.example/.well-known/tdmrep.json"
    (crawl,) = snapshots.file("tdmrep.json", url, when=T1, as_of="crawl")
    (latest,) = snapshots.file("tdmrep.json", url, when=T1, as_of="latest")
    assert (crawl.present, crawl.fetched, latest.present, latest.status) == (True, T1, False, 404)
    assert len(snapshots.file("tdmrep.json", url, when=T1, as_of="strictest")) == 2
    # A page in a site-files WARC is not kept (a crawl passed by mistake must not fill memory).
    assert snapshots.counts["bodies not kept: not a site file"] == 1
    # tdmrep.json is kept to its own limit (1 MiB), not robots.txt's 500 KiB.
    (large,) = snapshots.file("tdmrep.json", "https://e.example/.well-known/tdmrep.json", when=T1)
    assert large.present
    assert "cut" not in large.note


def test_choose_is_one_rule_for_every_copy() -> None:
    @dataclass
    class Copy:
        fetched: datetime | None
        name: str = field(default="")

    copies = [Copy(None, "undated"), Copy(T1, "early"), Copy(T2, "late")]
    between = datetime(2026, 2, 1, tzinfo=UTC)

    def names(as_of: str, when: datetime | None) -> list[str]:
        found, _ = choose(copies, lambda c: c.fetched, when, as_of)  # type: ignore[arg-type]
        return [c.name for c in found]

    assert names("crawl", between) == ["early"]
    assert names("latest", between) == ["late"]
    assert names("strictest", between) == ["early", "late"]
    assert names("crawl", datetime(2025, 1, 1, tzinfo=UTC)) == ["early"]
    _, notes = choose([Copy(None)], lambda c: c.fetched, T1, "crawl", noun="copy")
    assert notes == ("copy date unknown: the last one loaded is used",)


@dataclass(frozen=True)
class Record:
    url: str
    status: int | None = 200
    body: bytes | None = b"x"
    content_type: str | None = "text/plain"
    headers: tuple[tuple[str, str], ...] = ()
    date: datetime | None = T1
    source: str = "crawl.warc.gz"
    offset: int = 0
    error: str | None = None


def test_which_records_of_the_inputs_are_site_files() -> None:
    def kind(record: Record) -> str | None:
        found = site_file_record(record)
        return None if found is None else found.kind

    assert kind(Record("https://x.example/ai.txt")) == "ai.txt"
    assert kind(Record("https://x.example/ai.txt?v=2")) == "ai.txt"
    assert kind(Record("https://x.example/.well-known/tdmrep.json")) == "tdmrep.json"
    assert kind(Record("https://x.example/docs/ai.txt")) is None  # not the site's file
    assert kind(Record("https://x.example/robots.txt")) is None  # robots.txt: snapshots only
    assert kind(Record("https://x.example/l.xml", content_type="application/rsl+xml")) == "rsl"
    rsl = b'<rsl xmlns="https://rslstandard.org/rsl"><content url="/"/></rsl>'
    assert kind(Record("https://x.example/l.xml", body=rsl, content_type="text/xml")) == "rsl"
    assert (
        kind(Record("https://x.example/feed.xml", body=b"<rss/>", content_type="text/xml")) is None
    )
    assert kind(Record("https://x.example/ai.txt", error="truncated")) is None
    missing = site_file_record(Record("https://x.example/ai.txt", status=404, body=b"gone"))
    assert missing is not None
    assert (missing.status, missing.body) == (404, b"")
    row = site_file_record(Record("https://x.example/ai.txt", status=None, body=b"User-agent: *"))
    assert row is not None
    assert row.status == 200


def test_input_records_are_a_source_after_the_snapshots() -> None:
    found = site_file_record(
        Record("https://x.example/ai.txt", body=b"User-agent: *\nDisallow: /\n")
    )
    assert found is not None
    inputs = input_snapshots([found])
    source = SiteSays(None, inputs=inputs)
    choice = source.lookup("https://x.example/p", when=T2, as_of="crawl")
    assert choice is not None
    (copy,) = choice.files
    assert (copy.served_by, copy.source, copy.fetched) == ("inputs", "crawl.warc.gz:0", T1)
    assert source.take_counts() == {"ai.txt": {"inputs": 1}}
    assert source.take_counts() == {}


def test_rsl_urls_of_a_document_and_of_robots_txt() -> None:
    from reciprocity.signals.robots import RobotsTxt

    headers = (
        ("Link", '</style.css>; rel="preload"'),
        ("Link", '<https://x.example/l.xml>; rel="license"; type="application/rsl+xml"'),
    )
    assert rsl_links(headers, "https://x.example/p") == ("https://x.example/l.xml",)
    assert rsl_links((("Link", '</s.css>; rel="preload"'),), "https://x.example/p") == ()
    robots = RobotsTxt.parse(b"User-agent: *\nAllow: /\nLicense: /licence.xml\n")
    assert rsl_candidates(robots, "https://x.example", "CCBot", ("https://y.example/l.xml",)) == (
        "https://x.example/licence.xml",
        "https://y.example/l.xml",
    )
