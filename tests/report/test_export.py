"""The open export: the kept documents under open licences, written back in the input's own
format (read again and compared with the input byte for byte), their attribution records, the
licence table itself, and ``reciprocity export`` on the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from golden import check_golden
from report_factory import CC, CRAWLED, HTML, PAGES, ZERO, scrub
from warc_members import gzip_members

from reciprocity.cli import EXIT_INPUT, EXIT_OK, EXIT_USAGE, main
from reciprocity.corpus.audit import run_audit
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.readers import read_documents
from reciprocity.errors import InputError, UsageError
from reciprocity.report.attribution import FIELDS, credited_rows
from reciprocity.report.export import ATTRIBUTION, ExportSummary, Skipped, export_open
from reciprocity.report.open_licences import OPEN_LICENCES, Verdict, verdict
from reciprocity.signals.licenses import _spdx_ids, licence_from_url, spdx_id
from reciprocity.sources.snapshots import load_snapshots

GOLDEN = Path(__file__).parent / "golden"

# What the fixture run (report_factory.PAGES, --accept credit --refuse no-derivatives) exports.
OPEN_PAGES = (
    "https://www.alpha.example/essay",
    "https://alpha.example/wiki",
    "https://alpha.example/data",
)


def decisions_sql(run: Path, query: str) -> list[tuple[Any, ...]]:
    """``query`` over the run's table (as ``d``), with the licences the evidence names by URL
    alone as ``url_licences``: the independent reading the tests check the export against."""
    with duckdb.connect() as db:
        db.read_parquet(str(run / "decisions.parquet")).create_view("raw")
        db.execute(
            "CREATE VIEW d AS SELECT *, list_filter(list_transform(evidence, lambda e: e.license),"
            " lambda l: regexp_matches(l, '^https?://')) AS url_licences FROM raw"
        )
        rows: list[tuple[Any, ...]] = db.execute(query).fetchall()
        return rows


def reason_counts(run: Path, open_ids: set[str], nc: set[str], nd: set[str]) -> dict[str, int]:
    """Documents per reason, in SQL, from hand-made lists of the run's licences."""
    literal = {name: "[" + ",".join(f"'{i}'" for i in ids) + "]" for name, ids in
               (("open", open_ids), ("nc", nc), ("nd", nd))}  # fmt: skip
    rows = decisions_sql(
        run,
        f"""SELECT CASE
              WHEN NOT keep THEN 'not_kept'
              WHEN len(licenses) + len(url_licences) = 0 THEN 'no_licence'
              WHEN list_has_any(licenses, {literal["nc"]}) THEN 'non_commercial'
              WHEN list_has_any(licenses, {literal["nd"]}) THEN 'no_derivatives'
              WHEN len(url_licences) = 0 AND list_has_all({literal["open"]}, licenses)
                THEN 'exported'
              ELSE 'unknown_licence' END AS reason, count(*)
            FROM d GROUP BY reason""",
    )
    counts = dict.fromkeys(
        (
            "exported",
            "not_kept",
            "no_licence",
            "non_commercial",
            "no_derivatives",
            "unknown_licence",
        ),
        0,
    )
    counts.update(dict(rows))
    return counts


def summary_counts(summary: ExportSummary) -> dict[str, int]:
    s = summary.skipped
    return {
        "exported": summary.exported,
        "not_kept": s.not_kept,
        "no_licence": s.no_licence,
        "non_commercial": s.non_commercial,
        "no_derivatives": s.no_derivatives,
        "unknown_licence": s.unknown_licence,
    }


def attribution(folder: Path) -> list[dict[str, Any]]:
    lines = (folder / ATTRIBUTION).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


# The fields of an attribution record that are columns of the table, as the table holds them.
COLUMNS = ("title", "creator", "url", "domain", "licenses", "license_urls", "source", "offset",
           "record_id")  # fmt: skip


