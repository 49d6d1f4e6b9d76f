"""robots.txt snapshots: WARC and directory inputs, redirects, time policies, origin keys."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reciprocity.errors import InputError
from reciprocity.signals.robots import ROBOTS_SIZE_LIMIT, Access, RobotsTxt
from reciprocity.sources.snapshots import (
    MAX_REDIRECTS,
    SiteSnapshots,
    SnapshotEntry,
    load_snapshots,
    origin_of,
    write_snapshot_warc,
)

UTC = timezone.utc
T0 = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
TEXT = [("Content-Type", "text/plain")]
DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"
ALLOW_PRIVATE = b"User-agent: *\nDisallow: /private/\n"


def entry(
    url: str, status: int = 200, body: bytes = b"", *, when: datetime = T0, location: str = ""
) -> SnapshotEntry:
    headers = [*TEXT, ("Location", location)] if location else TEXT
    return (url, when, status, headers, body)


def warc(tmp_path: Path, entries: list[SnapshotEntry], name: str = "robots.warc.gz") -> Path:
    path = tmp_path / name
    write_snapshot_warc(path, entries)
    return path


def load(tmp_path: Path, entries: list[SnapshotEntry]) -> SiteSnapshots:
    return load_snapshots([warc(tmp_path, entries)])


def only(snapshots: SiteSnapshots, url: str, **kwargs: object):  # type: ignore[no-untyped-def]
    choice = snapshots.lookup(url, when=kwargs.pop("when", None), **kwargs)  # type: ignore[arg-type]
    assert choice is not None, url
    assert len(choice.snapshots) == 1
    return choice.snapshots[0]


# -- statuses (RFC 9309 §2.3.1) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "access"),
    [
        (200, Access.RULES),  # §2.3.1.1 successful access
        (404, Access.ALLOW_ALL),  # §2.3.1.3 unavailable
        (410, Access.ALLOW_ALL),
        (401, Access.ALLOW_ALL),
        (429, Access.DISALLOW_ALL),  # Google: too many requests reads as unreachable
        (500, Access.DISALLOW_ALL),  # §2.3.1.4 unreachable: complete disallow
        (503, Access.DISALLOW_ALL),
    ],
)
def test_status_maps_to_rfc9309_access(tmp_path: Path, status: int, access: Access) -> None:
    snapshots = load(tmp_path, [entry("https://example.com/robots.txt", status, DISALLOW_ALL)])
    snapshot = only(snapshots, "https://example.com/page")
    assert snapshot.status == status
    assert snapshot.access is access
    assert snapshot.origin == "https://example.com"
    assert snapshot.url == "https://example.com/robots.txt"
    assert snapshot.fetched == T0
    assert snapshot.redirects == 0
    assert snapshot.source.startswith(str(tmp_path / "robots.warc.gz") + ":")
    if access is Access.RULES:
        assert not snapshot.robots.allowed("https://example.com/page", "CCBot")


def test_rules_of_a_200(tmp_path: Path) -> None:
    snapshots = load(tmp_path, [entry("https://example.com/robots.txt", 200, ALLOW_PRIVATE)])
    robots = only(snapshots, "https://example.com/").robots
    assert robots.allowed("https://example.com/public", "CCBot")
    assert not robots.allowed("https://example.com/private/x", "CCBot")


def test_the_source_offset_points_at_the_record(tmp_path: Path) -> None:
    path = warc(tmp_path, [entry("https://a.example/robots.txt", 200, DISALLOW_ALL)])
    snapshot = only(load_snapshots([path]), "https://a.example/")
    offset = int(snapshot.source.rsplit(":", 1)[1])
    with path.open("rb") as stream:
        stream.seek(offset)
        member = gzip.GzipFile(fileobj=stream).read(200)
    assert member.startswith(b"WARC/1.1\r\nWARC-Type: response")


# -- redirects (RFC 9309 §2.3.1.2) -----------------------------------------------------------------


def test_redirect_http_to_https(tmp_path: Path) -> None:
    snapshots = load(
        tmp_path,
        [
            entry("http://example.com/robots.txt", 301, location="https://example.com/robots.txt"),
            entry("https://example.com/robots.txt", 200, DISALLOW_ALL, when=T0 + timedelta(1)),
        ],
    )
    snapshot = only(snapshots, "http://example.com/page")
    # The rules reached through the redirect apply to the origin first asked.
    assert snapshot.origin == "http://example.com"
    assert snapshot.url == "http://example.com/robots.txt"
    assert snapshot.fetched == T0
    assert snapshot.status == 200
    assert snapshot.redirects == 1
    assert snapshot.access is Access.RULES
    assert "redirected (HTTP 301) to https://example.com/robots.txt" in snapshot.note
    assert not snapshot.robots.allowed("http://example.com/page", "CCBot")


def test_relative_location(tmp_path: Path) -> None:
    snapshots = load(
        tmp_path,
        [
            entry("https://example.com/robots.txt", 302, location="/robots-live.txt"),
            entry("https://example.com/robots-live.txt", 200, DISALLOW_ALL),
        ],
    )
    snapshot = only(snapshots, "https://example.com/")
    assert snapshot.access is Access.RULES
    assert snapshot.redirects == 1


def test_redirect_across_hosts(tmp_path: Path) -> None:
    snapshots = load(
        tmp_path,
        [
            entry("https://a.example/robots.txt", 301, location="https://cdn.example/r.txt"),
            entry("https://cdn.example/r.txt", 404),
        ],
    )
    snapshot = only(snapshots, "https://a.example/x")
    assert (snapshot.origin, snapshot.status, snapshot.access) == (
        "https://a.example",
        404,
        Access.ALLOW_ALL,
    )
    # The redirect target itself is no origin of its own.
    assert snapshots.lookup("https://cdn.example/x", when=None, as_of="crawl") is None


def test_redirect_loop_is_unavailable(tmp_path: Path) -> None:
    snapshots = load(
        tmp_path,
        [
            entry("https://a.example/robots.txt", 301, location="https://b.example/robots.txt"),
            entry("https://b.example/robots.txt", 301, location="https://a.example/robots.txt"),
        ],
    )
    snapshot = only(snapshots, "https://a.example/")
    assert snapshot.access is Access.ALLOW_ALL
    assert "redirect loop" in snapshot.note
    assert "RFC 9309" in snapshot.robots.reason


def chain(hops: int) -> list[SnapshotEntry]:
    entries = [
        entry(f"https://h.example/r{i}.txt", 301, location=f"/r{i + 1}.txt") for i in range(hops)
    ]
    entries[0] = entry("https://h.example/robots.txt", 301, location="/r1.txt")
    entries.append(entry(f"https://h.example/r{hops}.txt", 200, DISALLOW_ALL))
    return entries


def test_five_redirects_are_followed(tmp_path: Path) -> None:
    snapshot = only(load(tmp_path, chain(MAX_REDIRECTS)), "https://h.example/")
    assert snapshot.access is Access.RULES
    assert snapshot.redirects == 5


def test_six_redirects_are_unavailable(tmp_path: Path) -> None:
    snapshot = only(load(tmp_path, chain(6)), "https://h.example/")
    assert snapshot.access is Access.ALLOW_ALL
    assert snapshot.status == 301
    assert "more than 5 redirects" in snapshot.note


def test_redirect_target_missing(tmp_path: Path) -> None:
    snapshots = load(
        tmp_path,
        [entry("http://example.com/robots.txt", 301, location="https://example.com/robots.txt")],
    )
    snapshot = only(snapshots, "http://example.com/")
    assert snapshot.access is Access.ALLOW_ALL
    assert "https://example.com/robots.txt is not in the snapshots" in snapshot.note
    assert snapshot.incomplete  # the audit reads this host as having no snapshot


def test_redirect_without_location(tmp_path: Path) -> None:
    snapshot = only(
        load(tmp_path, [entry("https://e.example/robots.txt", 302)]), "https://e.example"
    )
    assert snapshot.access is Access.ALLOW_ALL
    assert "without Location" in snapshot.note


def test_redirect_to_a_non_http_url(tmp_path: Path) -> None:
    entries = [entry("https://e.example/robots.txt", 301, location="ftp://e.example/robots.txt")]
    snapshot = only(load(tmp_path, entries), "https://e.example")
    assert snapshot.access is Access.ALLOW_ALL
    assert "not an http(s) URL" in snapshot.note


def test_redirect_target_closest_in_time(tmp_path: Path) -> None:
    later = T0 + timedelta(days=60)
    snapshots = load(
        tmp_path,
        [
            entry("http://x.example/robots.txt", 301, location="https://x.example/robots.txt"),
            entry("https://x.example/robots.txt", 200, DISALLOW_ALL,
                  when=T0 + timedelta(seconds=2)),
            entry("http://x.example/robots.txt", 301, location="https://x.example/robots.txt",
                  when=later),
            entry("https://x.example/robots.txt", 200, ALLOW_PRIVATE, when=later),
        ],
    )  # fmt: skip
    early = only(snapshots, "http://x.example/", when=T0 + timedelta(days=1), as_of="crawl")
    assert not early.robots.allowed("/a", "CCBot")
    late = only(snapshots, "http://x.example/", as_of="latest")
    assert late.robots.allowed("/a", "CCBot")


# -- time policies (DESIGN §3 point 6) -------------------------------------------------------------

JAN, MAR, JUN = (datetime(2024, m, 1, tzinfo=UTC) for m in (1, 3, 6))


@pytest.fixture
def dated(tmp_path: Path) -> SiteSnapshots:
    return load(
        tmp_path,
        [
            entry("https://d.example/robots.txt", 200, ALLOW_PRIVATE, when=MAR),
            entry("https://d.example/robots.txt", 200, DISALLOW_ALL, when=JUN),
            entry("https://d.example/robots.txt", 404, when=JAN),
        ],
    )


def test_crawl_takes_the_snapshot_in_force(dated: SiteSnapshots) -> None:
    assert only(dated, "https://d.example/", when=MAR, as_of="crawl").fetched == MAR
    assert only(dated, "https://d.example/", when=MAR + timedelta(1), as_of="crawl").fetched == MAR
    assert only(dated, "https://d.example/", when=JUN - timedelta(1), as_of="crawl").fetched == MAR
    assert only(dated, "https://d.example/", when=JAN, as_of="crawl").status == 404
    assert only(dated, "https://d.example/", when=JUN + timedelta(99), as_of="crawl").fetched == JUN


def test_crawl_before_every_snapshot(dated: SiteSnapshots) -> None:
    choice = dated.lookup("https://d.example/", when=JAN - timedelta(1), as_of="crawl")
    assert choice is not None
    assert choice.snapshots[0].fetched == JAN
    assert "earliest later one" in choice.note


def test_crawl_without_a_date_takes_the_latest(dated: SiteSnapshots) -> None:
    choice = dated.lookup("https://d.example/", when=None, as_of="crawl")
    assert choice is not None
    assert choice.snapshots[0].fetched == JUN
    assert "date unknown" in choice.note


def test_naive_dates_are_utc(dated: SiteSnapshots) -> None:
    naive = datetime(2024, 3, 1)
    assert only(dated, "https://d.example/", when=naive, as_of="crawl").fetched == MAR


def test_latest(dated: SiteSnapshots) -> None:
    assert only(dated, "https://d.example/", when=JAN, as_of="latest").fetched == JUN


def test_strictest_gives_both(dated: SiteSnapshots) -> None:
    choice = dated.lookup("https://d.example/", when=MAR, as_of="strictest")
    assert choice is not None
    assert choice.as_of == "strictest"
    assert [s.fetched for s in choice.snapshots] == [MAR, JUN]
    same = dated.lookup("https://d.example/", when=JUN, as_of="strictest")
    assert same is not None
    assert [s.fetched for s in same.snapshots] == [JUN]
    assert "also the latest" in same.note
    json.dumps(choice.to_dict())


def test_all_fetches_oldest_first(dated: SiteSnapshots) -> None:
    assert [s.fetched for s in dated.fetches("https://d.example/x")] == [JAN, MAR, JUN]


def test_bad_as_of(dated: SiteSnapshots) -> None:
    with pytest.raises(ValueError, match="as_of"):
        dated.lookup("https://d.example/", when=None, as_of="newest")  # type: ignore[arg-type]


# -- origins ---------------------------------------------------------------------------------------


def test_origin_keys() -> None:
    assert origin_of("https://Example.COM./a?b#c") == "https://example.com"
    assert origin_of("https://example.com:443/") == "https://example.com"
    assert origin_of("http://example.com:80/") == "http://example.com"
    assert origin_of("http://example.com:8080/") == "http://example.com:8080"
    assert origin_of("https://bücher.example/") == "https://xn--bcher-kva.example"
    assert origin_of("http://[2001:DB8::1]:8080/") == "http://[2001:db8::1]:8080"
    assert origin_of("ftp://example.com/") is None
    assert origin_of("http://[::1/") is None
    assert origin_of("http://example.com:99999/") is None
    assert origin_of("/relative") is None


def test_scheme_host_port_are_distinct(tmp_path: Path) -> None:
    snapshots = load(
        tmp_path,
        [
            entry("https://example.com/robots.txt", 200, DISALLOW_ALL),
            entry("http://example.com:8080/robots.txt", 404),
        ],
    )
    assert only(snapshots, "https://EXAMPLE.com:443/a").access is Access.RULES
    assert only(snapshots, "http://example.com:8080/a").access is Access.ALLOW_ALL
    # RFC 9309 §2.3: a robots.txt covers its own scheme, host and port only.
    assert snapshots.lookup("http://example.com/a", when=None, as_of="crawl") is None
    assert snapshots.lookup("https://www.example.com/", when=None, as_of="crawl") is None
    assert snapshots.lookup("not a url", when=None, as_of="crawl") is None
    assert "https://example.com/x" in snapshots
    assert "http://example.com/x" not in snapshots
    assert sorted(snapshots.origins()) == ["http://example.com:8080", "https://example.com"]
    assert len(snapshots) == 2


def test_scheme_fallback_is_opt_in(tmp_path: Path) -> None:
    path = warc(tmp_path, [entry("https://example.com/robots.txt", 200, DISALLOW_ALL)])
    snapshots = load_snapshots([path], scheme_fallback=True)
    choice = snapshots.lookup("http://example.com/a", when=None, as_of="crawl")
    assert choice is not None
    assert choice.snapshots[0].origin == "https://example.com"
    assert "the one of https://example.com is used" in choice.note


# -- directories -----------------------------------------------------------------------------------


def write(path: Path, data: bytes = b"") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_directory_host_files(tmp_path: Path) -> None:
    write(tmp_path / "example.com.txt", DISALLOW_ALL)
    write(tmp_path / "Example.ORG", ALLOW_PRIVATE)  # no extension, any case
    write(tmp_path / "gone.example.404")
    write(tmp_path / "down.example.503")
    write(tmp_path / "dark.example.unreachable")
    write(tmp_path / "moved.example.301", b"https://example.com/robots.txt\n")
    write(tmp_path / "port.example:8080.txt", DISALLOW_ALL)
    write(tmp_path / "port.example_8081.txt", DISALLOW_ALL)
    write(tmp_path / "10.0.0.200", DISALLOW_ALL)  # an IPv4 host, not status 200
    write(tmp_path / "[2001:DB8::1]_8443.txt", DISALLOW_ALL)
    write(tmp_path / "https" / "secure.example.txt", DISALLOW_ALL)
    write(tmp_path / "http" / "plain.example.404")
    write(tmp_path / "README.md", b"# notes")
    write(tmp_path / ".hidden", b"x")
    write(tmp_path / "not a host!.txt", b"x")
    snapshots = load_snapshots([tmp_path])

    def access(url: str) -> Access | None:
        choice = snapshots.lookup(url, when=None, as_of="crawl")
        return None if choice is None else choice.snapshots[0].access

    for scheme in ("http", "https"):  # a top-level host file is for both schemes
        assert access(f"{scheme}://example.com/") is Access.RULES
        assert access(f"{scheme}://example.org/") is Access.RULES
    assert access("https://gone.example/") is Access.ALLOW_ALL
    assert access("https://down.example/") is Access.DISALLOW_ALL
    assert access("https://dark.example/") is Access.DISALLOW_ALL
    moved = only(snapshots, "https://moved.example/")
    assert (moved.access, moved.redirects, moved.status) == (Access.RULES, 1, 200)
    assert access("http://port.example:8080/") is Access.RULES
    assert access("http://port.example:8081/") is Access.RULES
    assert access("http://port.example/") is None
    assert access("http://10.0.0.200/") is Access.RULES
    assert access("https://[2001:db8::1]:8443/") is Access.RULES
    assert access("https://secure.example/") is Access.RULES
    assert access("http://secure.example/") is None
    assert access("http://plain.example/") is Access.ALLOW_ALL
    assert access("https://plain.example/") is None
    snapshot = only(snapshots, "https://example.com/")
    assert snapshot.fetched is None
    assert snapshot.source == str(tmp_path / "example.com.txt")
    assert not snapshot.robots.allowed("/", "CCBot")
    assert snapshots.problem_count == 1
    assert "not a host!.txt" in snapshots.problems[0]


def test_directory_snapshots_tsv(tmp_path: Path) -> None:
    write(tmp_path / "bodies" / "a-2024-03.txt", ALLOW_PRIVATE)
    write(tmp_path / "a.example.txt", DISALLOW_ALL)  # named in the TSV: not a host file too
    write(
        tmp_path / "snapshots.tsv",
        "\n".join(
            [
                "origin\tfetched\tstatus\tfile",
                "# a comment",
                "https://a.example\t2024-01-01\t404\t",
                "https://a.example\t2024-03-01T00:00:00Z\t200\tbodies/a-2024-03.txt",
                "https://a.example\t2024-06-01\t\ta.example.txt",
                "b.example\t20240601000000\t-\t",
                "https://c.example\t2024-06-01\t301\t\thttps://a.example/robots.txt",
                "https://bad.example\tyesterday\t200\tx.txt",
                "https://bad.example\t2024-01-01\t2xx\t",
                "https://bad.example\t2024-01-01\t200\t",
                "too\tfew",
                "https://bad.example\t2024-01-01\t200\tmissing.txt",
            ]
        ).encode(),
    )
    snapshots = load_snapshots([tmp_path])
    fetched = [s.fetched for s in snapshots.fetches("https://a.example/")]
    assert fetched == [JAN, MAR, JUN]
    assert only(snapshots, "https://a.example/", when=MAR, as_of="crawl").robots.allowed("/x", "A")
    assert only(snapshots, "https://a.example/", when=JAN, as_of="crawl").status == 404
    assert only(snapshots, "https://a.example/", as_of="latest").access is Access.RULES
    assert snapshots.lookup("http://a.example/", when=None, as_of="crawl") is None
    for scheme in ("http", "https"):  # a bare host names both schemes
        assert only(snapshots, f"{scheme}://b.example/").access is Access.DISALLOW_ALL
    redirected = only(snapshots, "https://c.example/", when=JUN, as_of="crawl")
    assert redirected.redirects == 1
    assert not redirected.robots.allowed("/x", "A")  # the June body of a.example
    assert snapshots.lookup("https://bad.example/", when=None, as_of="crawl") is None
    assert snapshots.problem_count == 5
    assert snapshots.counts["tsv rows"] == 5


def test_directory_with_warcs(tmp_path: Path) -> None:
    warc(tmp_path, [entry("https://w.example/robots.txt", 503)], name="part-00001.warc.gz")
    snapshots = load_snapshots([tmp_path])
    assert only(snapshots, "https://w.example/").access is Access.DISALLOW_ALL


def test_several_inputs_combine(tmp_path: Path) -> None:
    first = warc(tmp_path, [entry("https://a.example/robots.txt", 404)], name="a.warc.gz")
    second = warc(tmp_path, [entry("https://b.example/robots.txt", 500)], name="b.warc")
    write(tmp_path / "dir" / "c.example.txt", DISALLOW_ALL)
    snapshots = load_snapshots([first, str(second), tmp_path / "dir"])
    assert len(snapshots) == 4  # c.example counts for http and https
    assert snapshots.counts["warc files"] == 2


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_snapshots([tmp_path / "nope.warc.gz"])


def test_not_a_warc(tmp_path: Path) -> None:
    snapshots = load_snapshots([write(tmp_path / "x.warc", b"hello, world\n" * 10)])
    assert len(snapshots) == 0
    assert snapshots.problem_count >= 1


def test_empty_input_list() -> None:
    snapshots = load_snapshots([])
    assert len(snapshots) == 0
    assert snapshots.lookup("https://example.com/", when=None, as_of="crawl") is None


# -- laziness and limits ---------------------------------------------------------------------------


def test_bodies_are_parsed_on_first_lookup_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[bytes] = []
    original = RobotsTxt.parse.__func__  # type: ignore[attr-defined]

    def counting(cls: type[RobotsTxt], /, data: bytes, **kwargs: int) -> RobotsTxt:
        calls.append(bytes(data))
        return original(cls, data, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(RobotsTxt, "parse", classmethod(counting))
    entries = [entry(f"https://h{i}.example/robots.txt", 200, DISALLOW_ALL) for i in range(50)]
    snapshots = load(tmp_path, entries)
    assert calls == []
    assert snapshots.parsed == 0
    only(snapshots, "https://h7.example/a")
    only(snapshots, "https://h7.example/b")
    assert calls == [DISALLOW_ALL]
    assert snapshots.parsed == 1


def test_the_snapshot_cache_is_bounded(tmp_path: Path) -> None:
    entries = [entry(f"https://h{i}.example/robots.txt", 200, DISALLOW_ALL) for i in range(5)]
    snapshots = load_snapshots([warc(tmp_path, entries)], cache_size=2)
    for i in [0, 1, 2, 0]:
        only(snapshots, f"https://h{i}.example/")
    assert snapshots.parsed == 4  # h0 was evicted by h2, so it was built again


def test_identical_bodies_are_shared(tmp_path: Path) -> None:
    body = b"User-agent: *\nDisallow: /same/\n"
    snapshots = load(
        tmp_path, [entry(f"https://h{i}.example/robots.txt", 200, body) for i in range(3)]
    )
    with contextlib.closing(sqlite3.connect(snapshots.index.path)) as index:
        assert index.execute("SELECT COUNT(*) FROM bodies").fetchone() == (1,)
    assert all(only(snapshots, f"https://h{i}.example/").robots.size == len(body) for i in range(3))


def test_body_cap(tmp_path: Path) -> None:
    body = b"User-agent: *\n" + b"#" * (ROBOTS_SIZE_LIMIT + 100) + b"\nDisallow: /\n"
    snapshot = only(load(tmp_path, [entry("https://big.example/robots.txt", 200, body)]),
                    "https://big.example/")  # fmt: skip
    assert snapshot.robots.size == ROBOTS_SIZE_LIMIT
    assert "body cut at 512000 bytes" in snapshot.note
    assert snapshot.robots.allowed("/", "CCBot")  # the Disallow beyond the cap is not read


def test_directory_body_cap(tmp_path: Path) -> None:
    write(tmp_path / "big.example.txt", b"#" * (ROBOTS_SIZE_LIMIT * 2))
    snapshot = only(load_snapshots([tmp_path]), "https://big.example/")
    assert snapshot.robots.size == ROBOTS_SIZE_LIMIT
    assert "body cut" in snapshot.note


# -- WARC details ----------------------------------------------------------------------------------


def record(uri: str, http: bytes, *, kind: str = "response", extra: str = "") -> bytes:
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\n"
        f"WARC-Record-ID: <urn:uuid:{hashlib.md5(http).hexdigest()}>\r\n"
        f"WARC-Date: 2024-05-10T12:00:00Z\r\nWARC-Target-URI: {uri}\r\n{extra}"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n"
    )
    return gzip.compress(head.encode() + http + b"\r\n\r\n", mtime=0)


def raw_warc(tmp_path: Path, *records: bytes) -> SiteSnapshots:
    path = tmp_path / "raw.warc.gz"
    path.write_bytes(b"".join(records))
    return load_snapshots([path])


def test_encoded_bodies_are_decoded(tmp_path: Path) -> None:
    snapshots = raw_warc(
        tmp_path,
        record("<https://gz.example/robots.txt>",  # WARC/1.0 writers may bracket the URI
               b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n" + gzip.compress(DISALLOW_ALL)),
        record("https://chunk.example/robots.txt",
               b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"e\r\nUser-agent: *\n\r\nc\r\nDisallow: /\n\r\n0\r\n\r\n"),
        record("https://br.example/robots.txt",
               b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\n\x0b\x02\x80"),
        record("https://badgz.example/robots.txt",
               b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\nnot gzip at all"),
    )  # fmt: skip
    assert not only(snapshots, "https://gz.example/").robots.allowed("/", "A")
    assert not only(snapshots, "https://chunk.example/").robots.allowed("/", "A")
    # A body we cannot decode is no snapshot: the host stays "unavailable", never "allowed".
    assert snapshots.lookup("https://br.example/", when=None, as_of="crawl") is None
    assert snapshots.lookup("https://badgz.example/", when=None, as_of="crawl") is None
    assert snapshots.counts["skipped: undecodable body"] == 2


def test_a_non_http_answer_is_unreachable(tmp_path: Path) -> None:
    snapshots = raw_warc(
        tmp_path, record("https://odd.example/robots.txt", b"SSH-2.0-OpenSSH\r\n\r\n")
    )
    snapshot = only(snapshots, "https://odd.example/")
    assert (snapshot.status, snapshot.access) == (None, Access.DISALLOW_ALL)


def test_revisit_reads_the_original_body(tmp_path: Path) -> None:
    digest = "WARC-Payload-Digest: sha1:ABC\r\n"
    snapshots = raw_warc(
        tmp_path,
        record("https://r.example/robots.txt", b"HTTP/1.1 200 OK\r\n\r\n" + DISALLOW_ALL,
               extra=digest),
        record("https://s.example/robots.txt", b"HTTP/1.1 200 OK\r\n\r\n", kind="revisit",
               extra=digest),
        record("https://t.example/robots.txt", b"HTTP/1.1 200 OK\r\n\r\n", kind="revisit",
               extra="WARC-Payload-Digest: sha1:XYZ\r\n"),
    )  # fmt: skip
    assert not only(snapshots, "https://s.example/").robots.allowed("/", "A")
    assert snapshots.lookup("https://t.example/", when=None, as_of="crawl") is None


def test_undated_record(tmp_path: Path) -> None:
    data = record("https://u.example/robots.txt", b"HTTP/1.1 404 Not Found\r\n\r\n")
    data = gzip.compress(gzip.decompress(data).replace(b"2024-05-10T12:00:00Z", b"sometime"))
    choice = raw_warc(tmp_path, data).lookup("https://u.example/", when=T0, as_of="crawl")
    assert choice is not None
    assert choice.snapshots[0].fetched is None
    assert "date unknown" in choice.note


def test_request_and_metadata_records_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "r.warc.gz"
    write_snapshot_warc(path, [entry("https://q.example/robots.txt", 200, DISALLOW_ALL)],
                        requests=True)  # fmt: skip
    snapshots = load_snapshots([path])
    assert snapshots.counts["records"] == 1
    assert only(snapshots, "https://q.example/").access is Access.RULES


# -- the writer ------------------------------------------------------------------------------------


def test_writer_is_deterministic(tmp_path: Path) -> None:
    entries = [
        entry("https://a.example/robots.txt", 200, DISALLOW_ALL),
        entry("http://b.example/robots.txt", 301, location="https://b.example/robots.txt"),
    ]
    (tmp_path / "1").mkdir()
    (tmp_path / "2").mkdir()
    assert write_snapshot_warc(tmp_path / "1" / "s.warc.gz", entries, requests=True) == 5
    write_snapshot_warc(tmp_path / "2" / "s.warc.gz", entries, requests=True)
    assert (tmp_path / "1" / "s.warc.gz").read_bytes() == (
        tmp_path / "2" / "s.warc.gz"
    ).read_bytes()
    write_snapshot_warc(tmp_path / "s.warc", entries)
    text = (tmp_path / "s.warc").read_bytes()
    assert text.startswith(b"WARC/1.1\r\nWARC-Type: warcinfo\r\n")
    assert b"HTTP/1.1 301 Moved Permanently\r\n" in text
    assert b"Location: https://b.example/robots.txt\r\n" in text
    assert b"WARC-Record-ID: <urn:uuid:" in text


def test_bundled_sample_if_built() -> None:
    sample = Path(__file__).resolve().parents[2] / "src/reciprocity/samples/robots-snapshot.warc.gz"
    if not sample.exists():
        pytest.skip("sample not built yet (scripts/build_sample.py)")
    snapshots = load_snapshots([sample])
    assert snapshots.problem_count == 0
    assert len(snapshots) > 0


# -- properties ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Module-scoped: hypothesis runs many examples per test call, and rejects per-test fixtures.
    return tmp_path_factory.mktemp("fuzz")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=4096), st.booleans())
def test_arbitrary_bytes_as_a_warc_never_raise(fuzz_dir: Path, data: bytes, compress: bool) -> None:
    path = fuzz_dir / "fuzz.warc.gz"
    path.write_bytes(gzip.compress(data, mtime=0) if compress else data)
    snapshots = load_snapshots([path])
    for origin in list(snapshots.origins())[:3]:
        snapshots.lookup(origin + "/", when=T0, as_of="strictest")


HTTP_HEADS = st.sampled_from(
    [b"HTTP/1.1 200 OK\r\n", b"HTTP/1.1 301 Moved\r\nLocation: /x\r\n", b"HTTP/1.1 999 ?\r\n",
     b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n",
     b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n",
     b"", b"garbage\r\n"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["https://f.example/robots.txt", "http://F.example:81/robots.txt", "x", ""]),
    HTTP_HEADS,
    st.binary(max_size=512),
    st.sampled_from(["response", "revisit", "resource", "metadata"]),
)
def test_arbitrary_records_never_raise(
    fuzz_dir: Path, uri: str, head: bytes, body: bytes, kind: str
) -> None:
    path = fuzz_dir / "records.warc.gz"
    path.write_bytes(record(uri, head + b"\r\n" + body, kind=kind))
    snapshots = load_snapshots([path])
    for origin in snapshots.origins():
        choice = snapshots.lookup(origin + "/a", when=None, as_of="strictest")
        assert choice is not None
        assert choice.snapshots[0].robots.allowed("/a", "CCBot") in (True, False)


@given(st.text(max_size=60))
def test_arbitrary_names_and_urls_never_raise(text: str) -> None:
    from reciprocity.sources.snapshots import _host_file_name

    _host_file_name(text)
    origin_of(text)
    origin_of("https://" + text)


URL_PARTS = st.tuples(
    st.sampled_from(["http", "https", "HTTP", "ftp"]),
    st.text(alphabet="aZ09.-_[]:@ü", min_size=0, max_size=12),
    st.sampled_from(["", ":80", ":443", ":8080", ":", ":99999", ":0"]),
    st.text(alphabet="/aZ%?#&= .", max_size=12),
)


@given(URL_PARTS)
def test_the_fast_url_path_agrees_with_urlsplit(parts: tuple[str, str, str, str]) -> None:
    import re

    from reciprocity import urls
    from reciprocity.sources import snapshots

    url = "{}://{}{}{}".format(*parts)
    fast = snapshots._split(url)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(urls, "_PLAIN_URL_RE", re.compile(r"(?!)"))
        assert snapshots._split(url) == fast
