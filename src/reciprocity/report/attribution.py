"""``attribution.jsonl`` and ``attribution.csv``: credit for what was kept, TASL-style.

One record per kept document that names a licence or carries an attribution duty: its title
and creator as the page states them, where it came from (URL, registrable domain, the input
file and offset that held it), its licences (SPDX ids and URLs) and which mechanisms asked for
credit. The two files are written by DuckDB straight from ``decisions.parquet`` (streamed, in
input order), so a run of any size is credited in bounded memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

import duckdb

from reciprocity.obligations import Duty
from reciprocity.report.files import atomic_path
from reciprocity.report.options import ReportOptions
from reciprocity.report.run import RunFiles

__all__ = ["CREDITED", "FIELDS", "credited_rows", "write"]

_ATTRIBUTION: Final = Duty.ATTRIBUTION.value
_OWES_CREDIT: Final = (
    f"list_contains(list_transform(obligations, lambda o: o.kind), '{_ATTRIBUTION}')"
)

CREDITED: Final = f"keep AND (len(licenses) > 0 OR {_OWES_CREDIT})"
"""Which rows of ``d`` are credited (an SQL condition): kept, and licensed or owed credit."""

# The mechanisms that asked for credit: evidence whose allow comes with attribution, or whose
# deny was lifted by accepting it (CC signals' cc-cr).
_ASKED_BY: Final = (
    "list_sort(list_distinct(list_transform(list_filter(evidence, lambda e:"
    f" list_contains(list_transform(e.obligations, lambda o: o.kind), '{_ATTRIBUTION}')"
    f" OR list_contains(list_transform(e.exceptions, lambda o: o.kind), '{_ATTRIBUTION}')),"
    " lambda e: e.mechanism)))"
)

FIELDS: Final = (
    ("title", "title"),
    ("creator", "creator"),
    ("url", "url"),
    ("domain", "domain"),
    ("licenses", "licenses"),
    ("license_urls", "license_urls"),
    ("credit_required", _OWES_CREDIT),
    ("credit_asked_by", _ASKED_BY),
    ("date", "strftime(date AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ')"),
    ("source", "source"),
    ("offset", '"offset"'),
    ("record_id", "record_id"),
)
"""(field, expression over ``d``) of an attribution record, in order."""


def credited_rows(db: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """The attribution records of the run whose table is ``d`` in ``db``, in input order."""
    columns = ", ".join(f'{expression} AS "{name}"' for name, expression in FIELDS)
    return db.sql(f"SELECT {columns} FROM d WHERE {CREDITED}")


def write(run: RunFiles, folder: Path, options: ReportOptions) -> Sequence[Path]:
    del options  # the records are the run's; nothing of the report's own date goes in
    jsonl, csv = folder / "attribution.jsonl", folder / "attribution.csv"
    lists = {"licenses", "license_urls", "credit_asked_by"}
    # CSV cells hold one value: lists are joined with spaces (SPDX ids, URLs and mechanism
    # names hold none).
    flat = ", ".join(
        f"array_to_string({name}, ' ') AS {name}" if name in lists else f'"{name}"'
        for name, _ in FIELDS
    )
    with run.query() as db:
        # Insertion order is DuckDB's default; said here because the files promise input order.
        db.execute("SET preserve_insertion_order = true")
        credited_rows(db).create_view("credited")
        _copy(db, "SELECT * FROM credited", jsonl, "FORMAT JSON")
        _copy(db, f"SELECT {flat} FROM credited", csv, "FORMAT CSV, HEADER")
    return (jsonl, csv)


def _copy(db: duckdb.DuckDBPyConnection, query: str, path: Path, options: str) -> None:
    with atomic_path(path) as temporary:
        quoted = str(temporary).replace("'", "''")
        db.execute(f"COPY ({query}) TO '{quoted}' ({options})")
