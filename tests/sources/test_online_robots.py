"""OnlineRobots: snapshots first, the hosts they miss from the fetcher, announced in windows."""

from __future__ import annotations

import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from reciprocity.corpus.audit import run_audit
from reciprocity.corpus.decide import RobotsSource
from reciprocity.corpus.policy import AsOf, AuditPolicy
from reciprocity.corpus.readers import read_documents
from reciprocity.corpus.samples import sample_corpus
from reciprocity.signals.robots import RobotsTxt
from reciprocity.sources.online import OnlineRobots
from reciprocity.sources.snapshots import Choice, load_snapshots

WHEN = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Live:
    robots: RobotsTxt
    fetched: datetime = WHEN
    status: int | None = 200
    final_url: str | None = None
    redirects: int = 0
    refused: str | None = None
    from_cache: bool = False


class FakeFetch:
    """Serves a fixed robots.txt per origin and records every batch it was asked for."""

    def __init__(self, bodies: Mapping[str, bytes], refused: Sequence[str] = ()) -> None:
        self.bodies, self.refused = bodies, set(refused)
        self.batches: list[list[str]] = []

    def __call__(self, origins: Sequence[str]) -> dict[str, Live]:
        self.batches.append(list(origins))
        found: dict[str, Live] = {}
        for origin in origins:
            if origin in self.refused:
                found[origin] = Live(RobotsTxt.allow_all("-"), refused="private address")
            elif origin in self.bodies:
                found[origin] = Live(RobotsTxt.parse(self.bodies[origin]))
            else:
                found[origin] = Live(RobotsTxt.from_fetch(404), status=404)
        return found


def test_hosts_in_snapshots_are_not_fetched_and_missing_ones_are_once() -> None:
    snapshots = load_snapshots(sample_corpus().robots)
    known = next(iter(snapshots.origins()))
    fetch = FakeFetch({"https://new.example": b"User-agent: *\nDisallow: /private\n"})
    online = OnlineRobots(snapshots, fetch)
    online.prepare([f"{known}/a", "https://new.example/a", "https://new.example/b"])
    assert fetch.batches == [["https://new.example"]]
    online.prepare(["https://new.example/c"])  # remembered: no second fetch
    assert len(fetch.batches) == 1
    choice = online.lookup("https://new.example/private/x", when=WHEN, as_of="crawl")
    assert choice is not None
    (snapshot,) = choice.snapshots
    assert not snapshot.robots.allowed("https://new.example/private/x", "CCBot")
    assert snapshot.fetched == WHEN
    assert "not at crawl time" in choice.note
    assert online.lookup(f"{known}/a", when=WHEN, as_of="crawl") == snapshots.lookup(
        f"{known}/a", when=WHEN, as_of="crawl"
    )
    assert online.summary()["online"]["hosts_fetched"] == 1


def test_refused_hosts_have_no_robots_txt() -> None:
    fetch = FakeFetch({}, refused=["http://10.0.0.1"])
    online = OnlineRobots(None, fetch)
    assert online.lookup("http://10.0.0.1/x", when=None, as_of="crawl") is None
    assert online.lookup("http://10.0.0.1/y", when=None, as_of="crawl") is None
    assert fetch.batches == [["http://10.0.0.1"]]  # asked once, remembered as refused
    assert online.summary()["online"]["hosts_refused"] == 1


def test_memory_is_bounded_and_not_pickled() -> None:
    fetch = FakeFetch({})
    online = OnlineRobots(None, fetch, memory=2)
    online.prepare([f"https://h{n}.example/" for n in range(5)])
    assert len(online._known) == 2
    clone = pickle.loads(pickle.dumps(online))
    assert len(clone._known) == 0
    assert clone.memory == 2


def _sample_rows(out: Path, robots: RobotsSource) -> list[dict[str, Any]]:
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
    online = OnlineRobots(snapshots, fetch, describe={"cache": "test"})
    rows = _sample_rows(tmp_path / "run", online)
    filled = [r for r in rows if r["host"] == "0755krk.com"]
    assert filled
    assert all(r["train_ai"] == "deny" and not r["keep"] for r in filled)
    missing = {o for batch in fetch.batches for o in batch}
    assert "http://0755krk.com" in missing
    assert not any(o in missing for o in snapshots.origins())
    offline = _sample_rows(tmp_path / "offline", snapshots)
    live = {origin.split("://", 1)[1] for origin in missing}
    # Hosts with a snapshot decide as offline; every host without one was unavailable offline.
    assert [r for r in rows if r["host"] not in live] == [
        r for r in offline if r["host"] not in live
    ]
    assert {r["train_ai"] for r in offline if r["host"] in live} == {"unavailable"}
    assert "unavailable" not in {r["train_ai"] for r in rows if r["host"] in live}


def test_a_host_whose_crawl_time_snapshot_leads_out_is_fetched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The latest snapshot is complete (so a window does not fetch the host) but the one in force
    # at the document's date redirects out of the snapshots: the lookup fetches it then.
    snapshots = load_snapshots(sample_corpus().robots)
    origin = next(iter(snapshots.origins()))
    real = snapshots.lookup

    def lookup(url: str, *, when: datetime | None, as_of: AsOf = "crawl") -> Choice | None:
        choice = real(url, when=when, as_of=as_of)
        if choice is None or as_of == "latest":
            return choice
        return replace(
            choice, snapshots=tuple(replace(s, incomplete=True) for s in choice.snapshots)
        )

    monkeypatch.setattr(snapshots, "lookup", lookup)
    fetch = FakeFetch({origin: b"User-agent: *\nDisallow: /\n"})
    online = OnlineRobots(snapshots, fetch)
    online.prepare([f"{origin}/a"])
    assert fetch.batches == []
    choice = online.lookup(f"{origin}/a", when=WHEN, as_of="crawl")
    assert fetch.batches == [[origin]]
    assert choice is not None
    assert not choice.snapshots[0].robots.allowed(f"{origin}/a", "CCBot")
