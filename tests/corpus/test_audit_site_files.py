"""The files beside robots.txt in an audit: each kind (tdmrep.json, ai.txt, an RSL document), from
each offline source (a --site-files WARC, a --site-files folder, a record of the inputs), changes
the decision of exactly the documents it names, dated in the evidence; --robots-as-of picks the
copy; an IPTC-marked image record is read; run.json counts who served what."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from site_files_factory import (
    ALLOW_ALL,
    CRAWLED,
    FILE_FETCHED,
    KINDS,
    OTHER,
    PAGE,
    SITE,
    Kind,
    audit,
    corpus,
    evidence,
    manifest,
    pages,
    robots,
    rsl,
    said,
    stated,
    states,
)

from reciprocity.corpus import audit as audit_module
from reciprocity.sources.snapshots import SnapshotEntry, write_snapshot_warc

A, B, ELSEWHERE = f"{SITE}/a/x.html", f"{SITE}/b/y.html", f"{OTHER}/a/x.html"


def check_changed(rows: dict[str, dict[str, Any]], kind: Kind, fetched: str | None) -> None:
    """``/a/x`` of the site, and nothing else, is reserved by the file, which is cited."""
    assert states(rows, [A, B, ELSEWHERE]) == [
        ("deny", kind.ai_use),
        ("unknown", "unknown"),
        ("unknown", "unknown"),
    ]
    (cited,) = [e for e in evidence(rows[A], kind.carrier) if stated(e, "train_ai")]
    assert cited["source"] == f"{SITE}{kind.path}"
    assert cited.get("fetched") == fetched
    assert cited["stances"]["train_ai"] == "deny"
    assert rows[A]["deciding_mechanism"] == {"tdmrep.json": "tdmrep", "ai.txt": "ai.txt"}.get(
        kind.name, "rsl"
    )
    assert evidence(rows[B], kind.carrier) == [] or all(
        stated(e, "train_ai") != "deny" for e in evidence(rows[B], kind.carrier)
    )
    assert evidence(rows[ELSEWHERE], kind.carrier) == []


def baseline(tmp_path: Path, kind: Kind) -> dict[str, dict[str, Any]]:
    args = [str(corpus(tmp_path)), "--robots", str(robots(tmp_path, kind))]
    rows = audit(tmp_path, "without", *args)
    assert states(rows, [A, B, ELSEWHERE]) == [("unknown", "unknown")] * 3
    return rows


@pytest.mark.parametrize("name", sorted(KINDS))
def test_a_site_file_snapshot_warc(tmp_path: Path, name: str) -> None:
    kind = KINDS[name]
    baseline(tmp_path, kind)
    snapshot = tmp_path / "site-files.warc.gz"
    headers = [("Content-Type", kind.content_type)]
    write_snapshot_warc(snapshot, [(f"{SITE}{kind.path}", FILE_FETCHED, 200, headers, kind.body)])
    args = [str(corpus(tmp_path)), "--robots", str(robots(tmp_path, kind))]
    rows = audit(tmp_path, "run", *args, "--site-files", str(snapshot))
    check_changed(rows, kind, FILE_FETCHED.isoformat())
    served = manifest(tmp_path, "run")["site_sources"]["served"]
    assert served[name] == {"snapshots": 2}  # the documents of the site, whatever it says
    assert served["robots.txt"] == {"snapshots": 4}


@pytest.mark.parametrize("name", sorted(KINDS))
def test_a_site_file_folder(tmp_path: Path, name: str) -> None:
    kind = KINDS[name]
    folder = tmp_path / "sites"
    file = folder / "site.example" / kind.path.lstrip("/")
    file.parent.mkdir(parents=True)
    file.write_bytes(kind.body)
    args = [str(corpus(tmp_path)), "--robots", str(robots(tmp_path, kind))]
    rows = audit(tmp_path, "run", *args, "--site-files", str(folder))
    check_changed(rows, kind, None)  # a file in a folder carries no date


@pytest.mark.parametrize("name", sorted(KINDS))
def test_a_record_of_the_input(tmp_path: Path, name: str) -> None:
    kind = KINDS[name]
    headers = [("Content-Type", kind.content_type)]
    record: SnapshotEntry = (f"{SITE}{kind.path}", FILE_FETCHED, 200, headers, kind.body)
    crawl = corpus(tmp_path, record)
    rows = audit(tmp_path, "run", str(crawl), "--robots", str(robots(tmp_path, kind)))
    check_changed(rows, kind, FILE_FETCHED.isoformat())
    found = manifest(tmp_path, "run")["site_sources"]
    assert found["served"][name] == {"inputs": 3}  # the site's pages and the record itself
    assert found["input_records"]["records"] == 1
    assert found["input_records"]["kinds"] == {name: 1}
    assert found["input_records"]["parts_decided_again"] == 1
    assert found["inputs"]["counts"] == {"records": 1}


def test_a_record_of_another_input_file_counts_too(tmp_path: Path) -> None:
    kind = KINDS["ai.txt"]
    first = corpus(tmp_path)
    second = tmp_path / "second.warc.gz"
    text = [("Content-Type", "text/plain")]
    record: SnapshotEntry = (f"{SITE}{kind.path}", FILE_FETCHED, 200, text, kind.body)
    write_snapshot_warc(second, [record])
    args = [str(first), str(second), "--robots", str(robots(tmp_path, kind))]
    one = audit(tmp_path, "one", *args)
    check_changed(one, kind, FILE_FETCHED.isoformat())
    # With two processes, one per input: the same rows.
    two = audit(tmp_path, "two", *args, "--workers", "2")
    assert two == one
    assert (
        manifest(tmp_path, "two")["site_sources"]["served"]
        == manifest(tmp_path, "one")["site_sources"]["served"]
    )


def test_a_run_killed_after_its_first_reading_decides_again_when_resumed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kind = KINDS["tdmrep.json"]
    record: SnapshotEntry = (f"{SITE}{kind.path}", FILE_FETCHED, 200, [], kind.body)
    args = [str(corpus(tmp_path, record)), "--robots", str(robots(tmp_path, kind))]
    whole = audit(tmp_path, "whole", *args)
    # The first reading alone, as a run killed before its second: its parts and the site
    # files found beside them, decided without those files.

    class Killed(BaseException):
        pass

    def kill(*_: object) -> None:
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(audit_module, "_input_files", lambda parts: [])
        patch.setattr(audit_module, "_assemble", kill)
        with pytest.raises(Killed):
            audit(tmp_path, "killed", *args)
    (part,) = (tmp_path / "killed" / "parts").glob(f"*{audit_module.PART}")
    first = {row["url"]: row for row in audit_module._read_part(part).to_pylist()}
    assert states(first, [A]) == [("unknown", "unknown")]
    assert list((tmp_path / "killed" / "parts").glob("*.sites.json"))
    monkeypatch.setattr(audit_module, "_remove_parts", lambda parts: None)
    assert audit_module._part_meta(part)["inputs"] == ""
    resumed = audit(tmp_path, "killed", *args)
    assert resumed == whole
    assert audit_module._part_meta(part)["inputs"]
    records = manifest(tmp_path, "killed")["site_sources"]["input_records"]
    assert records["parts_decided_again"] == 1
    # Once more: the run is complete, so nothing is read or decided again.
    before = manifest(tmp_path, "killed")
    assert audit(tmp_path, "killed", *args) == whole
    assert manifest(tmp_path, "killed") == before


def test_the_snapshots_come_before_the_input_records(tmp_path: Path) -> None:
    kind = KINDS["ai.txt"]
    # The input holds an ai.txt that reserves /b/; the snapshot's (reserving /a/) wins.
    other = b"User-agent: *\nDisallow: /b/\n"
    record: SnapshotEntry = (f"{SITE}/ai.txt", FILE_FETCHED, 200, [], other)
    snapshot = tmp_path / "site-files.warc.gz"
    write_snapshot_warc(snapshot, [(f"{SITE}/ai.txt", FILE_FETCHED, 200, [], kind.body)])
    args = [str(corpus(tmp_path, record)), "--robots", str(robots(tmp_path, kind))]
    rows = audit(tmp_path, "run", *args, "--site-files", str(snapshot))
    check_changed(rows, kind, FILE_FETCHED.isoformat())
    assert manifest(tmp_path, "run")["site_sources"]["served"]["ai.txt"] == {"snapshots": 3}


def test_a_missing_file_is_absent_not_unavailable(tmp_path: Path) -> None:
    kind = KINDS["tdmrep.json"]
    snapshot = tmp_path / "site-files.warc.gz"
    write_snapshot_warc(
        snapshot,
        [
            (f"{SITE}/.well-known/tdmrep.json", FILE_FETCHED, 404, [], b""),
            (f"{SITE}/ai.txt", FILE_FETCHED, 503, [], b""),
        ],
    )
    args = [str(corpus(tmp_path)), "--robots", str(robots(tmp_path, kind))]
    rows = audit(tmp_path, "run", *args, "--site-files", str(snapshot))
    assert states(rows, [A, B, ELSEWHERE]) == [("unknown", "unknown")] * 3
    assert manifest(tmp_path, "run")["site_sources"]["served"] == {"robots.txt": {"snapshots": 4}}


def test_a_site_file_of_a_host_without_robots_txt_still_denies(tmp_path: Path) -> None:
    kind = KINDS["tdmrep.json"]
    snapshot = tmp_path / "site-files.warc.gz"
    write_snapshot_warc(snapshot, [(f"{SITE}{kind.path}", FILE_FETCHED, 200, [], kind.body)])
    rows = audit(tmp_path, "run", str(corpus(tmp_path)), "--site-files", str(snapshot))
    # No robots.txt anywhere: unavailable (fail closed), unless a file says deny.
    assert states(rows, [A, B, ELSEWHERE]) == [
        ("deny", "deny"),
        ("unavailable", "unavailable"),
        ("unavailable", "unavailable"),
    ]


def test_an_rsl_document_named_by_a_link_header(tmp_path: Path) -> None:
    licence = "https://licences.example/site.rsl.xml"
    link = [("Link", f'<{licence}>; rel="license"; type="application/rsl+xml"')]
    crawl = tmp_path / "corpus.warc.gz"
    named = [
        (f"{SITE}/a/x.html", CRAWLED, 200, [("Content-Type", "text/html"), *link], PAGE),
        (f"{SITE}/a/z.html", CRAWLED, 200, [("Content-Type", "text/html")], PAGE),
    ]
    write_snapshot_warc(crawl, named)
    snapshot = tmp_path / "site-files.warc.gz"
    write_snapshot_warc(snapshot, [(licence, FILE_FETCHED, 200, [], rsl("/"))])
    args = [str(crawl), "--robots", str(robots(tmp_path, KINDS["ai.txt"]))]
    rows = audit(tmp_path, "run", *args, "--site-files", str(snapshot))
    assert rows[f"{SITE}/a/x.html"]["train_ai"] == "deny"
    assert rows[f"{SITE}/a/z.html"]["train_ai"] == "unknown"  # its page names no licence
    cited = evidence(rows[f"{SITE}/a/x.html"], "rsl-xml")
    assert {(e["source"], e["fetched"]) for e in cited} == {(licence, FILE_FETCHED.isoformat())}


# -- --robots-as-of -------------------------------------------------------------------------------

EARLY = datetime(2026, 1, 1, tzinfo=timezone.utc)
LATE = datetime(2026, 9, 1, tzinfo=timezone.utc)


def two_copies(tmp_path: Path) -> Path:
    """tdmrep.json reserving /a/ before the crawl, and /b/ after it."""
    path = tmp_path / "site-files.warc.gz"
    url = f"{SITE}/.well-known/tdmrep.json"
    later = json.dumps([{"location": "/b/", "tdm-reservation": 1}]).encode()
    write_snapshot_warc(
        path, [(url, EARLY, 200, [], KINDS["tdmrep.json"].body), (url, LATE, 200, [], later)]
    )
    return path


@pytest.mark.parametrize(
    ("as_of", "a", "b"),
    [
        ("crawl", [EARLY], []),
        ("latest", [], [LATE]),
        ("strictest", [EARLY], [LATE]),
    ],
)
def test_robots_as_of_picks_the_copy(
    tmp_path: Path, as_of: str, a: list[datetime], b: list[datetime]
) -> None:
    args = [str(corpus(tmp_path)), "--robots", str(robots(tmp_path, KINDS["tdmrep.json"]))]
    args += ["--site-files", str(two_copies(tmp_path)), "--robots-as-of", as_of]
    rows = audit(tmp_path, as_of, *args)
    for url, dates in ((A, a), (B, b)):
        cited = [e for e in evidence(rows[url], "tdmrep.json") if said(e)]
        assert [e["fetched"] for e in cited] == [d.isoformat() for d in dates]
        assert rows[url]["train_ai"] == ("deny" if dates else "unknown")


def test_robots_as_of_picks_the_input_record_in_force(tmp_path: Path) -> None:
    url = f"{SITE}/ai.txt"
    records: list[SnapshotEntry] = [
        (url, EARLY, 200, [], b"User-agent: *\nDisallow: /a/\n"),
        (url, LATE, 200, [], b"User-agent: *\nDisallow: /b/\n"),
    ]
    args = [str(corpus(tmp_path, *records)), "--robots", str(robots(tmp_path, KINDS["ai.txt"]))]
    crawl = audit(tmp_path, "crawl", *args)
    latest = audit(tmp_path, "latest", *args, "--robots-as-of", "latest")
    assert states(crawl, [A, B]) == [("deny", "unknown"), ("unknown", "unknown")]
    assert states(latest, [A, B]) == [("unknown", "unknown"), ("deny", "unknown")]
    assert [e["fetched"] for e in evidence(crawl[A], "ai.txt")] == [EARLY.isoformat()]


# -- media ----------------------------------------------------------------------------------------


def _jpeg(term: str | None) -> bytes:
    import struct

    def segment(marker: int, payload: bytes) -> bytes:
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload

    body = b"\xff\xd8" + segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    if term is not None:
        packet = (
            '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
            'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
            'rdf:about="" xmlns:plus="http://ns.useplus.org/ldf/xmp/1.0/" '
            f'plus:DataMining="http://ns.useplus.org/ldf/vocab/{term}"/></rdf:RDF></x:xmpmeta>'
            '<?xpacket end="w"?>'
        ).encode()
        body += segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + packet)
    return body + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x12\x34\xff\xd9"


def test_an_iptc_marked_image_record_is_read(tmp_path: Path) -> None:
    jpeg = [("Content-Type", "image/jpeg")]
    marked, plain = f"{SITE}/img/marked.jpg", f"{SITE}/img/plain.jpg"
    crawl = corpus(
        tmp_path,
        (marked, CRAWLED, 200, jpeg, _jpeg("DMI-PROHIBITED-AIMLTRAINING")),
        (plain, CRAWLED, 200, jpeg, _jpeg(None)),
    )
    rows = audit(tmp_path, "run", str(crawl), "--robots", str(robots(tmp_path, KINDS["ai.txt"])))
    assert (rows[marked]["train_ai"], rows[marked]["search"]) == ("deny", "unknown")
    assert rows[plain]["train_ai"] == "unknown"
    (cited,) = evidence(rows[marked], "media")
    assert cited["mechanism"] == "media-metadata"
    assert (cited["source"], cited["fetched"]) == (marked, CRAWLED.isoformat())
    assert rows[A]["train_ai"] == "unknown"


# -- sources together ---------------------------------------------------------------------------


def test_no_site_file_changes_nothing(tmp_path: Path) -> None:
    kind = KINDS["ai.txt"]
    plain = baseline(tmp_path, kind)
    empty = tmp_path / "sites"
    empty.mkdir()
    args = [str(corpus(tmp_path)), "--robots", str(robots(tmp_path, kind))]
    rows = audit(tmp_path, "empty", *args, "--site-files", str(empty))
    assert rows == plain
    assert not list((tmp_path / "without" / "parts").glob("*.sites.json"))
    found = manifest(tmp_path, "without")["site_sources"]
    assert found["input_records"]["records"] == 0
    assert found["served"] == {"robots.txt": {"snapshots": 4}}
    assert pages(SITE)[0][0] == A
    assert ALLOW_ALL in kind.robots


def test_only_the_parts_holding_the_records_hosts_are_decided_again(tmp_path: Path) -> None:
    from reciprocity.corpus.audit import run_audit
    from reciprocity.corpus.policy import AuditPolicy
    from reciprocity.corpus.readers import read_documents
    from reciprocity.sources.snapshots import load_snapshots

    kind = KINDS["ai.txt"]
    record: SnapshotEntry = (f"{SITE}{kind.path}", FILE_FETCHED, 200, [], kind.body)
    crawl = corpus(tmp_path, record)  # parts of 2: the site's pages, the other's, the record
    snapshots = load_snapshots([robots(tmp_path, kind)])
    out = tmp_path / "run"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(audit_module, "_remove_parts", lambda parts: None)  # to look at them
        run_audit(
            [crawl], out, policy=AuditPolicy(), robots=snapshots, reader=read_documents,
            batch=2, progress=False,
        )  # fmt: skip
    parts = sorted((out / "parts").glob(f"*{audit_module.PART}"))
    assert [bool(audit_module._part_meta(p)["inputs"]) for p in parts] == [True, False, True]
    records = manifest(tmp_path, "run")["site_sources"]["input_records"]
    assert records["parts_decided_again"] == 2
