"""croissant.json: the golden file, mlcroissant's reading of it (no error, no warning, the records
of decisions.parquet as pyarrow reads them), and every number against pyarrow's own count."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from golden import check_golden
from report_factory import GENERATED, scrub

from reciprocity._version import __version__
from reciprocity.report import croissant
from reciprocity.report.options import ReportOptions
from reciprocity.report.run import DECISIONS, MANIFEST, open_run

mlc = pytest.importorskip("mlcroissant")

# mlcroissant 1.1.1 calls APIs its own dependencies have deprecated: rdflib's JSON-LD parser
# builds a ConjunctiveGraph, and its Parquet reader calls DataFrame.reset_index(inplace=True),
# which pandas 3.1 deprecates. Neither is about the document; any other warning still fails.
pytestmark = [
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index"),
]

GOLDEN = Path(__file__).parent / "golden" / "croissant.json"
_SHA256 = re.compile(r'"sha256": "[0-9a-f]{64}"')


def _copy_run(report_run: Path, to: Path) -> Path:
    """The run's two files in a folder of the test's own, so that the report is written inside
    it (``RUN/report``, as ``reciprocity report`` does) and the fixture stays untouched."""
    run = to / "run"
    run.mkdir(parents=True)
    for name in (MANIFEST, DECISIONS):
        shutil.copyfile(report_run / name, run / name)
    return run


def _write(run_dir: Path) -> Path:
    folder = run_dir / "report"
    folder.mkdir(exist_ok=True)
    (path,) = croissant.write(open_run(run_dir), folder, ReportOptions(generated=GENERATED))
    assert path == folder / croissant.FILE
    return path


@pytest.fixture(scope="module")
def written(report_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(_copy_run(report_run, tmp_path_factory.mktemp("croissant")))


@pytest.fixture(scope="module")
def document(written: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(written.read_text(encoding="utf-8"))
    return loaded


def _table(written: Path) -> pa.Table:
    return pq.read_table(written.parent.parent / DECISIONS)


def _load(jsonld: Path | dict[str, Any], caplog: pytest.LogCaptureFixture) -> Any:
    """The document as mlcroissant reads it, failing on any error, warning or warning log."""
    with caplog.at_level(logging.WARNING):
        dataset = mlc.Dataset(jsonld=jsonld)
    issues = dataset.metadata.ctx.issues
    assert issues.errors == set()
    assert issues.warnings == set()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    return dataset


def test_golden(written: Path) -> None:
    text = scrub(written.read_text(encoding="utf-8"), written.parent.parent.parent)
    text = text.replace(f"reciprocity {__version__}", "reciprocity <version>")
    # decisions.parquet names the temporary inputs, so its checksum and size differ per run.
    text = _SHA256.sub('"sha256": "<sha256>"', text)
    text = re.sub(r'"contentSize": "\d+ B"', '"contentSize": "<bytes>"', text)
    check_golden(GOLDEN, text)


def test_mlcroissant_loads_it_without_errors_or_warnings(
    written: Path, document: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    for source in (written, document):
        dataset = _load(source, caplog)
        metadata = dataset.metadata
        assert metadata.ctx.is_v1_1()
        assert [r.uuid for r in metadata.record_sets] == [croissant.RECORD_SET]
        assert {d.uuid for d in metadata.distribution} == {"input-1", "decisions.parquet"}


def _plain(value: Any) -> Any:
    """A value as mlcroissant yields it (bytes for text, pandas timestamps), made plain."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    return value


def test_mlcroissant_reads_the_records_pyarrow_reads(
    written: Path, caplog: pytest.LogCaptureFixture
) -> None:
    dataset = _load(written, caplog)
    records = list(dataset.records(croissant.RECORD_SET))
    columns = [field.name for field in dataset.metadata.record_sets[0].fields]
    expected = _table(written).select(columns).to_pylist()  # 16 rows: the fixture's run
    assert len(records) == len(expected) == 16
    for record, row in zip(records, expected, strict=True):
        got = {name: _plain(record[f"{croissant.RECORD_SET}/{name}"]) for name in columns}
        assert got == row


def test_files_and_checksums(written: Path, document: dict[str, Any], report_run: Path) -> None:
    inputs, table = document["distribution"]
    manifest = json.loads((report_run / MANIFEST).read_text(encoding="utf-8"))
    (entry,) = manifest["inputs"]
    corpus = Path(entry["path"])
    assert inputs["@type"] == "cr:FileObject"
    assert inputs["contentUrl"] == inputs["name"] == corpus.name == "corpus.warc.gz"
    assert inputs["sha256"] == entry["sha256"] == hashlib.sha256(corpus.read_bytes()).hexdigest()
    assert inputs["contentSize"] == f"{corpus.stat().st_size} B"
    assert inputs["encodingFormat"] == "application/warc"
    decisions = written.parent.parent / DECISIONS
    assert (written.parent / table["contentUrl"]).resolve() == decisions.resolve()
    assert table["sha256"] == hashlib.sha256(decisions.read_bytes()).hexdigest()
    assert table["contentSize"] == f"{decisions.stat().st_size} B"
    assert document["conformsTo"][0] == "http://mlcommons.org/croissant/1.1"
    assert document["datePublished"] == "2026-07-01T12:00:00Z"


