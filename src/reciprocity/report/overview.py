"""The figures of the report's web page (``report.json``, drawn in ``report.html``), and of a
publisher's page (``domain-NAME.json``), as one data model.

Each figure is an aggregate over the table ``d``, most of them the ones the dataset card, the
EU summary and the ledger state already (:mod:`~reciprocity.report.tally`,
:mod:`~reciprocity.report.ledger`), and each carries the DuckDB query that lists the rows it
counts (:meth:`Scope.rows`): ``{"documents": 3, "bytes": 120, "query": "SELECT …"}``. A page
carries aggregates only, never the table's rows (a publisher's page lists at most
:data:`~reciprocity.report.publisher.LISTED` documents), so its size does not grow with the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

import duckdb

from reciprocity.report.ledger import Ledger, LedgerEntry, ledger
from reciprocity.report.options import ReportOptions
from reciprocity.report.run import DECISIONS, RunFiles
from reciprocity.report.tally import (
    UNAVAILABLE,
    conflicts,
    exclusions,
    licences,
    reason,
    refused,
    totals,
)
from reciprocity.resolve import COLUMN
from reciprocity.urls import registrable_domain
from reciprocity.uses import USES, Stance

__all__ = ["FORMAT", "SMALL_SITE", "STATES", "TOP_DOMAINS", "Scope", "figures", "quote", "scoped"]

FORMAT: Final = "reciprocity.report-page/1"
STATES: Final = (*(stance.value for stance in Stance), UNAVAILABLE)
"""The states of a use's column, in the order the pages list them."""
TOP_DOMAINS: Final = 20
NAME: Final = "coalesce(domain, nullif(host, ''))"
"""A document's site: its registrable domain, else its host (an IP address)."""

_COLUMNS: Final = "url, date, train_ai, ai_use, search, keep, deciding_mechanism, payload_bytes"
# Buckets of the timeline: the finest unit that keeps a run's span to about a hundred bars.
_UNITS: Final = ((timedelta(days=92), "day"), (timedelta(days=730), "week"))


def quote(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True, slots=True)
class Scope:
    """The documents a page speaks of: the whole run, or one site's (``domain``)."""

    domain: str | None = None

    @property
    def where(self) -> str:
        """The SQL condition of the scope's rows: ``NAME = domain``, written as comparisons of
        plain columns so that DuckDB reads the other columns of the matching row groups only
        (an expression over columns is evaluated after every column of every row is read)."""
        if self.domain is None:
            return "TRUE"
        if registrable_domain(self.domain) == self.domain:
            # A registrable name is the domain of every row on it; no row whose domain is null
            # (an IP address, a public suffix) has it as host.
            return f"domain = {quote(self.domain)}"
        return f"domain IS NULL AND host = {quote(self.domain)}"

    def rows(self, condition: str) -> str:
        """The query, run in the run's folder, that lists the rows a figure counts."""
        conditions = [c for c in (self.where, condition) if c != "TRUE"]
        where = "\nWHERE " + " AND ".join(f"({c})" for c in conditions) if conditions else ""
        return f"SELECT {_COLUMNS}\nFROM '{DECISIONS}'{where}"


def _figure(documents: Any, size: Any, query: str) -> dict[str, Any]:
    return {
        "documents": int(documents or 0),
        "bytes": None if size is None else int(size),
        "query": query,
    }


def _uses(db: duckdb.DuckDBPyConnection, scope: Scope) -> list[dict[str, Any]]:
    """Documents and bytes per use and state, in one pass over the table."""
    columns = [COLUMN[use] for use in USES]
    found = {
        (column, state): (n, size)
        for column, state, n, size in db.execute(
            f"SELECT name, state, count(*), sum(payload_bytes) FROM (UNPIVOT (SELECT"
            f" {', '.join(columns)}, payload_bytes FROM d) ON {', '.join(columns)}"
            " INTO NAME name VALUE state) GROUP BY ALL"
        ).fetchall()
    }
    return [
        {
            "use": use.value,
            "column": column,
            "states": {
                state: _figure(
                    *found.get((column, state), (0, None)),
                    scope.rows(f"{column} = {quote(state)}"),
                )
                for state in STATES
            },
        }
        for use, column in zip(USES, columns, strict=True)
    ]


