"""``obligations.json``: the ledger of what publishers asked and what the run promised.

For the documents a run kept, every obligation that came with them, counted per duty (and the
URL and detail that make it one obligation: a licence, a licence server), per registrable
domain, in documents and payload bytes, each split by how the run took it on:

- ``accepted``: the document was reserved, and the reservation was lifted because the run
  accepted the duty (``--accept``): a promise the builder made;
- ``with_allow``: the document was allowed, and the allow came with the duty (a licence's
  terms): owed whether or not it was asked for on the command line.

Beside them: what each refused duty (``--refuse``) excluded, and the offers not taken up (denied
documents whose deny accepting a duty would lift). Every figure is a DuckDB aggregate over
``decisions.parquet``; docs/report.md gives the query behind each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

import duckdb

from reciprocity.report.files import write_json
from reciprocity.report.options import ReportOptions
from reciprocity.report.run import RunFiles

__all__ = ["FORMAT", "Ledger", "LedgerEntry", "ledger", "write"]

FORMAT: Final = "reciprocity.obligations/1"

# One row per (kept document, distinct obligation), with the document's number (``doc``) and
# whether a deny of that document named the duty among what would lift it (then the run's
# acceptance is what let it through).
_OWED: Final = """
    SELECT doc, coalesce(domain, nullif(host, ''), '(none)') AS domain, payload_bytes AS bytes,
           o.kind AS kind, o.url AS url, o.detail AS detail,
           list_contains($accepted, o.kind) AND list_contains(flatten(list_transform(evidence,
               lambda e: list_transform(e.exceptions, lambda x: x.kind))), o.kind) AS accepted
    FROM (SELECT doc, domain, host, payload_bytes, evidence,
                 unnest(list_distinct(obligations)) AS o
          FROM (SELECT row_number() OVER () AS doc, * FROM d WHERE keep))
"""


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One obligation (a duty with its URL and detail), and what it covers."""

    kind: str
    url: str | None
    detail: str | None
    documents: int
    bytes: int | None
    """Payload bytes of those documents; null when the inputs give none (URL-only rows)."""
    accepted: int
    """Documents let through because the run accepted the duty."""
    with_allow: int
    """Documents whose allow came with the duty."""
    domains: int | None = None
    """Registrable domains the documents come from (in the totals only)."""


@dataclass(frozen=True, slots=True)
class Ledger:
    documents: int
    kept: int
    kept_bytes: int | None
    owed_documents: int
    """Kept documents that carry at least one obligation."""
    by_kind: tuple[LedgerEntry, ...]
    """Per duty, whatever its URL (``url`` and ``detail`` null)."""
    obligations: tuple[LedgerEntry, ...]
    """Per obligation (duty, URL, detail), most documents first."""
    domains: tuple[tuple[str, int, tuple[LedgerEntry, ...]], ...]
    """(domain, kept documents, its obligations), most obligated documents first."""
    refused: tuple[tuple[str, int, int | None], ...]
    """(duty, documents, bytes) excluded because the run refused the duty."""
    declined: tuple[tuple[str, str | None, str | None, int, int | None], ...]
    """(duty, url, detail, documents, bytes): denied documents whose deny names a duty the run
    did not accept among what would lift it (a deny is lifted only when all are accepted)."""


def _entries(rows: list[tuple[Any, ...]], *, domains: bool = False) -> tuple[LedgerEntry, ...]:
    return tuple(
        LedgerEntry(
            kind=row[0],
            url=row[1],
            detail=row[2],
            documents=int(row[3]),
            bytes=_int(row[4]),
            accepted=int(row[5]),
            with_allow=int(row[6]),
            domains=int(row[7]) if domains else None,
        )
        for row in rows
    )


_COUNTS: Final = "count(*), sum(bytes), count(*) FILTER (accepted), count(*) FILTER (NOT accepted)"


