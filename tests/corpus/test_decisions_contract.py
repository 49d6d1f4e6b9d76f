"""decisions.parquet as a contract: the schema the code writes is the one docs/decisions.md
documents, the documented queries run and answer, and a row says what ``Decision.to_dict()``
says."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from reciprocity.corpus.audit import run_audit
from reciprocity.corpus.decide import decide
from reciprocity.corpus.document import Document
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.readers import read_documents
from reciprocity.corpus.schema import (
    CONFLICT,
    DIAGNOSTIC,
    EVIDENCE,
    OBLIGATION,
    SCHEMA,
    SCHEMA_KEY,
    SCHEMA_VERSION,
    SNAPSHOT,
    STANCES,
    USE_DETAIL,
)
from reciprocity.corpus.summary import connect, render_summary, summarise
from reciprocity.evaluate import evaluate
from reciprocity.sources.snapshots import load_snapshots, write_snapshot_warc

DOCS = Path(__file__).resolve().parents[2] / "docs" / "decisions.md"
CRAWLED = datetime(2026, 6, 1, tzinfo=timezone.utc)
FETCHED = datetime(2026, 5, 30, tzinfo=timezone.utc)
HTML = [("Content-Type", "text/html; charset=utf-8")]
BY = "https://creativecommons.org/licenses/by/4.0/"
BY_NC = "https://creativecommons.org/licenses/by-nc/4.0/"


def _page(head: str = "") -> bytes:
    return f"<html><head>{head}</head><body><p>text</p></body></html>".encode()


PAGES = [
    (
        "https://www.a.example/by",
        HTML,
        _page(f'<title>A  story</title><meta name="author" content="Ann Lee">'
              f'<link rel="license" href="{BY}">'),
    ),
    ("https://a.example/by-nc", HTML, _page(f'<link rel="license" href="{BY_NC}">')),
    ("https://a.example/credit", [*HTML, ("Content-Usage", "train-ai=n;exceptions=cc-cr")],
     _page()),
    (
        "https://a.example/conflict",
        [*HTML, ("Content-Usage", "train-ai=y"), ("X-Robots-Tag", "noai")],
        _page(),
    ),
    ("https://a.example/plain", HTML, _page()),
    ("https://b.example/blocked", HTML, _page()),
    ("https://c.example/no-robots", HTML, _page()),
]  # fmt: skip


def _write(folder: Path) -> tuple[Path, Path]:
    corpus, robots = folder / "corpus.warc.gz", folder / "robots.warc.gz"
    write_snapshot_warc(corpus, [(url, CRAWLED, 200, h, body) for url, h, body in PAGES])
    plain = [("Content-Type", "text/plain")]
    write_snapshot_warc(
        robots,
        [
            ("https://a.example/robots.txt", FETCHED, 200, plain, b"User-agent: *\nAllow: /\n"),
            ("https://www.a.example/robots.txt", FETCHED, 200, plain, b"User-agent: *\n"),
            ("https://b.example/robots.txt", FETCHED, 200, plain,
             b"User-agent: CCBot\nDisallow: /\n"),
        ],
    )  # fmt: skip
    return corpus, robots


def _audit(corpus: Path, robots: Path, out: Path, policy: AuditPolicy, batch: int = 1000) -> Path:
    run_audit(
        [corpus],
        out,
        policy=policy,
        robots=load_snapshots([robots]),
        reader=read_documents,
        progress=False,
        snapshots=[robots],
        batch=batch,
    )
    return out


def _run(folder: Path, policy: AuditPolicy, name: str = "run") -> Path:
    corpus, robots = _write(folder)
    return _audit(corpus, robots, folder / name, policy)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _run(tmp_path_factory.mktemp("contract"), AuditPolicy())


def _rows(run: Path) -> dict[str, dict[str, Any]]:
    return {row["url"]: row for row in pq.read_table(run / "decisions.parquet").to_pylist()}


# -- the documented schema ---------------------------------------------------------------------

_STRUCTS = {
    id(OBLIGATION): "obligation",
    id(EVIDENCE): "evidence",
    id(USE_DETAIL): "use_detail",
    id(CONFLICT): "conflict",
    id(SNAPSHOT): "snapshot",
    id(STANCES): "stances",
    id(DIAGNOSTIC): "diagnostic",
}


def _named(kind: pa.DataType) -> str:
    """A type as docs/decisions.md writes it: structs by name, lists as list<…>."""
    if pa.types.is_list(kind):
        return f"list<{_named(kind.value_type)}>"
    if pa.types.is_struct(kind):
        for struct in (OBLIGATION, EVIDENCE, USE_DETAIL, CONFLICT, SNAPSHOT, STANCES, DIAGNOSTIC):
            if kind.equals(struct):
                return _STRUCTS[id(struct)]
        raise AssertionError(f"an undocumented struct: {kind}")
    return str(kind)


def _documented() -> dict[str, list[tuple[str, str]]]:
    """Each table of docs/decisions.md: ``columns`` or a struct's name -> (name, type) rows."""
    tables: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"#{2,3} (?:`(\w+)`|(Columns))$", line)
        if heading:
            current = heading.group(1) or "columns"
            continue
        cell = re.match(r"\| `(\w+)` \| ([^|]+) \|", line)
        if cell and current is not None:
            tables.setdefault(current, []).append((cell.group(1), cell.group(2).strip()))
    return tables


