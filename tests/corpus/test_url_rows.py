"""URL-only rows decided by site (corpus/plans.py) give exactly the rows of the per-document
path: every column of every row, under every time policy, for odd URLs and dated copies too."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyarrow import feather

from reciprocity.corpus.audit import run_audit
from reciprocity.corpus.decide import decide
from reciprocity.corpus.plans import UrlRowDecider
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.readers import ColumnNames, CorpusReader, UrlRows, is_url_input
from reciprocity.corpus.schema import SCHEMA
from reciprocity.sources.site import SiteSays
from reciprocity.sources.snapshots import SiteSnapshots, load_snapshots, write_snapshot_warc

EARLY = datetime(2026, 3, 1, tzinfo=timezone.utc)
LATE = datetime(2026, 5, 30, tzinfo=timezone.utc)
CRAWLED = datetime(2026, 4, 15, tzinfo=timezone.utc)
TEXT = [("Content-Type", "text/plain")]

# Host -> robots.txt copies (date, status, body): each kind of answer an audit meets.
ROBOTS: dict[str, list[tuple[datetime, int, bytes]]] = {
    "open": [(LATE, 200, b"User-agent: *\nAllow: /\n")],
    "ccbot": [(LATE, 200, b"User-agent: CCBot\nDisallow: /\n\nUser-agent: *\nAllow: /\n")],
    "gptbot-paths": [(LATE, 200, b"User-agent: GPTBot\nDisallow: /private/\nAllow: /private/ok\n")],
    "paths": [
        (
            LATE,
            200,
            b"User-agent: *\nDisallow: /company/\nDisallow: /*.php$\nAllow: /company/about\n",
        )
    ],
    "aipref": [
        (
            LATE,
            200,
            b"User-agent: *\nAllow: /\n"
            b"Content-Usage: train-ai=n\nContent-Usage: /open/ train-ai=y\n",
        )
    ],
    "signal": [(LATE, 200, b"User-agent: *\nContent-Signal: ai-train=no, search=yes\nAllow: /\n")],
    "missing": [(LATE, 404, b"")],
    "down": [(LATE, 503, b"")],
    # Two dated copies: what applies depends on the row's date and --robots-as-of.
    "changed": [
        (EARLY, 200, b"User-agent: *\nAllow: /\n"),
        (LATE, 200, b"User-agent: CCBot\nDisallow: /news/\n"),
    ],
    "licensed": [(LATE, 200, b"User-agent: *\nAllow: /\nLicense: /rsl.xml\n")],
    # The same files as other sites, fetched on other dates: their rows share those sites'
    # decisions, with their own robots.txt URL, date and provenance (corpus/templates.py).
    "paths-again": [
        (
            EARLY,
            200,
            b"User-agent: *\nDisallow: /company/\nDisallow: /*.php$\nAllow: /company/about\n",
        )
    ],
    "missing-again": [(EARLY, 404, b"")],
    "licensed-again": [(EARLY, 200, b"User-agent: *\nAllow: /\nLicense: /rsl.xml\n")],
    "tdm": [(LATE, 200, b"User-agent: *\nAllow: /\n")],
    "aitxt": [(LATE, 200, b"User-agent: *\nAllow: /\n")],
    # Files that differ from others only in their own sitemaps share those sites' decisions
    # (RobotsTxt.rules_key), even with lines added; another Content-Signal value does not.
    # Every row is compared with the per-document path like the others'.
    "paths-sitemap": [
        (
            LATE,
            200,
            b"User-agent: *\nDisallow: /company/\nDisallow: /*.php$\nAllow: /company/about\n"
            b"Sitemap: https://paths-sitemap.example/s.xml\n",
        )
    ],
    "licensed-sitemap": [
        (
            LATE,
            200,
            b"User-agent: *\nAllow: /\nLicense: /rsl.xml\nSitemap: /s.xml # ours\n",
        )
    ],
    "signal-other": [
        (
            LATE,
            200,
            b"User-agent: *\nContent-Signal: ai-train=yes, search=yes\nAllow: /\n"
            b"Sitemap: https://signal-other.example/s.xml\n",
        )
    ],
}
SITE_FILES = [
    ("https://tdm.example/.well-known/tdmrep.json", EARLY, 200,
     [("Content-Type", "application/json")],
     json.dumps([{"location": "/a/", "tdm-reservation": 1,
                  "tdm-policy": "https://tdm.example/policy.json"}]).encode()),
    ("https://aitxt.example/ai.txt", EARLY, 200, TEXT, b"User-agent: *\nDisallow: /a/\n"),
    ("https://licensed.example/rsl.xml", EARLY, 200, [("Content-Type", "application/rsl+xml")],
     b'<rsl xmlns="https://rslstandard.org/rsl"><content url="/a/"><license>'
     b'<prohibits type="usage">ai-train</prohibits></license></content>'
     b'<content url="/"><license><permits type="usage">ai-train</permits>'
     b'<payment type="attribution"/></license></content></rsl>'),
]  # fmt: skip
PATHS = ["/", "/a/x.html", "/a/", "/b/y", "/private/x", "/private/ok/1", "/company/",
         "/company/about", "/x.php", "/x.php?q=1", "/open/1", "/news/1", "/news/", "/p?q=a#frag",
         "/%7Euser/"]  # fmt: skip
ODD = [
    "HTTPS://Open.EXAMPLE:443/a/x.html",
    "https://open.example./b/y",
    "  https://paths.example/company/  ",
    "https://user:pw@paths.example/x.php",
    "https://bücher.example/a/",
    "https://paths.example\\company/",
    "https://paths.example?q=1",
    "https://paths.example#top",
    "https://[::1/x",
    "https://[::1]/x",
    "ftp://open.example/x",
    "not a url",
    "",
    "https://nowhere.example/a/x.html",
    "http://open.example/a/",
    "https://ported.example:8443/company/",
    "https://ported.example:8443/x.php?q=1#top",
    "http://paths-again.example/x.php",
    "https://paths-again.example;v=1/company/",
]
DATES = [None, CRAWLED, EARLY - timedelta(days=3), LATE + timedelta(days=1), EARLY]


def _snapshots(folder: Path) -> SiteSnapshots:
    entries = [
        (f"https://{host}.example/robots.txt", date, status, TEXT, body)
        for host, copies in ROBOTS.items()
        for date, status, body in copies
    ]
    entries.append(
        ("https://ported.example:8443/robots.txt", LATE, 200, TEXT, ROBOTS["paths"][0][2])
    )
    write_snapshot_warc(folder / "robots.warc.gz", entries)
    write_snapshot_warc(folder / "files.warc.gz", SITE_FILES)
    return load_snapshots([folder / "robots.warc.gz"], site_files=[folder / "files.warc.gz"])


def _rows() -> dict[str, list[Any]]:
    urls: list[Any] = []
    dates: list[Any] = []
    ids: list[Any] = []
    hosts = [*ROBOTS, "nowhere"]
    for n, (host, path) in enumerate((h, p) for h in hosts for p in PATHS):
        for k in range(2):
            urls.append(f"https://{host}.example{path}")
            dates.append(DATES[(n + k) % len(DATES)])
            ids.append(None if n % 3 == 0 else f"id-{n}-{k}")
    for n, url in enumerate(ODD):
        urls.append(url)
        dates.append(DATES[n % len(DATES)])
        ids.append(None)
    urls.append(None)
    dates.append(CRAWLED)
    ids.append("no-url")
    return {"url": urls, "date": dates, "id": ids}


def _table() -> pa.Table:
    rows = _rows()
    return pa.table(
        {
            "url": pa.array(rows["url"], pa.string()),
            "date": pa.array(rows["date"], pa.timestamp("us", "UTC")),
            "id": pa.array(rows["id"], pa.string()),
        }
    )


def _audit(
    inputs: list[Path], out: Path, policy: AuditPolicy, robots: Any, by_site: bool
) -> pa.Table:
    run_audit(
        inputs,
        out,
        policy=policy,
        robots=robots,
        reader=CorpusReader(by_site=by_site),
        progress=False,
        batch=7,  # several parts, and batches cut across them
    )
    return pq.read_table(out / "decisions.parquet")


def _same(fast: pa.Table, slow: pa.Table) -> None:
    assert fast.schema == slow.schema == SCHEMA
    assert fast.num_rows == slow.num_rows
    for name in SCHEMA.names:
        left, right = fast.column(name).to_pylist(), slow.column(name).to_pylist()
        differ = [i for i, (a, b) in enumerate(zip(left, right, strict=True)) if a != b]
        assert not differ, (name, differ[:3], left[differ[0]], right[differ[0]])


POLICIES = {
    "default": AuditPolicy(),
    "strictest": AuditPolicy(robots_as_of="strictest"),
    "latest": AuditPolicy(robots_as_of="latest"),
    "gptbot": AuditPolicy(crawler="GPTBot", honour=("GPTBot", "ExampleBot")),
    "ai-use, credit": AuditPolicy.from_options(use="ai-use", accept="credit"),
    "refuse": AuditPolicy.from_options(refuse="attribution", unavailable="allow"),
}


@pytest.mark.parametrize("name", POLICIES)
def test_url_rows_are_decided_as_documents_are(tmp_path: Path, name: str) -> None:
    snapshots = _snapshots(tmp_path)
    data = tmp_path / "urls.parquet"
    pq.write_table(_table(), data, row_group_size=40)
    policy = POLICIES[name]
    assert is_url_input(data)
    fast = _audit([data], tmp_path / "fast", policy, SiteSays(snapshots), by_site=True)
    slow = _audit([data], tmp_path / "slow", policy, SiteSays(snapshots), by_site=False)
    _same(fast, slow)
    assert set(fast.column("train_ai").to_pylist()) >= {"allow", "deny", "unknown", "unavailable"}
    runs = [json.loads((tmp_path / k / "run.json").read_text()) for k in ("fast", "slow")]
    assert runs[0]["site_sources"] == runs[1]["site_sources"]
    assert runs[0]["counts"] == runs[1]["counts"]


def test_arrow_files_folders_and_limits(tmp_path: Path) -> None:
    snapshots = _snapshots(tmp_path)
    folder = tmp_path / "dataset"
    folder.mkdir()
    table = _table()
    pq.write_table(table.slice(0, 100), folder / "a.parquet")
    feather.write_feather(table.slice(100), folder / "b.arrow")
    assert is_url_input(folder)
    for limit in (None, 150):
        outs = []
        for by_site in (True, False):
            out = tmp_path / f"{by_site}-{limit}"
            run_audit(
                [folder], out, policy=AuditPolicy(), robots=SiteSays(snapshots),
                reader=CorpusReader(by_site=by_site), progress=False, batch=9, limit=limit,
            )  # fmt: skip
            outs.append(pq.read_table(out / "decisions.parquet"))
        _same(*outs)
        assert outs[0].num_rows == (limit or table.num_rows)


def test_what_is_not_read_as_url_rows(tmp_path: Path) -> None:
    with_html = tmp_path / "html.parquet"
    pq.write_table(pa.table({"url": ["https://a.example/"], "html": ["<p>x</p>"]}), with_html)
    nested = tmp_path / "nested.parquet"
    pq.write_table(
        pa.table({"url": ["https://a.example/"], "meta": [{"date": "2026-01-01"}]}), nested
    )
    assert not is_url_input(with_html)
    # A dotted date column reaching into a struct is read row by row.
    assert not is_url_input(nested, columns=ColumnNames(date="meta.date"))
    assert is_url_input(nested)


def _decider_rows(urls: list[Any], dates: list[Any]) -> UrlRows:
    batch = pa.record_batch(
        {"url": pa.array(urls, pa.string()), "date": pa.array(dates, pa.timestamp("us", "UTC"))}
    )
    return UrlRows(batch, "data.parquet", 10, ColumnNames())


_HOSTS = st.sampled_from([*(f"{h}.example" for h in ROBOTS), "Open.Example",
                          "open.example:443", "bücher.example", "nowhere.example", "[::1]",
                          "open.example."])  # fmt: skip
_PATH = st.text(alphabet="/ab?#=%.*$ \\~é", max_size=12)
_URL = st.one_of(
    st.builds(lambda s, h, p: f"{s}://{h}{p}", st.sampled_from(["https", "http", "HTTPS"]),
              _HOSTS, _PATH),
    st.text(max_size=20),
)  # fmt: skip


@pytest.fixture(scope="module")
def shared_snapshots(tmp_path_factory: pytest.TempPathFactory) -> SiteSnapshots:
    return _snapshots(tmp_path_factory.mktemp("snapshots"))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    urls=st.lists(_URL, min_size=1, max_size=12),
    dates=st.lists(st.sampled_from(DATES), min_size=12, max_size=12),
)
def test_any_urls_give_the_rows_of_documents(
    shared_snapshots: SiteSnapshots, urls: list[str], dates: list[Any]
) -> None:
    source = SiteSays(shared_snapshots)
    policy = AuditPolicy()
    rows = _decider_rows(urls, dates[: len(urls)])
    decider = UrlRowDecider(source, policy)
    fast = pa.concat_tables([decider.decide(rows), decider.decide(rows)])  # the second: from memo
    expected = [decide(rows.document(i), source, policy) for i in range(len(rows))] * 2
    _same(fast, pa.Table.from_pylist(expected, schema=SCHEMA))


def test_the_rows_cover_every_site_file(tmp_path: Path) -> None:
    """The comparison above means something: the rows meet each kind of file and answer."""
    data = tmp_path / "urls.parquet"
    pq.write_table(_table(), data)
    fast = _audit([data], tmp_path / "run", AuditPolicy(), SiteSays(_snapshots(tmp_path)), True)
    carriers = {e["carrier"] for row in fast.column("evidence").to_pylist() for e in row or []}
    assert carriers >= {"robots.txt", "tdmrep.json", "ai.txt", "rsl-xml"}
    notes = " ".join(
        s["note"] or "" for row in fast.column("snapshots").to_pylist() for s in row or []
    )
    assert "earliest later one" in notes
    assert "document date unknown" in notes
    assert fast.column("error").null_count < fast.num_rows  # the odd URLs' error rows


def test_sites_whose_files_differ_only_in_sitemaps_share_a_shape(tmp_path: Path) -> None:
    decider = UrlRowDecider(SiteSays(_snapshots(tmp_path)), AuditPolicy())
    batch = _table().combine_chunks().to_batches()[0]
    decider.decide(UrlRows(batch, "x", 0, ColumnNames()))
    shapes: dict[str, set[Any]] = {}
    for (prefix, _), plan in decider._plans.items():
        shapes.setdefault(prefix.removeprefix("https://"), set()).add(plan.shape)
    assert len(shapes["paths.example"]) == 1
    assert shapes["paths.example"] == shapes["paths-sitemap.example"]
    assert not shapes["signal.example"] & shapes["signal-other.example"]
    # (licensed.example's answer holds its RSL document: it is decided as its own shape.)


def test_bounded_plans_give_the_same_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With room for a few plans and decisions only, plans are dropped and made again: the
    rows do not change."""
    from reciprocity.corpus import plans

    monkeypatch.setattr(plans, "_PLANS", 4)
    monkeypatch.setattr(plans, "_OUTCOMES", 5)
    snapshots = _snapshots(tmp_path)
    data = tmp_path / "urls.parquet"
    pq.write_table(_table(), data, row_group_size=16)
    policy = AuditPolicy(robots_as_of="strictest")
    fast = _audit([data], tmp_path / "fast", policy, SiteSays(snapshots), by_site=True)
    slow = _audit([data], tmp_path / "slow", policy, SiteSays(snapshots), by_site=False)
    _same(fast, slow)


