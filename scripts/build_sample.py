"""Write src/reciprocity/samples/robots-snapshot.warc.gz: synthetic robots.txt snapshots for the
hosts of the sample corpus, one per case an audit meets (see samples/PROVENANCE.md).

    .venv/bin/python scripts/build_sample.py
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from reciprocity.sources.snapshots import write_snapshot_warc

OUT = Path(__file__).resolve().parent.parent / "src" / "reciprocity" / "samples"

CC_2020 = datetime(2020, 8, 1, tzinfo=timezone.utc)
WGET_2024 = datetime(2024, 4, 20, tzinfo=timezone.utc)
CC_2024 = datetime(2024, 5, 10, tzinfo=timezone.utc)

OK = 200
# (origin, fetched, status, body): every case an audit meets.
SNAPSHOTS: list[tuple[str, datetime, int, bytes]] = [
    # The collecting crawler itself is disallowed: denied for every use.
    ("http://003338.cn", CC_2020, OK, b"User-agent: CCBot\nDisallow: /\n"),
    # AI training crawlers disallowed, the collector allowed: train-ai denied.
    ("http://01spb.ru", CC_2020, OK, b"User-agent: GPTBot\nUser-agent: ClaudeBot\nDisallow: /\n"),
    # Everyone disallowed from one folder only.
    ("http://035.psb556.com", CC_2020, OK, b"User-agent: *\nDisallow: /admin/\n"),
    # No robots.txt (404): RFC 9309 allows everything.
    ("http://037426.cn", CC_2020, 404, b""),
    ("http://041696.com", CC_2020, 410, b""),
    # Server error (503): RFC 9309 complete disallow.
    ("http://044545.com", CC_2020, 503, b""),
    # Cloudflare's managed Content Signals.
    (
        "http://0513mt.com",
        CC_2020,
        OK,
        b"User-agent: *\nContent-Signal: search=yes, ai-train=no\nAllow: /\n",
    ),
    # A robots.txt with a byte order mark and CRLF line ends, disallowing everyone.
    ("http://05925.net", CC_2020, OK, b"\xef\xbb\xbfUser-agent: *\r\nDisallow: /\r\n"),
    ("http://06.live-radsport.ch", CC_2020, OK, b"User-agent: *\nAllow: /\n"),
    # AIPREF Content-Usage rule scoped to a path.
    ("http://0615235.com", CC_2020, OK, b"User-agent: *\nAllow: /\nContent-Usage: train-ai=n\n"),
    # http://0755krk.com ... http://096355.com: no snapshot, so "unavailable".
    # Wikipedia-like: a few folders closed, pages open; the page carries CC BY-SA.
    ("https://an.wikipedia.org", CC_2024, OK, b"User-agent: *\nDisallow: /w/\nDisallow: /api/\n"),
    # A CC signal: training denied unless the builder gives credit (--accept credit lifts it).
    (
        "https://creativecommons.org",
        WGET_2024,
        OK,
        b"User-agent: *\nAllow: /\nContent-Usage: train-ai=n;exceptions=cc-cr\n",
    ),
    ("https://commoncrawl.org", WGET_2024, OK, b"User-agent: *\nAllow: /\n"),
    (
        "https://allenai.org",
        WGET_2024,
        OK,
        b"User-agent: GPTBot\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
    ),
    ("https://prior.allenai.org", WGET_2024, 404, b""),
    ("https://www.semanticscholar.org", WGET_2024, 503, b""),
]


def main() -> None:
    entries = [
        (f"{origin}/robots.txt", fetched, status, [("Content-Type", "text/plain")], body)
        for origin, fetched, status, body in SNAPSHOTS
    ]
    write_snapshot_warc(OUT / "robots-snapshot.warc.gz", entries)
    print(f"wrote {OUT / 'robots-snapshot.warc.gz'} ({len(entries)} snapshots)")


if __name__ == "__main__":
    main()
