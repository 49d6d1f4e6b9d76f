"""The audit's decision as a batch function, for pipelines that build their own graph.

:class:`AuditBatch` takes an Arrow table or record batch (or a pandas frame) whose rows are
documents — a ``url`` column, and optionally ``html``/``content``/``text``, ``headers``,
``date`` and ``id``, named as for ``reciprocity audit`` (:class:`ColumnNames`) — and gives it
back with the decision columns of ``decisions.parquet`` appended (:data:`DECISION_COLUMNS`).
The values are those of the audit's rows for the same rows: each row is read as the audit's
Parquet reader reads it, and decided by :func:`~reciprocity.corpus.decide.decide`, or by site
(:class:`~reciprocity.corpus.plans.UrlRowDecider`) when the batch holds URLs and no payload or
headers.

It pickles as its policy and the path of the snapshots' on-disk index, so that Ray Data
(``ds.map_batches(AuditBatch(...), batch_format="pyarrow")``), Spark (``mapInArrow``) or a
process pool can send it to their workers; each worker opens the index, read-only, on first
use. The index must outlive the job and be on a disk every worker sees.

What the audit does beyond one batch is not done here: the site files found among the inputs'
own records (a crawl's ``/ai.txt``) are not gathered, and nothing is fetched live.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final, TypeVar

import pyarrow as pa

from reciprocity.corpus.decide import decide
from reciprocity.corpus.plans import UrlRowDecider
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.readers.rows import ColumnNames, UrlRows, _Skip
from reciprocity.corpus.readers.tables import _batch_documents, _columns_to_read, url_only
from reciprocity.corpus.schema import SCHEMA
from reciprocity.errors import UsageError
from reciprocity.sources.site import SiteSays
from reciprocity.sources.snapshot_index import Index
from reciprocity.sources.snapshots import SiteSnapshots

__all__ = ["DECISION_COLUMNS", "RECORD_COLUMNS", "AuditBatch"]

RECORD_COLUMNS: Final = ("source", "offset", "record_id", "url", "date")
"""Columns of ``decisions.parquet`` that repeat what the input row holds: not appended."""
DECISION_COLUMNS: Final = tuple(n for n in SCHEMA.names if n not in RECORD_COLUMNS)
"""Columns appended to each batch, in ``decisions.parquet`` order ([decisions.md])."""

_ROWS: Final = 8192
"""Rows decided at a time: the batch size of the audit's URL-only reader."""

B = TypeVar("B", pa.Table, pa.RecordBatch)


class AuditBatch:
    """Appends the audit's decision columns to batches of documents (module docstring).

    ``snapshots`` is what :func:`~reciprocity.sources.snapshots.load_snapshots` gave, or the
    path of its index file (``snapshots.index.path``); ``None`` decides without any, as an
    audit without ``--robots`` does (every host ``unavailable``); ``policy`` defaults to the
    audit's (``train-ai``, crawler ``CCBot``). ``source`` names the input in
    error rows; ``prefix`` goes before every appended column's name (a batch that already has a
    column of that name is refused)."""

    def __init__(
        self,
        policy: AuditPolicy | None = None,
        snapshots: SiteSnapshots | str | Path | None = None,
        *,
        columns: ColumnNames = ColumnNames(),
        source: str = "",
        prefix: str = "",
    ) -> None:
        if isinstance(snapshots, (str, Path)):
            # An index another process built: opened read-only, never removed from here.
            snapshots = SiteSnapshots(Index(snapshots))
        self.policy = policy if policy is not None else AuditPolicy()
        self.columns = columns
        self.source = source
        self.prefix = prefix
        self._sites = SiteSays(snapshots)
        self._decider: UrlRowDecider | None = None

    def __getstate__(self) -> dict[str, Any]:
        # The decider's plans are this process's cache: a worker builds its own.
        return {k: v for k, v in self.__dict__.items() if k != "_decider"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._decider = None

    def __call__(self, batch: Any) -> Any:
        """``batch`` (an Arrow table or record batch, or a pandas frame) with the decision
        columns appended; of the same kind."""
        pandas = sys.modules.get("pandas")
        if pandas is not None and isinstance(batch, pandas.DataFrame):
            table = pa.Table.from_pandas(batch, preserve_index=False)
            return self.annotate(table).to_pandas()
        if isinstance(batch, (pa.Table, pa.RecordBatch)):
            return self.annotate(batch)
        raise UsageError(
            f"AuditBatch takes an Arrow table or record batch or a pandas frame, not a "
            f"{type(batch).__name__} (Ray Data: map_batches(..., batch_format='pyarrow'))"
        )

    def annotate(self, batch: B, first: int = 0) -> B:
        """``batch`` with the decision columns appended (``first``: the offset of its first
        row, which error rows name)."""
        names = set(batch.schema.names)
        clash = [self.prefix + n for n in DECISION_COLUMNS if self.prefix + n in names]
        if clash:
            raise UsageError(
                f"the batch has columns named as decision columns ({', '.join(clash)}); "
                "give AuditBatch a prefix"
            )
        rows: pa.Table = self.decisions(batch, first)
        arrays = [*batch.columns, *(rows.column(n).combine_chunks() for n in DECISION_COLUMNS)]
        fields = [
            *batch.schema,
            *(SCHEMA.field(n).with_name(self.prefix + n) for n in DECISION_COLUMNS),
        ]
        schema = pa.schema(fields, metadata=batch.schema.metadata)
        if isinstance(batch, pa.RecordBatch):
            return pa.RecordBatch.from_arrays(arrays, schema=schema)
        return pa.Table.from_arrays(arrays, schema=schema)

    def decisions(self, batch: pa.Table | pa.RecordBatch, first: int = 0) -> pa.Table:
        """The rows of ``decisions.parquet`` for ``batch`` (every column of the schema), the
        first at offset ``first``."""
        wanted = _columns_to_read(batch.schema, self.columns, self.source or "batch")
        table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
        table = table.select(wanted)
        by_site = url_only(table.schema, self.columns)
        pieces = list(self._pieces(table, first, by_site=by_site))
        return pa.concat_tables(pieces) if pieces else SCHEMA.empty_table()

    def _pieces(self, table: pa.Table, first: int, *, by_site: bool) -> Iterator[pa.Table]:
        row = first
        for batch in table.to_batches(max_chunksize=_ROWS):
            rows: list[dict[str, Any]] = []
            for item in _batch_documents(
                batch, self.source, row, self.columns, _Skip(0), as_rows=by_site
            ):
                if isinstance(item, UrlRows):
                    yield self._url_rows().decide(item)
                else:
                    rows.append(decide(item, self._sites, self.policy))
            if rows:
                yield pa.Table.from_pylist(rows, schema=SCHEMA)
            row += batch.num_rows

    def _url_rows(self) -> UrlRowDecider:
        if self._decider is None:
            self._decider = UrlRowDecider(self._sites, self.policy)
        return self._decider