def test_the_documented_schema_is_the_written_one() -> None:
    tables = _documented()
    assert tables.pop("columns") == [(f.name, _named(f.type)) for f in SCHEMA]
    structs = {
        "obligation": OBLIGATION,
        "use_detail": USE_DETAIL,
        "evidence": EVIDENCE,
        "stances": STANCES,
        "diagnostic": DIAGNOSTIC,
        "conflict": CONFLICT,
        "snapshot": SNAPSHOT,
    }
    assert set(tables) == set(structs)
    for name, struct in structs.items():
        assert tables[name] == [(f.name, _named(f.type)) for f in struct], name


def test_the_table_carries_its_schema_and_version(run: Path) -> None:
    schema = pq.read_schema(run / "decisions.parquet")
    assert schema.metadata[SCHEMA_KEY] == SCHEMA_VERSION.encode()
    assert schema.remove_metadata().equals(SCHEMA.remove_metadata())
    assert not (run / "parts").exists()


def test_a_complete_run_started_again_does_nothing(run: Path) -> None:
    table = run / "decisions.parquet"
    before = table.stat().st_mtime_ns
    corpus, robots = run.parent / "corpus.warc.gz", run.parent / "robots.warc.gz"
    assert _audit(corpus, robots, run, AuditPolicy()) == run
    assert table.stat().st_mtime_ns == before
    assert not (run / "parts").exists()


def test_row_groups_hold_about_a_hundred_thousand_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reciprocity.corpus import audit

    assert audit.ROW_GROUP == 100_000
    monkeypatch.setattr(audit, "ROW_GROUP", 3)  # the same rule, at a size this corpus can show
    corpus, robots = _write(tmp_path)
    out = _audit(corpus, robots, tmp_path / "small-groups", AuditPolicy(), batch=2)
    meta = pq.ParquetFile(out / "decisions.parquet").metadata
    # Parts of 2 rows gather until a group holds 3 or more.
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [4, 3]


# -- what the rows say ---------------------------------------------------------------------------


def test_rows_carry_the_facts_credit_needs(run: Path) -> None:
    rows = _rows(run)
    by = rows["https://www.a.example/by"]
    assert (by["host"], by["domain"]) == ("www.a.example", "a.example")
    assert (by["title"], by["creator"]) == ("A story", "Ann Lee")
    assert by["licenses"] == ["CC-BY-4.0"]
    assert by["license_urls"] == [BY]
    assert by["obligations"] == [{"kind": "attribution", "url": BY, "detail": None}]
    assert by["status"] == 200
    assert by["content_type"] == "text/html; charset=utf-8"
    assert by["payload_digest"].startswith("sha1:")
    assert by["payload_bytes"] == len(PAGES[0][2])
    assert by["record_bytes"] > by["payload_bytes"]
    assert (by["train_ai"], by["keep"], by["deciding_mechanism"]) == ("allow", True, "license")
    (snapshot,) = by["snapshots"]
    assert snapshot["kind"] == "robots.txt"
    assert snapshot["url"] == "https://www.a.example/robots.txt"
    assert snapshot["date"] == FETCHED
    assert snapshot["status"] == 200
    assert snapshot["source"].endswith(f":{snapshot['offset']}")


def test_a_deny_lifted_by_credit_names_its_exception(run: Path) -> None:
    row = _rows(run)["https://a.example/credit"]
    assert (row["train_ai"], row["keep"], row["deciding_mechanism"]) == (
        "deny",
        False,
        "cc-signals",
    )
    lift = [{"kind": "attribution", "url": None, "detail": None}]
    assert row["exceptions"] == lift
    assert row["train_ai_detail"]["exceptions"] == lift
    (deciding,) = row["train_ai_detail"]["deciding"]
    assert row["evidence"][deciding]["raw"] == "train-ai=n;exceptions=cc-cr"
    assert row["evidence"][deciding]["stances"] == {
        "train_ai": "deny",
        "ai_use": "unknown",
        "search": "unknown",
    }


