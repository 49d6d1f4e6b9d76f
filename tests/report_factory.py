"""A fixed audit run for the report's tests: every kind of licence, obligation and decision the
report's documents speak of, on a few hosts, in one WARC (so that the open export is tested too).

The run is built afresh in a temporary folder; :func:`scrub` replaces what changes between runs
(times, versions, temporary paths) so that golden files compare.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from reciprocity.corpus.audit import run_audit
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.readers import read_documents
from reciprocity.sources.snapshots import load_snapshots, write_snapshot_warc

CRAWLED = datetime(2026, 6, 1, tzinfo=timezone.utc)
FETCHED = datetime(2026, 5, 30, tzinfo=timezone.utc)
GENERATED = datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)
"""The report's own date in tests (``generated=``)."""
HTML = [("Content-Type", "text/html; charset=utf-8")]
CC = "https://creativecommons.org/licenses/"
ZERO = "https://creativecommons.org/publicdomain/zero/1.0/"


def _page(head: str = "", body: str = "text") -> bytes:
    return f"<html><head>{head}</head><body><p>{body}</p></body></html>".encode()


def _licensed(title: str, author: str, licence: str) -> bytes:
    return _page(
        f'<title>{title}</title><meta name="author" content="{author}">'
        f'<link rel="license" href="{licence}">'
    )


# (url, headers, body): what each page states, and (in the comment) what the run decides.
PAGES = [
    # kept, CC BY: credit the author
    ("https://www.alpha.example/essay", HTML, _licensed("An essay", "Ann Lee", f"{CC}by/4.0/")),
    # kept, CC BY-SA: credit and share alike
    ("https://alpha.example/wiki", HTML, _licensed("A wiki page", "Bo Chen", f"{CC}by-sa/4.0/")),
    # kept, CC0: open
    ("https://alpha.example/data", HTML, _licensed("Open data", "Cy Diaz", ZERO)),
    # kept, CC BY-NC: not for the open export
    ("https://beta.example/nc", HTML, _licensed("Not commercial", "Di Eze", f"{CC}by-nc/4.0/")),
    # not kept: CC BY-ND carries no-derivatives, which the run refuses
    ("https://beta.example/nd", HTML, _licensed("No derivatives", "Ed Fox", f"{CC}by-nd/4.0/")),
    # kept: a reservation lifted by accepting credit (CC signals' cc-cr)
    ("https://beta.example/credit", [*HTML, ("Content-Usage", "train-ai=n;exceptions=cc-cr")],
     _page("<title>Credit asked</title>")),
    # not kept: a reservation that a direct contribution would lift (the run does not accept it)
    ("https://beta.example/support", [*HTML, ("Content-Usage", "train-ai=n;exceptions=cc-cr-dc")],
     _page("<title>Support us</title>")),
    # not kept: AIPREF train-ai=n
    ("https://beta.example/no-train", [*HTML, ("Content-Usage", "train-ai=n")], _page()),
    # not kept: TDMRep reservation, with a policy to get a licence from
    ("https://gamma.example/tdm", [*HTML, ("tdm-reservation", "1"),
     ("tdm-policy", "https://gamma.example/policy.json")], _page()),
    # not kept: noai in a meta tag
    ("https://gamma.example/noai", HTML, _page('<meta name="robots" content="noai">')),
    # kept, no statement at all
    ("https://gamma.example/plain", HTML, _page("<title>Plain</title>")),
    ("https://gamma.example/plain2", HTML, _page(body="more text than the other page")),
    # not kept: robots.txt disallows GPTBot, a token honoured for train-ai
    ("https://zeta.example/story", HTML, _page("<title>A story</title>")),
    # not kept: robots.txt disallows the crawler
    ("https://delta.example/blocked", HTML, _page("<title>Blocked</title>")),
    # not kept: no robots.txt could be had for the host (unavailable -> deny)
    ("https://epsilon.example/page", HTML, _page()),
    # not kept, conflicting signals: AIPREF allows, noai denies (strictest: denied)
    ("https://alpha.example/conflict", [*HTML, ("Content-Usage", "train-ai=y"),
     ("X-Robots-Tag", "noai")], _page()),
]  # fmt: skip

ROBOTS = [
    ("https://alpha.example/robots.txt", b"User-agent: *\nAllow: /\n"),
    ("https://www.alpha.example/robots.txt", b"User-agent: *\n"),
    ("https://beta.example/robots.txt", b"User-agent: *\nDisallow: /private/\n"),
    ("https://gamma.example/robots.txt", b"User-agent: *\nAllow: /\n"),
    ("https://zeta.example/robots.txt", b"User-agent: GPTBot\nDisallow: /\n"),
    ("https://delta.example/robots.txt", b"User-agent: CCBot\nDisallow: /\n"),
]

POLICY = AuditPolicy.from_options(accept="credit", refuse="no-derivatives")


def build_run(folder: Path) -> Path:
    """Write the corpus and its robots.txt snapshots into ``folder``, audit them, return the
    run folder (``folder/run``)."""
    folder.mkdir(parents=True, exist_ok=True)
    corpus, robots = folder / "corpus.warc.gz", folder / "robots.warc.gz"
    write_snapshot_warc(corpus, [(url, CRAWLED, 200, h, body) for url, h, body in PAGES])
    plain = [("Content-Type", "text/plain")]
    write_snapshot_warc(robots, [(url, FETCHED, 200, plain, body) for url, body in ROBOTS])
    run = folder / "run"
    run_audit(
        [corpus],
        run,
        policy=POLICY,
        robots=load_snapshots([robots]),
        reader=read_documents,
        progress=False,
        snapshots=[robots],
    )
    return run


_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)")


def scrub(text: str, folder: Path) -> str:
    """``text`` with the run's temporary folder, its times and versions made fixed."""
    text = text.replace(str(folder.resolve()), "<tmp>").replace(str(folder), "<tmp>")
    return _ISO.sub(lambda m: m.group(0) if m.group(0).startswith("2026-0") else "<time>", text)
