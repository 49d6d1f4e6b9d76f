"""The audit's ``host`` column, the evidence's sources and the robots.txt snapshot keys name a
site the same way (issue 13): one normaliser, ``reciprocity.urls``, for all of them."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from reciprocity.corpus.decide import decide
from reciprocity.corpus.document import Document
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.evaluate import evaluate
from reciprocity.sources.snapshots import load_snapshots, origin_of, write_snapshot_warc

T0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
ROBOTS = b"User-agent: *\nDisallow: /\n"

# Each URL and the origin every key must spell it as.
VARIANTS = [
    ("HTTP://Example.COM:80/a", "http://example.com", "example.com"),
    ("http://example.com./a", "http://example.com", "example.com"),
    ("https://bücher.de/a", "https://xn--bcher-kva.de", "xn--bcher-kva.de"),
    ("https://BÜCHER.de.:443/a", "https://xn--bcher-kva.de", "xn--bcher-kva.de"),
    ("http://user@Example.COM/a", "http://example.com", "example.com"),
    ("http://[2001:DB8::1]:8080/a", "http://[2001:db8::1]:8080", "[2001:db8::1]"),
]


@pytest.mark.parametrize(("url", "expected", "host"), VARIANTS)
def test_evidence_sources_name_the_normalised_origin(url: str, expected: str, host: str) -> None:
    decision = evaluate(url, robots_txt=ROBOTS, user_agent="CCBot", tdmrep_json=b"[]")
    assert {e.source for e in decision.evidence} == {f"{expected}/robots.txt"}
    assert origin_of(url) == expected


@pytest.mark.parametrize(("url", "expected", "host"), VARIANTS)
def test_host_column_evidence_and_snapshot_keys_join(
    tmp_path: Path, url: str, expected: str, host: str
) -> None:
    warc = tmp_path / "robots.warc.gz"
    headers = [("Content-Type", "text/plain")]
    write_snapshot_warc(warc, [(f"{expected}/robots.txt", T0, 200, headers, ROBOTS)])
    snapshots = load_snapshots([warc])
    assert list(snapshots.origins()) == [expected]
    document = Document("in.warc", 0, None, url, T0)
    row = decide(document, snapshots, AuditPolicy())
    assert row["error"] is None
    assert row["train_ai"] == "deny"  # the snapshot was found under the URL's origin
    assert row["host"] == host
    sources = {item["source"] for item in row["evidence"]}
    assert sources == {f"{expected}/robots.txt"}
