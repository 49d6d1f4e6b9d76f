"""``report.html`` / ``report.json`` and the publisher's page: every figure is what its query
counts, the page states the JSON's figures, crawled text stays text, and ``--domain`` names one
site and writes nowhere else. (The pages in a browser: test_page_browser.py.)"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest
from golden import check_golden
from page_factory import (
    DOMAIN,
    HOSTILE_AUTHOR,
    HOSTILE_TITLE,
    OPTIONS,
    Pages,
    figures,
    hostile_run,
    pointer,
    write_pages,
)
from report_factory import PAGES, scrub

from reciprocity.cli import EXIT_OK, EXIT_USAGE, main
from reciprocity.errors import UsageError
from reciprocity.report import overview, publisher
from reciprocity.report.page import render
from reciprocity.report.publisher import page_path, site
from reciprocity.report.site_page import write_domain_page
from reciprocity.report.tally import exclusions, licences, totals

GOLDEN = Path(__file__).parent / "golden"
SITES = sorted({url.split("/")[2].removeprefix("www.") for url, _, _ in PAGES})


@pytest.fixture(scope="module")
def pages(report_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Pages:
    return write_pages(report_run, tmp_path_factory.mktemp("pages"))


def _load(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


class _Numbers(HTMLParser):
    """The page's linked figures: (JSON pointer, the text shown, the query anchor)."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[list[str]] = []
        self.ids: set[str] = set()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        self.tags.append((tag, named))
        if named.get("id"):
            self.ids.add(str(named["id"]))
        if tag == "a" and named.get("data-key"):
            self._open = [str(named["data-key"]), "", str(named["href"])]

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            self.figures.append(self._open)
            self._open = None


def _parse(path: Path) -> _Numbers:
    parser = _Numbers()
    parser.feed(path.read_text("utf-8"))
    return parser


@pytest.mark.parametrize("which", ["report", "domain"])
def test_every_figure_is_what_its_query_counts(report_run: Path, pages: Pages, which: str) -> None:
    data = _load(pages.report_json if which == "report" else pages.domain_json)
    found = figures(data)
    assert len(found) > 30
    db = duckdb.connect()
    table = str(report_run / "decisions.parquet")
    for key, figure in found:
        sql = figure["query"].replace("'decisions.parquet'", f"'{table}'")
        row = db.execute(f"SELECT count(*), sum(payload_bytes) FROM ({sql})").fetchone()
        assert row is not None
        count, size = row
        assert count == figure["documents"], key
        if figure["bytes"] is not None:
            assert (size or 0) == figure["bytes"], key
    if which == "domain":
        listing = data["listing"]
        sql = listing["query"].replace("'decisions.parquet'", f"'{table}'")
        assert db.execute(f"SELECT count(*) FROM ({sql})").fetchone() == (listing["total"],)


def test_the_page_shows_the_figures_of_its_json_each_linked_to_its_query(pages: Pages) -> None:
    for html, data_file in ((pages.report, pages.report_json), (pages.domain, pages.domain_json)):
        data, parsed = _load(data_file), _parse(html)
        assert len(parsed.figures) > 25
        for key, shown, href in parsed.figures:
            assert shown == f"{pointer(data, key):,}", key
            query = pointer(data, key.rsplit("/", 1)[0])["query"]
            assert href.startswith("#")
            assert href[1:] in parsed.ids
            target = html.read_text("utf-8").split(f'id="{href[1:]}"', 1)[1]
            shown_sql = target.split("<code>", 1)[1].split("</code>", 1)[0]
            assert shown_sql.replace("&#39;", "'").replace("&gt;", ">") == query, key
        # Each figure of the JSON that the tables show is linked at least once.
        linked = {key.rsplit("/", 1)[0] for key, _, _ in parsed.figures}
        assert {"/totals/kept", "/totals/excluded", "/uses/0/states/deny"} <= linked


