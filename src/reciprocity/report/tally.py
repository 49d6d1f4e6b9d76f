"""Counts of a run that the dataset card and the EU summary both state: sizes, what was excluded
and why, licences, conflicts. Each is one DuckDB aggregate over ``decisions.parquet``; a count
of a million rows is a few numbers, never the rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import duckdb

__all__ = [
    "Conflict",
    "Count",
    "Totals",
    "conflicts",
    "exclusions",
    "licences",
    "reason",
    "refused",
    "totals",
]

UNREADABLE: Final = "unreadable"
UNAVAILABLE: Final = "unavailable"
UNKNOWN: Final = "unknown"


@dataclass(frozen=True, slots=True)
class Count:
    """Documents and their payload bytes under one name (a mechanism, a licence, a reason)."""

    name: str
    documents: int
    bytes: int
    """Payload bytes of the documents that state them (``payload_bytes``; 0 when none does)."""


@dataclass(frozen=True, slots=True)
class Conflict:
    """Documents on which two mechanisms disagree about a use."""

    use: str
    deny: str
    allow: str
    documents: int
    kept: int


@dataclass(frozen=True, slots=True)
class Totals:
    """The run's sizes. Bytes are payload bytes; a document whose input holds no payload (a
    URL-only row) counts in ``*_no_bytes`` and adds nothing to the byte totals."""

    documents: int
    kept: int
    bytes: int
    kept_bytes: int
    record_bytes: int
    """WARC/ARC record blocks as declared (0 for rows and lines)."""
    no_bytes: int
    kept_no_bytes: int
    unreadable: int
    unknown: int
    """Documents with no statement about the run's use."""
    unavailable: int
    """Readable documents for whose host no robots.txt could be had."""
    kept_unlicensed: int
    kept_unlicensed_bytes: int
    conflicted: int
    """Documents with at least one conflict (any use)."""
    no_date: int
    first_date: datetime | None
    last_date: datetime | None
    """Capture dates of the kept documents (``date``)."""

    @property
    def excluded(self) -> int:
        return self.documents - self.kept

    @property
    def excluded_bytes(self) -> int:
        return self.bytes - self.kept_bytes


def _ints(row: tuple[Any, ...]) -> list[int]:
    return [int(value or 0) for value in row]


def totals(db: duckdb.DuckDBPyConnection, use_column: str) -> Totals:
    row = db.execute(
        "SELECT count(*), count(*) FILTER (keep),"
        " sum(payload_bytes), sum(payload_bytes) FILTER (keep), sum(record_bytes),"
        " count(*) FILTER (payload_bytes IS NULL),"
        " count(*) FILTER (keep AND payload_bytes IS NULL),"
        " count(error),"
        f" count(*) FILTER ({use_column} = 'unknown'),"
        f" count(*) FILTER ({use_column} = 'unavailable' AND error IS NULL),"
        " count(*) FILTER (keep AND len(licenses) = 0),"
        " sum(payload_bytes) FILTER (keep AND len(licenses) = 0),"
        " count(*) FILTER (len(conflicts) > 0),"
        " count(*) FILTER (date IS NULL),"
        " min(date) FILTER (keep), max(date) FILTER (keep)"
        " FROM d"
    ).fetchone()
    assert row is not None  # an aggregate without GROUP BY always answers one row
    (documents, kept, size, kept_size, records, no_bytes, kept_no_bytes, unreadable, unknown,
     unavailable, unlicensed, unlicensed_size, conflicted, no_date) = _ints(row[:-2])  # fmt: skip
    return Totals(
        documents=documents,
        kept=kept,
        bytes=size,
        kept_bytes=kept_size,
        record_bytes=records,
        no_bytes=no_bytes,
        kept_no_bytes=kept_no_bytes,
        unreadable=unreadable,
        unknown=unknown,
        unavailable=unavailable,
        kept_unlicensed=unlicensed,
        kept_unlicensed_bytes=unlicensed_size,
        conflicted=conflicted,
        no_date=no_date,
        first_date=row[-2],
        last_date=row[-1],
    )


# Why a document was not kept: unreadable and unavailable first (nothing was decided), then
# no statement under `--unknown deny`, else the mechanism that decided (`policy`: a refused
# obligation).
_REASON: Final = (
    f"CASE WHEN error IS NOT NULL THEN '{UNREADABLE}'"
    " WHEN {use} = 'unavailable' THEN '" + UNAVAILABLE + "'"
    " WHEN {use} = 'unknown' THEN '" + UNKNOWN + "'"
    " ELSE coalesce(deciding_mechanism, '" + UNKNOWN + "') END"
)


def reason(use_column: str) -> str:
    """The SQL expression over ``d`` that :func:`exclusions` groups the documents not kept by."""
    return _REASON.format(use=use_column)


def _counts(db: duckdb.DuckDBPyConnection, sql: str) -> tuple[Count, ...]:
    rows = db.execute(sql).fetchall()
    return tuple(Count(str(name), int(docs), int(size or 0)) for name, docs, size in rows)


def exclusions(db: duckdb.DuckDBPyConnection, use_column: str) -> tuple[Count, ...]:
    """Documents not kept and their bytes, by the reason (``deciding_mechanism``, or
    ``unreadable`` / ``unavailable`` / ``unknown``), most documents first."""
    return _counts(
        db,
        f"SELECT {reason(use_column)} AS reason, count(*) AS n, sum(payload_bytes) FROM d"
        " WHERE NOT keep GROUP BY reason ORDER BY n DESC, reason",
    )


def refused(db: duckdb.DuckDBPyConnection) -> tuple[Count, ...]:
    """Documents not kept because their allow carries a refused duty, by duty (a document
    carrying two counts under each)."""
    return _counts(
        db,
        "SELECT duty, count(*) AS n, sum(payload_bytes) FROM"
        " (SELECT unnest(list_distinct(refused)) AS duty, payload_bytes FROM d WHERE NOT keep)"
        " GROUP BY duty ORDER BY n DESC, duty",
    )


def licences(db: duckdb.DuckDBPyConnection) -> tuple[Count, ...]:
    """Kept documents by the SPDX id their evidence names (a document under two counts under
    each); those naming none are in :attr:`Totals.kept_unlicensed`."""
    return _counts(
        db,
        "SELECT licence, count(*) AS n, sum(payload_bytes) FROM"
        " (SELECT unnest(list_distinct(licenses)) AS licence, payload_bytes FROM d WHERE keep)"
        " GROUP BY licence ORDER BY n DESC, licence",
    )


def conflicts(db: duckdb.DuckDBPyConnection) -> tuple[Conflict, ...]:
    """Documents with a conflict, by use and the pair of mechanisms (a document counts once
    per pair, however many pieces of evidence disagree)."""
    rows = db.execute(
        "SELECT c.u, c.d, c.a, count(*) AS n, count(*) FILTER (keep) FROM"
        " (SELECT keep, unnest(list_distinct(list_transform(conflicts, lambda x:"
        " struct_pack(u := x.use, d := x.deny_mechanism, a := x.allow_mechanism)))) AS c"
        " FROM d WHERE len(conflicts) > 0)"
        " GROUP BY ALL ORDER BY n DESC, c.u, c.d, c.a"
    ).fetchall()
    return tuple(Conflict(str(u), str(d), str(a), int(n), int(k)) for u, d, a, n, k in rows)