def _timeline(db: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, Any]:
    (first, last) = db.execute("SELECT min(date), max(date) FROM d").fetchone() or (None, None)
    unit = "month"
    if isinstance(first, datetime) and isinstance(last, datetime):
        unit = next((name for span, name in _UNITS if last - first <= span), "month")
    bucket = f"date_trunc('{unit}', date AT TIME ZONE 'UTC')"
    rows = db.execute(
        f"SELECT {bucket} AS t, count(*) FILTER (keep), sum(payload_bytes) FILTER (keep),"
        " count(*) FILTER (NOT keep), sum(payload_bytes) FILTER (NOT keep)"
        " FROM d WHERE date IS NOT NULL GROUP BY t ORDER BY t"
    ).fetchall()
    undated = db.execute(
        "SELECT count(*), sum(payload_bytes) FROM d WHERE date IS NULL"
    ).fetchone() or (0, None)

    def when(start: datetime, keep: str) -> str:
        return scope.rows(f"{bucket} = TIMESTAMP '{start.isoformat(sep=' ')}' AND {keep}")

    return {
        "unit": unit,
        "buckets": [
            {
                "start": start.date().isoformat(),
                "kept": _figure(kept, kept_bytes, when(start, "keep")),
                "excluded": _figure(other, other_bytes, when(start, "NOT keep")),
            }
            for start, kept, kept_bytes, other, other_bytes in rows
        ],
        "undated": _figure(undated[0], undated[1], scope.rows("date IS NULL")),
    }


def _domains(db: duckdb.DuckDBPyConnection, scope: Scope, column: str) -> dict[str, Any]:
    """The sites with the most content among all audited documents, with their decisions."""
    (unsized,) = db.execute("SELECT count(*) FILTER (payload_bytes IS NULL) FROM d").fetchone() or (
        0,
    )
    measure = "documents" if unsized else "bytes"
    order = "count(*)" if unsized else "sum(payload_bytes)"
    states = ", ".join(f"count(*) FILTER ({column} = {quote(s)})" for s in STATES)
    rows = db.execute(
        f"SELECT {NAME} AS name, count(*) OVER () AS sites, count(*), sum(payload_bytes),"
        " count(*) FILTER (keep), sum(payload_bytes) FILTER (keep),"
        f" count(*) FILTER (NOT keep), sum(payload_bytes) FILTER (NOT keep), {states}"
        f" FROM d GROUP BY name ORDER BY {order} DESC, name NULLS LAST LIMIT {TOP_DOMAINS}"
    ).fetchall()
    listed = []
    for name, _, documents, size, kept, kept_size, other, other_size, *counts in rows:
        site = f"{NAME} = {quote(name)}" if name is not None else f"{NAME} IS NULL"
        listed.append(
            {
                "domain": name,
                "all": _figure(documents, size, scope.rows(site)),
                "kept": _figure(kept, kept_size, scope.rows(f"{site} AND keep")),
                "excluded": _figure(other, other_size, scope.rows(f"{site} AND NOT keep")),
                "states": {
                    state: _figure(n, None, scope.rows(f"{site} AND {column} = {quote(state)}"))
                    for state, n in zip(STATES, counts, strict=True)
                },
            }
        )
    return {"measure": measure, "sites": int(rows[0][1]) if rows else 0, "listed": listed}


_OBLIGED: Final = "list_contains(list_transform(obligations, lambda o: o.kind), {kind})"
# A deny of the document named the duty among what would lift it: as ledger._OWED reads it.
_ASKED: Final = (
    "list_contains(flatten(list_transform(evidence, lambda e: list_transform(e.exceptions,"
    " lambda x: x.kind))), {kind})"
)


def _obligations(book: Ledger, run: RunFiles, scope: Scope) -> dict[str, Any]:
    accepted = set(run.policy.get("accept", ()))
    column = run.use_column

    def by_kind(entry: LedgerEntry) -> dict[str, Any]:
        kind = quote(entry.kind)
        owed = f"keep AND {_OBLIGED.format(kind=kind)}"
        lifted = _ASKED.format(kind=kind) if entry.kind in accepted else "FALSE"
        return {
            "kind": entry.kind,
            "documents": _figure(entry.documents, entry.bytes, scope.rows(owed)),
            "accepted": _figure(entry.accepted, None, scope.rows(f"{owed} AND {lifted}")),
            "with_allow": _figure(entry.with_allow, None, scope.rows(f"{owed} AND NOT {lifted}")),
        }

    def declined(kind: str, url: str | None, detail: str | None, n: int, size: Any) -> Any:
        key = f"[{quote(kind)}, {quote(url or '')}, {quote(detail or '')}]"
        named = (
            f"list_contains(list_transform({column}_detail.exceptions, lambda o:"
            f" [o.kind, coalesce(o.url, ''), coalesce(o.detail, '')]), {key})"
        )
        return {
            "kind": kind,
            "url": url,
            "detail": detail,
            **_figure(n, size, scope.rows(f"{column} = 'deny' AND {named}")),
        }

    return {
        "accepted_duties": sorted(accepted),
        "kept_with_obligations": _figure(
            book.owed_documents, None, scope.rows("keep AND len(obligations) > 0")
        ),
        "by_kind": [by_kind(entry) for entry in book.by_kind],
        "declined": [declined(*entry) for entry in book.declined],
    }


