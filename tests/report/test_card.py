"""The dataset card: its golden text, its YAML header read back, and every figure in it checked
against a query of its own on the run's table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
import yaml
from golden import check_golden
from report_factory import GENERATED, scrub

from reciprocity.report import card
from reciprocity.report.hub import HUB_LICENCES, hub_licences, size_category
from reciprocity.report.options import ReportOptions
from reciprocity.report.run import open_run
from reciprocity.signals.licenses import spdx_id

GOLDEN = Path(__file__).parent / "golden"
OPTIONS = ReportOptions(generated=GENERATED, tool="reciprocity <version>")


@pytest.fixture(scope="module")
def card_text(report_run: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("card")
    (path,) = card.write(open_run(report_run), out, OPTIONS)
    assert path == out / "card.md"
    return path.read_text(encoding="utf-8")


def _rows(run: Path, sql: str) -> list[tuple[Any, ...]]:
    """``sql`` over the run's table as ``t``, on a connection of the test's own."""
    with duckdb.connect() as db:
        db.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{run / 'decisions.parquet'}')")
        return db.execute(sql).fetchall()


def _header(text: str) -> dict[str, Any]:
    assert text.startswith("---\n")
    block, _ = text[4:].split("\n---\n", 1)
    header: dict[str, Any] = yaml.safe_load(block)
    return header


def test_golden(card_text: str, report_run: Path) -> None:
    check_golden(GOLDEN / "card.md", scrub(card_text, report_run.parent))


def test_header_read_back(card_text: str, report_run: Path) -> None:
    table = pq.read_table(report_run / "decisions.parquet", columns=["keep", "licenses"])
    kept = [lic for keep, lic in zip(*table.to_pydict().values(), strict=True) if keep]
    # Every SPDX id of the fixture is a CC id whose Hub id is its lower-case form.
    expected = {spdx.lower() for licences in kept for spdx in licences}
    if any(not licences for licences in kept):
        expected.add("unknown")
    header = _header(card_text)
    assert header == {
        "pretty_name": "run: documents kept for train-ai",
        "license": sorted(expected),
        "size_categories": ["n<1K"],
        "configs": [
            {
                "config_name": "decisions",
                "data_files": [{"split": "decisions", "path": "decisions.parquet"}],
            }
        ],
    }
    assert len(kept) == 7
    assert (report_run / header["configs"][0]["data_files"][0]["path"]).is_file()
    assert "task_categories" not in header


def test_every_figure(card_text: str, report_run: Path) -> None:
    ((docs, kept, size, kept_size, records, unknown, unavailable),) = _rows(
        report_run,
        "SELECT count(*), count(*) FILTER (keep), sum(payload_bytes),"
        " sum(payload_bytes) FILTER (keep), sum(record_bytes),"
        " count(*) FILTER (train_ai = 'unknown'),"
        " count(*) FILTER (train_ai = 'unavailable') FROM t",
    )
    lines = card_text.splitlines()
    assert f"| audited | {docs:,} | {size:,} |" in lines
    assert f"| kept | {kept:,} | {kept_size:,} |" in lines
    assert f"| not kept | {docs - kept:,} | {size - kept_size:,} |" in lines
    assert f"records declare: {records:,}." in card_text
    assert f"{kept} of them ({100 * kept / docs:.1f}%)" in card_text
    assert f"`--unknown`); {unknown} documents." in card_text
    assert f"`--unavailable`); {unavailable} document." in card_text

    # Sources: the manifest's file size, the table's documents per source.
    (source,) = open_run(report_run).inputs
    ((source_docs, source_kept),) = _rows(
        report_run, "SELECT count(*), count(*) FILTER (keep) FROM t GROUP BY source"
    )
    assert f"| `{source['path']}` | {source['bytes']:,} | {source_docs} | {source_kept} |" in lines

    # Exclusions: each not-kept document once, under what decided it.
    excluded = _rows(
        report_run,
        "SELECT CASE WHEN train_ai = 'unavailable' THEN 'unavailable'"
        " ELSE deciding_mechanism END AS m, count(*), sum(payload_bytes)"
        " FROM t WHERE NOT keep GROUP BY m",
    )
    assert sum(n for _, n, _ in excluded) == docs - kept
    for name, n, b in excluded:
        (row,) = [line for line in lines if line.startswith(f"| `{name}`")]
        assert row.endswith(f" | {n:,} | {b:,} |")
    assert {name for name, _, _ in excluded} == {
        "noai",
        "robots.txt",
        "aipref",
        "cc-signals",
        "tdmrep",
        "policy",
        "unavailable",
    }
    ((nd_docs, nd_bytes),) = _rows(
        report_run,
        "SELECT count(*), sum(payload_bytes) FROM t WHERE list_contains(refused, 'no-derivatives')",
    )
    assert f"| `no-derivatives` | {nd_docs} | {nd_bytes} |" in lines

    # Licences of the kept documents, and those naming none.
    for spdx, n, b in _rows(
        report_run,
        "SELECT l, count(*), sum(payload_bytes) FROM"
        " (SELECT unnest(licenses) AS l, payload_bytes FROM t WHERE keep) GROUP BY l",
    ):
        assert f"| `{spdx}` | {spdx.lower()} | {n:,} | {b:,} |" in lines
    ((none, none_bytes),) = _rows(
        report_run, "SELECT count(*), sum(payload_bytes) FROM t WHERE keep AND len(licenses) = 0"
    )
    assert f"name no licence: {none} ({none_bytes} bytes)" in card_text

    # Conflicts, from the conflicts column.
    conflicts = _rows(
        report_run,
        "SELECT c.use, c.deny_mechanism, c.allow_mechanism, count(*), count(*) FILTER (keep)"
        " FROM (SELECT keep, unnest(conflicts) AS c FROM t) GROUP BY ALL",
    )
    assert conflicts == [("train-ai", "noai", "aipref", 1, 0)]
    for use, deny, allow, n, k in conflicts:
        assert f"| `{use}` | `{deny}` | `{allow}` | {n} | {k} |" in lines


def test_hub_vocabularies() -> None:
    # Each key is an SPDX id spelled as the SPDX list spells it.
    assert all(spdx_id(key) == key for key in HUB_LICENCES)
    assert hub_licences([], unlicensed=True) == []
    assert hub_licences(
        ["MIT", "LicenseRef-CC-BY-2.0-DE", "MIT OR Apache-2.0"], unlicensed=False
    ) == [
        "mit",
        "other",
    ]
    assert hub_licences(["CC-BY-4.0"], unlicensed=True) == ["cc-by-4.0", "unknown"]
    cases = [
        (0, "n<1K"),
        (999, "n<1K"),
        (1000, "1K<n<10K"),
        (9999, "1K<n<10K"),
        (10**6, "1M<n<10M"),
        (10**12 - 1, "100B<n<1T"),
        (10**12, "n>1T"),
    ]
    for count, bucket in cases:
        assert size_category(count) == bucket
