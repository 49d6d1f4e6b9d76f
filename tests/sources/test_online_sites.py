"""LiveSites behind SiteSays: snapshots first, what they miss from the fetcher, in windows."""

from __future__ import annotations

import pickle
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from reciprocity.corpus.audit import run_audit
from reciprocity.corpus.decide import SiteSource
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.readers import read_documents
from reciprocity.corpus.samples import sample_corpus
from reciprocity.signals.aitxt import parse_ai_txt
from reciprocity.signals.robots import RobotsTxt
from reciprocity.sources.asof import AsOf
from reciprocity.sources.online import LiveBatch, LiveSite, LiveSites
from reciprocity.sources.site import SiteSays
from reciprocity.sources.site_files import SiteFile
from reciprocity.sources.snapshots import Choice, Snapshot, load_snapshots

WHEN = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def live_site(origin: str, robots: bytes | None, ai_txt: bytes | None = None) -> LiveSite:
    parsed = RobotsTxt.parse(robots) if robots is not None else RobotsTxt.from_fetch(404)
    snapshot = Snapshot(
        origin, f"{origin}/robots.txt", WHEN, 200 if robots is not None else 404, parsed,
        f"{origin}/robots.txt", served_by="online",
    )  # fmt: skip
    files = []
    if ai_txt is not None:
        url = f"{origin}/ai.txt"
        files.append(SiteFile("ai.txt", url, WHEN, 200, parse_ai_txt(ai_txt), url, "online"))
    return LiveSite(snapshot, tuple(files))


class FakeFetch:
    """Serves a fixed robots.txt (and ai.txt) per origin; records every batch asked for."""

    def __init__(
        self,
        bodies: Mapping[str, bytes],
        refused: Sequence[str] = (),
        ai_txt: Mapping[str, bytes] | None = None,
    ) -> None:
        self.bodies, self.refused, self.ai_txt = bodies, set(refused), dict(ai_txt or {})
        self.batches: list[list[str]] = []

    def __call__(self, origins: Sequence[str], urls: Sequence[str]) -> LiveBatch:
        self.batches.append([*origins, *urls])
        found: dict[str, LiveSite] = {}
        for origin in origins:
            if origin in self.refused:
                found[origin] = LiveSite(None, refused="private address")
            else:
                found[origin] = live_site(origin, self.bodies.get(origin), self.ai_txt.get(origin))
        return LiveBatch(found, {})


def test_robots_txt_comes_from_the_snapshots_and_missing_hosts_are_fetched_once() -> None:
    snapshots = load_snapshots(sample_corpus().robots)
    known = next(iter(snapshots.origins()))
    fetch = FakeFetch({"https://new.example": b"User-agent: *\nDisallow: /private\n"})
    source = SiteSays(snapshots, live=LiveSites(fetch))
    source.prepare(
        [(f"{known}/a", ()), ("https://new.example/a", ()), ("https://new.example/b", ())]
    )
    # The snapshotted host is fetched for its other files only: its robots.txt stays the
    # snapshot's.
    assert fetch.batches == [[known, "https://new.example"]]
    source.prepare([("https://new.example/c", ())])  # remembered: no second fetch
    assert len(fetch.batches) == 1
    choice = source.lookup("https://new.example/private/x", when=WHEN, as_of="crawl")
    assert choice is not None
    (snapshot,) = choice.snapshots
    assert not snapshot.robots.allowed("https://new.example/private/x", "CCBot")
    assert snapshot.fetched == WHEN
    assert snapshot.served_by == "online"
    assert "not at crawl time" in choice.note
    offline = snapshots.lookup(f"{known}/a", when=WHEN, as_of="crawl")
    assert source.lookup(f"{known}/a", when=WHEN, as_of="crawl") == offline
    assert source.summary()["online"]["hosts_fetched"] == 2
    assert source.take_counts() == {"robots.txt": {"online": 1, "snapshots": 1}}


def test_a_live_ai_txt_serves_a_snapshotted_host() -> None:
    snapshots = load_snapshots(sample_corpus().robots)
    known = next(iter(snapshots.origins()))
    fetch = FakeFetch({}, ai_txt={known: b"User-agent: *\nDisallow: /\n"})
    source = SiteSays(snapshots, live=LiveSites(fetch))
    choice = source.lookup(f"{known}/a", when=WHEN, as_of="crawl")
    assert choice is not None
    assert [s.served_by for s in choice.snapshots] == ["snapshots"]
    (ai,) = choice.files
    assert (ai.kind, ai.served_by, ai.present) == ("ai.txt", "online", True)
    assert fetch.batches == [[known]]  # asked at lookup: nobody announced it