def ledger(db: duckdb.DuckDBPyConnection, run: RunFiles) -> Ledger:
    """The ledger of the run whose table is the view ``d`` in ``db``."""
    accepted = list(run.policy.get("accept", ()))
    use = run.use_column
    # DDL cannot be prepared: the accepted duties (names from the duty registry) are quoted in.
    literal = "[" + ", ".join("'" + a.replace("'", "''") + "'" for a in accepted) + "]::VARCHAR[]"
    # Made once: the queries below read it three times, and making it reads every kept
    # document's evidence (the widest column).
    db.execute(f"CREATE OR REPLACE TEMP TABLE owed_rows AS {_OWED.replace('$accepted', literal)}")

    def rows(sql: str) -> list[tuple[Any, ...]]:
        return db.execute(sql).fetchall()

    ((documents, kept, kept_bytes, owed),) = rows(
        "SELECT count(*), count(*) FILTER (keep), sum(payload_bytes) FILTER (keep),"
        " count(*) FILTER (keep AND len(obligations) > 0) FROM d"
    )
    by_kind = rows(
        # A document counts once per duty however many obligations of it it carries.
        "SELECT kind, NULL, NULL, count(*), sum(bytes), count(*) FILTER (accepted),"
        " count(*) FILTER (NOT accepted) FROM ("
        "  SELECT kind, any_value(bytes) AS bytes, bool_or(accepted) AS accepted"
        "  FROM owed_rows GROUP BY kind, doc"
        ") GROUP BY kind ORDER BY count(*) DESC, kind"
    )
    obligations = rows(
        f"SELECT kind, url, detail, {_COUNTS}, count(DISTINCT domain) FROM owed_rows"
        " GROUP BY ALL ORDER BY count(*) DESC, kind, url NULLS FIRST, detail NULLS FIRST"
    )
    per_domain = rows(
        f"SELECT domain, kind, url, detail, {_COUNTS} FROM owed_rows GROUP BY ALL"
        " ORDER BY domain, count(*) DESC, kind, url NULLS FIRST, detail NULLS FIRST"
    )
    domain_sizes = dict(
        rows(
            "SELECT coalesce(domain, nullif(host, ''), '(none)') AS name, count(*)"
            " FILTER (keep AND len(obligations) > 0) FROM d GROUP BY name"
        )
    )
    refused = rows(
        "SELECT r, count(*), sum(payload_bytes) FROM (SELECT unnest(refused) AS r, payload_bytes"
        " FROM d) GROUP BY r ORDER BY count(*) DESC, r"
    )
    declined = rows(
        "SELECT o.kind, o.url, o.detail, count(*), sum(payload_bytes) FROM ("
        f" SELECT unnest(list_distinct({use}_detail.exceptions)) AS o, payload_bytes"
        f" FROM d WHERE {use} = 'deny') WHERE NOT list_contains({literal}, o.kind) GROUP BY ALL"
        " ORDER BY count(*) DESC, o.kind, o.url NULLS FIRST, o.detail NULLS FIRST"
    )
    grouped: dict[str, list[tuple[Any, ...]]] = {}
    for row in per_domain:
        grouped.setdefault(row[0], []).append(row[1:])
    domains = sorted(
        ((name, int(domain_sizes.get(name, 0)), _entries(rows)) for name, rows in grouped.items()),
        key=lambda item: (-item[1], item[0]),
    )
    return Ledger(
        documents=int(documents),
        kept=int(kept),
        kept_bytes=None if kept_bytes is None else int(kept_bytes),
        owed_documents=int(owed),
        by_kind=_entries(by_kind),
        obligations=_entries(obligations, domains=True),
        domains=tuple(domains),
        refused=tuple((str(k), int(n), _int(b)) for k, n, b in refused),
        declined=tuple((str(k), u, t, int(n), _int(b)) for k, u, t, n, b in declined),
    )


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _entry(entry: LedgerEntry) -> dict[str, Any]:
    out = asdict(entry)
    if entry.domains is None:
        del out["domains"]
    return out


def render(book: Ledger, run: RunFiles, options: ReportOptions) -> dict[str, Any]:
    """The ledger as the JSON document ``obligations.json`` holds."""
    policy = run.policy
    return {
        "format": FORMAT,
        "generated": options.generated.isoformat(),
        "tool": options.tool,
        "run": {
            "use": policy["use"],
            "crawler": policy.get("crawler"),
            "accepted": list(policy.get("accept", ())),
            "refused": list(policy.get("refuse", ())),
            "documents": book.documents,
            "kept": book.kept,
            "kept_bytes": book.kept_bytes,
            "kept_with_obligations": book.owed_documents,
        },
        "by_kind": [_entry(e) for e in book.by_kind],
        "obligations": [_entry(e) for e in book.obligations],
        "domains": [
            {"domain": name, "documents": size, "obligations": [_entry(e) for e in entries]}
            for name, size, entries in book.domains
        ],
        "refused": [{"kind": k, "documents": n, "bytes": b} for k, n, b in book.refused],
        "declined": [
            {"kind": k, "url": u, "detail": t, "documents": n, "bytes": b}
            for k, u, t, n, b in book.declined
        ],
    }


def write(run: RunFiles, folder: Path, options: ReportOptions) -> Sequence[Path]:
    with run.query() as db:
        book = ledger(db, run)
    return (write_json(folder / "obligations.json", render(book, run, options)),)
