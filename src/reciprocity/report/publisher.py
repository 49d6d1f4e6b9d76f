"""The publisher's view: what a run did with one site's documents (``domain-NAME.json``).

A builder publishes it or sends it to the publisher, so it speaks of that site alone: the
run's table is narrowed to the site's documents (their registrable domain, else their host)
before any figure is computed, and the page lists each document's decisions with the evidence
behind them, its lines and dates, up to :data:`LISTED` documents (a note and the query give the
rest). Everything else is the same figures as the run's page (:mod:`.overview`), over the site.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import duckdb

from reciprocity.errors import UsageError
from reciprocity.report.attribution import CREDITED
from reciprocity.report.options import ReportOptions
from reciprocity.report.overview import Scope, figures
from reciprocity.report.run import DECISIONS, RunFiles
from reciprocity.resolve import COLUMN
from reciprocity.urls import normalise_host, registrable_domain
from reciprocity.uses import USES

__all__ = ["LISTED", "page_path", "site", "site_figures"]

LISTED: Final = 1000
"""Documents a publisher's page lists one by one; the figures cover all of them."""
_FILE_NAME: Final = re.compile(r"[a-z0-9][a-z0-9.-]*")

_EVIDENCE: Final = (
    "mechanism",
    "carrier",
    "source",
    "line",
    "rule",
    "raw",
    "fetched",
    "license",
    "note",
)
_SNAPSHOT: Final = ("kind", "url", "date", "status", "served_by", "note")
_DETAIL_COLUMNS: Final = (
    "url, title, creator, date, keep, deciding_mechanism, evidence, conflicts, obligations,"
    " exceptions, refused, licenses, snapshots, "
    + ", ".join(f"{c}, {c}_detail.deciding AS {c}_deciding" for c in (COLUMN[u] for u in USES))
)


def site(text: str) -> str:
    """The site ``--domain`` names, spelt as the table spells it (lower case, IDNA).

    Raises :class:`~reciprocity.errors.UsageError` for a name that cannot be a site's, and for
    a host below its registrable domain (the page is the registrable domain's).
    """
    name = normalise_host(text.strip())
    if name is None or not _FILE_NAME.fullmatch(name):
        raise UsageError(f"--domain {text!r} is not a domain name (example.org)")
    registrable = registrable_domain(name)
    if registrable is not None and registrable != name:
        raise UsageError(
            f"--domain {name} is a host of {registrable}: the page is a registrable domain's, "
            f"ask for --domain {registrable}"
        )
    return name


def page_path(folder: Path, name: str, suffix: str) -> Path:
    """``folder/domain-NAME.suffix``, for a name :func:`site` gave (never outside ``folder``)."""
    path = folder / f"domain-{name}{suffix}"
    if not _FILE_NAME.fullmatch(name) or path.resolve().parent != folder.resolve():
        raise UsageError(f"--domain {name!r} does not make a file name")
    return path


def _clean(value: Any) -> Any:
    """A DuckDB value as JSON holds it (dates as ISO 8601)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _document(row: dict[str, Any]) -> dict[str, Any]:
    uses = {
        use.value: {
            "state": row[COLUMN[use]],
            "deciding": list(row[f"{COLUMN[use]}_deciding"] or []),
        }
        for use in USES
    }
    evidence = [
        {
            **{key: e.get(key) for key in _EVIDENCE},
            "says": {use.value: (e.get("stances") or {}).get(COLUMN[use]) for use in USES},
            "obligations": e.get("obligations") or [],
            "exceptions": e.get("exceptions") or [],
        }
        for e in row["evidence"] or []
    ]
    document: dict[str, Any] = _clean(
        {
            "url": row["url"],
            "title": row["title"],
            "creator": row["creator"],
            "date": row["date"],
            "keep": row["keep"],
            "deciding_mechanism": row["deciding_mechanism"],
            "uses": uses,
            "evidence": evidence,
            "conflicts": [
                {k: c[k] for k in ("use", "deny_mechanism", "allow_mechanism")}
                for c in row["conflicts"] or []
            ],
            "licences": row["licenses"] or [],
            "obligations": row["obligations"] or [],
            "exceptions": row["exceptions"] or [],
            "refused": row["refused"] or [],
            # Where the copies were read (a local file and offset) is the builder's, not the
            # publisher's: the page gives the site file's URL, date and status.
            "site_files": [{k: s.get(k) for k in _SNAPSHOT} for s in row["snapshots"] or []],
        }
    )
    return document


def _documents(db: duckdb.DuckDBPyConnection, scope: Scope, total: int) -> dict[str, Any]:
    cursor = db.execute(f"SELECT {_DETAIL_COLUMNS} FROM d LIMIT {LISTED}")
    names = [c[0] for c in cursor.description or ()]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    every = (
        f"SELECT url, title, date, train_ai, ai_use, search, keep, deciding_mechanism, evidence"
        f"\nFROM '{DECISIONS}'\nWHERE {scope.where}"
    )
    return {
        "total": total,
        "listed": len(rows),
        "limit": LISTED,
        "query": every,
        "documents": [_document(row) for row in rows],
    }


def site_figures(
    db: duckdb.DuckDBPyConnection, run: RunFiles, options: ReportOptions, scope: Scope
) -> dict[str, Any]:
    """The publisher's page data, from ``d`` narrowed to ``scope`` (:func:`.overview.scoped`)."""
    data = figures(db, run, options, scope)
    (credited, credited_bytes) = db.execute(
        f"SELECT count(*), sum(payload_bytes) FROM d WHERE {CREDITED}"
    ).fetchone() or (0, None)
    data["credit"] = {
        "documents": int(credited),
        "bytes": None if credited_bytes is None else int(credited_bytes),
        "query": scope.rows(CREDITED),
    }
    data["listing"] = _documents(db, scope, data["totals"]["audited"]["documents"])
    return data