def test_refused_hosts_have_no_robots_txt() -> None:
    fetch = FakeFetch({}, refused=["http://10.0.0.1"])
    source = SiteSays(None, live=LiveSites(fetch))
    assert source.lookup("http://10.0.0.1/x", when=None, as_of="crawl") is None
    assert source.lookup("http://10.0.0.1/y", when=None, as_of="crawl") is None
    assert fetch.batches == [["http://10.0.0.1"]]  # asked once, remembered as refused
    assert source.summary()["online"]["hosts_refused"] == 1


def test_memory_is_bounded_and_not_pickled() -> None:
    fetch = FakeFetch({})
    live = LiveSites(fetch, memory=2)
    SiteSays(None, live=live).prepare([(f"https://h{n}.example/", ()) for n in range(5)])
    assert len(live._sites) == 2
    clone = pickle.loads(pickle.dumps(live))
    assert len(clone._sites) == 0
    assert clone.memory == 2


def _sample_rows(out: Path, robots: SiteSource) -> list[dict[str, Any]]:
    run_audit(
        sample_corpus().inputs,
        out,
        policy=AuditPolicy(),
        robots=robots,
        reader=read_documents,
        progress=False,
    )
    rows: list[dict[str, Any]] = pq.read_table(out / "decisions.parquet").to_pylist()
    return rows


def test_audit_fills_hosts_missing_from_the_snapshots(tmp_path: Path) -> None:
    sample = sample_corpus()
    snapshots = load_snapshots(sample.robots)
    fetch = FakeFetch({"http://0755krk.com": b"User-agent: CCBot\nDisallow: /\n"})
    source = SiteSays(snapshots, live=LiveSites(fetch, describe={"cache": "test"}))
    rows = _sample_rows(tmp_path / "run", source)
    filled = [r for r in rows if r["host"] == "0755krk.com"]
    assert filled
    assert all(r["train_ai"] == "deny" and not r["keep"] for r in filled)
    asked = {o for batch in fetch.batches for o in batch}
    assert "http://0755krk.com" in asked
    offline = _sample_rows(tmp_path / "offline", snapshots)
    live = {o.split("://", 1)[1] for o in asked if o not in set(snapshots.origins())}
    # Hosts with a snapshot decide as offline (the fake serves them no other file); every
    # host without one was unavailable offline.
    assert [r for r in rows if r["host"] not in live] == [
        r for r in offline if r["host"] not in live
    ]
    assert {r["train_ai"] for r in offline if r["host"] in live} == {"unavailable"}
    assert "unavailable" not in {r["train_ai"] for r in rows if r["host"] in live}


def test_a_host_whose_crawl_time_snapshot_leads_out_is_fetched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The latest snapshot is complete but the one in force at the document's date redirects
    # out of the snapshots: the lookup asks the fetcher then.
    snapshots = load_snapshots(sample_corpus().robots)
    origin = next(iter(snapshots.origins()))
    real = snapshots.robots

    def robots(url: str, *, when: datetime | None, as_of: AsOf = "crawl") -> Choice | None:
        choice = real(url, when=when, as_of=as_of)
        if choice is None or as_of == "latest":
            return choice
        return replace(
            choice, snapshots=tuple(replace(s, incomplete=True) for s in choice.snapshots)
        )

    monkeypatch.setattr(snapshots, "robots", robots)
    fetch = FakeFetch({origin: b"User-agent: *\nDisallow: /\n"})
    source = SiteSays(snapshots, live=LiveSites(fetch))
    choice = source.lookup(f"{origin}/a", when=WHEN, as_of="crawl")
    assert fetch.batches == [[origin]]
    assert choice is not None
    assert not choice.snapshots[0].robots.allowed(f"{origin}/a", "CCBot")


def test_site_files_leave_memory_with_their_site_never_before() -> None:
    body = b"User-agent: *\nDisallow: /\n"
    fetch = FakeFetch({}, ai_txt={"https://a.example": body, "https://b.example": body})
    source = SiteSays(None, live=LiveSites(fetch, memory=1))
    for origin in ("https://a.example", "https://b.example", "https://a.example"):
        choice = source.lookup(f"{origin}/x", when=WHEN, as_of="crawl")
        assert choice is not None
        assert [(f.kind, f.present) for f in choice.files] == [("ai.txt", True)]
    # a.example was forgotten when b.example came, and fetched again (the cache answers that).
    assert fetch.batches == [["https://a.example"], ["https://b.example"], ["https://a.example"]]