def test_the_figures_are_the_card_s(report_run: Path, pages: Pages) -> None:
    """The page reuses the card's and the EU summary's aggregates: same numbers."""
    data = _load(pages.report_json)
    db = duckdb.connect()
    db.read_parquet(str(report_run / "decisions.parquet")).create_view("d")
    t = totals(db, "train_ai")
    assert (data["totals"]["kept"]["documents"], data["totals"]["kept"]["bytes"]) == (
        t.kept,
        t.kept_bytes,
    )
    assert [(e["reason"], e["documents"]) for e in data["exclusions"]] == [
        (c.name, c.documents) for c in exclusions(db, "train_ai")
    ]
    assert [(c["licence"], c["documents"]) for c in data["licences"]["listed"]] == [
        (c.name, c.documents) for c in licences(db)
    ]
    ledger = _load_ledger(report_run, pages.folder)
    assert [(k["kind"], k["accepted"]["documents"]) for k in data["obligations"]["by_kind"]] == [
        (k["kind"], k["accepted"]) for k in ledger["by_kind"]
    ]


def _load_ledger(run: Path, folder: Path) -> Any:
    from reciprocity.report import ledger
    from reciprocity.report.run import open_run

    ledger.write(open_run(run), folder, OPTIONS)
    return _load(folder / "obligations.json")


def test_report_json_golden(pages: Pages) -> None:
    text = pages.report_json.read_text("utf-8")
    check_golden(GOLDEN / "report.json", scrub(text, pages.folder))


def test_domain_json_golden(pages: Pages) -> None:
    text = pages.domain_json.read_text("utf-8")
    check_golden(GOLDEN / f"domain-{DOMAIN}.json", scrub(text, pages.folder))


def test_a_page_has_no_script_and_loads_nothing(pages: Pages) -> None:
    for html in (pages.report, pages.domain):
        text = html.read_text("utf-8")
        parsed = _parse(html)
        tags = {tag for tag, _ in parsed.tags}
        assert not tags & {"script", "link", "img", "iframe", "object", "embed"}
        assert "default-src 'none'" in text
        for _, attrs in parsed.tags:
            assert not [a for a in attrs if a.startswith("on")]
            for name in ("src", "xlink:href"):
                assert name not in attrs
        assert text.count("<svg ") >= 5 if html == pages.report else text.count("<svg ") >= 2


def test_the_publisher_s_page_names_no_other_site(pages: Pages) -> None:
    assert DOMAIN in SITES
    for path in (pages.domain, pages.domain_json):
        text = path.read_text("utf-8")
        for other in SITES:
            assert (other in text) == (other == DOMAIN), (path.name, other)
    data = _load(pages.domain_json)
    assert data["listing"]["total"] == data["listing"]["listed"] == 5
    assert {d["url"] for d in data["listing"]["documents"]} == {
        url for url, _, _ in PAGES if url.split("/")[2] == DOMAIN
    }
    support = next(d for d in data["listing"]["documents"] if d["url"].endswith("/support"))
    assert support["uses"]["train-ai"]["state"] == "deny"
    deciding = [support["evidence"][i] for i in support["uses"]["train-ai"]["deciding"]]
    assert [(e["mechanism"], e["carrier"], e["line"]) for e in deciding] == [
        ("cc-signals", "http-header", 2)
    ]
    assert deciding[0]["fetched"].startswith("2026-06-01")


