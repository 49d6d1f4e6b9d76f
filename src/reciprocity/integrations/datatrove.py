"""The audit's decision as a datatrove pipeline step (``pip install 'reciprocity[datatrove]'``).

:class:`ReciprocityFilter` decides each datatrove ``Document`` as the audit decides a row: its
URL, date and HTTP headers from its metadata (``url``, ``date``, ``headers``: what datatrove's
readers give, renameable), its payload from ``text``. It keeps the document or drops it, the
reason (``train_ai=deny by robots-txt``) going to the ``exclusion_writer`` with the document,
and writes the decision (the columns of ``decisions.parquet`` that say why,
:data:`~reciprocity.integrations.arrow.DECISION_COLUMNS`) into ``Document.metadata`` under
``reciprocity``, for kept and dropped documents alike.

Place it before text extraction: the page's own ``<meta name="robots" content="noai">``,
licence links and TDMRep meta are read from its HTML; after extraction only the URL, headers
and the site's files remain to decide on. Snapshots travel as the path of their on-disk index
(:func:`~reciprocity.sources.snapshots.load_snapshots`, kept open by the process that runs the
executor, on a disk every task sees); a task opens it on first use.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from reciprocity.integrations import require_extra

require_extra("datatrove", "datatrove")

from datatrove.data import Document as DatatroveDocument  # noqa: E402
from datatrove.pipeline.filters.base_filter import BaseFilter  # noqa: E402
from datatrove.pipeline.writers.disk_base import DiskWriter  # noqa: E402

from reciprocity.corpus.decide import decide  # noqa: E402
from reciprocity.corpus.policy import AuditPolicy  # noqa: E402
from reciprocity.corpus.readers.rows import ColumnNames, _row_document  # noqa: E402
from reciprocity.integrations.arrow import DECISION_COLUMNS  # noqa: E402
from reciprocity.resolve import COLUMN as _USE_COLUMN  # noqa: E402
from reciprocity.sources.site import SiteSays  # noqa: E402
from reciprocity.sources.snapshot_index import Index  # noqa: E402
from reciprocity.sources.snapshots import SiteSnapshots  # noqa: E402

__all__ = ["ReciprocityFilter"]


def _plain(value: Any) -> Any:
    """``value`` with its dates as ISO 8601 text: metadata goes to JSON writers."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


class ReciprocityFilter(BaseFilter):  # type: ignore[misc]  # datatrove is untyped
    """Keeps the documents the audit would keep (module docstring)."""

    name = "🤝 reciprocity"

    def __init__(
        self,
        policy: AuditPolicy | None = None,
        snapshots: SiteSnapshots | str | Path | None = None,
        *,
        url_key: str = "url",
        date_key: str = "date",
        headers_key: str = "headers",
        metadata_key: str = "reciprocity",
        exclusion_writer: DiskWriter | None = None,
    ) -> None:
        super().__init__(exclusion_writer)
        if isinstance(snapshots, (str, Path)):
            snapshots = SiteSnapshots(Index(snapshots))
        self.policy = policy if policy is not None else AuditPolicy()
        self.sites = SiteSays(snapshots)
        self.metadata_key = metadata_key
        # The row a document is read as: its payload under "html", the rest by these names.
        self.columns = ColumnNames(
            url=url_key, html=("html",), headers=headers_key, date=date_key, id="id"
        )

    def decide(self, doc: DatatroveDocument) -> dict[str, Any]:
        """The ``decisions.parquet`` row of ``doc`` (every column)."""
        metadata = doc.metadata
        row = {
            self.columns.url: metadata.get(self.columns.url),
            self.columns.headers: metadata.get(self.columns.headers),
            self.columns.date: metadata.get(self.columns.date),
            "html": doc.text,
            "id": doc.id,
        }
        source = str(metadata.get("file_path", ""))
        offset = metadata.get("offset")
        document = _row_document(
            row, source, offset if isinstance(offset, int) else 0, self.columns
        )
        return decide(document, self.sites, self.policy)

    def filter(self, doc: DatatroveDocument) -> bool | tuple[bool, str]:
        row = self.decide(doc)
        doc.metadata[self.metadata_key] = {c: _plain(row.get(c)) for c in DECISION_COLUMNS}
        if row["keep"]:
            return True
        column = _USE_COLUMN[self.policy.use]
        if row["error"] is not None:
            return False, "error"
        why = row.get("deciding_mechanism")
        reason = f"{column}={row[column]}" + (f" by {why}" if why else "")
        return False, reason
