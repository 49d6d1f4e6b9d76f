"""The EU summary: golden files, every figure checked against a query of the test's own, the
fields the run cannot know left to the builder, and the top-domain rule on tables whose answer
is known."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from golden import check_golden
from report_factory import GENERATED, scrub

from reciprocity.corpus.summary import connect
from reciprocity.report import eu_summary
from reciprocity.report.domains import top_domains
from reciprocity.report.options import ReportOptions
from reciprocity.report.run import open_run

GOLDEN = Path(__file__).parent / "golden"
OPTIONS = ReportOptions(generated=GENERATED, tool="reciprocity <version>")


@pytest.fixture(scope="module")
def files(report_run: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """The two files' text."""
    out = tmp_path_factory.mktemp("eu")
    paths = eu_summary.write(open_run(report_run), out, OPTIONS)
    assert paths == [out / "eu_summary.json", out / "eu_summary.md"]
    return paths[0].read_text(encoding="utf-8"), paths[1].read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def written(files: tuple[str, str]) -> tuple[Any, str]:
    return json.loads(files[0]), files[1]


def _rows(run: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect() as db:
        db.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{run / 'decisions.parquet'}')")
        return db.execute(sql).fetchall()


def _section(data: dict[str, Any], number: str) -> dict[str, Any]:
    (section,) = [s for s in data["sections"] if s["section"] == number]
    return section  # type: ignore[no-any-return]


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def test_golden(files: tuple[str, str], report_run: Path) -> None:
    text, markdown = files
    check_golden(GOLDEN / "eu_summary.json", scrub(text, report_run.parent))
    check_golden(GOLDEN / "eu_summary.md", scrub(markdown, report_run.parent))


def test_modalities_and_period(written: tuple[Any, str], report_run: Path) -> None:
    data, _ = written
    general = _section(data, "1.3")
    rows = _rows(
        report_run,
        "SELECT split_part(content_type, ';', 1), count(*), sum(payload_bytes), min(date),"
        " max(date) FROM t WHERE keep GROUP BY ALL",
    )
    ((mime, n, size, first, last),) = rows
    assert general["modalities"] == [
        {
            "modality": "text",
            "documents": n,
            "bytes": size,
            "training_data_size": {
                "band": "Less than 1 billion tokens",
                "basis": f"{size:,} payload bytes before extraction, and a tokenizer whose "
                "tokens cover a byte or more makes no more tokens than bytes",
            },
            "media_types": [{"media_type": mime, "documents": n, "bytes": size}],
        }
    ]
    assert general["latest_collection_date"] == last.isoformat()
    crawled = _section(data, "2.3")
    assert crawled["collection_period"] == {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "documents_without_date": 0,
    }
    assert crawled["crawler"] == open_run(report_run).policy["crawler"] == "CCBot"
    assert crawled["modalities"] == ["text"]


def test_top_domains_of_the_run(written: tuple[Any, str], report_run: Path) -> None:
    data, _ = written
    table = pq.read_table(
        report_run / "decisions.parquet", columns=["keep", "domain", "payload_bytes"]
    )
    per: dict[str, list[int]] = {}
    for keep, domain, size in zip(*table.to_pydict().values(), strict=True):
        if keep:
            entry = per.setdefault(domain, [0, 0])
            entry[0] += 1
            entry[1] += size
    ranked = sorted(per.items(), key=lambda item: (-item[1][1], item[0]))
    listed = math.ceil(0.10 * len(ranked))
    top = _section(data, "2.3")["top_domains"]
    assert top["measure"] == "bytes"
    assert top["domains"] == len(ranked) == 3
    assert top["list"] == [
        {"rank": i + 1, "domain": name, "documents": docs, "bytes": size}
        for i, (name, (docs, size)) in enumerate(ranked[:listed])
    ]
    total = sum(size for _, size in per.values())
    assert top["share_of_content_listed"] == round(ranked[0][1][1] / total, 4)


def test_measures(written: tuple[Any, str], report_run: Path) -> None:
    data, _ = written
    section = _section(data, "3.1")
    measures = section["measures"]
    stating = dict(
        _rows(
            report_run,
            "SELECT m, count(DISTINCT url) FROM (SELECT url, unnest(evidence).mechanism AS m"
            " FROM t) GROUP BY m",
        )
    )
    excluded = {
        m: (n, b)
        for m, n, b in _rows(
            report_run,
            "SELECT deciding_mechanism, count(*), sum(payload_bytes) FROM t"
            " WHERE NOT keep AND deciding_mechanism IS NOT NULL GROUP BY ALL",
        )
    }
    for row in measures["opt_out_protocols"]:
        name = row["mechanism"]
        assert row["documents_stating"] == stating.get(name, 0)
        if name in excluded:
            assert (row["documents_excluded"], row["bytes_excluded"]) == excluded.pop(name)
        else:
            assert row["documents_excluded"] == row["bytes_excluded"] == 0
    # What no opt-out protocol decided: the refused obligation (`policy`) and the unavailable.
    ((unavailable, unavailable_bytes),) = _rows(
        report_run,
        "SELECT count(*), sum(payload_bytes) FROM t WHERE train_ai = 'unavailable' AND NOT keep",
    )
    (policy_docs, policy_bytes) = excluded.pop("policy")
    assert excluded == {}
    assert measures["other_exclusions"] == [
        {"reason": "policy", "documents": policy_docs, "bytes": policy_bytes},
        {"reason": "unavailable", "documents": unavailable, "bytes": unavailable_bytes},
    ]
    assert measures["refused_obligations"] == [
        {"duty": "no-derivatives", "documents": policy_docs, "bytes": policy_bytes}
    ]
    ((hosts, copies, first, last),) = _rows(
        report_run,
        "SELECT count(DISTINCT s.url), count(DISTINCT (s.url, s.date)), min(s.date), max(s.date)"
        " FROM (SELECT unnest(snapshots) AS s FROM t) WHERE s.kind = 'robots.txt'",
    )
    ((without,),) = _rows(report_run, "SELECT count(*) FROM t WHERE len(snapshots) = 0")
    assert measures["robots_txt"] == {
        "snapshot_files": ["robots.warc.gz"],
        "fetched_live": False,
        "hosts": hosts,
        "copies": copies,
        "copies_by_source": [{"served_by": "snapshots", "copies": copies}],
        "earliest_copy": first.isoformat(),
        "latest_copy": last.isoformat(),
        "documents_without_robots_txt": without,
    }
    ((docs, kept, size, kept_size),) = _rows(
        report_run,
        "SELECT count(*), count(*) FILTER (keep), sum(payload_bytes),"
        " sum(payload_bytes) FILTER (keep) FROM t",
    )
    assert section["kept"] == {"documents": kept, "bytes": kept_size}
    assert section["excluded"] == {"documents": docs - kept, "bytes": size - kept_size}
    policy = open_run(report_run).policy
    assert measures["robots_as_of"] == policy["robots_as_of"]
    assert measures["obligations_accepted"] == policy["accept"]
    assert measures["obligations_refused"] == policy["refuse"]


def test_unknown_fields_are_the_builders(written: tuple[Any, str]) -> None:
    data, markdown = written
    fill = [v for v in _leaves(data) if v is True]
    assert len(fill) == markdown.count("_to fill: ")
    for number in ("1.1", "1.2", "2.2", "2.4", "2.5", "2.6", "3.2", "3.3"):
        body = {k: v for k, v in _section(data, number).items() if k not in ("section", "title")}
        assert all(value.get("to_fill") is True for value in body.values()), number
    assert data["header"]["version"]["to_fill"] is True


def test_markdown_states_every_figure(written: tuple[Any, str]) -> None:
    data, markdown = written
    for value in _leaves(data):
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            assert f"{value:,}" in markdown
        elif isinstance(value, float):
            assert f"{100 * value:.2f}%" in markdown
        elif isinstance(value, str) and value not in (data["template"], data["scope"]):
            assert value.replace("|", "\\|") in markdown, value


# The rule on generated tables: domain i (1-based) holds `size(i)` bytes in one kept document.


def _table(db: duckdb.DuckDBPyConnection, domains: int, *, rows_per_domain: int = 1) -> None:
    # Sizes fall with the domain's number, but domain 3 ties with domain 1 (name order
    # decides); a document not kept, larger than any, must count nowhere.
    n, rows = int(domains), int(domains * rows_per_domain)
    db.execute(
        "CREATE OR REPLACE TABLE d AS SELECT"
        f" 'd' || lpad(CAST(i % {n} + 1 AS VARCHAR), 6, '0') || '.example' AS domain,"
        " 'www.' || domain AS host,"
        f" CASE WHEN i % {n} + 1 = 3 THEN 2 * {n} ELSE 2 * ({n} - i % {n}) END AS payload_bytes,"
        f" true AS keep FROM range({rows}) t(i)"
        f" UNION ALL SELECT 'z.example', 'z.example', 10 * {n}, false"
    )


def _expected(domains: int, share: float, cap: int | None) -> list[str]:
    sizes = {f"d{i:06d}.example": 2 * (domains - i + 1) for i in range(1, domains + 1)}
    sizes["d000003.example"] = 2 * domains
    ranked = sorted(sizes, key=lambda name: (-sizes[name], name))
    count = math.ceil(share * domains)
    return ranked[: min(count, cap) if cap else count]


@pytest.mark.parametrize(("domains", "sme"), [(40, False), (40, True), (23, False), (30_000, True)])
def test_top_domain_rule(domains: int, sme: bool) -> None:
    with connect() as db:
        _table(db, domains)
        top = top_domains(db, sme=sme)
    share, cap = (0.05, 1000) if sme else (0.10, None)
    expected = _expected(domains, share, cap)
    assert [d.domain for d in top.listed] == expected
    assert top.measure == "bytes"
    assert top.domains == domains
    # The tie: d000001 and d000003 both hold 2n bytes, name order puts d000001 first.
    assert (
        expected[:3] == ["d000001.example", "d000003.example", "d000002.example"][: len(expected)]
    )
    total = sum(range(2, 2 * domains + 1, 2)) + 2 * domains - (2 * (domains - 2))
    assert top.total == total
    assert top.listed[-1].cumulative == sum(d.bytes for d in top.listed)
    # The narrower reading: domains needed, in rank order, to hold the share of content.
    running, needed = 0, 0
    for d in top_domains_all(domains):
        if running >= share * total:
            break
        running += d
        needed += 1
    assert top.covering == needed


def top_domains_all(domains: int) -> list[int]:
    sizes = [2 * (domains - i + 1) for i in range(1, domains + 1)]
    sizes[2] = 2 * domains
    return sorted(sizes, reverse=True)


def test_sme_cap() -> None:
    with connect() as db:
        _table(db, 30_000)
        assert len(top_domains(db, sme=True).listed) == 1000  # 5% would be 1,500
        assert len(top_domains(db, sme=False).listed) == 3000


def test_by_documents_when_sizes_are_unknown() -> None:
    with connect() as db:
        db.execute(
            "CREATE VIEW d AS SELECT * FROM (VALUES"
            " ('a.example', 'a.example', NULL, true), ('b.example', 'b.example', 900, true),"
            " ('a.example', 'a.example', 5, true), ('c.example', 'c.example', 1, true))"
            " v(domain, host, payload_bytes, keep)"
        )
        top = top_domains(db)
    assert top.measure == "documents"
    assert [(d.domain, d.documents) for d in top.listed] == [("a.example", 2)]


def test_a_million_rows() -> None:
    """100,000 domains over 1,000,000 rows: the list is the top 10,000, in bounded memory."""
    with connect() as db:
        _table(db, 100_000, rows_per_domain=10)
        top = top_domains(db)
    assert top.domains == 100_000
    assert len(top.listed) == 10_000
    assert top.listed[0].domain == "d000001.example"
    assert top.listed[0].documents == 10