def test_shapes_dropped_past_their_bound_give_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past a few shapes (parsed files with their matchers and decisions), all are dropped
    between batches and the sites met again are planned again: the rows do not change."""
    from reciprocity.corpus import plans

    monkeypatch.setattr(plans, "_SHAPES", 1)
    drops = []
    reset = plans.UrlRowDecider._reset

    def counted(self: plans.UrlRowDecider) -> None:
        drops.append(self._made if hasattr(self, "_made") else 0)
        reset(self)

    monkeypatch.setattr(plans.UrlRowDecider, "_reset", counted)
    snapshots = _snapshots(tmp_path)
    data = tmp_path / "urls.parquet"
    pq.write_table(_table(), data, row_group_size=16)
    policy = AuditPolicy()
    fast = _audit([data], tmp_path / "fast", policy, SiteSays(snapshots), by_site=True)
    slow = _audit([data], tmp_path / "slow", policy, SiteSays(snapshots), by_site=False)
    _same(fast, slow)
    assert len([made for made in drops if made > 1]) >= 2  # dropped past the bound, twice


# Rows dated across weeks, robots.txt copies fetched between them: each row's plan is found
# by the span of dates its site's answer holds for, never asked again inside it.
_STAMPS = [EARLY, CRAWLED, LATE]
_SPREAD = st.one_of(
    st.none(),
    st.sampled_from(_STAMPS),
    st.builds(
        lambda stamp, seconds: stamp + timedelta(seconds=seconds),
        st.sampled_from(_STAMPS),
        st.integers(-3 * 86_400, 3 * 86_400),
    ),
)


@pytest.fixture(scope="module")
def dated_snapshots(tmp_path_factory: pytest.TempPathFactory) -> SiteSnapshots:
    folder = tmp_path_factory.mktemp("dated")
    bodies = [
        b"User-agent: *\nAllow: /\n",
        b"User-agent: CCBot\nDisallow: /news/\n",
        b"User-agent: GPTBot\nDisallow: /\n",
    ]
    entries = [
        (f"https://site{n}.example/robots.txt", stamp, 200, TEXT, bodies[(n + k) % 3])
        for n in range(3)
        for k, stamp in enumerate(_STAMPS[n:])  # site0: three copies, site2: one
    ]
    write_snapshot_warc(folder / "robots.warc.gz", entries)
    return load_snapshots([folder / "robots.warc.gz"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["site0", "site1", "site2"]), st.sampled_from(["/", "/news/1"]),
                  _SPREAD),
        min_size=1,
        max_size=16,
    ),
    as_of=st.sampled_from(["crawl", "latest", "strictest"]),
)  # fmt: skip
def test_rows_of_many_dates_share_plans_by_span(
    dated_snapshots: SiteSnapshots, rows: list[tuple[str, str, Any]], as_of: Any
) -> None:
    source = SiteSays(dated_snapshots)
    policy = AuditPolicy(robots_as_of=as_of)
    batch = _decider_rows(
        [f"https://{host}.example{path}" for host, path, _ in rows], [when for *_, when in rows]
    )
    decider = UrlRowDecider(source, policy)
    fast = pa.concat_tables([decider.decide(batch), decider.decide(batch)])
    expected = [decide(batch.document(i), source, policy) for i in range(len(batch))] * 2
    _same(fast, pa.Table.from_pylist(expected, schema=SCHEMA))


def test_a_span_is_the_dates_between_two_copies(dated_snapshots: SiteSnapshots) -> None:
    url = "https://site0.example/a"
    before = dated_snapshots.robots(url, when=EARLY - timedelta(days=1), as_of="crawl")
    between = dated_snapshots.robots(url, when=CRAWLED + timedelta(days=1), as_of="crawl")
    undated = dated_snapshots.robots(url, when=None, as_of="crawl")
    assert before is not None
    assert between is not None
    assert undated is not None
    assert before.span == (None, EARLY)
    assert between.span == (CRAWLED, LATE)
    assert undated.span is None


@given(
    scheme=st.sampled_from(["https", "http", "HTTP", "ftp"]),
    host=st.from_regex(r"[a-z0-9.\-]{1,12}(:[0-9]{1,5})?", fullmatch=True),
    rest=st.one_of(
        st.just(""),
        st.builds(
            lambda first, tail: first + tail,
            st.sampled_from(["/", "?", "#"]),
            st.text(st.sampled_from("/?#;=&a%2F\x00é "), max_size=12),
        ),
    ),
)
def test_a_path_read_after_the_authority_is_the_matchers(scheme: str, host: str, rest: str) -> None:
    from reciprocity.corpus.plans import _path
    from reciprocity.signals.robots import path_params_query

    assert _path(rest) == path_params_query(f"{scheme}://{host}{rest}")


def test_a_process_decides_many_inputs_with_one_decider(tmp_path: Path) -> None:
    """The decider of URL rows is kept from one input (and run) to the next in a process: what
    it remembers of the first input's sites changes no row of the others."""
    snapshots = _snapshots(tmp_path)
    table = _table()
    first, second = tmp_path / "a.parquet", tmp_path / "b.parquet"
    pq.write_table(table, first)
    pq.write_table(
        table.slice(0, table.num_rows // 2).take([*range(table.num_rows // 2)][::-1]), second
    )
    source = SiteSays(snapshots)
    for policy in (AuditPolicy(), AuditPolicy(robots_as_of="strictest")):
        fast = _audit([first, second], tmp_path / "fast", policy, source, by_site=True)
        again = _audit([second], tmp_path / "again", policy, source, by_site=True)
        slow = _audit([first, second], tmp_path / "slow", policy, SiteSays(snapshots), False)
        _same(fast, slow)
        _same(again, slow.slice(table.num_rows))
        for folder in ("fast", "again", "slow"):
            shutil.rmtree(tmp_path / folder)