def test_conflicts_name_both_mechanisms_and_point_at_their_evidence(run: Path) -> None:
    row = _rows(run)["https://a.example/conflict"]
    conflicts = [c for c in row["conflicts"] if c["use"] == "train-ai"]
    assert [(c["deny_mechanism"], c["allow_mechanism"]) for c in conflicts] == [("noai", "aipref")]
    evidence = row["evidence"]
    assert evidence[conflicts[0]["deny_evidence"]]["mechanism"] == "noai"
    assert evidence[conflicts[0]["allow_evidence"]]["mechanism"] == "aipref"


def test_unavailable_and_crawl_denied_rows(run: Path) -> None:
    rows = _rows(run)
    blocked = rows["https://b.example/blocked"]
    assert (blocked["train_ai"], blocked["search"]) == ("deny", "deny")
    assert blocked["deciding_mechanism"] == "robots.txt"
    missing = rows["https://c.example/no-robots"]
    assert missing["train_ai"] == missing["train_ai_detail"]["state"] == "unavailable"
    assert (missing["deciding_mechanism"], missing["snapshots"]) == (None, [])


def test_a_row_says_what_decision_to_dict_says() -> None:
    url = "https://a.example/conflict"
    headers = (("Content-Usage", "train-ai=y;exceptions=cc-cr"), ("X-Robots-Tag", "noai"))
    body = _page(f'<link rel="license" href="{BY_NC}">')
    document = Document("x.warc", 0, None, url, CRAWLED, 200, (*HTML, *headers), body, HTML[0][1])
    row = decide(document, None, AuditPolicy(unavailable="allow"))
    expected = evaluate(
        url,
        headers=(*HTML, *headers),
        html=body,
        user_agent="CCBot",
        fetched={"document": CRAWLED.isoformat()},
    ).to_dict()
    for key in ("evidence", "conflicts"):
        assert row[key] == expected[key], key
    for column in ("train_ai", "ai_use", "search"):
        detail = dict(expected[f"{column}_detail"])
        # Without a robots.txt snapshot, what is not denied is unavailable (DESIGN §3.5).
        if detail["state"] != "deny":
            detail["state"] = "unavailable"
        assert row[f"{column}_detail"] == detail
        assert row[column] == detail["state"]


# -- the builder's refusals --------------------------------------------------------------------


def test_a_refused_obligation_excludes_what_it_comes_with(tmp_path: Path) -> None:
    out = _run(tmp_path, AuditPolicy.from_options(refuse="non-commercial,no-derivatives"))
    rows = _rows(out)
    nc = rows["https://a.example/by-nc"]
    assert (nc["train_ai"], nc["keep"]) == ("allow", False)
    assert (nc["deciding_mechanism"], nc["refused"]) == ("policy", ["non-commercial"])
    by = rows["https://www.a.example/by"]
    assert (by["keep"], by["refused"]) == (True, [])
    summary = summarise(out)
    assert summary.refused == [("non-commercial", 1)]
    assert "| non-commercial | 1 |" in render_summary(summary)


# -- the documented queries ----------------------------------------------------------------------


def _queries() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)


def test_the_documented_queries_answer(run: Path) -> None:
    table = str(run / "decisions.parquet")
    per_domain, lifted, deciding = (q.replace("run/decisions.parquet", table) for q in _queries())
    with connect() as db:
        found = db.execute(per_domain).fetchall()
        kept = {(domain, licence): docs for domain, licence, docs, _ in found}
        assert kept == {
            ("a.example", "CC-BY-4.0"): 1,
            ("a.example", "CC-BY-NC-4.0"): 1,
            ("a.example", None): 1,
        }
        assert db.execute(lifted).fetchall() == [("https://a.example/credit", "a.example")]
        pieces = db.execute(deciding).fetchall()
    assert ("https://b.example/blocked", "robots.txt") in {(u, m) for u, m, *_ in pieces}
    assert ("https://a.example/credit", "cc-signals") in {(u, m) for u, m, *_ in pieces}


def test_the_summary_counts_from_aggregates(run: Path) -> None:
    summary = summarise(run)
    assert summary.documents == len(PAGES)
    assert summary.domains[0] == ("a.example", 5, 3)
    assert dict(summary.licences) == {"CC-BY-4.0": 1, "CC-BY-NC-4.0": 1}
    assert dict(summary.obligations) == {"attribution": 2, "non-commercial": 1}
    assert summary.conflicts == 1
