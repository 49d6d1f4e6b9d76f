"""``model_preferences.json``: the preferences a trained model inherits from its data.

AIPREF's vocabulary (draft-ietf-aipref-vocab-08, §3.3) expects preferences to travel with
models trained on the content they were stated for. This small versioned document is meant to
ship in the model's repository: per use, how much of the kept data allowed it, denied it or
said nothing (and, for the use the run decided, how much was excluded), and the obligations the
model inherits with where to find their details (the attribution list, the licences that ask
to share alike). Counts are of documents and payload bytes, from DuckDB aggregates.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import duckdb

from reciprocity.obligations import Duty
from reciprocity.report.files import write_json
from reciprocity.report.options import ReportOptions
from reciprocity.report.run import RunFiles
from reciprocity.resolve import COLUMN

__all__ = ["FORMAT", "VOCABULARY", "model_preferences", "write"]

FORMAT: Final = "reciprocity.model-preferences/1"
VOCABULARY: Final = "draft-ietf-aipref-vocab-08"
"""The AIPREF vocabulary draft the use names follow (``reciprocity.uses``)."""
_STATES: Final = ("allow", "deny", "unknown", "unavailable")


def _share(documents: Any, size: Any) -> dict[str, int | None]:
    # No documents hold no bytes; documents whose input gives no payload (URL-only rows) hold
    # an unknown number.
    count = int(documents or 0)
    return {"documents": count, "bytes": 0 if not count else None if size is None else int(size)}


def model_preferences(db: duckdb.DuckDBPyConnection, run: RunFiles) -> dict[str, Any]:
    """The document's content (without its header) for the run whose table is ``d``."""

    def rows(sql: str) -> list[tuple[Any, ...]]:
        return db.execute(sql).fetchall()

    ((kept, kept_bytes),) = rows("SELECT count(*), sum(payload_bytes) FROM d WHERE keep")
    uses: dict[str, Any] = {}
    for use, column in COLUMN.items():
        found = {
            state: _share(n, size)
            for state, n, size in rows(
                f"SELECT {column}, count(*), sum(payload_bytes) FROM d WHERE keep GROUP BY ALL"
            )
        }
        entry: dict[str, Any] = {state: found.get(state, _share(0, None)) for state in _STATES}
        if use is run.use:
            ((n, size),) = rows("SELECT count(*), sum(payload_bytes) FROM d WHERE NOT keep")
            entry["excluded"] = _share(n, size)
        uses[use.value] = entry
    inherited = [
        {"kind": kind, **_share(n, size), "licenses": sorted(licences)}
        for kind, n, size, licences in rows(
            "SELECT kind, count(*), sum(payload_bytes), list_distinct(flatten(list(licenses)))"
            " FROM (SELECT unnest(list_distinct(list_transform(obligations, lambda o: o.kind)))"
            " AS kind, payload_bytes, licenses FROM d WHERE keep)"
            " GROUP BY kind ORDER BY count(*) DESC, kind"
        )
    ]
    kinds = {item["kind"] for item in inherited}
    return {
        "training_data": {
            "decided_for": run.use.value,
            "documents": int(kept),
            "bytes": None if kept_bytes is None else int(kept_bytes),
        },
        "uses": uses,
        "obligations": inherited,
        "attribution": {
            "required": Duty.ATTRIBUTION.value in kinds,
            "list": "attribution.jsonl",
            "note": "credit for every kept document that names a licence or asks for credit",
        },
    }


def write(run: RunFiles, folder: Path, options: ReportOptions) -> Sequence[Path]:
    with run.query() as db:
        content = model_preferences(db, run)
    document = {
        "format": FORMAT,
        "vocabulary": VOCABULARY,
        "generated": options.generated.isoformat(),
        "tool": options.tool,
        **content,
    }
    return (write_json(folder / "model_preferences.json", document),)
