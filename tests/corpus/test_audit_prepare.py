"""A robots source with ``prepare`` (the live fetcher's seam) hears each window of URLs before
any of its documents is decided, and the rows do not change."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from reciprocity.corpus import audit as audit_module
from reciprocity.corpus.audit import run_audit
from reciprocity.corpus.decide import SiteSource
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.readers import read_documents
from reciprocity.corpus.samples import sample_corpus
from reciprocity.sources.asof import AsOf
from reciprocity.sources.snapshots import Choice, SiteSnapshots, load_snapshots


class Announced:
    """Snapshots that record what was announced, and refuse lookups of unannounced URLs."""

    def __init__(self, inner: SiteSnapshots) -> None:
        self.inner = inner
        self.windows: list[list[str]] = []
        self.announced: set[str] = set()

    def prepare(self, asks: Sequence[tuple[str, Sequence[str]]], *, agent: str) -> None:
        urls = [url for url, _ in asks]
        self.windows.append(urls)
        self.announced.update(urls)

    def lookup(
        self,
        url: str,
        *,
        when: datetime | None,
        as_of: AsOf,
        agent: str = "*",
        links: Sequence[str] = (),
    ) -> Choice | None:
        assert url in self.announced, f"{url} looked up before it was announced"
        return self.inner.lookup(url, when=when, as_of=as_of, agent=agent, links=links)


def _audit(tmp_path: Path, name: str, robots: SiteSource) -> list[dict[str, object]]:
    sample = sample_corpus()
    run_audit(
        sample.inputs,
        tmp_path / name,
        policy=AuditPolicy(),
        robots=robots,
        reader=read_documents,
        progress=False,
    )
    rows: list[dict[str, object]] = pq.read_table(tmp_path / name / "decisions.parquet").to_pylist()
    return rows


def test_windows_announce_every_url_first_and_rows_do_not_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = sample_corpus()
    plain = _audit(tmp_path, "plain", load_snapshots(sample.robots))
    monkeypatch.setattr(audit_module, "PREPARE_DOCUMENTS", 5)
    source = Announced(load_snapshots(sample.robots))
    prepared = _audit(tmp_path, "prepared", source)
    assert prepared == plain
    assert all(0 < len(window) <= 5 for window in source.windows)
    decided = {row["url"] for row in plain if row["error"] is None}
    assert decided <= source.announced


def test_a_window_closes_early_on_body_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = sample_corpus()
    monkeypatch.setattr(audit_module, "PREPARE_BYTES", 1)  # every document fills a window
    source = Announced(load_snapshots(sample.robots))
    _audit(tmp_path, "bytes", source)
    assert max(len(window) for window in source.windows) == 1


def test_a_limited_run_does_not_wait_for_checksums_but_a_whole_run_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    release = threading.Event()

    def slow(paths: Sequence[Path]) -> list[str]:
        release.wait(timeout=30)
        return ["0" * 64 for _ in paths]

    monkeypatch.setattr(audit_module, "_checksums", slow)
    sample = sample_corpus()
    robots = load_snapshots(sample.robots)
    policy = AuditPolicy()
    run_audit(
        sample.inputs,
        tmp_path / "trial",
        policy=policy,
        robots=robots,
        reader=read_documents,
        limit=3,
        progress=False,
    )
    manifest = json.loads((tmp_path / "trial" / "run.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["sha256_skipped"]
    assert all(entry["sha256"] is None for entry in manifest["inputs"])
    release.set()
    run_audit(
        sample.inputs,
        tmp_path / "whole",
        policy=policy,
        robots=robots,
        reader=read_documents,
        progress=False,
    )
    manifest = json.loads((tmp_path / "whole" / "run.json").read_text())
    assert "sha256_skipped" not in manifest
    assert all(entry["sha256"] == "0" * 64 for entry in manifest["inputs"])