def _when(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def test_numbers_match_pyarrow(written: Path, document: dict[str, Any]) -> None:
    rows = _table(written).to_pylist()  # the fixture's 16 rows; an independent count
    kept = [r for r in rows if r["keep"]]
    excluded = Counter(r["train_ai"] for r in rows if not r["keep"])
    licences = Counter(name for r in kept for name in r["licenses"])
    dates = [r["date"] for r in rows if r["date"] is not None]
    assert (len(rows), len(kept)) == (16, 7)

    facts = croissant.gather(open_run(written.parent.parent), written.parent)
    assert facts.documents == len(rows)
    assert facts.kept == len(kept)
    assert facts.excluded_total == len(rows) - len(kept)
    assert dict(facts.excluded) == dict(excluded)
    assert facts.kept_bytes == sum(r["payload_bytes"] or 0 for r in kept)
    assert facts.domains == len({r["domain"] for r in rows if r["domain"] is not None})
    assert facts.kept_domains == len({r["domain"] for r in kept if r["domain"] is not None})
    assert facts.errors == sum(r["error"] is not None for r in rows)
    assert {item.spdx: item.documents for item in facts.licences} == dict(licences)
    assert facts.unlicensed == sum(not r["licenses"] for r in kept)
    assert (facts.first, facts.last) == (min(dates), max(dates))

    text = json.dumps(document, ensure_ascii=False)
    assert document["rai:dataCollectionTimeframe"] == [_when(min(dates)), _when(max(dates))]
    assert f"{len(kept)} of {len(rows)} documents" in document["description"]
    protocol = document["rai:dataPreprocessingProtocol"][0]
    assert f"{len(kept)} of {len(rows)} documents kept" in protocol
    assert f"{len(rows) - len(kept)} excluded" in protocol
    for state, count in excluded.items():
        assert f"{count} {croissant._STATES[state]}" in protocol
    assert f"{facts.kept_bytes:,} payload bytes" in protocol
    limitation = document["rai:dataLimitations"][0]
    for name, count in licences.items():
        assert f"{name} ({count} document" in limitation
    assert f"{facts.unlicensed} kept documents name no licence" in limitation
    assert f"{len(rows)} documents from {facts.domains} registrable domains" in text
    # The dataset's licences: the URLs the kept documents' evidence gives for them.
    urls = {u for r in kept if r["licenses"] for u in r["license_urls"]}
    assert set(document["license"]) == urls
    assert len(document["license"]) == len(licences)


def test_inputs_without_a_file_checksum_are_file_sets(
    report_run: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A --limit run records no checksums, and a folder's is not a file's: neither can be a
    FileObject (which needs one), so both are FileSets, and mlcroissant still reads the rest."""
    run = _copy_run(report_run, tmp_path)
    manifest = json.loads((run / MANIFEST).read_text(encoding="utf-8"))
    manifest["inputs"] = [
        {**manifest["inputs"][0], "sha256": None},
        {"path": "/data/dataset", "bytes": 10, "sha256": "ab" * 32},
    ]
    (run / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    path = _write(run)
    document = json.loads(path.read_text(encoding="utf-8"))
    first, folder = document["distribution"][:2]
    assert first == {
        "@type": "cr:FileSet",
        "@id": "input-1",
        "name": "corpus.warc.gz",
        "description": "An input of the audit whose checksum the run did not take.",
        "encodingFormat": "application/warc",
        "includes": "corpus.warc.gz",
    }
    assert folder["@type"] == "cr:FileSet"
    assert folder["includes"] == "dataset/**"
    assert "ab" * 32 in folder["description"]
    dataset = _load(path, caplog)  # from its file: the table's contentUrl is relative to it
    assert len(list(dataset.records(croissant.RECORD_SET))) == 16


def test_no_licence_named(
    report_run: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """When no kept document names a licence, the dataset's licence is unknown."""
    run = _copy_run(report_run, tmp_path)
    table = pq.read_table(run / DECISIONS)
    empty = pa.array([[]] * table.num_rows, table.schema.field("licenses").type)
    table = table.set_column(table.schema.get_field_index("licenses"), "licenses", empty)
    pq.write_table(table, run / DECISIONS)  # the schema (and its version key) is kept
    document = json.loads(_write(run).read_text(encoding="utf-8"))
    assert document["license"] == ["unknown"]
    kept = sum(pq.read_table(run / DECISIONS, columns=["keep"]).column("keep").to_pylist())
    assert document["rai:dataLimitations"] == [
        f"None of the {kept} kept documents names a licence."
    ]
    _load(document, caplog)