def test_a_big_site_lists_the_first_documents_and_counts_all(
    report_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(publisher, "LISTED", 2)
    files = write_domain_page(report_run, DOMAIN, tmp_path, options=OPTIONS)
    data = _load(tmp_path / f"domain-{DOMAIN}.json")
    assert (data["listing"]["listed"], data["listing"]["total"]) == (2, 5)
    assert data["totals"]["audited"]["documents"] == 5
    assert len(data["listing"]["documents"]) == 2
    html = (tmp_path / f"domain-{DOMAIN}.html").read_text("utf-8")
    assert "The first 2 of 5 documents" in html
    assert [p.name for p in files.files] == [f"domain-{DOMAIN}.json", f"domain-{DOMAIN}.html"]


def test_crawled_text_stays_text(tmp_path: Path) -> None:
    run = hostile_run(tmp_path / "hostile")
    pages = write_pages(run, tmp_path / "out", domain="evil.example")
    for html in (pages.report, pages.domain):
        parsed = _parse(html)
        assert not [tag for tag, _ in parsed.tags if tag in ("script", "img")]
        assert not [a for _, attrs in parsed.tags for a in attrs if a.startswith("on")]
    listing = _load(pages.domain_json)["listing"]["documents"]
    assert listing[0]["title"].startswith("</title><script>")  # the data says it as it was
    text = pages.domain.read_text("utf-8")
    assert "&lt;/title&gt;&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in text
    assert HOSTILE_TITLE not in text
    assert HOSTILE_AUTHOR not in text


def test_only_web_urls_are_links(pages: Pages) -> None:
    data = _load(pages.domain_json)
    document = data["listing"]["documents"][0]
    for url in ("javascript:alert(1)", "data:text/html,<script>x</script>", "JAVASCRIPT:x"):
        listing = {**data["listing"], "documents": [{**document, "url": url, "title": None}]}
        html = render({**data, "listing": listing}, "domain.html.j2", "x.json")
        assert 'href="javascript' not in html.lower()
        assert 'href="data:' not in html
        hrefs = re.findall(r'href="([^"#][^"]*)"', html)
        assert all(h.startswith(("http://", "https://")) for h in hrefs)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("beta.example", "beta.example"), (" Beta.Example. ", "beta.example"),
     ("bücher.de", "xn--bcher-kva.de"), ("192.0.2.1", "192.0.2.1")],
)  # fmt: skip
def test_a_domain_is_spelt_as_the_table_spells_it(name: str, expected: str) -> None:
    assert site(name) == expected


@pytest.mark.parametrize(
    ("name", "message"),
    [("../etc", "is not a domain name"), ("a/b", "is not a domain name"),
     ("", "is not a domain name"), ("[::1]", "is not a domain name"),
     ("www.beta.example", "is a host of beta.example"), ("x_y.example", "not a domain name")],
)  # fmt: skip
def test_a_name_that_is_no_site_is_a_usage_error(name: str, message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        site(name)


def test_a_page_is_never_written_outside_out(tmp_path: Path) -> None:
    assert page_path(tmp_path, "a.example", ".html") == tmp_path / "domain-a.example.html"
    for name in ("../a", "a/../../b", "/abs"):
        with pytest.raises(UsageError):
            page_path(tmp_path, name, ".html")


def test_cli_domain_writes_the_site_s_page_only(
    report_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["report", str(report_run), "--domain", "Gamma.Example", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "domain-gamma.example.html",
        "domain-gamma.example.json",
    ]
    captured = capsys.readouterr()
    check_golden(GOLDEN / "report-domain.out", captured.out.replace(str(out), "OUT"))
    assert main(["report", str(report_run), "--domain", "../x", "--out", str(out)]) == EXIT_USAGE
    assert "is not a domain name" in capsys.readouterr().err
    # A site the run never met: a page that says so, not an error.
    assert main(["report", str(report_run), "--domain", "nowhere.example", "--out", str(out),
                 "--quiet"]) == EXIT_OK  # fmt: skip
    assert _load(out / "domain-nowhere.example.json")["totals"]["audited"]["documents"] == 0


def test_a_big_site_is_read_through_a_view_with_the_same_figures(
    report_run: Path, pages: Pages, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(overview, "SMALL_SITE", 0)
    write_domain_page(report_run, DOMAIN, tmp_path, options=OPTIONS)
    assert _load(tmp_path / f"domain-{DOMAIN}.json") == _load(pages.domain_json)