def expected_attribution(run: Path, urls: list[str]) -> list[dict[str, Any]]:
    """The attribution records of the pages at ``urls``, straight from the table (pyarrow):
    its columns, whether a kept allow carries attribution, the capture date."""
    table = pq.read_table(run / "decisions.parquet", columns=[*COLUMNS, "obligations", "date"])
    return [
        {
            **{c: row[c] for c in COLUMNS},
            "credit_required": any(o["kind"] == "attribution" for o in row["obligations"]),
            "date": row["date"].strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        for row in table.to_pylist()
        if row["url"] in urls
    ]


def credit(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The fields of ``records`` that :func:`expected_attribution` recomputes."""
    keys = (*COLUMNS, "credit_required", "date")
    return [{k: r[k] for k in keys} for r in records]


# -- The licence table --------------------------------------------------------------------------


def test_every_id_of_the_table_is_an_spdx_id_spelled_as_the_list_spells_it() -> None:
    for ident in OPEN_LICENCES:
        assert spdx_id(ident) == ident, ident
        assert verdict(ident) is Verdict.OPEN


def test_every_cc_by_and_by_sa_licence_on_the_spdx_list_is_open_and_no_nc_or_nd_one_is() -> None:
    listed = set(_spdx_ids()[0].values())
    cc = {i for i in listed if i.startswith("CC-")}
    by = {i for i in cc if i.startswith(("CC-BY-", "CC-SA-")) and "-NC" not in i and "-ND" not in i}
    assert by <= set(OPEN_LICENCES)
    assert len(by) == 23  # 12 BY, 10 BY-SA, SA 1.0: if a newer list adds one, review the table
    for ident in cc - by - {"CC0-1.0", "CC-PDM-1.0", "CC-PDDC"}:
        assert ident not in OPEN_LICENCES
        expected = Verdict.NON_COMMERCIAL if "-NC" in ident else Verdict.NO_DERIVATIVES
        assert verdict(ident) is expected, ident


@pytest.mark.parametrize(
    ("licence", "expected"),
    [
        ("CC-BY-4.0", Verdict.OPEN),
        ("cc-by-sa-4.0", Verdict.OPEN),  # ids are matched as SPDX matches them, case aside
        ("CC0-1.0", Verdict.OPEN),
        ("CC-PDM-1.0", Verdict.OPEN),
        ("LicenseRef-CC-PDM-1.0", Verdict.OPEN),  # what an older SPDX list made the code write
        ("LicenseRef-CC-BY-SA-3.0-FR", Verdict.OPEN),  # a port: its tool's terms
        ("LicenseRef-CC-SA-1.0", Verdict.OPEN),
        ("PDDL-1.0", Verdict.OPEN),
        ("CC-BY-NC-4.0", Verdict.NON_COMMERCIAL),
        ("CC-BY-NC-ND-4.0", Verdict.NON_COMMERCIAL),
        ("CC-BY-NC-SA-3.0-IGO", Verdict.NON_COMMERCIAL),
        ("LicenseRef-CC-BY-NC-2.0-FR", Verdict.NON_COMMERCIAL),
        ("LicenseRef-CC-NC-SAMPLINGPLUS-1.0", Verdict.NON_COMMERCIAL),
        ("CC-BY-ND-4.0", Verdict.NO_DERIVATIVES),
        ("LicenseRef-CC-ND-1.0", Verdict.NO_DERIVATIVES),
        ("LicenseRef-CC-SAMPLING-1.0", Verdict.UNKNOWN),  # restricts the uses: not open
        ("LicenseRef-CC-DEVNATIONS-2.0", Verdict.UNKNOWN),  # only in developing nations
        ("MIT", Verdict.UNKNOWN),  # a software licence: not in the table on purpose
        ("GFDL-1.3-or-later", Verdict.UNKNOWN),
        ("LicenseRef-scancode-proprietary", Verdict.UNKNOWN),
        ("https://gamma.example/policy.json", Verdict.UNKNOWN),  # named by URL alone
        ("", Verdict.UNKNOWN),
        ("not a licence", Verdict.UNKNOWN),
        # Expressions: AND needs every part open, OR any one; WITH reads as its licence.
        ("CC-BY-4.0 OR CC-BY-NC-4.0", Verdict.OPEN),
        ("CC-BY-4.0 OR MIT", Verdict.OPEN),
        ("CC-BY-4.0 AND CC0-1.0", Verdict.OPEN),
        ("CC-BY-4.0 AND CC-BY-NC-4.0", Verdict.NON_COMMERCIAL),
        ("CC-BY-4.0 AND MIT", Verdict.UNKNOWN),
        ("CC-BY-NC-4.0 OR CC-BY-ND-4.0", Verdict.NO_DERIVATIVES),  # the nearer to open
        ("(CC-BY-4.0 AND CC-BY-ND-4.0) OR CC0-1.0", Verdict.OPEN),
        ("(CC-BY-4.0 OR MIT) AND (CC-BY-SA-4.0 OR CC-BY-NC-4.0)", Verdict.OPEN),
        ("cc-by-4.0 or cc0-1.0", Verdict.OPEN),
        ("LicenseRef-CC-BY-SA-3.0-FR AND CC-BY-4.0", Verdict.OPEN),
        ("GPL-2.0-only WITH Classpath-exception-2.0", Verdict.UNKNOWN),
        ("CC-BY-4.0 AND", Verdict.UNKNOWN),  # not an expression
        ("CC-BY-4.0 AND (CC0-1.0", Verdict.UNKNOWN),
    ],
)
def test_verdict(licence: str, expected: Verdict) -> None:
    assert verdict(licence) is expected


_CODES = ("by", "by-sa", "sa", "by-nc", "by-nd", "by-nc-sa", "by-nc-nd", "nc", "nd", "nc-sa",
          "sampling", "sampling+", "nc-sampling+", "devnations")  # fmt: skip


@pytest.mark.parametrize("code", _CODES)
@pytest.mark.parametrize(
    "place", ["1.0", "2.0", "2.0/fr", "2.5/au", "3.0", "3.0/de", "3.0/igo", "4.0"]
)
def test_every_cc_licence_the_audit_can_name_is_judged_by_its_elements(
    code: str, place: str
) -> None:
    """Whatever id the audit writes for a CC tool (listed, or a LicenseRef for a port), the
    table judges it by the tool's elements alone."""
    licence = licence_from_url(f"{CC}{code}/{place}/")
    assert licence is not None
    elements = set(code.rstrip("+").split("-"))
    expected = (
        Verdict.NON_COMMERCIAL
        if "nc" in elements
        else Verdict.NO_DERIVATIVES
        if "nd" in elements
        else Verdict.OPEN
        if elements <= {"by", "sa"}
        else Verdict.UNKNOWN
    )
    assert verdict(licence.license) is expected, licence.license


@pytest.mark.parametrize(
    "url",
    [
        ZERO,
        "https://creativecommons.org/publicdomain/mark/1.0/",
        "https://creativecommons.org/licenses/publicdomain/",
    ],
)
def test_public_domain_tools_are_open(url: str) -> None:
    licence = licence_from_url(url)
    assert licence is not None
    assert verdict(licence.license) is Verdict.OPEN


# -- The fixture run: a WARC --------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(report_run: Path, tmp_path_factory: pytest.TempPathFactory) -> ExportSummary:
    return export_open(report_run, tmp_path_factory.mktemp("open") / "open")


def test_the_exported_warc_holds_exactly_the_open_records_byte_for_byte(
    report_run: Path, exported: ExportSummary
) -> None:
    (file,) = exported.files
    source = report_run.parent / "corpus.warc.gz"
    assert file.path == exported.out / "corpus.warc.gz"
    assert file.sources == (str(source),)
    assert (file.format, file.documents, file.records) == ("warc", 3, 4)  # with the warcinfo
    assert file.bytes == file.path.stat().st_size

    # Read back with the project's reader: the CC BY, CC BY-SA and CC0 pages, in input order,
    # each the same document as in the input.
    got = list(read_documents(file.path))
    assert [d.url for d in got] == list(OPEN_PAGES)
    originals = {d.record_id: d for d in read_documents(source)}
    for document in got:
        original = originals[document.record_id]
        assert document.error is None
        assert (document.url, document.body, document.headers, document.date) == (
            original.url,
            original.body,
            original.headers,
            original.date,
        )

    # Every record is the input's gzip member, unchanged: the warcinfo and the three pages.
    source_members = gzip_members(source)
    output_members = gzip_members(file.path)
    assert [kind for kind, _ in output_members.values()] == ["warcinfo", *["response"] * 3]
    for record_id, (_, member) in output_members.items():
        assert member == source_members[record_id][1]
    (row,) = decisions_sql(
        report_run,
        'SELECT list(record_id ORDER BY "offset") FROM d WHERE keep AND list_has_all('
        "['CC-BY-4.0', 'CC-BY-SA-4.0', 'CC0-1.0'], licenses) AND len(licenses) > 0",
    )
    assert [d.record_id for d in got] == row[0]


def test_the_counts_match_an_independent_query(report_run: Path, exported: ExportSummary) -> None:
    counts = reason_counts(
        report_run,
        open_ids={"CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0"},
        nc={"CC-BY-NC-4.0"},
        nd={"CC-BY-ND-4.0"},
    )
    assert summary_counts(exported) == counts
    assert counts == {"exported": 3, "not_kept": 9, "no_licence": 3, "non_commercial": 1,
                      "no_derivatives": 0, "unknown_licence": 0}  # fmt: skip
    ((rows,),) = decisions_sql(report_run, "SELECT count(*) FROM d")
    assert exported.documents == rows == len(PAGES)
    assert exported.skipped == Skipped(9, 3, 1, 0, 0)
    assert exported.paths == (exported.out / "corpus.warc.gz", exported.out / ATTRIBUTION)


def test_the_attribution_records(report_run: Path, exported: ExportSummary) -> None:
    records = attribution(exported.out)
    assert credit(records) == expected_attribution(report_run, list(OPEN_PAGES))
    # The same records as `reciprocity report` writes for these documents.
    assert list(records[0]) == [name for name, _ in FIELDS]
    assert [r["credit_asked_by"] for r in records] == [["license"], ["license"], []]
    assert [r["url"] for r in records] == list(OPEN_PAGES)
    assert [(r["title"], r["creator"]) for r in records] == [
        ("An essay", "Ann Lee"),
        ("A wiki page", "Bo Chen"),
        ("Open data", "Cy Diaz"),
    ]
    text = (exported.out / ATTRIBUTION).read_text(encoding="utf-8")
    check_golden(GOLDEN / "export-attribution.jsonl", scrub(text, report_run.parent))


def test_every_exported_licence_passes_the_redistribution_check(exported: ExportSummary) -> None:
    records = attribution(exported.out)
    assert records
    for record in records:
        assert record["licenses"]
        for licence in record["licenses"]:
            assert verdict(licence) is Verdict.OPEN
            assert spdx_id(licence) == licence  # the fixture's are all listed SPDX ids


# -- JSONL and Parquet inputs, with more kinds of licence ---------------------------------------


def _head(**meta: str) -> str:
    return "".join(f'<meta name="{k}" content="{v}">' for k, v in meta.items())


def _page(head: str) -> bytes:
    return f"<html><head>{head}</head><body><p>text</p></body></html>".encode()


def _link(url: str) -> str:
    return f'<link rel="license" href="{url}">'


# Pages whose licences the report fixture lacks; audited without --refuse, so the ND page is kept.
EXTRA = [
    # exported: a port (LicenseRef-CC-BY-SA-3.0-FR)
    ("https://alpha.example/port", HTML, _page(_link(f"{CC}by-sa/3.0/fr/"))),
    # exported: an expression with an open choice
    ("https://alpha.example/either", HTML, _page(_head(license="CC-BY-4.0 OR CC-BY-NC-4.0"))),
    # unknown: CC BY, and a licence named by its URL alone (every licence must be open)
    ("https://alpha.example/mixed", HTML,
     _page(_link(f"{CC}by/4.0/") + _link("https://alpha.example/terms"))),
    # unknown: a software licence
    ("https://alpha.example/mit", HTML, _page(_head(license="MIT"))),
    # non-commercial: an expression that needs both
    ("https://alpha.example/both", HTML, _page(_head(license="CC-BY-4.0 AND CC-BY-NC-4.0"))),
]  # fmt: skip
EXTRA_OPEN = ("https://alpha.example/port", "https://alpha.example/either")


def _rows() -> list[dict[str, Any]]:
    return [
        {
            "url": url,
            "html": body.decode(),
            "headers": "".join(f"{k}: {v}\r\n" for k, v in headers),
            "date": CRAWLED.isoformat(),
        }
        for url, headers, body in [*PAGES, *EXTRA]
    ]


def _audit(source: Path, report_run: Path, run: Path) -> Path:
    run_audit(
        [source],
        run,
        policy=AuditPolicy.from_options(accept="credit"),
        robots=load_snapshots([report_run.parent / "robots.warc.gz"]),
        reader=read_documents,
        progress=False,
    )
    return run


@pytest.fixture(scope="module")
def jsonl_run(report_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("jsonl")
    source = folder / "pages.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in _rows()), encoding="utf-8")
    return _audit(source, report_run, folder / "run")


@pytest.fixture(scope="module")
def parquet_run(report_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("parquet")
    source = folder / "pages.parquet"
    pq.write_table(pa.Table.from_pylist(_rows()), source, row_group_size=4)
    return _audit(source, report_run, folder / "run")


_EXTRA_LISTS = {
    "open_ids": {"CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "LicenseRef-CC-BY-SA-3.0-FR",
                 "CC-BY-4.0 OR CC-BY-NC-4.0"},
    "nc": {"CC-BY-NC-4.0", "CC-BY-4.0 AND CC-BY-NC-4.0"},
    "nd": {"CC-BY-ND-4.0"},
}  # fmt: skip


def _exported_urls(run: Path) -> list[str]:
    rows = pq.read_table(run / "decisions.parquet", columns=["url"]).column("url").to_pylist()
    wanted = set(OPEN_PAGES) | set(EXTRA_OPEN)
    return [url for url in rows if url in wanted]


def test_a_jsonl_input_is_exported_line_for_line(jsonl_run: Path, tmp_path: Path) -> None:
    summary = export_open(jsonl_run, tmp_path / "open")
    (file,) = summary.files
    assert file.path == tmp_path / "open" / "pages.jsonl"
    lines = Path(file.sources[0]).read_bytes().splitlines(keepends=True)
    offsets = [r["offset"] for r in attribution(summary.out)]
    assert file.path.read_bytes() == b"".join(lines[i] for i in offsets)
    assert [d.url for d in read_documents(file.path)] == _exported_urls(jsonl_run)
    assert summary_counts(summary) == reason_counts(jsonl_run, **_EXTRA_LISTS)
    assert summary_counts(summary) == {"exported": 5, "not_kept": 8, "no_licence": 3,
                                       "non_commercial": 2, "no_derivatives": 1,
                                       "unknown_licence": 2}  # fmt: skip
    assert attribution(summary.out) == _table_credit(jsonl_run, _exported_urls(jsonl_run))
    assert credit(attribution(summary.out)) == expected_attribution(
        jsonl_run, _exported_urls(jsonl_run)
    )


def test_a_parquet_input_is_exported_row_for_row(parquet_run: Path, tmp_path: Path) -> None:
    summary = export_open(parquet_run, tmp_path / "open")
    (file,) = summary.files
    assert file.path == tmp_path / "open" / "pages.parquet"
    source = pq.read_table(file.sources[0])
    offsets = [r["offset"] for r in attribution(summary.out)]
    written = pq.read_table(file.path)
    assert written.schema.equals(source.schema, check_metadata=True)
    assert written.to_pylist() == source.take(offsets).to_pylist()
    assert [d.url for d in read_documents(file.path)] == _exported_urls(parquet_run)
    assert summary_counts(summary) == reason_counts(parquet_run, **_EXTRA_LISTS)
    assert summary.exported == 5
    assert attribution(summary.out) == _table_credit(parquet_run, _exported_urls(parquet_run))


def _table_credit(run: Path, urls: list[str]) -> list[dict[str, Any]]:
    """The records `reciprocity report` writes for the pages at ``urls`` (its own query)."""
    with duckdb.connect() as db:
        db.read_parquet(str(run / "decisions.parquet")).create_view("d")
        credited_rows(db).create_view("credited")
        query = 'SELECT * FROM credited WHERE list_contains($urls, url) ORDER BY "offset"'
        rows = db.execute(query, {"urls": urls}).fetchall()
    return [dict(zip([n for n, _ in FIELDS], row, strict=True)) for row in rows]


def test_an_input_named_like_the_attribution_file_is_written_beside_it(
    report_run: Path, tmp_path: Path
) -> None:
    source = tmp_path / "in" / ATTRIBUTION
    source.parent.mkdir()
    source.write_text("".join(json.dumps(r) + "\n" for r in _rows()), encoding="utf-8")
    run = _audit(source, report_run, tmp_path / "run")
    summary = export_open(run, tmp_path / "open")
    (file,) = summary.files
    assert file.path.name.endswith(f"-{ATTRIBUTION}")
    assert file.documents == 5
    assert len(attribution(summary.out)) == 5
    # Exporting into the input's own folder would overwrite it with the credit: refused.
    with pytest.raises(UsageError, match="is an input"):
        export_open(run, source.parent)
    assert source.read_text(encoding="utf-8").count("\n") == len(_rows())


# -- Errors -------------------------------------------------------------------------------------


def _copy_run(report_run: Path, folder: Path) -> Path:
    run = folder / "run"
    run.mkdir()
    for name in ("run.json", "decisions.parquet"):
        shutil.copy(report_run / name, run / name)
    return run


def test_a_missing_or_incomplete_run_is_an_input_error(report_run: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such run folder"):
        export_open(tmp_path / "nothing", tmp_path / "open")
    run = _copy_run(report_run, tmp_path)
    manifest = json.loads((run / "run.json").read_text(encoding="utf-8"))
    (run / "run.json").write_text(json.dumps({**manifest, "status": "running"}), encoding="utf-8")
    with pytest.raises(InputError, match="not complete"):
        export_open(run, tmp_path / "open")
    (run / "run.json").write_text(json.dumps(manifest), encoding="utf-8")
    (run / "decisions.parquet").unlink()
    with pytest.raises(InputError, match=r"no decisions\.parquet"):
        export_open(run, tmp_path / "open")
    assert not (tmp_path / "open").exists()  # nothing written before the run is checked


def test_a_moved_input_is_an_input_error(report_run: Path, tmp_path: Path) -> None:
    source = tmp_path / "pages.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in _rows()), encoding="utf-8")
    run = _audit(source, report_run, tmp_path / "run")
    source.unlink()
    with pytest.raises(InputError, match="but not found"):
        export_open(run, tmp_path / "open")


# -- The command line ---------------------------------------------------------------------------


def test_cli_exports_and_prints_a_summary(
    report_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "open"
    assert main(["export", str(report_run), "--open", "--out", str(out)]) == EXIT_OK
    captured = capsys.readouterr()
    assert captured.err == ""
    text = scrub(captured.out.replace(str(tmp_path), "<out>"), report_run.parent)
    check_golden(GOLDEN / "export-summary.txt", text)
    assert "exported 3 of 16 documents" in text
    assert sorted(p.name for p in out.iterdir()) == [ATTRIBUTION, "corpus.warc.gz"]
    assert credit(attribution(out)) == expected_attribution(report_run, list(OPEN_PAGES))


def test_cli_without_open_is_a_usage_error(
    report_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(report_run), "--out", str(tmp_path / "open")]) == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "reciprocity: usage: no export chosen: only --open exists for now "
        "(RUN_DIR --open --out DIR)\n"
    )
    assert not (tmp_path / "open").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--open"], "the following arguments are required: --out"),
        (["--open", "--nc", "--out", "o"], "unrecognized arguments: --nc"),
    ],
)
def test_cli_argument_errors(
    report_run: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["export", str(report_run), *args])
    assert exit_.value.code == EXIT_USAGE
    assert capsys.readouterr().err == f"reciprocity: error: {message}\n"


def test_cli_input_errors(
    report_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nothing"
    assert main(["export", str(missing), "--open", "--out", str(tmp_path / "o")]) == EXIT_INPUT
    assert capsys.readouterr().err == f"reciprocity: input: {missing}: no such run folder\n"
    run = _copy_run(report_run, tmp_path)
    manifest = json.loads((run / "run.json").read_text(encoding="utf-8"))
    (run / "run.json").write_text(json.dumps({**manifest, "status": "running"}), encoding="utf-8")
    assert main(["export", str(run), "--open", "--out", str(tmp_path / "o")]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert err.startswith(f"reciprocity: input: {run}: the run is not complete (status 'running')")
    assert err.count("\n") == 1
