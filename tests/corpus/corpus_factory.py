"""A generated corpus with known injected signals, and what each document's decision must be."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from reciprocity.sources.snapshots import write_snapshot_warc

CRAWLED = datetime(2026, 6, 1, tzinfo=timezone.utc)
FETCHED = datetime(2026, 5, 30, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Case:
    """One kind of host: its robots.txt (status, body) and its pages' headers and HTML."""

    name: str
    status: int | None  # None: no snapshot at all
    robots: bytes
    headers: tuple[tuple[str, str], ...]
    html: str
    train_ai: str
    search: str


PAGE = "<html><head><title>t</title>{head}</head><body><p>text</p></body></html>"

CASES = (
    Case("open", 200, b"User-agent: *\nAllow: /\n", (), PAGE.format(head=""), "unknown", "unknown"),
    Case("collector-blocked", 200, b"User-agent: CCBot\nDisallow: /\n", (), PAGE.format(head=""), "deny", "deny"),
    Case("gptbot-blocked", 200, b"User-agent: GPTBot\nDisallow: /\n", (), PAGE.format(head=""), "deny", "unknown"),
    Case("robots-404", 404, b"", (), PAGE.format(head=""), "unknown", "unknown"),
    Case("robots-503", 503, b"", (), PAGE.format(head=""), "deny", "deny"),
    Case("no-snapshot", None, b"", (), PAGE.format(head=""), "unavailable", "unavailable"),
    Case("aipref-header", 200, b"User-agent: *\nAllow: /\n", (("Content-Usage", "train-ai=n, search=y"),), PAGE.format(head=""), "deny", "allow"),
    Case("noai-header", 200, b"User-agent: *\nAllow: /\n", (("X-Robots-Tag", "noai"),), PAGE.format(head=""), "deny", "unknown"),
    Case("noai-scoped-elsewhere", 200, b"User-agent: *\nAllow: /\n", (("X-Robots-Tag", "googlebot: noai"),), PAGE.format(head=""), "unknown", "unknown"),
    Case("noai-meta", 200, b"User-agent: *\nAllow: /\n", (), PAGE.format(head='<meta name="robots" content="noai">'), "deny", "unknown"),
    Case("cc-by", 200, b"User-agent: *\nAllow: /\n", (), PAGE.format(head='<link rel="license" href="https://creativecommons.org/licenses/by/4.0/">'), "allow", "allow"),
    Case("tdm-reserved", 200, b"User-agent: *\nAllow: /\n", (("tdm-reservation", "1"),), PAGE.format(head=""), "deny", "unknown"),
    Case("content-signal", 200, b"User-agent: *\nContent-Signal: ai-train=no, search=yes\nAllow: /\n", (), PAGE.format(head=""), "deny", "allow"),
)  # fmt: skip


def write_corpus(folder: Path, pages_per_host: int = 3, hosts_per_case: int = 2) -> dict[str, Case]:
    """Write ``corpus.warc.gz`` and ``robots.warc.gz`` into ``folder``; return url -> case."""
    expected: dict[str, Case] = {}
    documents = []
    snapshots = []
    for case in CASES:
        for h in range(hosts_per_case):
            origin = f"https://{case.name}-{h}.example"
            if case.status is not None:
                snapshots.append(
                    (f"{origin}/robots.txt", FETCHED, case.status, [("Content-Type", "text/plain")], case.robots)
                )  # fmt: skip
            for p in range(pages_per_host):
                url = f"{origin}/page/{p}.html"
                headers = [("Content-Type", "text/html; charset=utf-8"), *case.headers]
                documents.append((url, CRAWLED, 200, headers, case.html.encode()))
                expected[url] = case
    write_snapshot_warc(folder / "corpus.warc.gz", documents)
    write_snapshot_warc(folder / "robots.warc.gz", snapshots)
    return expected