def figures(
    db: duckdb.DuckDBPyConnection, run: RunFiles, options: ReportOptions, scope: Scope
) -> dict[str, Any]:
    """The page's data, from the table ``d`` in ``db`` (already narrowed to ``scope``)."""
    column = run.use_column
    t = totals(db, column)
    why = reason(column)
    policy = run.policy
    data: dict[str, Any] = {
        "format": FORMAT,
        "generated": options.generated.isoformat(),
        "tool": options.tool,
        "run": {
            "name": run.folder.resolve().name,
            "use": run.use.value,
            "crawler": policy.get("crawler"),
            "accepted": list(policy.get("accept", ())),
            "refused": list(policy.get("refuse", ())),
            "unknown": policy.get("unknown"),
            "unavailable": policy.get("unavailable"),
        },
        "scope": {"domain": scope.domain, "where": scope.where},
        "totals": {
            "audited": _figure(t.documents, t.bytes, scope.rows("TRUE")),
            "kept": _figure(t.kept, t.kept_bytes, scope.rows("keep")),
            "excluded": _figure(t.excluded, t.excluded_bytes, scope.rows("NOT keep")),
            "unreadable": _figure(t.unreadable, None, scope.rows("error IS NOT NULL")),
            "conflicted": _figure(t.conflicted, None, scope.rows("len(conflicts) > 0")),
            "first_date": _iso(t.first_date),
            "last_date": _iso(t.last_date),
        },
        "uses": _uses(db, scope),
        "exclusions": [
            {
                "reason": c.name,
                **_figure(
                    c.documents, c.bytes, scope.rows(f"NOT keep AND {why} = {quote(c.name)}")
                ),
            }
            for c in exclusions(db, column)
        ],
        "refused": [
            {
                "duty": c.name,
                **_figure(
                    c.documents,
                    c.bytes,
                    scope.rows(f"NOT keep AND list_contains(refused, {quote(c.name)})"),
                ),
            }
            for c in refused(db)
        ],
        "timeline": _timeline(db, scope),
        "licences": {
            "listed": [
                {
                    "licence": c.name,
                    **_figure(
                        c.documents,
                        c.bytes,
                        scope.rows(f"keep AND list_contains(licenses, {quote(c.name)})"),
                    ),
                }
                for c in licences(db)
            ],
            "unlicensed": _figure(
                t.kept_unlicensed, t.kept_unlicensed_bytes, scope.rows("keep AND len(licenses) = 0")
            ),
        },
        "conflicts": [
            {
                "use": c.use,
                "deny": c.deny,
                "allow": c.allow,
                "documents": _figure(
                    c.documents, None, scope.rows(_conflict(c.use, c.deny, c.allow))
                ),
                "kept": _figure(
                    c.kept, None, scope.rows(f"{_conflict(c.use, c.deny, c.allow)} AND keep")
                ),
            }
            for c in conflicts(db)
        ],
        "obligations": _obligations(ledger(db, run), run, scope),
    }
    if scope.domain is None:
        data["domains"] = _domains(db, scope, column)
    return data


def _conflict(use: str, deny: str, allow: str) -> str:
    pair = f"[{quote(use)}, {quote(deny)}, {quote(allow)}]"
    return (
        "list_contains(list_transform(conflicts, lambda x:"
        f" [x.use, x.deny_mechanism, x.allow_mechanism]), {pair})"
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


SMALL_SITE: Final = 50_000
"""A site of at most this many documents is copied out of the table once (its aggregates then
read that copy, not the whole table again); a larger one is read through a view, in the bounded
memory every report keeps to."""


def scoped(db: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    """Narrow the view ``d`` of ``db`` to the documents of ``scope``."""
    if scope.domain is None:
        return
    db.execute("ALTER VIEW d RENAME TO d_run")
    (size,) = db.execute(f"SELECT count(*) FROM d_run WHERE {scope.where}").fetchone() or (0,)
    kind = "TABLE" if size <= SMALL_SITE else "VIEW"
    db.execute(f"CREATE TEMP {kind} d AS SELECT * FROM d_run WHERE {scope.where}")
