"""The schema of ``decisions.parquet``: the audit's contract with everything that reads it.

Credit, the dataset card, the EU summary and the publisher's view all read this table, so it is
versioned (:data:`SCHEMA_VERSION`, stored in the Parquet metadata under ``reciprocity.schema``)
and documented column by column in ``docs/decisions.md`` (a test keeps the two equal). Evidence,
conflicts, obligations and the snapshots that applied are structs and lists, not JSON strings,
so that DuckDB, Polars or pyarrow query them directly.
"""

from __future__ import annotations

from typing import Final

import pyarrow as pa

from reciprocity.resolve import COLUMN
from reciprocity.uses import USES

__all__ = [
    "COLUMNS",
    "CONFLICT",
    "EVIDENCE",
    "OBLIGATION",
    "SCHEMA",
    "SCHEMA_KEY",
    "SCHEMA_VERSION",
    "SNAPSHOT",
    "USE_COLUMNS",
    "USE_DETAIL",
]

SCHEMA_VERSION: Final = "2"
"""Version 1 (issue 5) had JSON evidence, one licence, a conflict flag and ``decided_by``."""
SCHEMA_KEY: Final = b"reciprocity.schema"

USE_COLUMNS: Final = tuple(COLUMN[use] for use in USES)
"""The column of each use, in :data:`reciprocity.uses.USES` order."""

_str = pa.string()
OBLIGATION: Final = pa.struct([("kind", _str), ("url", _str), ("detail", _str)])
_OBLIGATIONS: Final = pa.list_(OBLIGATION)
STANCES: Final = pa.struct([(column, _str) for column in USE_COLUMNS])
DIAGNOSTIC: Final = pa.struct([("line", pa.int32()), ("code", _str), ("message", _str)])
EVIDENCE: Final = pa.struct(
    [
        ("mechanism", _str),
        ("carrier", _str),
        ("source", _str),
        ("line", pa.int32()),
        ("rule", _str),
        ("raw", _str),
        ("stances", STANCES),
        ("fetched", _str),
        ("license", _str),
        ("license_url", _str),
        ("obligations", _OBLIGATIONS),
        ("exceptions", _OBLIGATIONS),
        ("note", _str),
        ("diagnostics", pa.list_(DIAGNOSTIC)),
    ]
)
USE_DETAIL: Final = pa.struct(
    [
        ("state", _str),
        ("deciding", pa.list_(pa.int32())),
        ("exceptions", _OBLIGATIONS),
        ("obligations", _OBLIGATIONS),
    ]
)
CONFLICT: Final = pa.struct(
    [
        ("use", _str),
        ("deny_mechanism", _str),
        ("allow_mechanism", _str),
        ("deny_evidence", pa.int32()),
        ("allow_evidence", pa.int32()),
    ]
)
_UTC: Final = pa.timestamp("us", tz="UTC")
SNAPSHOT: Final = pa.struct(
    [
        ("kind", _str),
        ("url", _str),
        ("source", _str),
        ("offset", pa.int64()),
        ("date", _UTC),
        ("status", pa.int32()),
        ("served_by", _str),
        ("note", _str),
    ]
)

SCHEMA: Final = pa.schema(
    [
        ("source", _str),
        ("offset", pa.int64()),
        ("record_id", _str),
        ("url", _str),
        ("host", _str),
        ("domain", _str),
        ("date", _UTC),
        ("status", pa.int32()),
        ("content_type", _str),
        ("payload_digest", _str),
        ("title", _str),
        ("creator", _str),
        ("train_ai", _str),
        ("ai_use", _str),
        ("search", _str),
        ("keep", pa.bool_()),
        ("deciding_mechanism", _str),
        ("exceptions", _OBLIGATIONS),
        ("obligations", _OBLIGATIONS),
        ("refused", pa.list_(_str)),
        ("train_ai_detail", USE_DETAIL),
        ("ai_use_detail", USE_DETAIL),
        ("search_detail", USE_DETAIL),
        ("licenses", pa.list_(_str)),
        ("license_urls", pa.list_(_str)),
        ("evidence", pa.list_(EVIDENCE)),
        ("conflicts", pa.list_(CONFLICT)),
        ("snapshots", pa.list_(SNAPSHOT)),
        ("payload_bytes", pa.int64()),
        ("record_bytes", pa.int64()),
        ("error", _str),
    ],
    metadata={SCHEMA_KEY: SCHEMA_VERSION.encode()},
)

COLUMNS: Final = tuple(SCHEMA.names)
"""The columns of ``decisions.parquet``, in order."""
