"""The report's web pages written from the report fixture's run, and what their tests share:
the page's figures read back by JSON pointer, and a run whose pages say hostile things."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from report_factory import CRAWLED, FETCHED, GENERATED, HTML

from reciprocity.corpus.audit import run_audit
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.readers import read_documents
from reciprocity.report.options import ReportOptions
from reciprocity.report.page import write
from reciprocity.report.run import open_run
from reciprocity.report.site_page import write_domain_page
from reciprocity.sources.snapshots import load_snapshots, write_snapshot_warc

DOMAIN = "beta.example"
"""The site whose publisher's page the tests read: kept, excluded and refused documents."""
OPTIONS = ReportOptions(generated=GENERATED, tool="reciprocity test")


@dataclass(frozen=True, slots=True)
class Pages:
    folder: Path
    report: Path
    report_json: Path
    domain: Path
    domain_json: Path


def write_pages(run: Path, folder: Path, domain: str = DOMAIN) -> Pages:
    """``report.html`` and the page of ``domain``, with their JSON, written into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    write(open_run(run), folder, OPTIONS)
    write_domain_page(run, domain, folder, options=OPTIONS)
    return Pages(
        folder,
        folder / "report.html",
        folder / "report.json",
        folder / f"domain-{domain}.html",
        folder / f"domain-{domain}.json",
    )


def pointer(data: Any, key: str) -> Any:
    """The value at the JSON pointer ``key`` (RFC 6901, no escapes: the pages' keys need none)."""
    for part in key.strip("/").split("/"):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def figures(data: Any, at: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every figure of a page's JSON (an object with a count of ``documents`` and a ``query``),
    with its pointer."""
    found = []
    if isinstance(data, dict):
        if "query" in data and isinstance(data.get("documents"), int):
            found.append((at, data))
        for key, value in data.items():
            found += figures(value, f"{at}/{key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += figures(value, f"{at}/{index}")
    return found


HOSTILE_TITLE = '</title><script>alert("title")</script><img src=x onerror=alert(1)>'
HOSTILE_AUTHOR = "\"><svg onload=alert('author')>"


def hostile_run(folder: Path) -> Path:
    """A run of one site whose page's title, author and statement try to inject markup."""
    page = (
        f"<html><head><title>{HOSTILE_TITLE.replace('</title>', '&lt;/title&gt;')}</title>"
        f'<meta name="author" content="{HOSTILE_AUTHOR.replace(chr(34), "&quot;")}">'
        '<link rel="license" href="https://creativecommons.org/licenses/by/4.0/">'
        "</head><body><p>text</p></body></html>"
    ).encode()
    headers = [*HTML, ("Content-Usage", "train-ai=n;exceptions=cc-cr <script>x</script>")]
    corpus, robots = folder / "corpus.warc.gz", folder / "robots.warc.gz"
    folder.mkdir(parents=True, exist_ok=True)
    url = "https://evil.example/a?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"
    write_snapshot_warc(corpus, [(url, CRAWLED, 200, headers, page)])
    write_snapshot_warc(
        robots,
        [("https://evil.example/robots.txt", FETCHED, 200, [("Content-Type", "text/plain")],
          b"User-agent: *\nAllow: /<script>\n")],
    )  # fmt: skip
    run = folder / "run"
    run_audit(
        [corpus],
        run,
        policy=AuditPolicy.from_options(accept="credit"),
        robots=load_snapshots([robots]),
        reader=read_documents,
        progress=False,
        snapshots=[robots],
    )
    return run
